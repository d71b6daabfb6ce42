package dev.nlpm.compiler.validate;

import static dev.nlpm.compiler.bind.Checks.expect;
import static dev.nlpm.compiler.bind.Decls.model;
import static dev.nlpm.compiler.diag.DiagnosticCode.ATTENTION_NOT_FOR_FAMILY;
import static dev.nlpm.compiler.diag.DiagnosticCode.DECODING_NOT_FOR_FAMILY;
import static dev.nlpm.compiler.diag.DiagnosticCode.HIDDEN_NOT_DIVISIBLE_BY_HEADS;
import static dev.nlpm.compiler.diag.DiagnosticCode.MLM_PARTS_SUM;
import static dev.nlpm.compiler.diag.DiagnosticCode.NOT_A_PROBABILITY;
import static dev.nlpm.compiler.diag.DiagnosticCode.NOT_POSITIVE;
import static dev.nlpm.compiler.diag.DiagnosticCode.NO_OBJECTIVE;
import static dev.nlpm.compiler.diag.DiagnosticCode.OBJECTIVE_NOT_FOR_FAMILY;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.bind.Checks;
import dev.nlpm.compiler.bind.Decls;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every problem of every model is reported, each once: one bad value yields one diagnostic, not
 * also the consequences of the defaults derived from it, and one invalid model stops no other.
 */
class ReportingTest {

  @Test
  void everyProblemOfOneModelIsReported() {
    Decls.Model m =
        model("Many", "encoder")
            .set("vocab", 0)
            .set("hidden", 100)
            .set("heads", 3)
            .section("dropout", null, b -> b.set("attention", 2))
            .section("objective", "mlm", b -> b.set("mask", 0.5))
            .section("objective", "clm")
            .section("decoding", "greedy");
    Checks.Result result = Checks.check(m);
    result.assertReported(
        expect(NOT_POSITIVE, m.value("vocab"), "'vocab' must be positive, found 0"),
        expect(
            HIDDEN_NOT_DIVISIBLE_BY_HEADS,
            m.value("heads"),
            "hidden size 100 is not divisible by 3 heads; head counts that divide 100: 1, 2, 4, 5, 10, 20, 25, 50, 100"),
        expect(NOT_A_PROBABILITY, m.value("dropout/attention"), "'attention' is a probability and must lie in [0, 1], found 2.0"),
        expect(MLM_PARTS_SUM, m.value("objective mlm/mask"), "the MLM parts mask + random + keep must sum to 1, found 0.5 + 0.1 + 0.1 = 0.7"),
        expect(
            OBJECTIVE_NOT_FOR_FAMILY,
            m.at("objective clm"),
            "objective 'clm' does not fit the encoder family; objectives for encoder: mlm, nsp, sop, span, sbo, distillation"),
        expect(
            DECODING_NOT_FOR_FAMILY,
            m.at("decoding greedy"),
            "decoding 'greedy' does not fit the encoder family; its models do not generate text, so they take no decoding"));
    assertEquals(Set.of("Many"), result.invalid());
  }

  @Test
  void anInvalidModelStopsNoOtherAndValidOnesAreNotMarked() {
    Decls.Model bad = model("Bad", "decoder").set("vocab", 100).set("hidden", 64).set("heads", 4).section("attention", "full").section("objective", "clm");
    Decls.Model good = model("Good", "decoder").set("vocab", 100).set("hidden", 64).set("heads", 4).section("objective", "clm");
    Decls.Model empty = model("Empty", "lstm_lm").set("vocab", 10);
    Checks.Result result = Checks.check(bad, good, empty);
    result.assertReported(
        expect(
            ATTENTION_NOT_FOR_FAMILY,
            bad.at("attention full"),
            "attention 'full' cannot be used in a decoder: a position must not see later ones; use causal, local (causal = true) or xl"),
        expect(NO_OBJECTIVE, empty.origin(), "model Empty declares no objective; the lstm_lm family trains with one of: clm (write 'objective clm;')"));
    assertEquals(Set.of("Bad", "Empty"), result.invalid());
    assertEquals("Good", result.spec("Good").name());
  }

  @Test
  void aNonPositiveHiddenSizeIsReportedOnceNotAgainThroughTheSizesDerivedFromIt() {
    // intermediate (4 x hidden) and embeddings.size (hidden) default from hidden; they were not written.
    Decls.Model m = model("E", "encoder").set("vocab", 100).set("hidden", 0).section("objective", "mlm");
    Checks.check(m).assertReported(expect(NOT_POSITIVE, m.value("hidden"), "'hidden' must be positive, found 0"));
  }

  @Test
  void zeroHeadsIsReportedAsNotPositiveOnlyNotAlsoAsADivisibilityProblem() {
    Decls.Model m = model("E", "encoder").set("vocab", 100).set("hidden", 64).set("heads", 0).section("objective", "mlm");
    Checks.check(m).assertReported(expect(NOT_POSITIVE, m.value("heads"), "'heads' must be positive, found 0"));
  }

  @Test
  void anEmptySpanRangeIsNotAlsoReportedAsANonPositiveLength() {
    Decls.Model m =
        model("S", "encoder").set("vocab", 100).set("hidden", 64).set("heads", 4)
            .section("objective", "span", b -> b.set("length", Decls.range(0, -1)));
    Checks.check(m)
        .assertReported(
            expect(
                dev.nlpm.compiler.diag.DiagnosticCode.EMPTY_RANGE,
                m.value("objective span/length"),
                "'length' is the empty range 0..-1; write from..to with from <= to"));
  }
}
