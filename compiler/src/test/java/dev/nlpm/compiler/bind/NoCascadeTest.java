package dev.nlpm.compiler.bind;

import static dev.nlpm.compiler.bind.Checks.expect;
import static dev.nlpm.compiler.bind.Decls.child;
import static dev.nlpm.compiler.bind.Decls.model;
import static dev.nlpm.compiler.bind.Decls.str;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.diag.DiagnosticCode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every problem is reported, in every model, and nothing that only follows from another: a value
 * that was not understood stands at its default, which no rule then judges against the rest.
 */
class NoCascadeTest {

  @Test
  void aWrongTypedHeadsIsOneErrorAndTheOtherProblemsOfTheModelAreStillReported() {
    Decls.Model m =
        model("E", "encoder")
            .set("vocab", 1000)
            .set("hidden", 100)
            .set("heads", str("x"))
            .section("dropout", null, b -> b.set("hidden", 1.5))
            .section("objective", "mlm");
    Checks.check(m)
        .assertReported(
            expect(DiagnosticCode.WRONG_VALUE_TYPE, m.value("heads"), "'heads' expects an integer, found a string (\"x\")"),
            expect(DiagnosticCode.NOT_A_PROBABILITY, m.value("dropout/hidden"), "'hidden' is a probability and must lie in [0, 1], found 1.5"));
  }

  @Test
  void aDefaultStandingInForHiddenIsNotJudgedAgainstHeadsOrTheEmbeddingSize() {
    Decls.Model m =
        model("E", "encoder")
            .set("vocab", 1000)
            .set("hidden", "wide")
            .set("heads", 5)
            .section("embeddings", null, b -> b.set("size", 1000))
            .section("objective", "mlm");
    Checks.check(m).assertReported(expect(DiagnosticCode.WRONG_VALUE_TYPE, m.value("hidden"), "'hidden' expects an integer, found a word (wide)"));
  }

  @Test
  void anObjectiveOfUnknownKindHidesNeitherOtherErrorsNorInventsMissingOnes() {
    Decls.Model m =
        model("E", "encoder")
            .set("vocab", 1000)
            .section("objective", "spam", b -> b.set("rate", 0.2))
            .section("objective", "sbo", b -> b.set("weight", -1));
    Checks.check(m)
        .assertReported(
            expect(DiagnosticCode.UNKNOWN_VARIANT, m.variant("objective spam"),
                "unknown objective 'spam'; valid: skipgram, cbow, mlm, nsp, sop, span, sbo, clm, translation, cmlm, length, glancing, distillation"),
            expect(DiagnosticCode.NEGATIVE, m.value("objective sbo/weight"), "'weight' must not be negative, found -1.0"));
  }

  @Test
  void mlmPartsAreNotSummedWhenOneWasNotUnderstood() {
    Decls.Model m = model("E", "encoder").set("vocab", 1000).section("objective", "mlm", b -> b.set("mask", "most").set("keep", 0.5));
    Checks.check(m).assertReported(expect(DiagnosticCode.WRONG_VALUE_TYPE, m.value("objective mlm/mask"), "'mask' expects a number, found a word (most)"));
  }

  @Test
  void lengthLimitsAreNotJudgedAgainstADefaultMaxLength() {
    Decls.Model m =
        model("E", "encoder")
            .set("vocab", 1000)
            .set("max_length", "long")
            .section("attention", "linformer", b -> b.set("k", 600))
            .section("objective", "mlm")
            .section("train", null, b -> b.set("seq", 600));
    Checks.check(m).assertReported(expect(DiagnosticCode.WRONG_VALUE_TYPE, m.value("max_length"), "'max_length' expects an integer, found a word (long)"));
  }

  @Test
  void anUnknownNamesSchemeIsNotCheckedForWhatItCanExpress() {
    Decls.Model m =
        model("D", "decoder").set("vocab", 100).set("names", "gtp2").section("embeddings", null, b -> b.set("segments", 2)).section("objective", "clm");
    Checks.check(m)
        .assertReported(
            expect(DiagnosticCode.UNKNOWN_WORD_VALUE, m.value("names"),
                "'names' must be one of bert, roberta, albert, distilbert, gpt2, transfo_xl, gensim, nlpm, found 'gtp2'"));
  }

  @Test
  void aTeacherNotUnderstoodIsNotLookedUp() {
    Decls.Model m = model("D", "decoder").set("vocab", 100).section("objective", "distillation", b -> b.set("teacher", 5));
    Checks.check(m)
        .assertReported(expect(DiagnosticCode.WRONG_VALUE_TYPE, m.value("objective distillation/teacher"), "'teacher' expects a model name, found an integer (5)"));
  }

  @Test
  void aTeacherWithItsOwnErrorsIsStillKnownAndItsStandInVocabularyNotCompared() {
    Decls.Model teacher = model("Teacher", "encoder").set("vocab", "big").section("objective", "mlm");
    Decls.Model student =
        model("Student", "encoder").set("vocab", 1000).section("objective", "mlm").section("objective", "distillation", b -> b.set("teacher", "Teacher"));
    Checks.Result result = Checks.check(student, teacher);
    result.assertReported(expect(DiagnosticCode.WRONG_VALUE_TYPE, teacher.value("vocab"), "'vocab' expects an integer, found a word (big)"));
    assertEquals(Set.of("Teacher"), result.bound().withErrors());
    assertEquals(Set.of(), result.invalid());
  }

  @Test
  void aMissingVocabularyIsNotComparedWithTheTeachers() {
    Decls.Model teacher = model("Teacher", "encoder").set("vocab", 1000).section("objective", "mlm");
    Decls.Model student = model("Student", "encoder").section("objective", "mlm").section("objective", "distillation", b -> b.set("teacher", "Teacher"));
    Checks.check(student, teacher)
        .assertReported(expect(DiagnosticCode.MISSING_OPTION, student.origin(), "model Student requires 'vocab' (the token vocabulary size, e.g. vocab = 30522;)"));
  }

  @Test
  void theOptionsOfAnAttentionOfUnknownVariantAreNotJudged() {
    Decls.Model m =
        model("D", "decoder")
            .set("vocab", 100)
            .section("embeddings", null, b -> b.set("positions", "relative"))
            .section("attention", "transformer_xl", b -> b.set("memory", 64))
            .section("objective", "clm");
    Checks.check(m)
        .assertReported(expect(DiagnosticCode.UNKNOWN_VARIANT, m.variant("attention transformer_xl"), "unknown attention 'transformer_xl'; valid: full, causal, local, linformer, xl"));
  }

  @Test
  void everyModelIsReportedAndTheValidOnesStayValid() {
    Decls.Model first = model("First", "encoder").set("vocab", 0).section("objective", "mlm");
    Decls.Model second = model("Second", "decoder").set("vocab", 100).set("heads", 7).section("objective", "clm");
    Decls.Model broken = model("Broken", "lstm_lm").set("vocab", 100).set("layers", true).section("objective", "mlm");
    Decls.Model fine = model("Fine", "word2vec").section("objective", "cbow");
    Decls.Model orphan = child("Orphan", "Nobody");
    Checks.Result result = Checks.check(first, second, broken, fine, orphan);
    result.assertReported(
        expect(DiagnosticCode.NOT_POSITIVE, first.value("vocab"), "'vocab' must be positive, found 0"),
        expect(DiagnosticCode.HIDDEN_NOT_DIVISIBLE_BY_HEADS, second.value("heads"),
            "hidden size 768 is not divisible by 7 heads; head counts that divide 768: 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 768"),
        expect(DiagnosticCode.WRONG_VALUE_TYPE, broken.value("layers"), "'layers' expects an integer, found a boolean (true)"),
        expect(DiagnosticCode.OBJECTIVE_NOT_FOR_FAMILY, broken.at("objective mlm"), "objective 'mlm' does not fit the lstm_lm family; objectives for lstm_lm: clm"),
        expect(DiagnosticCode.UNKNOWN_PARENT, orphan.parentAt(), "unknown parent model 'Nobody'; known models: Broken, Fine, First, Orphan, Second"));
    assertEquals(Set.of("First", "Second", "Broken"), result.invalid());
    assertEquals(Set.of("Broken", "Orphan"), result.bound().withErrors());
    assertEquals(List.of("First", "Second", "Broken", "Fine"), result.bound().targets().stream().map(s -> s.name()).toList());
  }
}
