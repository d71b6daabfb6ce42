package dev.nlpm.compiler.validate;

import static dev.nlpm.compiler.bind.Checks.expect;
import static dev.nlpm.compiler.bind.Decls.model;
import static dev.nlpm.compiler.bind.Decls.range;
import static dev.nlpm.compiler.diag.DiagnosticCode.EMPTY_RANGE;
import static dev.nlpm.compiler.diag.DiagnosticCode.FACTORIZED_EMBEDDING_TOO_LARGE;
import static dev.nlpm.compiler.diag.DiagnosticCode.HIDDEN_NOT_DIVISIBLE_BY_HEADS;
import static dev.nlpm.compiler.diag.DiagnosticCode.LINFORMER_K_TOO_LARGE;
import static dev.nlpm.compiler.diag.DiagnosticCode.MLM_PARTS_SUM;
import static dev.nlpm.compiler.diag.DiagnosticCode.NEGATIVE;
import static dev.nlpm.compiler.diag.DiagnosticCode.NOT_A_PROBABILITY;
import static dev.nlpm.compiler.diag.DiagnosticCode.NOT_POSITIVE;
import static dev.nlpm.compiler.diag.DiagnosticCode.SEQUENCE_TOO_LONG;
import static dev.nlpm.compiler.diag.DiagnosticCode.WINDOW_TOO_SMALL;

import dev.nlpm.compiler.bind.Checks;
import dev.nlpm.compiler.bind.Decls;
import org.junit.jupiter.api.Test;

/**
 * Sizes, probabilities and ranges (NLPM300–304, 308–310, 313, 319): each reported at the value
 * as written, with a message that says what would be valid.
 */
class SizeRulesTest {

  /** A valid encoder to break one option at a time. */
  private static Decls.Model encoder() {
    return model("E", "encoder").set("vocab", 100).set("hidden", 64).set("heads", 4).section("objective", "mlm");
  }

  @Test
  void nonPositiveSizeIsNlpm300AtTheValue() {
    Decls.Model m = encoder().set("layers", 0).set("intermediate", -4);
    Checks.check(m)
        .assertReported(
            expect(NOT_POSITIVE, m.value("layers"), "'layers' must be positive, found 0"),
            expect(NOT_POSITIVE, m.value("intermediate"), "'intermediate' must be positive, found -4"));
  }

  @Test
  void nonPositiveSizeInASectionIsNlpm300AtTheValue() {
    Decls.Model m =
        model("Rnn", "rnn_seq2seq")
            .set("source_vocab", 0)
            .set("target_vocab", 10)
            .section("objective", "translation")
            .section("decoding", "beam", b -> b.set("width", 0).set("max_length", 0));
    Checks.check(m)
        .assertReported(
            expect(NOT_POSITIVE, m.value("source_vocab"), "'source_vocab' must be positive, found 0"),
            expect(NOT_POSITIVE, m.value("decoding beam/width"), "'width' must be positive, found 0"),
            expect(NOT_POSITIVE, m.value("decoding beam/max_length"), "'max_length' must be positive, found 0"));
  }

  @Test
  void aRuntimeVocabularyMaximumMustBePositive() {
    Decls.Model m = model("Lm", "lstm_lm").set("max_vocab", 0).section("objective", "clm");
    Checks.check(m).assertReported(expect(NOT_POSITIVE, m.value("max_vocab"), "'max_vocab' must be positive, found 0"));
  }

  @Test
  void negativeWhereZeroIsAllowedIsNlpm301() {
    Decls.Model m = encoder().section("train", null, b -> b.set("threads", -1).set("warmup", -10).set("clip", -0.5));
    Checks.check(m)
        .assertReported(
            expect(NEGATIVE, m.value("train/threads"), "'threads' must not be negative, found -1"),
            expect(NEGATIVE, m.value("train/warmup"), "'warmup' must not be negative, found -10"),
            expect(NEGATIVE, m.value("train/clip"), "'clip' must not be negative, found -0.5"));
  }

  @Test
  void zeroIsAllowedWhereItMeansOff() {
    Decls.Model m =
        encoder()
            .section("train", null, b -> b.set("threads", 0).set("clip", 0).set("steps", 0).set("weight_decay", 0))
            .section("embeddings", null, b -> b.set("segments", 0));
    Checks.check(m).assertClean();
  }

  @Test
  void probabilityOutsideZeroOneIsNlpm302() {
    Decls.Model m =
        model("E", "encoder")
            .set("vocab", 100)
            .set("hidden", 64)
            .set("heads", 4)
            .section("dropout", null, b -> b.set("hidden", 1.5).set("attention", 1))
            .section("objective", "mlm", b -> b.set("rate", -0.1));
    Checks.check(m)
        .assertReported(
            expect(NOT_A_PROBABILITY, m.value("dropout/hidden"), "'hidden' is a probability and must lie in [0, 1], found 1.5"),
            expect(NOT_A_PROBABILITY, m.value("objective mlm/rate"), "'rate' is a probability and must lie in [0, 1], found -0.1"));
  }

  @Test
  void hiddenNotDivisibleByHeadsIsNlpm303ListingTheDivisors() {
    Decls.Model m = model("E", "encoder").set("vocab", 100).set("hidden", 100).set("heads", 3).section("objective", "mlm");
    Checks.check(m)
        .assertReported(
            expect(
                HIDDEN_NOT_DIVISIBLE_BY_HEADS,
                m.value("heads"),
                "hidden size 100 is not divisible by 3 heads; head counts that divide 100: 1, 2, 4, 5, 10, 20, 25, 50, 100"));
  }

  @Test
  void headsLeftAtTheirDefaultPutNlpm303AtHidden() {
    Decls.Model m = model("E", "encoder").set("vocab", 100).set("hidden", 100).section("objective", "mlm");
    Checks.check(m)
        .assertReported(
            expect(
                HIDDEN_NOT_DIVISIBLE_BY_HEADS,
                m.value("hidden"),
                "hidden size 100 is not divisible by 12 heads; head counts that divide 100: 1, 2, 4, 5, 10, 20, 25, 50, 100"));
  }

  @Test
  void mlmPartsNotSummingToOneIsNlpm304AtTheLastWrittenPart() {
    Decls.Model m = model("E", "encoder").set("vocab", 100).set("hidden", 64).set("heads", 4)
        .section("objective", "mlm", b -> b.set("mask", 0.7));
    Checks.check(m)
        .assertReported(
            expect(MLM_PARTS_SUM, m.value("objective mlm/mask"), "the MLM parts mask + random + keep must sum to 1, found 0.7 + 0.1 + 0.1 = 0.9"));
  }

  @Test
  void mlmPartsSummingToOneWithinRoundingAreAccepted() {
    // 0.7 + 0.2 + 0.1 is 0.9999999999999999 in binary floating point.
    Decls.Model m =
        model("E", "encoder").set("vocab", 100).set("hidden", 64).set("heads", 4)
            .section("objective", "mlm", b -> b.set("mask", 0.7).set("random", 0.2).set("keep", 0.1));
    Checks.check(m).assertClean();
  }

  @Test
  void linformerKBeyondMaxLengthIsNlpm308() {
    Decls.Model m = encoder().set("max_length", 128).section("attention", "linformer", b -> b.set("k", 256));
    Checks.check(m)
        .assertReported(
            expect(LINFORMER_K_TOO_LARGE, m.value("attention linformer/k"), "Linformer k = 256 exceeds max_length = 128; k must lie in [1, 128]"));
  }

  @Test
  void linformerKEqualToMaxLengthIsAccepted() {
    Checks.check(encoder().set("max_length", 128).section("attention", "linformer", b -> b.set("k", 128))).assertClean();
  }

  @Test
  void localWindowBelowOneIsNlpm309() {
    Decls.Model m = encoder().section("attention", "local", b -> b.set("window", 0).set("causal", false));
    Checks.check(m)
        .assertReported(expect(WINDOW_TOO_SMALL, m.value("attention local/window"), "the local attention window must be at least 1, found 0"));
  }

  @Test
  void localWindowInASeq2SeqDecoderIsChecked() {
    Decls.Model m =
        model("Mt", "transformer_seq2seq")
            .set("vocab", 100)
            .section("objective", "translation")
            .section("decoder", null, d -> d.section("attention", "local", a -> a.set("window", -3)));
    Checks.check(m)
        .assertReported(
            expect(WINDOW_TOO_SMALL, m.value("decoder/attention local/window"), "the local attention window must be at least 1, found -3"));
  }

  @Test
  void factorizedEmbeddingLargerThanHiddenIsNlpm310() {
    Decls.Model m = encoder().section("embeddings", null, b -> b.set("size", 128));
    Checks.check(m)
        .assertReported(
            expect(
                FACTORIZED_EMBEDDING_TOO_LARGE,
                m.value("embeddings/size"),
                "the factorized embedding size 128 is larger than hidden = 64; it must lie in [1, 64]"));
  }

  @Test
  void emptySpanLengthRangeIsNlpm313() {
    Decls.Model m =
        model("SpanBert", "encoder").set("vocab", 100).set("hidden", 64).set("heads", 4)
            .section("objective", "span", b -> b.set("length", range(10, 2)));
    Checks.check(m)
        .assertReported(
            expect(EMPTY_RANGE, m.value("objective span/length"), "'length' is the empty range 10..2; write from..to with from <= to"));
  }

  @Test
  void trainingSequenceLongerThanMaxLengthIsNlpm319() {
    Decls.Model m = encoder().set("max_length", 128).section("train", null, b -> b.set("seq", 512));
    Checks.check(m).assertReported(expect(SEQUENCE_TOO_LONG, m.value("train/seq"), "'seq' = 512 exceeds max_length = 128"));
  }

  @Test
  void theDefaultTrainingSequenceFollowsASmallMaxLength() {
    Checks.check(encoder().set("max_length", 64)).assertClean();
  }
}
