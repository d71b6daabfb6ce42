package dev.nlpm.compiler.plan;

import dev.nlpm.compiler.ir.Activation;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Decoding;
import dev.nlpm.compiler.ir.Dropout;
import dev.nlpm.compiler.ir.Embeddings;
import dev.nlpm.compiler.ir.FineTuningHead;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Norm;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.RnnAttention;
import dev.nlpm.compiler.ir.RnnCell;
import dev.nlpm.compiler.ir.Sharing;
import dev.nlpm.compiler.ir.Tokenizer;
import dev.nlpm.compiler.ir.TrainingDefaults;
import dev.nlpm.compiler.ir.TransformerStack;
import dev.nlpm.compiler.ir.Vocabulary;
import dev.nlpm.compiler.source.Origin;
import dev.nlpm.compiler.source.SourcePosition;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validated models built straight from the IR's record constructors, so that planner and writer
 * tests do not depend on the binder. What a test does not care about gets the documented default.
 */
public final class Specs {

  public static final Origin AT = new SourcePosition("specs.nlpm", 1, 1);

  private Specs() {}

  // ---- pieces ----

  public static Vocabulary fixed(int size) {
    return new Vocabulary(AT, size, false);
  }

  public static Vocabulary runtime(int max) {
    return new Vocabulary(AT, max, true);
  }

  public static Embeddings embeddings(Vocabulary vocab, int size, Positions positions, int maxLength, int segments) {
    return new Embeddings(AT, vocab, size, positions, maxLength, segments);
  }

  public static TransformerStack stack(
      int layers, int hidden, int heads, int intermediate, Norm.Placement norm, Attention attention, Sharing sharing) {
    return new TransformerStack(
        AT, layers, hidden, heads, intermediate, Activation.GELU, new Norm(AT, norm, 1e-12), attention, sharing, new Dropout(AT, 0.1, 0.1));
  }

  public static Attention full() {
    return new Attention.Full(AT);
  }

  public static Attention causal() {
    return new Attention.Causal(AT);
  }

  public static Attention linformer(int k, Attention.ProjectionSharing sharing) {
    return new Attention.Linformer(AT, k, sharing);
  }

  public static Attention xl(int memory) {
    return new Attention.TransformerXl(AT, memory);
  }

  public static Objective mlm() {
    return new Objective.MaskedLm(AT, 0.15, 0.8, 0.1, 0.1, Objective.Masking.STATIC);
  }

  public static Objective nsp() {
    return new Objective.NextSentence(AT);
  }

  public static Objective sop() {
    return new Objective.SentenceOrder(AT);
  }

  public static Objective span() {
    return new Objective.SpanMasking(AT, 0.15, Objective.SpanDistribution.GEOMETRIC, 0.2, 1, 10, false);
  }

  public static Objective sbo(int maxSpan, int positionSize) {
    return new Objective.SpanBoundary(AT, maxSpan, positionSize, 1.0);
  }

  public static Objective clm() {
    return new Objective.CausalLm(AT);
  }

  public static Objective translation() {
    return new Objective.Translation(AT, 0.1);
  }

  public static Objective cmlm() {
    return new Objective.ConditionalMaskedLm(AT);
  }

  public static Objective length() {
    return new Objective.LengthPrediction(AT, 0.1);
  }

  public static Objective skipgram(boolean hierarchical) {
    return new Objective.SkipGram(AT, 5, output(hierarchical), 1e-3);
  }

  public static Objective cbow(boolean hierarchical) {
    return new Objective.Cbow(AT, 5, output(hierarchical), 1e-3, true);
  }

  private static Objective.Word2VecOutput output(boolean hierarchical) {
    return hierarchical ? new Objective.HierarchicalSoftmax(AT) : new Objective.NegativeSampling(AT, 5, 0.75);
  }

  public static Decoding greedy() {
    return new Decoding.Greedy(AT, limits());
  }

  public static Decoding blockwise(int k) {
    return new Decoding.Blockwise(AT, limits(), k);
  }

  private static Decoding.Limits limits() {
    return new Decoding.Limits(AT, List.of(), 128, 1.0, 1, 0);
  }

  public static FineTuningHead sequenceClassification(int labels) {
    return new FineTuningHead.SequenceClassification(AT, labels);
  }

  public static FineTuningHead tokenClassification(int labels) {
    return new FineTuningHead.TokenClassification(AT, labels);
  }

  // ---- models ----

  public static ModelSpec model(
      String name,
      Architecture architecture,
      CheckpointNames names,
      List<Objective> objectives,
      List<Decoding> decodings,
      List<FineTuningHead> heads) {
    // word2vec runs only on whitespace words (NLPM420); the rest take byte-level BPE.
    Tokenizer tokenizer = architecture instanceof Architecture.Word2Vec
        ? new Tokenizer.Whitespace(AT, false)
        : new Tokenizer.ByteLevelBpe(AT, Optional.empty(), Optional.empty());
    TrainingDefaults training =
        new TrainingDefaults(
            AT, TrainingDefaults.Optimizer.ADAMW, 1e-4, 0, 0, TrainingDefaults.Schedule.LINEAR, 0, 1, 32, 128, 1.0, 0.01, 42, 0);
    return new ModelSpec(
        AT, name, "org.example.models", "specs.nlpm", architecture, names, tokenizer, objectives, decodings, heads, training, Map.of());
  }

  /** An encoder with learned positions and post-norm full attention, as BERT. */
  public static ModelSpec encoder(
      String name,
      CheckpointNames names,
      int vocab,
      int hidden,
      int layers,
      int heads,
      int intermediate,
      int maxLength,
      int segments,
      int embeddingSize,
      Sharing sharing,
      boolean pooler,
      List<Objective> objectives) {
    Architecture.Encoder encoder =
        new Architecture.Encoder(
            AT,
            embeddings(fixed(vocab), embeddingSize, Positions.LEARNED, maxLength, segments),
            stack(layers, hidden, heads, intermediate, Norm.Placement.POST, full(), sharing),
            pooler);
    return model(name, encoder, names, objectives, List.of(), List.of());
  }

  /** A GPT-2 style decoder: learned positions, pre-norm causal attention, no segments. */
  public static ModelSpec gpt(String name, int vocab, int hidden, int layers, int heads, int maxLength, boolean tie) {
    Architecture.Decoder decoder =
        new Architecture.Decoder(
            AT,
            embeddings(fixed(vocab), hidden, Positions.LEARNED, maxLength, 0),
            stack(layers, hidden, heads, 4 * hidden, Norm.Placement.PRE, causal(), Sharing.NONE),
            tie);
    return model(name, decoder, CheckpointNames.GPT2, List.of(clm()), List.of(greedy()), List.of());
  }

  // ---- the reference configurations ----

  public static ModelSpec bertBase() {
    return encoder("BertBase", CheckpointNames.BERT, 30522, 768, 12, 12, 3072, 512, 2, 768, Sharing.NONE, true, List.of(mlm(), nsp()));
  }

  public static ModelSpec robertaBase() {
    return encoder("RobertaBase", CheckpointNames.ROBERTA, 50265, 768, 12, 12, 3072, 514, 1, 768, Sharing.NONE, true, List.of(mlm()));
  }

  public static ModelSpec albertBase() {
    return encoder("AlbertBase", CheckpointNames.ALBERT, 30000, 768, 12, 12, 3072, 512, 2, 128, Sharing.ALL, true, List.of(mlm(), sop()));
  }

  public static ModelSpec distilBertBase() {
    return encoder("DistilBertBase", CheckpointNames.DISTILBERT, 30522, 768, 6, 12, 3072, 512, 0, 768, Sharing.NONE, false, List.of(mlm()));
  }

  public static ModelSpec gpt2Small() {
    return gpt("Gpt2Small", 50257, 768, 12, 12, 1024, true);
  }

  public static ModelSpec word2vec(String name, Vocabulary vocab, int dim, boolean hierarchical) {
    return model(
        name, new Architecture.Word2Vec(AT, vocab, dim, 5), CheckpointNames.GENSIM, List.of(skipgram(hierarchical)), List.of(), List.of());
  }

  public static ModelSpec lstm(String name, Vocabulary vocab, int embedding, int hidden, int layers, boolean tie) {
    return model(
        name, new Architecture.LstmLm(AT, vocab, embedding, hidden, layers, 0.2, tie), CheckpointNames.NLPM, List.of(clm()), List.of(greedy()), List.of());
  }

  public static ModelSpec rnnSeq2Seq(
      String name, Vocabulary source, Vocabulary target, int embedding, int hidden, int layers, RnnCell cell, boolean bidirectional, RnnAttention.Score score) {
    Architecture.RnnSeq2Seq rnn =
        new Architecture.RnnSeq2Seq(AT, source, target, embedding, hidden, layers, cell, bidirectional, new RnnAttention(AT, score), 0.1);
    return model(name, rnn, CheckpointNames.NLPM, List.of(translation()), List.of(greedy()), List.of());
  }

  /** A Transformer encoder-decoder (or, with {@code maxTargetLength > 0}, a NAT), post-norm. */
  public static ModelSpec seq2seq(
      String name,
      int sourceVocab,
      int targetVocab,
      int hidden,
      int heads,
      int intermediate,
      int encoderLayers,
      int decoderLayers,
      Positions positions,
      int maxLength,
      boolean tieOutput,
      int maxTargetLength) {
    boolean shared = sourceVocab == targetVocab;
    Vocabulary sv = fixed(sourceVocab);
    Vocabulary tv = shared ? sv : fixed(targetVocab);
    Embeddings source = embeddings(sv, hidden, positions, maxLength, 0);
    Embeddings target = embeddings(tv, hidden, positions, maxLength, 0);
    boolean nat = maxTargetLength > 0;
    TransformerStack encoder = stack(encoderLayers, hidden, heads, intermediate, Norm.Placement.POST, full(), Sharing.NONE);
    TransformerStack decoder = stack(decoderLayers, hidden, heads, intermediate, Norm.Placement.POST, nat ? full() : causal(), Sharing.NONE);
    if (nat) {
      return model(
          name,
          new Architecture.Nat(AT, source, target, encoder, decoder, shared, tieOutput, maxTargetLength),
          CheckpointNames.NLPM,
          List.of(cmlm(), length()),
          List.of(),
          List.of());
    }
    return model(
        name,
        new Architecture.TransformerSeq2Seq(AT, source, target, encoder, decoder, shared, tieOutput),
        CheckpointNames.NLPM,
        List.of(translation()),
        List.of(greedy()),
        List.of());
  }
}
