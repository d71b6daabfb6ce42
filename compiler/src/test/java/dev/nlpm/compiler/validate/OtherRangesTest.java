package dev.nlpm.compiler.validate;

import static dev.nlpm.compiler.bind.Checks.expect;
import static dev.nlpm.compiler.bind.Decls.model;
import static dev.nlpm.compiler.diag.DiagnosticCode.NEGATIVE;
import static dev.nlpm.compiler.diag.DiagnosticCode.NOT_POSITIVE;
import static dev.nlpm.compiler.diag.DiagnosticCode.OUT_OF_RANGE;

import dev.nlpm.compiler.bind.Checks;
import dev.nlpm.compiler.bind.Decls;
import org.junit.jupiter.api.Test;

/** Ranges that are neither sizes nor probabilities (NLPM317), each naming the valid range. */
class OtherRangesTest {

  private static Decls.Model decoder() {
    return model("D", "decoder").set("vocab", 100).set("hidden", 64).set("heads", 4).section("objective", "clm");
  }

  @Test
  void samplingRanges() {
    Decls.Model m =
        decoder()
            .section(
                "decoding",
                "sampling",
                b -> b.set("top_p", 0).set("top_k", -1).set("temperature", -1.0).set("repetition_penalty", 0.5));
    Checks.check(m)
        .assertReported(
            expect(OUT_OF_RANGE, m.value("decoding sampling/top_p"), "'top_p' must be in (0, 1], found 0.0"),
            expect(NEGATIVE, m.value("decoding sampling/top_k"), "'top_k' must not be negative, found -1"),
            expect(NOT_POSITIVE, m.value("decoding sampling/temperature"), "'temperature' must be positive, found -1.0"),
            expect(
                OUT_OF_RANGE,
                m.value("decoding sampling/repetition_penalty"),
                "'repetition_penalty' must be >= 1 (1 disables it), found 0.5"));
  }

  @Test
  void topPOfOneIsAllowed() {
    Checks.check(decoder().section("decoding", "sampling", b -> b.set("top_p", 1))).assertClean();
  }

  @Test
  void moreBestOutputsThanBeamsIsNlpm317() {
    Decls.Model m = decoder().section("decoding", "beam", b -> b.set("width", 4).set("n_best", 5));
    Checks.check(m)
        .assertReported(expect(OUT_OF_RANGE, m.value("decoding beam/n_best"), "'n_best' must be at most the beam width 4, found 5"));
  }

  @Test
  void nBestEqualToTheWidthIsAllowed() {
    Checks.check(decoder().section("decoding", "beam", b -> b.set("width", 3).set("n_best", 3))).assertClean();
  }

  @Test
  void blockwiseNeedsBlocksOfAtLeastTwo() {
    Decls.Model m = decoder().section("decoding", "blockwise", b -> b.set("k", 1));
    Checks.check(m)
        .assertReported(
            expect(OUT_OF_RANGE, m.value("decoding blockwise/k"), "'k' must be at least 2 (k = 1 is greedy decoding), found 1"));
  }

  @Test
  void unigramPowerLiesInZeroOne() {
    Decls.Model m = model("W", "word2vec").section("objective", "skipgram", b -> b.set("power", 0));
    Checks.check(m).assertReported(expect(OUT_OF_RANGE, m.value("objective skipgram/power"), "'power' must be in (0, 1], found 0.0"));
  }

  @Test
  void normEpsilonMustBePositive() {
    Decls.Model m = decoder().section("norm", null, b -> b.set("eps", 0));
    Checks.check(m).assertReported(expect(NOT_POSITIVE, m.value("norm/eps"), "'eps' must be positive, found 0.0"));
  }

  @Test
  void minimumLearningRateAboveTheLearningRateIsNlpm317() {
    Decls.Model m = decoder().section("train", null, b -> b.set("lr", 1e-4).set("min_lr", 1e-3));
    Checks.check(m).assertReported(expect(OUT_OF_RANGE, m.value("train/min_lr"), "'min_lr' must be at most lr = 1.0E-4, found 0.001"));
  }

  @Test
  void tiedLstmEmbeddingsNeedEmbeddingEqualToHidden() {
    Decls.Model m =
        model("Lm", "lstm_lm").set("vocab", 50).set("embedding", 128).set("hidden", 256).set("tie_embeddings", true)
            .section("objective", "clm");
    Checks.check(m)
        .assertReported(
            expect(
                OUT_OF_RANGE,
                m.value("tie_embeddings"),
                "'tie_embeddings' must be false unless embedding = hidden (the output layer reuses the embedding table; here embedding = 128, hidden = 256), found true"));
  }

  @Test
  void geometricSpanParameterLiesInZeroOne() {
    Decls.Model m =
        model("S", "encoder").set("vocab", 100).set("hidden", 64).set("heads", 4)
            .section("objective", "span", b -> b.set("p", 0));
    Checks.check(m).assertReported(expect(OUT_OF_RANGE, m.value("objective span/p"), "'p' must be in (0, 1], found 0.0"));
  }

  @Test
  void labelSmoothingLiesInZeroOneExcludingOne() {
    Decls.Model m = model("Mt", "rnn_seq2seq").set("vocab", 100).section("objective", "translation", b -> b.set("label_smoothing", 1));
    Checks.check(m)
        .assertReported(expect(OUT_OF_RANGE, m.value("objective translation/label_smoothing"), "'label_smoothing' must be in [0, 1), found 1.0"));
  }
}
