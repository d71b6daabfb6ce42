package dev.nlpm.compiler.bind;

import static dev.nlpm.compiler.bind.Decls.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every option left out takes the default of docs/language.md, at the enclosing origin. */
class DefaultsTest {

  private static ModelSpec bindClean(Decls.Model model) {
    Checks.Result result = Checks.check(model);
    result.assertClean();
    return result.spec(model.name());
  }

  @Test
  void encoderDefaults() {
    Decls.Model decl = model("E", "encoder").set("vocab", 100).section("objective", "mlm");
    ModelSpec spec = bindClean(decl);
    Origin m = decl.origin();
    Architecture.Encoder e = (Architecture.Encoder) spec.architecture();
    assertEquals(new Embeddings(m, new Vocabulary(decl.at("vocab"), 100, false), 768, Positions.LEARNED, 512, 2), e.embeddings());
    assertEquals(
        new TransformerStack(
            m, 12, 768, 12, 3072, Activation.GELU, new Norm(m, Norm.Placement.POST, 1e-12), new Attention.Full(m),
            Sharing.NONE, new Dropout(m, 0.1, 0.1)),
        e.stack());
    assertTrue(e.pooler());
    assertEquals(m, e.origin());
    assertEquals(CheckpointNames.BERT, spec.names());
    assertEquals(
        new Tokenizer.WordPiece(m, true, Optional.empty(), "[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]", 100),
        spec.tokenizer());
    Origin mlm = decl.at("objective mlm");
    assertEquals(List.of(new Objective.MaskedLm(mlm, 0.15, 0.8, 0.1, 0.1, Objective.Masking.STATIC)), spec.objectives());
    assertEquals(List.of(), spec.decodings());
    assertEquals(List.of(), spec.heads());
    assertEquals(
        new TrainingDefaults(
            m, TrainingDefaults.Optimizer.ADAMW, 1e-4, 0, 0, TrainingDefaults.Schedule.LINEAR, 0, 1, 32, 128, 1.0, 0.01, 42, 0),
        spec.training());
    // the family word is where a warning about the family itself is reported
    assertEquals(Map.of("vocab", decl.value("vocab"), "family", decl.familyAt()), spec.optionOrigins());
    assertEquals("dev.example", spec.javaPackage());
    assertEquals(Decls.FILE, spec.sourceName());
  }

  @Test
  void aDefaultInsideAWrittenSectionTakesTheSectionsOrigin() {
    Decls.Model decl =
        model("E", "encoder")
            .set("vocab", 100)
            .section("norm", null, b -> b.set("eps", 1e-6))
            .section("train", null, b -> b.set("lr", 0.001))
            .section("objective", "mlm");
    ModelSpec spec = bindClean(decl);
    Norm norm = ((Architecture.Encoder) spec.architecture()).stack().norm();
    assertEquals(new Norm(decl.at("norm"), Norm.Placement.POST, 1e-6), norm);
    assertEquals(decl.at("train"), spec.training().origin());
    assertEquals(decl.value("norm/eps"), spec.originOf("norm.eps", null));
    assertEquals(decl.value("train/lr"), spec.originOf("train.lr", null));
  }

  @Test
  void decoderDefaults() {
    Decls.Model decl = model("D", "decoder").set("vocab", 100).section("objective", "clm");
    ModelSpec spec = bindClean(decl);
    Origin m = decl.origin();
    Architecture.Decoder d = (Architecture.Decoder) spec.architecture();
    assertEquals(new Embeddings(m, new Vocabulary(decl.at("vocab"), 100, false), 768, Positions.LEARNED, 1024, 0), d.embeddings());
    assertEquals(
        new TransformerStack(
            m, 12, 768, 12, 3072, Activation.GELU_TANH, new Norm(m, Norm.Placement.PRE, 1e-5), new Attention.Causal(m),
            Sharing.NONE, new Dropout(m, 0.1, 0.1)),
        d.stack());
    assertTrue(d.tieEmbeddings());
    assertEquals(CheckpointNames.GPT2, spec.names());
    assertEquals(new Tokenizer.ByteLevelBpe(m, Optional.empty(), Optional.empty()), spec.tokenizer());
    assertEquals(List.of(new Objective.CausalLm(decl.at("objective clm"))), spec.objectives());
    assertEquals(128, spec.training().seq());
  }

  @Test
  void transformerXlDefaultsToRelativePositionsAndItsOwnNames() {
    Decls.Model decl = model("Xl", "decoder").set("vocab", 100).section("attention", "xl").section("objective", "clm");
    ModelSpec spec = bindClean(decl);
    Architecture.Decoder d = (Architecture.Decoder) spec.architecture();
    assertEquals(Positions.RELATIVE, d.embeddings().positions());
    assertEquals(new Attention.TransformerXl(decl.at("attention xl"), 150), d.stack().attention());
    assertEquals(CheckpointNames.TRANSFO_XL, spec.names());
    assertEquals(0, d.maxLength());
  }

  @Test
  void attentionVariantDefaults() {
    Decls.Model decoder =
        model("D", "decoder").set("vocab", 100).section("attention", "local").section("objective", "clm");
    Architecture.Decoder d = (Architecture.Decoder) bindClean(decoder).architecture();
    assertEquals(new Attention.Local(decoder.at("attention local"), 128, true), d.stack().attention());
    Decls.Model encoder =
        model("E", "encoder").set("vocab", 100).section("attention", "linformer").section("objective", "mlm");
    Architecture.Encoder e = (Architecture.Encoder) bindClean(encoder).architecture();
    assertEquals(
        new Attention.Linformer(encoder.at("attention linformer"), 256, Attention.ProjectionSharing.SEPARATE),
        e.stack().attention());
    Decls.Model local = model("L", "encoder").set("vocab", 100).section("attention", "local").section("objective", "mlm");
    assertFalse(((Attention.Local) ((Architecture.Encoder) bindClean(local).architecture()).stack().attention()).causal());
  }

  @Test
  void word2vecDefaults() {
    Decls.Model decl = model("W", "word2vec").section("objective", "skipgram");
    ModelSpec spec = bindClean(decl);
    Origin m = decl.origin();
    assertEquals(new Architecture.Word2Vec(m, new Vocabulary(m, 1_000_000, true), 100, 5), spec.architecture());
    Origin sg = decl.at("objective skipgram");
    assertEquals(List.of(new Objective.SkipGram(sg, 5, new Objective.NegativeSampling(sg, 5, 0.75), 1e-3)), spec.objectives());
    assertEquals(CheckpointNames.GENSIM, spec.names());
    assertEquals(new Tokenizer.Whitespace(m, false), spec.tokenizer());
    assertEquals(
        new TrainingDefaults(
            m, TrainingDefaults.Optimizer.SGD, 0.025, 1e-4, 0, TrainingDefaults.Schedule.LINEAR, 0, 5, 32, 128, 1.0, 0, 42, 0),
        spec.training());
  }

  @Test
  void cbowAveragesByDefault() {
    Decls.Model decl = model("W", "word2vec").set("vocab", 5000).section("objective", "cbow");
    ModelSpec spec = bindClean(decl);
    Origin cbow = decl.at("objective cbow");
    assertEquals(List.of(new Objective.Cbow(cbow, 5, new Objective.NegativeSampling(cbow, 5, 0.75), 1e-3, true)), spec.objectives());
    assertEquals(new Vocabulary(decl.at("vocab"), 5000, false), ((Architecture.Word2Vec) spec.architecture()).vocab());
  }

  @Test
  void lstmDefaults() {
    Decls.Model decl = model("L", "lstm_lm").set("max_vocab", 300).section("objective", "clm");
    ModelSpec spec = bindClean(decl);
    Origin m = decl.origin();
    assertEquals(
        new Architecture.LstmLm(m, new Vocabulary(decl.at("max_vocab"), 300, true), 256, 512, 2, 0.2, false),
        spec.architecture());
    assertEquals(new Tokenizer.Char(m), spec.tokenizer());
    assertEquals(CheckpointNames.NLPM, spec.names());
  }

  @Test
  void rnnSeq2SeqDefaults() {
    Decls.Model decl = model("R", "rnn_seq2seq").set("vocab", 8000).section("objective", "translation");
    ModelSpec spec = bindClean(decl);
    Origin m = decl.origin();
    Vocabulary joint = new Vocabulary(decl.at("vocab"), 8000, false);
    assertEquals(
        new Architecture.RnnSeq2Seq(m, joint, joint, 256, 512, 1, RnnCell.LSTM, true, new RnnAttention(m, RnnAttention.Score.ADDITIVE), 0.1),
        spec.architecture());
    assertEquals(List.of(new Objective.Translation(decl.at("objective translation"), 0.1)), spec.objectives());
    assertInstanceOf(Tokenizer.ByteLevelBpe.class, spec.tokenizer());
  }

  @Test
  void transformerSeq2SeqDefaults() {
    Decls.Model decl = model("T", "transformer_seq2seq").set("vocab", 8000).section("objective", "translation");
    ModelSpec spec = bindClean(decl);
    Origin m = decl.origin();
    Architecture.TransformerSeq2Seq t = (Architecture.TransformerSeq2Seq) spec.architecture();
    Embeddings embeddings = new Embeddings(m, new Vocabulary(decl.at("vocab"), 8000, false), 512, Positions.SINUSOIDAL, 1024, 0);
    assertEquals(embeddings, t.source());
    assertEquals(embeddings, t.target());
    Norm norm = new Norm(m, Norm.Placement.POST, 1e-5);
    Dropout dropout = new Dropout(m, 0.1, 0.1);
    assertEquals(
        new TransformerStack(m, 6, 512, 8, 2048, Activation.RELU, norm, new Attention.Full(m), Sharing.NONE, dropout), t.encoder());
    assertEquals(
        new TransformerStack(m, 6, 512, 8, 2048, Activation.RELU, norm, new Attention.Causal(m), Sharing.NONE, dropout), t.decoder());
    assertTrue(t.sharedEmbeddings());
    assertTrue(t.tieOutput());
    assertEquals(CheckpointNames.NLPM, spec.names());
  }

  @Test
  void natDefaults() {
    Decls.Model decl =
        model("N", "nat")
            .set("source_vocab", 8000)
            .set("target_vocab", 9000)
            .section("objective", "cmlm")
            .section("objective", "length")
            .section("objective", "glancing")
            .section("objective", "distillation", b -> b.set("teacher", "T"));
    Decls.Model teacher = model("T", "transformer_seq2seq").set("vocab", 8000).section("objective", "translation");
    Checks.Result result = Checks.check(List.of(decl), List.of(teacher));
    result.assertClean();
    ModelSpec spec = result.spec("N");
    Architecture.Nat n = (Architecture.Nat) spec.architecture();
    assertEquals(new Attention.Full(decl.origin()), n.decoder().attention());
    assertEquals(256, n.maxTargetLength());
    assertFalse(n.sharedEmbeddings());
    assertEquals(9000, n.target().vocab().size());
    assertEquals(
        List.of(
            new Objective.ConditionalMaskedLm(decl.at("objective cmlm")),
            new Objective.LengthPrediction(decl.at("objective length"), 0.1),
            new Objective.Glancing(decl.at("objective glancing"), 0.5),
            new Objective.Distillation(
                decl.at("objective distillation"), "T", decl.value("objective distillation/teacher"),
                Objective.DistillationLevel.SEQUENCE, 2.0, 5.0, 2.0, 1.0)),
        spec.objectives());
    assertEquals(List.of(spec), result.bound().targets());
    assertSame(result.spec("T"), result.bound().all().get("T"));
  }

  @Test
  void encoderObjectiveAndHeadDefaults() {
    Decls.Model decl =
        model("S", "encoder")
            .set("vocab", 100)
            .section("objective", "span")
            .section("objective", "sbo")
            .section("head", "sequence_classification")
            .section("head", "token_classification", b -> b.set("labels", 9));
    ModelSpec spec = bindClean(decl);
    assertEquals(
        List.of(
            new Objective.SpanMasking(decl.at("objective span"), 0.15, Objective.SpanDistribution.GEOMETRIC, 0.2, 1, 10, false),
            new Objective.SpanBoundary(decl.at("objective sbo"), 10, 200, 1.0)),
        spec.objectives());
    assertEquals(
        List.of(
            new FineTuningHead.SequenceClassification(decl.at("head sequence_classification"), 2),
            new FineTuningHead.TokenClassification(decl.at("head token_classification"), 9)),
        spec.heads());
  }

  @Test
  void decodingDefaults() {
    Decls.Model decl =
        model("D", "decoder")
            .set("vocab", 100)
            .section("objective", "clm")
            .section("decoding", "greedy")
            .section("decoding", "beam")
            .section("decoding", "sampling")
            .section("decoding", "blockwise");
    ModelSpec spec = bindClean(decl);
    List<Decoding> d = spec.decodings();
    Decoding.Limits greedy = limits(decl.at("decoding greedy"));
    assertEquals(new Decoding.Greedy(greedy.origin(), greedy), d.get(0));
    Origin beam = decl.at("decoding beam");
    assertEquals(new Decoding.Beam(beam, limits(beam), 4, 1.0, true), d.get(1));
    Origin sampling = decl.at("decoding sampling");
    assertEquals(new Decoding.Sampling(sampling, limits(sampling), 1.0, 0, 1.0), d.get(2));
    Origin blockwise = decl.at("decoding blockwise");
    assertEquals(new Decoding.Blockwise(blockwise, limits(blockwise), 4), d.get(3));
  }

  @Test
  void natDecodingDefaults() {
    Decls.Model decl =
        model("N", "nat")
            .set("vocab", 100)
            .section("objective", "cmlm")
            .section("decoding", "mask_predict")
            .section("decoding", "hybrid", b -> b.set("stop", Decls.list("</s>")));
    ModelSpec spec = bindClean(decl);
    Origin mp = decl.at("decoding mask_predict");
    Origin hybrid = decl.at("decoding hybrid");
    assertEquals(
        List.of(
            new Decoding.MaskPredict(mp, limits(mp), 10, 5),
            new Decoding.Hybrid(hybrid, new Decoding.Limits(hybrid, List.of("</s>"), 128, 1.0, 1, 0), 0.9)),
        spec.decodings());
  }

  @Test
  void theDefaultSequenceLengthNeverExceedsMaxLength() {
    Decls.Model decl = model("E", "encoder").set("vocab", 100).set("max_length", 64).section("objective", "mlm");
    assertEquals(64, bindClean(decl).training().seq());
  }

  private static Decoding.Limits limits(Origin at) {
    return new Decoding.Limits(at, List.of(), 128, 1.0, 1, 0);
  }
}
