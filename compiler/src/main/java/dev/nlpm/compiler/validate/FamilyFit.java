package dev.nlpm.compiler.validate;

import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Decoding;
import dev.nlpm.compiler.ir.Embeddings;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.TransformerStack;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What fits which family: objectives, decoding schemes and attention variants, the objectives
 * that exclude or need each other, and the objectives a family must have.
 */
final class FamilyFit {

  static final Map<Family, List<String>> OBJECTIVES = new EnumMap<>(Family.class);
  static final Map<Family, List<String>> DECODINGS = new EnumMap<>(Family.class);

  static {
    OBJECTIVES.put(Family.WORD2VEC, List.of("skipgram", "cbow"));
    OBJECTIVES.put(Family.ENCODER, List.of("mlm", "nsp", "sop", "span", "sbo", "distillation"));
    OBJECTIVES.put(Family.DECODER, List.of("clm", "distillation"));
    OBJECTIVES.put(Family.LSTM_LM, List.of("clm"));
    OBJECTIVES.put(Family.RNN_SEQ2SEQ, List.of("translation", "distillation"));
    OBJECTIVES.put(Family.TRANSFORMER_SEQ2SEQ, List.of("translation", "distillation"));
    OBJECTIVES.put(Family.NAT, List.of("cmlm", "length", "glancing", "distillation"));
    DECODINGS.put(Family.WORD2VEC, List.of());
    DECODINGS.put(Family.ENCODER, List.of());
    DECODINGS.put(Family.DECODER, List.of("greedy", "beam", "sampling", "blockwise"));
    DECODINGS.put(Family.LSTM_LM, List.of("greedy", "beam", "sampling"));
    DECODINGS.put(Family.RNN_SEQ2SEQ, List.of("greedy", "beam", "sampling"));
    DECODINGS.put(Family.TRANSFORMER_SEQ2SEQ, List.of("greedy", "beam", "sampling", "blockwise"));
    DECODINGS.put(Family.NAT, List.of("mask_predict", "hybrid", "greedy"));
  }

  /** Pairs of objectives that exclude each other, with why. */
  private static final List<String[]> CONFLICTS =
      List.of(
          new String[] {"mlm", "span", "span masking replaces token masking"},
          new String[] {"nsp", "sop", "both classify the same sentence pair; choose one"},
          new String[] {"skipgram", "cbow", "a word2vec model trains one architecture; declare two models"});

  private FamilyFit() {}

  static void check(ModelSpec model, Validator validator) {
    Diagnostics diagnostics = validator.diagnostics();
    Family family = model.family();
    String familyWord = family.keyword();
    List<String> objectives = OBJECTIVES.get(family);
    for (Objective objective : model.objectives()) {
      if (!objectives.contains(objective.keyword())) {
        diagnostics.error(
            DiagnosticCode.OBJECTIVE_NOT_FOR_FAMILY,
            objective.origin(),
            objective.keyword(),
            familyWord,
            familyWord,
            String.join(", ", objectives));
      }
    }
    for (String[] conflict : CONFLICTS) {
      Optional<Objective> first = find(model, conflict[0]);
      Optional<Objective> second = find(model, conflict[1]);
      if (first.isPresent() && second.isPresent()) {
        diagnostics.error(
            DiagnosticCode.OBJECTIVES_CONFLICT, second.get().origin(), conflict[0], conflict[1], conflict[2]);
      }
    }
    // An objective whose kind was not understood may be the one another needs.
    boolean objectivesUnderstood = validator.understood("objective");
    find(model, "sbo")
        .filter(sbo -> find(model, "span").isEmpty() && objectivesUnderstood)
        .ifPresent(
            sbo ->
                diagnostics.error(
                    DiagnosticCode.OBJECTIVE_REQUIRES,
                    sbo.origin(),
                    "sbo",
                    "span",
                    "the span-boundary objective predicts the tokens of masked spans"));
    for (String pairObjective : List.of("nsp", "sop")) {
      Optional<Objective> found = find(model, pairObjective);
      if (found.isPresent()
          && model.architecture() instanceof Architecture.Encoder e
          && e.embeddings().segments() < 2
          && validator.understood("embeddings.segments")) {
        diagnostics.error(DiagnosticCode.SEGMENTS_REQUIRED, found.get().origin(), pairObjective, e.embeddings().segments());
      }
    }
    if (model.objectives().isEmpty() && objectivesUnderstood) {
      diagnostics.error(
          DiagnosticCode.NO_OBJECTIVE,
          model.origin(),
          model.name(),
          familyWord,
          "one of: " + String.join(", ", objectives) + " (write 'objective " + objectives.get(0) + ";')");
    }
    checkDecodings(model, diagnostics);
    checkAttention(model, diagnostics, validator.understood("attention", "embeddings.positions"));
    if (validator.understood("names")) {
      checkNames(model, diagnostics, validator);
    }
  }

  /** The checkpoint naming schemes that can name each family's tensors. */
  static final Map<Family, List<CheckpointNames>> NAMES = new EnumMap<>(Family.class);

  static {
    NAMES.put(Family.WORD2VEC, List.of(CheckpointNames.GENSIM));
    NAMES.put(Family.ENCODER, List.of(CheckpointNames.BERT, CheckpointNames.ROBERTA, CheckpointNames.ALBERT, CheckpointNames.DISTILBERT, CheckpointNames.NLPM));
    NAMES.put(Family.DECODER, List.of(CheckpointNames.GPT2, CheckpointNames.TRANSFO_XL, CheckpointNames.NLPM));
    for (Family family : List.of(Family.LSTM_LM, Family.RNN_SEQ2SEQ, Family.TRANSFORMER_SEQ2SEQ, Family.NAT)) {
      NAMES.put(family, List.of(CheckpointNames.NLPM));
    }
  }

  private static void checkNames(ModelSpec model, Diagnostics diagnostics, Validator validator) {
    List<CheckpointNames> valid = NAMES.get(model.family());
    if (valid.contains(model.names())) {
      checkExpressible(model, diagnostics, validator);
    } else {
      diagnostics.error(
          DiagnosticCode.OUT_OF_RANGE,
          model.originOf("names", model.origin()),
          "names",
          "one of " + String.join(", ", valid.stream().map(CheckpointNames::keyword).toList()) + " in the " + model.family().keyword() + " family",
          model.names().keyword());
    }
  }

  private static void checkDecodings(ModelSpec model, Diagnostics diagnostics) {
    Family family = model.family();
    List<String> valid = DECODINGS.get(family);
    for (Decoding decoding : model.decodings()) {
      if (valid.contains(decoding.keyword())) {
        continue;
      }
      String why =
          valid.isEmpty()
              ? "its models do not generate text, so they take no decoding"
              : "decodings for " + family.keyword() + ": " + String.join(", ", valid);
      diagnostics.error(DiagnosticCode.DECODING_NOT_FOR_FAMILY, decoding.origin(), decoding.keyword(), family.keyword(), why);
    }
  }

  /** @param positionsUnderstood whether the attention variant and the positions are as written */
  private static void checkAttention(ModelSpec model, Diagnostics diagnostics, boolean positionsUnderstood) {
    Architecture a = model.architecture();
    if (a instanceof Architecture.Encoder e) {
      Attention attention = e.stack().attention();
      if (attention instanceof Attention.Causal || attention instanceof Attention.TransformerXl) {
        notFor(diagnostics, attention, "an encoder", "an encoder attends in both directions; use full, local or linformer");
      } else if (attention instanceof Attention.Local local && local.causal()) {
        notFor(diagnostics, attention, "an encoder", "an encoder attends in both directions; write causal = false");
      }
      if (positionsUnderstood) {
        positions(model, e.embeddings(), attention, diagnostics);
      }
    } else if (a instanceof Architecture.Decoder d) {
      decoderAttention(d.stack(), "a decoder", diagnostics);
      if (positionsUnderstood) {
        positions(model, d.embeddings(), d.stack().attention(), diagnostics);
      }
    } else if (a instanceof Architecture.TransformerSeq2Seq s) {
      bidirectional(s.encoder(), "the encoder", diagnostics);
      decoderAttention(s.decoder(), "an autoregressive decoder", diagnostics);
    } else if (a instanceof Architecture.Nat n) {
      bidirectional(n.encoder(), "the encoder", diagnostics);
      Attention attention = n.decoder().attention();
      if (attention.causal()) {
        notFor(diagnostics, attention, "a non-autoregressive decoder", "it predicts every target position at once, attending both ways; use full or local");
      } else if (attention instanceof Attention.Linformer) {
        notFor(diagnostics, attention, "a non-autoregressive decoder", "its target length varies per example; use full or local");
      }
    }
  }

  private static void bidirectional(TransformerStack stack, String where, Diagnostics diagnostics) {
    Attention attention = stack.attention();
    if (attention.causal()) {
      notFor(diagnostics, attention, where, "the encoder attends in both directions; use full, local (causal = false) or linformer");
    }
  }

  private static void decoderAttention(TransformerStack stack, String where, Diagnostics diagnostics) {
    Attention attention = stack.attention();
    if (attention instanceof Attention.Linformer) {
      notFor(diagnostics, attention, where, "Linformer projects keys along the whole sequence, so it cannot be causal; use causal, local or xl");
    } else if (!attention.causal()) {
      notFor(diagnostics, attention, where, "a position must not see later ones; use causal, local (causal = true) or xl");
    }
  }

  /**
   * What the reference checkpoints of DistilBERT and GPT-2 cannot hold: parameters outside their
   * architecture would get names the reference does not have.
   */
  private static void checkExpressible(ModelSpec model, Diagnostics diagnostics, Validator validator) {
    Embeddings embeddings;
    TransformerStack stack;
    if (model.architecture() instanceof Architecture.Encoder e) {
      embeddings = e.embeddings();
      stack = e.stack();
      if (model.names() == CheckpointNames.DISTILBERT && e.pooler() && validator.understood("pooler")) {
        // Left at its default, the pooler is at odds with the names: the names are what to fix.
        diagnostics.error(DiagnosticCode.NAMES_CANNOT_EXPRESS, model.originOf("pooler", model.originOf("names", model.origin())), "distilbert", "pooler", "write pooler = false, or names = bert");
      }
    } else if (model.architecture() instanceof Architecture.Decoder d) {
      embeddings = d.embeddings();
      stack = d.stack();
    } else {
      return;
    }
    String scheme = model.names().keyword();
    boolean distilbert = model.names() == CheckpointNames.DISTILBERT;
    boolean gpt2 = model.names() == CheckpointNames.GPT2;
    if (!distilbert && !gpt2) {
      return;
    }
    if (embeddings.segments() > 0 && validator.understood("embeddings.segments")) {
      diagnostics.error(DiagnosticCode.NAMES_CANNOT_EXPRESS, model.originOf("embeddings.segments", defaultAt(model, embeddings)), scheme, "segment embeddings", "write embeddings { segments = 0; }, or names = " + (gpt2 ? "nlpm" : "bert"));
    }
    if (embeddings.size() != stack.hidden() && validator.understood("embeddings.size", "hidden")) {
      diagnostics.error(DiagnosticCode.NAMES_CANNOT_EXPRESS, model.originOf("embeddings.size", embeddings.origin()), scheme, "factorized embedding", "leave embeddings.size at hidden, or use names = " + (gpt2 ? "nlpm" : "albert"));
    }
    if (stack.sharing() != dev.nlpm.compiler.ir.Sharing.NONE && validator.understood("sharing")) {
      diagnostics.error(DiagnosticCode.NAMES_CANNOT_EXPRESS, model.originOf("sharing", model.origin()), scheme, "cross-layer sharing", "write sharing = none, or names = " + (gpt2 ? "nlpm" : "albert"));
    }
  }

  /**
   * Where to report a default of the embeddings that the names cannot express: the embeddings
   * section when written, else the names, which are what made it wrong.
   */
  private static dev.nlpm.compiler.source.Origin defaultAt(ModelSpec model, Embeddings embeddings) {
    return embeddings.origin().equals(model.origin()) ? model.originOf("names", model.origin()) : embeddings.origin();
  }

  private static void positions(ModelSpec model, Embeddings embeddings, Attention attention, Diagnostics diagnostics) {
    boolean relative = embeddings.positions() == dev.nlpm.compiler.ir.Positions.RELATIVE;
    boolean xl = attention instanceof Attention.TransformerXl;
    // Only where xl is allowed: in an encoder, xl itself is the error.
    if (xl && !relative && model.family() == Family.DECODER) {
      diagnostics.error(
          DiagnosticCode.ATTENTION_NOT_FOR_FAMILY,
          model.originOf("embeddings.positions", embeddings.origin()),
          attention.keyword(),
          "a model with " + embeddings.positions().keyword() + " positions",
          "Transformer-XL attention carries relative positions; write positions = relative or leave it out");
    }
    if (relative && !xl) {
      diagnostics.error(
          DiagnosticCode.ATTENTION_NOT_FOR_FAMILY,
          embeddings.origin(),
          attention.keyword(),
          "a model with relative positions",
          "relative positions live inside Transformer-XL attention; use attention xl, or positions = learned or sinusoidal");
    }
  }

  private static void notFor(Diagnostics diagnostics, Attention attention, String where, String why) {
    diagnostics.error(DiagnosticCode.ATTENTION_NOT_FOR_FAMILY, attention.origin(), attention.keyword(), where, why);
  }

  private static Optional<Objective> find(ModelSpec model, String keyword) {
    return model.objectives().stream().filter(o -> o.keyword().equals(keyword)).findFirst();
  }
}
