package dev.nlpm.compiler.validate;

import static dev.nlpm.compiler.bind.Checks.expect;
import static dev.nlpm.compiler.bind.Decls.model;
import static dev.nlpm.compiler.diag.DiagnosticCode.NOT_POSITIVE;
import static dev.nlpm.compiler.diag.DiagnosticCode.TEACHER_FAMILY;
import static dev.nlpm.compiler.diag.DiagnosticCode.TEACHER_IS_SELF;
import static dev.nlpm.compiler.diag.DiagnosticCode.UNKNOWN_TEACHER;

import dev.nlpm.compiler.bind.Checks;
import dev.nlpm.compiler.bind.Decls;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Distillation teachers (NLPM218, 316, 320): resolved among every visible model, reported at the
 * teacher's name as written.
 */
class DistillationTest {

  private static Decls.Model encoder(String name, int vocab) {
    return model(name, "encoder").set("vocab", vocab).set("hidden", 64).set("heads", 4).section("objective", "mlm");
  }

  private static Decls.Model distilBert(String teacher) {
    return model("Student", "encoder")
        .set("vocab", 100)
        .set("hidden", 32)
        .set("heads", 2)
        .section("objective", "mlm")
        .section("objective", "distillation", b -> b.set("teacher", teacher));
  }

  @Test
  void aDistilBertStudentWithAnEncoderTeacherOfTheSameVocabularyIsValid() {
    Checks.check(List.of(distilBert("Teacher")), List.of(encoder("Teacher", 100))).assertClean();
  }

  @Test
  void theTeacherMayBeAnotherTargetAndAStringNamesItToo() {
    Decls.Model student = distilBert("Teacher");
    Checks.check(encoder("Teacher", 100), student).assertClean();
    Decls.Model quoted =
        encoder("Quoted", 100).section("objective", "distillation", b -> b.set("teacher", Decls.str("Teacher")));
    Checks.check(List.of(quoted), List.of(encoder("Teacher", 100))).assertClean();
  }

  @Test
  void anUnknownTeacherIsNlpm218ListingTheKnownModels() {
    Decls.Model student = distilBert("Bert");
    Checks.check(List.of(student), List.of(encoder("BertBase", 100)))
        .assertReported(
            expect(UNKNOWN_TEACHER, student.value("objective distillation/teacher"), "unknown teacher model 'Bert'; known models: BertBase, Student"));
  }

  @Test
  void aModelThatTeachesItselfIsNlpm320() {
    Decls.Model student = distilBert("Student");
    Checks.check(student)
        .assertReported(expect(TEACHER_IS_SELF, student.value("objective distillation/teacher"), "model Student cannot be its own teacher"));
  }

  @Test
  void aTokenLevelTeacherOfAnotherFamilyIsNlpm316() {
    Decls.Model student = distilBert("Gpt");
    Decls.Model teacher = model("Gpt", "decoder").set("vocab", 100).set("hidden", 64).set("heads", 4).section("objective", "clm");
    Checks.check(List.of(student), List.of(teacher))
        .assertReported(
            expect(
                TEACHER_FAMILY,
                student.value("objective distillation/teacher"),
                "teacher Gpt is in the decoder family; token-level distillation needs a teacher of the student's family (encoder)"));
  }

  @Test
  void aTokenLevelTeacherWithAnotherVocabularyIsNlpm316() {
    Decls.Model student = distilBert("Teacher");
    Checks.check(List.of(student), List.of(encoder("Teacher", 30522)))
        .assertReported(
            expect(
                TEACHER_FAMILY,
                student.value("objective distillation/teacher"),
                "teacher Teacher is in the encoder family; token-level distillation compares output distributions, so the vocabularies must match: the teacher has 30522 tokens, the student 100"));
  }

  @Test
  void sequenceLevelDistillationNeedsATeacherThatGenerates() {
    Decls.Model nat =
        model("Nat", "nat")
            .set("vocab", 100)
            .section("objective", "cmlm")
            .section("objective", "distillation", b -> b.set("teacher", "Bert"));
    Checks.check(List.of(nat), List.of(encoder("Bert", 100)))
        .assertReported(
            expect(
                TEACHER_FAMILY,
                nat.value("objective distillation/teacher"),
                "teacher Bert is in the encoder family; sequence-level distillation needs a teacher that generates (decoder, lstm_lm, rnn_seq2seq, transformer_seq2seq or nat)"));
  }

  @Test
  void aNatStudentDistillsFromATransformerOfAnotherVocabularyAtSequenceLevel() {
    Decls.Model nat =
        model("Nat", "nat")
            .set("vocab", 100)
            .section("objective", "cmlm")
            .section("objective", "distillation", b -> b.set("teacher", "Mt"));
    Decls.Model mt = model("Mt", "transformer_seq2seq").set("vocab", 32000).section("objective", "translation");
    Checks.check(List.of(nat), List.of(mt)).assertClean();
  }

  @Test
  void theTemperatureMustBePositive() {
    Decls.Model student =
        model("Student", "encoder").set("vocab", 100).set("hidden", 32).set("heads", 2)
            .section("objective", "mlm")
            .section("objective", "distillation", b -> b.set("teacher", "Teacher").set("temperature", 0));
    Checks.check(List.of(student), List.of(encoder("Teacher", 100)))
        .assertReported(
            expect(NOT_POSITIVE, student.value("objective distillation/temperature"), "'temperature' must be positive, found 0.0"));
  }
}
