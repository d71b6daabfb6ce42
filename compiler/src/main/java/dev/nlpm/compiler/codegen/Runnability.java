package dev.nlpm.compiler.codegen;

import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Decoding;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.Tokenizer;
import dev.nlpm.compiler.ir.TransformerStack;
import dev.nlpm.compiler.source.Origin;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What the runtime runs of a valid declaration, and so what the compiler generates for it: the
 * one place that decides. Every model gets its Layout; a word2vec model, and an encoder, decoder
 * or LSTM language model of a shape the runtime runs, also get their kernels and their facade.
 * Each {@link Gap} below is one thing a valid declaration can ask for that the runtime does not
 * run yet, with its own warning code, the option it is reported at, and whether it keeps the
 * kernels too or only the facade. When later work makes a shape runnable, its row goes.
 */
public final class Runnability {

  /** What a gap keeps from being generated. */
  private enum Keeps {
    /** The kernels and the facade: the products the kernels compute are not the model's. */
    KERNELS,
    /** The facade only: the kernels fit, the runtime composition around them does not. */
    FACADE
  }

  /** A gap found in one model: where it stands, and its message arguments after the first. */
  private record Found(Origin at, List<Object> args) {
    static Found at(Origin at, Object... args) {
      return new Found(at, List.of(args));
    }
  }

  /** One thing the runtime does not run yet: its code, what it keeps, and where a model asks for it. */
  private record Gap(DiagnosticCode code, Keeps keeps, Function<ModelSpec, Stream<Found>> find) {}

  /** The checkpoint names the runtime's encoder reads ({@code nlpm} is BERT's for an encoder). */
  private static final Set<CheckpointNames> ENCODER_NAMES =
      EnumSet.of(CheckpointNames.BERT, CheckpointNames.NLPM, CheckpointNames.ROBERTA, CheckpointNames.ALBERT, CheckpointNames.DISTILBERT);

  /** The checkpoint names the generated decoder passes read ({@code nlpm} is GPT-2's for a decoder). */
  private static final Set<CheckpointNames> DECODER_NAMES = EnumSet.of(CheckpointNames.GPT2, CheckpointNames.NLPM);

  /** Every gap, in the order its warnings are reported for one model. */
  private static final List<Gap> GAPS =
      List.of(
          family(DiagnosticCode.RNN_SEQ2SEQ_NOT_RUNNABLE, Family.RNN_SEQ2SEQ),
          family(DiagnosticCode.TRANSFORMER_SEQ2SEQ_NOT_RUNNABLE, Family.TRANSFORMER_SEQ2SEQ),
          family(DiagnosticCode.NAT_NOT_RUNNABLE, Family.NAT),
          attention(DiagnosticCode.LOCAL_ATTENTION_NOT_RUNNABLE, Attention.Local.class),
          attention(DiagnosticCode.LINFORMER_ATTENTION_NOT_RUNNABLE, Attention.Linformer.class),
          attention(DiagnosticCode.XL_ATTENTION_NOT_RUNNABLE, Attention.TransformerXl.class),
          // encoder training needs [CLS]/[SEP]/[MASK]-style special tokens: WordPiece, BPE and char have them
          new Gap(DiagnosticCode.ENCODER_TOKENIZER_NOT_RUNNABLE, Keeps.FACADE, m -> encoder(m)
              .filter(e -> m.tokenizer() instanceof Tokenizer.Whitespace)
              .map(e -> Found.at(m.tokenizer().origin(), m.tokenizer().keyword()))),
          // word2vec reads words split on whitespace; a subword or char tokenizer would be ignored
          new Gap(DiagnosticCode.WORD2VEC_TOKENIZER_NOT_RUNNABLE, Keeps.FACADE, m -> Stream.of(m)
              .filter(w -> w.family() == Family.WORD2VEC && !(w.tokenizer() instanceof Tokenizer.Whitespace))
              .map(w -> Found.at(w.tokenizer().origin(), w.tokenizer().keyword()))),
          new Gap(DiagnosticCode.NAMES_NOT_RUNNABLE, Keeps.FACADE, Runnability::names),
          objective(DiagnosticCode.SPAN_OBJECTIVE_NOT_RUNNABLE, Objective.SpanMasking.class),
          objective(DiagnosticCode.SBO_OBJECTIVE_NOT_RUNNABLE, Objective.SpanBoundary.class),
          // the proposal heads multiply hidden-wide states by the output weight, which a tied factorized
          // decoder holds at the embedding width (its passes map back through embedding_hidden_mapping_out)
          new Gap(DiagnosticCode.BLOCKWISE_NOT_RUNNABLE, Keeps.FACADE, m -> decoder(m)
              .filter(d -> d.tieEmbeddings() && d.embeddings().size() != d.stack().hidden())
              .flatMap(d -> m.decodings().stream().filter(Decoding.Blockwise.class::isInstance))
              .map(b -> Found.at(b.origin()))),
          new Gap(DiagnosticCode.DISTILLATION_NOT_RUNNABLE, Keeps.FACADE, m -> stack(m)
              .flatMap(s -> m.objective(Objective.Distillation.class).stream())
              .map(o -> Found.at(o.origin(), m.family() == Family.ENCODER ? "encoders train with mlm and nsp" : "decoders train with clm"))));

  private final boolean kernels;
  private final boolean facade;
  private final List<Diagnostic> warnings;

  private Runnability(boolean kernels, boolean facade, List<Diagnostic> warnings) {
    this.kernels = kernels;
    this.facade = facade;
    this.warnings = List.copyOf(warnings);
  }

  /** Judges a valid model against every gap. */
  public static Runnability of(ModelSpec model) {
    List<Gap> hit = new ArrayList<>();
    List<Found> found = new ArrayList<>();
    for (Gap gap : GAPS) {
      gap.find().apply(model).forEach(f -> {
        hit.add(gap);
        found.add(f);
      });
    }
    // a family the runtime does not run has its own gap, which keeps the kernels and the facade
    boolean kernels = hit.stream().noneMatch(g -> g.keeps() == Keeps.KERNELS);
    boolean facade = hit.isEmpty();
    String outcome = model.name() + " gets its layout" + (kernels ? " and kernels" : "") + ", no facade";
    List<Diagnostic> warnings = new ArrayList<>();
    for (int i = 0; i < hit.size(); i++) {
      List<Object> args = new ArrayList<>();
      args.add(outcome);
      args.addAll(found.get(i).args());
      warnings.add(Diagnostic.warning(hit.get(i).code(), found.get(i).at(), args.toArray()));
    }
    return new Runnability(kernels, facade, warnings);
  }

  /** Reports the warnings of a valid model; generation goes on regardless. */
  public static void report(ModelSpec model, Diagnostics diagnostics) {
    diagnostics.addAll(of(model).warnings());
  }

  /** Whether the model's kernels are generated (for word2vec, encoders, decoders and LSTM LMs). */
  public boolean kernels() {
    return kernels;
  }

  /** Whether the model's facade is generated: the runtime runs it whole. */
  public boolean facade() {
    return facade;
  }

  /** One warning for each gap the model has, at the option that asks for it; empty when runnable. */
  public List<Diagnostic> warnings() {
    return warnings;
  }

  // ---- the gaps' kinds ----

  private static Gap family(DiagnosticCode code, Family family) {
    return new Gap(code, Keeps.KERNELS, m -> m.family() == family
        ? Stream.of(Found.at(m.originOf("family", m.origin())))
        : Stream.empty());
  }

  /** An attention variant of an encoder or decoder (a translator's are its family's gap). */
  private static Gap attention(DiagnosticCode code, Class<? extends Attention> variant) {
    return new Gap(code, Keeps.KERNELS, m -> stack(m)
        .map(TransformerStack::attention)
        .filter(variant::isInstance)
        .map(a -> Found.at(a.origin())));
  }

  /** An encoder's or decoder's objective the runtime does not train. */
  private static Gap objective(DiagnosticCode code, Class<? extends Objective> kind) {
    return new Gap(code, Keeps.FACADE, m -> stack(m).flatMap(s -> m.objective(kind).stream()).map(o -> Found.at(o.origin())));
  }

  /**
   * Encoders run with BERT's, RoBERTa's, ALBERT's and DistilBERT's checkpoint names, decoders with
   * GPT-2's and nlpm's (a decoder's nlpm names are GPT-2's, and name what GPT-2's cannot: sharing).
   */
  private static Stream<Found> names(ModelSpec m) {
    if (m.family() == Family.ENCODER) {
      return stack(m)
          .filter(s -> !ENCODER_NAMES.contains(m.names()))
          .map(s -> Found.at(m.originOf("names", m.origin()), m.names().keyword(), m.family().keyword(), "bert, roberta, albert or distilbert"));
    }
    return stack(m)
        .filter(s -> !DECODER_NAMES.contains(m.names()))
        .map(s -> Found.at(m.originOf("names", m.origin()), m.names().keyword(), m.family().keyword(), "gpt2 or nlpm"));
  }

  // ---- the parts of an encoder or decoder (empty for other families) ----

  private static Stream<TransformerStack> stack(ModelSpec m) {
    return encoder(m).map(Architecture.Encoder::stack).findFirst().or(() -> decoder(m).map(Architecture.Decoder::stack).findFirst()).stream();
  }

  private static Stream<Architecture.Encoder> encoder(ModelSpec m) {
    return m.architecture() instanceof Architecture.Encoder e ? Stream.of(e) : Stream.empty();
  }

  private static Stream<Architecture.Decoder> decoder(ModelSpec m) {
    return m.architecture() instanceof Architecture.Decoder d ? Stream.of(d) : Stream.empty();
  }
}
