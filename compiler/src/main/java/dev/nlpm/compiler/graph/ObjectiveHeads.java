package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.Activation;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Embeddings;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.plan.Extent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every objective, registered once: the head it adds (its slots stored in declaration order, in
 * the reference names) and its loss. A new objective is one entry here.
 */
final class ObjectiveHeads {

  interface Lowering<O extends Objective> {
    Op.ObjectiveHead lower(O objective, HeadContext context);
  }

  private static final Map<Class<? extends Objective>, Lowering<?>> HEADS = new LinkedHashMap<>();

  private static <O extends Objective> void register(Class<O> type, Lowering<O> lowering) {
    HEADS.put(type, lowering);
  }

  static {
    register(Objective.MaskedLm.class, (o, c) -> mlmHead(o.keyword(), c, new Loss(Loss.Kind.MASKED_TOKENS, "rate " + o.rate())));
    register(Objective.SpanMasking.class, (o, c) -> mlmHead(o.keyword(), c, new Loss(Loss.Kind.MASKED_SPANS, "rate " + o.rate())));
    register(Objective.NextSentence.class, (o, c) -> sentencePair(o.keyword(), "nsp_head", "cls.seq_relationship", c));
    register(
        Objective.SentenceOrder.class,
        (o, c) -> sentencePair(o.keyword(), "sop_head", c.model().names() == CheckpointNames.ALBERT ? "sop_classifier.classifier" : "cls.seq_relationship", c));
    register(Objective.SpanBoundary.class, ObjectiveHeads::sboHead);
    register(
        Objective.Distillation.class,
        (o, c) -> new Op.ObjectiveHead(o.keyword(), "", List.of(), new Loss(Loss.Kind.DISTILLATION, "temperature " + o.temperature())));
    register(Objective.CausalLm.class, (o, c) -> languageModel(o.keyword(), c, new Loss(Loss.Kind.NEXT_TOKEN, "")));
    register(
        Objective.Translation.class,
        (o, c) -> languageModel(o.keyword(), c, new Loss(Loss.Kind.TRANSLATION, "label smoothing " + o.labelSmoothing())));
    register(Objective.ConditionalMaskedLm.class, (o, c) -> languageModel(o.keyword(), c, new Loss(Loss.Kind.MASKED_TARGET, "")));
    register(Objective.Glancing.class, (o, c) -> languageModel(o.keyword(), c, new Loss(Loss.Kind.GLANCED_TARGET, "ratio " + o.ratio())));
    register(
        Objective.LengthPrediction.class,
        (o, c) -> new Op.ObjectiveHead(
            o.keyword(), "length_head", List.of(c.need(c.lengthOutput(), "a length classifier", o.keyword())),
            new Loss(Loss.Kind.TARGET_LENGTH, "weight " + o.weight())));
    register(Objective.SkipGram.class, (o, c) -> word2vec(o.keyword(), true, o.window(), o.output(), c));
    register(Objective.Cbow.class, (o, c) -> word2vec(o.keyword(), false, o.window(), o.output(), c));
  }

  private ObjectiveHeads() {}

  /** Each declared objective's head, in declaration order, its slots stored as it goes. */
  static List<Op.ObjectiveHead> lower(HeadContext context) {
    List<Op.ObjectiveHead> heads = new ArrayList<>();
    for (Objective objective : context.model().objectives()) {
      heads.add(lower(objective, context));
    }
    return heads;
  }

  @SuppressWarnings("unchecked")
  private static <O extends Objective> Op.ObjectiveHead lower(O objective, HeadContext context) {
    Lowering<O> lowering = (Lowering<O>) HEADS.get(objective.getClass());
    if (lowering == null) {
      throw new IllegalStateException("no lowering registered for objective " + objective.keyword());
    }
    return lowering.lower(objective, context);
  }

  /**
   * The masked-LM head in each scheme's names: a transform (dense, GeLU, LayerNorm), then the
   * decoder tied to the word embeddings with a bias. With a factorized embedding (E < hidden)
   * the transform maps hidden to E, as ALBERT's does, so that the tied decoder applies; at E =
   * hidden these are the reference shapes.
   */
  private static Op.ObjectiveHead mlmHead(String objective, HeadContext c, Loss loss) {
    Embeddings emb = c.need(c.embeddings(), "input embeddings", objective);
    String word = c.need(c.wordEmbeddings(), "a word embedding table", objective).name();
    int h = c.hidden();
    int e = emb.size();
    double eps = c.eps();
    Extent v = vocab(emb);
    Slots head = new Slots("mlm_head");
    Op.Linear transform;
    Op.LayerNorm norm;
    Parameter decoder;
    Parameter bias;
    switch (c.model().names()) {
      case ROBERTA -> {
        transform = head.linear("transform", "lm_head.dense", h, e);
        norm = head.norm("transform", "lm_head.layer_norm", e, NormPosition.HEAD, eps);
        head.slot("lm_head.bias", ParameterRole.BIAS, v);
        decoder = head.tied("lm_head.decoder.weight", word, ParameterRole.EMBEDDING_TABLE, v, Extent.of(h));
        bias = head.tied("lm_head.decoder.bias", "lm_head.bias", ParameterRole.BIAS, v);
      }
      case ALBERT -> {
        head.slot("predictions.bias", ParameterRole.BIAS, v);
        transform = head.linear("transform", "predictions.dense", h, e);
        norm = head.norm("transform", "predictions.LayerNorm", e, NormPosition.HEAD, eps);
        decoder = head.tied("predictions.decoder.weight", word, ParameterRole.EMBEDDING_TABLE, v, Extent.of(e));
        bias = head.tied("predictions.decoder.bias", "predictions.bias", ParameterRole.BIAS, v);
      }
      case DISTILBERT -> {
        transform = head.linear("transform", "vocab_transform", h, e);
        norm = head.norm("transform", "vocab_layer_norm", e, NormPosition.HEAD, eps);
        decoder = head.tied("vocab_projector.weight", word, ParameterRole.EMBEDDING_TABLE, v, Extent.of(h));
        bias = head.slot("vocab_projector.bias", ParameterRole.BIAS, v);
      }
      default -> {
        head.slot("cls.predictions.bias", ParameterRole.BIAS, v);
        transform = head.linear("transform", "cls.predictions.transform.dense", h, e);
        norm = head.norm("transform", "cls.predictions.transform.LayerNorm", e, NormPosition.HEAD, eps);
        decoder = head.tied("cls.predictions.decoder.weight", word, ParameterRole.EMBEDDING_TABLE, v, Extent.of(e));
        bias = head.tied("cls.predictions.decoder.bias", "cls.predictions.bias", ParameterRole.BIAS, v);
      }
    }
    c.graph().store(head);
    Op.Linear decode = new Op.Linear("decoder (tied to the word embeddings)", decoder, Optional.of(bias), e, v.size());
    return new Op.ObjectiveHead(objective, "mlm_head", List.of(transform, new Op.Activate(Activation.GELU, e), norm, decode), loss);
  }

  private static Op.ObjectiveHead sentencePair(String objective, String group, String name, HeadContext c) {
    Slots head = new Slots(group);
    Op.Linear classifier = head.linear("classifier", name, c.hidden(), 2);
    c.graph().store(head);
    return new Op.ObjectiveHead(objective, group, List.of(classifier), new Loss(Loss.Kind.SENTENCE_PAIR, ""));
  }

  /**
   * SpanBERT's span-boundary head, named as SpanBERT's own pretraining code names it ({@code
   * BertPairTargetPredictionHead} under {@code cls.pair_target_predictions}): relative position
   * embeddings [max_span, position_size], a two-layer MLP ({@code mlp_layer_norm}: linear, GeLU,
   * LayerNorm, twice) over [left boundary; right boundary; position] to hidden, then the decoder
   * tied to the word embeddings with a bias of its own.
   */
  private static Op.ObjectiveHead sboHead(Objective.SpanBoundary sbo, HeadContext c) {
    Embeddings emb = c.need(c.embeddings(), "input embeddings", sbo.keyword());
    String word = c.need(c.wordEmbeddings(), "a word embedding table", sbo.keyword()).name();
    int h = c.hidden();
    Extent v = vocab(emb);
    GraphBuilder graph = c.graph();
    graph.dimension("SBO_MAX_SPAN", sbo.maxSpan(), "longest span the boundary objective predicts");
    graph.dimension("SBO_POSITION_SIZE", sbo.positionSize(), "width of its relative position embeddings");
    String prefix = "cls.pair_target_predictions.";
    Slots head = new Slots("sbo_head");
    Parameter bias = head.slot(prefix + "bias", ParameterRole.BIAS, v);
    Op.Embedding positions = head.embedding("span positions", prefix + "position_embeddings.weight", Extent.of(sbo.maxSpan()), sbo.positionSize());
    Op.Linear first = head.linear("boundaries and position", prefix + "mlp_layer_norm.linear1", 2 * h + sbo.positionSize(), h);
    Op.LayerNorm firstNorm = head.norm("first", prefix + "mlp_layer_norm.layer_norm1", h, NormPosition.HEAD, c.eps());
    Op.Linear second = head.linear("second", prefix + "mlp_layer_norm.linear2", h, h);
    Op.LayerNorm secondNorm = head.norm("second", prefix + "mlp_layer_norm.layer_norm2", h, NormPosition.HEAD, c.eps());
    Parameter decoder = head.tied(prefix + "decoder.weight", word, ParameterRole.EMBEDDING_TABLE, v, Extent.of(emb.size()));
    graph.store(head);
    List<Op> body = List.of(
        positions, first, new Op.Activate(Activation.GELU, h), firstNorm, second, new Op.Activate(Activation.GELU, h), secondNorm,
        new Op.Linear("decoder (tied to the word embeddings)", decoder, Optional.of(bias), emb.size(), v.size()));
    return new Op.ObjectiveHead(sbo.keyword(), "sbo_head", body, new Loss(Loss.Kind.SPAN_BOUNDARY, "weight " + sbo.weight()));
  }

  private static Op.ObjectiveHead languageModel(String objective, HeadContext c, Loss loss) {
    List<Op> output = c.need(c.languageModelOutput(), "an output layer over the vocabulary", objective);
    return new Op.ObjectiveHead(objective, "lm_head", output, loss);
  }

  private static Op.ObjectiveHead word2vec(String objective, boolean skipGram, int window, Objective.Word2VecOutput output, HeadContext c) {
    Parameter vectors = c.need(c.word2vecVectors(), "word vectors", objective);
    Parameter outputs = c.need(c.word2vecOutputs(), "an output table", objective);
    boolean hierarchical = output instanceof Objective.HierarchicalSoftmax;
    int negatives = output instanceof Objective.NegativeSampling ns ? ns.negatives() : 0;
    Loss loss = !hierarchical
        ? new Loss(Loss.Kind.NEGATIVE_SAMPLING, String.format(Locale.ROOT, "%d negatives", negatives))
        : new Loss(Loss.Kind.HIERARCHICAL_SOFTMAX, "");
    Extent vocab = vectors.shape().get(0);
    int dim = vectors.shape().get(1).size();
    return new Op.ObjectiveHead(
        objective, outputs.group(), List.of(new Op.Word2VecPrediction(objective, skipGram, window, vectors, outputs, hierarchical, negatives, vocab, dim)), loss);
  }

  static Extent vocab(Embeddings emb) {
    return new Extent(emb.vocab().size(), emb.vocab().runtime());
  }
}
