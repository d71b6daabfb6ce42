package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.ir.Activation;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.Dropout;
import dev.nlpm.compiler.ir.Embeddings;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.Norm;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.RnnAttention;
import dev.nlpm.compiler.ir.RnnCell;
import dev.nlpm.compiler.ir.Sharing;
import dev.nlpm.compiler.ir.TransformerStack;
import dev.nlpm.compiler.ir.Vocabulary;
import java.util.List;
import java.util.Optional;

/** Binds a model body's sizes into the {@link Architecture} of its family, with the defaults of docs/language.md. */
final class ArchitectureBinder {

  static final List<String> TRANSFORMER_ATTENTION = List.of("full", "causal", "local", "linformer", "xl");

  private ArchitectureBinder() {}

  static Architecture bind(Family family, Body model) {
    return switch (family) {
      case WORD2VEC -> word2vec(model);
      case ENCODER -> encoder(model);
      case DECODER -> decoder(model);
      case LSTM_LM -> lstm(model);
      case RNN_SEQ2SEQ -> rnnSeq2Seq(model);
      case TRANSFORMER_SEQ2SEQ -> transformerSeq2Seq(model, false);
      case NAT -> transformerSeq2Seq(model, true);
    };
  }

  private static Architecture word2vec(Body model) {
    Vocabulary vocab = vocabulary(model, "vocab", "max_vocab", Optional.of(1_000_000));
    return new Architecture.Word2Vec(
        model.origin(), vocab, model.integer("dim", 100), model.integer("min_count", 5));
  }

  private static Architecture encoder(Body model) {
    Vocabulary vocab = requiredVocabulary(model);
    int hidden = model.integer("hidden", 768);
    Embeddings embeddings = embeddings(model, vocab, hidden, model.integer("max_length", 512), Positions.LEARNED, 2);
    TransformerStack stack =
        stack(model, model.integer("layers", 12), hidden, Activation.GELU, Norm.Placement.POST, 1e-12, "full", false);
    boolean pooler = model.bool("pooler", true);
    return new Architecture.Encoder(model.origin(), embeddings, stack, pooler);
  }

  private static Architecture decoder(Body model) {
    Vocabulary vocab = requiredVocabulary(model);
    int hidden = model.integer("hidden", 768);
    int maxLength = model.integer("max_length", 1024);
    TransformerStack stack =
        stack(model, model.integer("layers", 12), hidden, Activation.GELU_TANH, Norm.Placement.PRE, 1e-5, "causal", true);
    Positions defaultPositions =
        stack.attention() instanceof Attention.TransformerXl ? Positions.RELATIVE : Positions.LEARNED;
    Embeddings embeddings = embeddings(model, vocab, hidden, maxLength, defaultPositions, 0);
    return new Architecture.Decoder(
        model.origin(), embeddings, stack, model.bool("tie_embeddings", true));
  }

  private static Architecture lstm(Body model) {
    Vocabulary vocab = vocabulary(model, "vocab", "max_vocab", Optional.empty());
    return new Architecture.LstmLm(
        model.origin(),
        vocab,
        model.integer("embedding", 256),
        model.integer("hidden", 512),
        model.integer("layers", 2),
        model.decimal("dropout", 0.2),
        model.bool("tie_embeddings", false));
  }

  private static Architecture rnnSeq2Seq(Body model) {
    Vocabulary[] vocabs = sourceAndTarget(model);
    Optional<Section> attentionSection = model.section("attention");
    RnnAttention.Score score = RnnAttention.Score.ADDITIVE;
    if (attentionSection.isPresent()) {
      Optional<String> variant =
          Sections.variant(model, attentionSection.get(), dev.nlpm.compiler.ir.Keyword.words(RnnAttention.Score.values()));
      score = variant.flatMap(RnnAttention.Score::fromKeyword).orElse(score);
      if (variant.isPresent()) {
        Sections.body(model, attentionSection.get()).finish();
      }
    }
    RnnAttention attention =
        new RnnAttention(attentionSection.map(Section::origin).orElse(model.origin()), score);
    return new Architecture.RnnSeq2Seq(
        model.origin(),
        vocabs[0],
        vocabs[1],
        model.integer("embedding", 256),
        model.integer("hidden", 512),
        model.integer("layers", 1),
        model.keyword("cell", RnnCell.values(), RnnCell.LSTM),
        model.bool("bidirectional", true),
        attention,
        model.decimal("dropout", 0.1));
  }

  private static Architecture transformerSeq2Seq(Body model, boolean nat) {
    Vocabulary[] vocabs = sourceAndTarget(model);
    boolean shared = !model.has("source_vocab") && !model.has("target_vocab");
    int hidden = model.integer("hidden", 512);
    int maxLength = model.integer("max_length", 1024);
    Body embeddingsBody = Sections.plain(model, "embeddings");
    Positions positions = embeddingsBody.keyword("positions", Positions.values(), Positions.SINUSOIDAL);
    embeddingsBody.finish();
    Embeddings source = new Embeddings(embeddingsBody.origin(), vocabs[0], hidden, positions, maxLength, 0);
    Embeddings target = new Embeddings(embeddingsBody.origin(), vocabs[1], hidden, positions, maxLength, 0);
    int heads = model.integer("heads", 8);
    int intermediate = model.integer("intermediate", 4 * hidden);
    Activation activation = model.keyword("activation", Activation.values(), Activation.RELU);
    Norm norm = norm(model, Norm.Placement.POST, 1e-5);
    Dropout dropout = dropout(model);
    TransformerStack[] stacks = new TransformerStack[2];
    String[] parts = {"encoder", "decoder"};
    for (int i = 0; i < 2; i++) {
      Body part = Sections.plain(model, parts[i]);
      boolean causal = i == 1 && !nat;
      stacks[i] =
          new TransformerStack(
              part.origin(),
              part.integer("layers", 6),
              hidden,
              heads,
              intermediate,
              activation,
              norm,
              attention(part, causal ? "causal" : "full", causal),
              Sharing.NONE,
              dropout);
      part.finish();
    }
    TransformerStack encoder = stacks[0];
    TransformerStack decoder = stacks[1];
    boolean tie = model.bool("tie_embeddings", true);
    if (nat) {
      return new Architecture.Nat(
          model.origin(), source, target, encoder, decoder, shared, tie, model.integer("max_target_length", 256));
    }
    return new Architecture.TransformerSeq2Seq(model.origin(), source, target, encoder, decoder, shared, tie);
  }

  /** The {@code embeddings} section of an encoder or decoder, with the family's defaults. */
  private static Embeddings embeddings(
      Body model, Vocabulary vocab, int hidden, int maxLength, Positions positions, int segments) {
    Body body = Sections.plain(model, "embeddings");
    Embeddings embeddings =
        new Embeddings(
            body.origin(),
            vocab,
            body.integer("size", hidden),
            body.keyword("positions", Positions.values(), positions),
            maxLength,
            body.integer("segments", segments));
    body.finish();
    return embeddings;
  }

  /** A stack whose sizes, norm, dropout and attention are all read from the model body. */
  private static TransformerStack stack(
      Body model,
      int layers,
      int hidden,
      Activation activation,
      Norm.Placement placement,
      double eps,
      String defaultAttention,
      boolean causalByDefault) {
    Norm norm = norm(model, placement, eps);
    return new TransformerStack(
        model.origin(),
        layers,
        hidden,
        model.integer("heads", 12),
        model.integer("intermediate", 4 * hidden),
        model.keyword("activation", Activation.values(), activation),
        norm,
        attention(model, defaultAttention, causalByDefault),
        model.keyword("sharing", Sharing.values(), Sharing.NONE),
        dropout(model));
  }

  private static Norm norm(Body model, Norm.Placement placement, double eps) {
    Body body = Sections.plain(model, "norm");
    Norm norm =
        new Norm(
            body.origin(),
            body.keyword("placement", Norm.Placement.values(), placement),
            body.decimal("eps", eps));
    body.finish();
    return norm;
  }

  private static Dropout dropout(Body model) {
    Body body = Sections.plain(model, "dropout");
    Dropout dropout = new Dropout(body.origin(), body.decimal("hidden", 0.1), body.decimal("attention", 0.1));
    body.finish();
    return dropout;
  }

  private static Attention attention(Body owner, String defaultVariant, boolean causalByDefault) {
    Optional<Section> section = owner.section("attention");
    if (section.isEmpty()) {
      return attentionOf(defaultVariant, owner.child("attention " + defaultVariant, owner.origin(), List.of(), "attention"), causalByDefault);
    }
    Optional<String> variant = Sections.variant(owner, section.get(), TRANSFORMER_ATTENTION);
    Body body = Sections.body(owner, section.get());
    Attention attention = attentionOf(variant.orElse(defaultVariant), body, causalByDefault);
    if (variant.isPresent()) {
      // The options of a variant that was not understood are not judged against the default's.
      body.finish();
    }
    return attention;
  }

  private static Attention attentionOf(String variant, Body body, boolean causalByDefault) {
    return switch (variant) {
      case "causal" -> new Attention.Causal(body.origin());
      case "local" ->
          new Attention.Local(body.origin(), body.integer("window", 128), body.bool("causal", causalByDefault));
      case "linformer" ->
          new Attention.Linformer(
              body.origin(),
              body.integer("k", 256),
              body.keyword("sharing", Attention.ProjectionSharing.values(), Attention.ProjectionSharing.SEPARATE));
      case "xl" -> new Attention.TransformerXl(body.origin(), body.integer("memory", 150));
      default -> new Attention.Full(body.origin());
    };
  }

  private static Vocabulary requiredVocabulary(Body model) {
    if (!model.has("vocab")) {
      model.diagnostics().error(
          DiagnosticCode.MISSING_OPTION, model.origin(), model.where(), "vocab", "the token vocabulary size, e.g. vocab = 30522;");
      model.markUnbound("vocab");
    }
    return new Vocabulary(model.originOf("vocab"), model.integer("vocab", 1), false);
  }

  /**
   * {@code vocab} (fixed) or {@code maxKey} (run time, with a maximum); one is required unless a
   * default maximum is given.
   */
  private static Vocabulary vocabulary(Body model, String key, String maxKey, Optional<Integer> defaultMax) {
    model.conflict(key, maxKey, "a vocabulary is either fixed (" + key + ") or trained at run time up to a maximum (" + maxKey + ")");
    if (model.has(key)) {
      return new Vocabulary(model.originOf(key), model.integer(key, 1), false);
    }
    if (model.has(maxKey) || defaultMax.isPresent()) {
      return new Vocabulary(model.originOf(maxKey), model.integer(maxKey, defaultMax.orElse(1)), true);
    }
    model.diagnostics().error(
        DiagnosticCode.MISSING_OPTION,
        model.origin(),
        model.where(),
        key,
        "a fixed size, or '" + maxKey + "' for a vocabulary built at run time");
    model.markUnbound(key);
    return new Vocabulary(model.origin(), 1, false);
  }

  /** {@code vocab} for a joint vocabulary, or {@code source_vocab} and {@code target_vocab}. */
  private static Vocabulary[] sourceAndTarget(Body model) {
    String why = "a joint vocabulary (vocab) or separate ones (source_vocab and target_vocab)";
    boolean conflict = model.conflict("vocab", "source_vocab", why) | model.conflict("vocab", "target_vocab", why);
    if (model.has("vocab") || conflict) {
      Vocabulary joint = new Vocabulary(model.originOf("vocab"), model.integer("vocab", 1), false);
      return new Vocabulary[] {joint, joint};
    }
    Vocabulary[] result = new Vocabulary[2];
    String[] keys = {"source_vocab", "target_vocab"};
    for (int i = 0; i < 2; i++) {
      if (!model.has(keys[i])) {
        model.diagnostics().error(DiagnosticCode.MISSING_OPTION, model.origin(), model.where(), keys[i], why);
        model.markUnbound(keys[i]);
      }
      result[i] = new Vocabulary(model.originOf(keys[i]), model.integer(keys[i], 1), false);
    }
    return result;
  }
}
