package dev.nlpm.compiler.bind;

import static dev.nlpm.compiler.bind.Checks.expect;
import static dev.nlpm.compiler.bind.Decls.child;
import static dev.nlpm.compiler.bind.Decls.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.Decoding;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Sharing;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code extends}: docs/language.md, "Inheritance", and the errors of resolving it. */
class InheritanceTest {

  private static Decls.Model base() {
    return model("Base", "encoder")
        .set("vocab", 1000)
        .set("hidden", 256)
        .set("heads", 4)
        .set("layers", 4)
        .section("attention", "local", b -> b.set("window", 64))
        .section("objective", "mlm", b -> b.set("rate", 0.2))
        .section("objective", "nsp");
  }

  private static Architecture.Encoder encoder(ModelSpec spec) {
    return (Architecture.Encoder) spec.architecture();
  }

  @Test
  void aThreeLevelChainTakesEachValueFromTheNearestAncestor() {
    Decls.Model middle = child("Middle", "Base").set("hidden", 512).set("sharing", "ffn");
    Decls.Model leaf = child("Leaf", "Middle").set("heads", 8);
    Checks.Result result = Checks.check(leaf, middle, base());
    result.assertClean();
    Architecture.Encoder e = encoder(result.spec("Leaf"));
    assertEquals(1000, e.embeddings().vocab().size());
    assertEquals(512, e.stack().hidden());
    assertEquals(8, e.stack().heads());
    assertEquals(4, e.stack().layers());
    assertEquals(Sharing.FFN, e.stack().sharing());
    assertEquals(Family.ENCODER, result.spec("Leaf").family());
    assertEquals(List.of("mlm", "nsp"), keywords(result.spec("Leaf")));
    assertEquals(4, encoder(result.spec("Base")).stack().heads());
  }

  @Test
  void aChildMayRepeatItsParentsFamily() {
    Checks.check(child("Leaf", "Base"), base()).assertClean();
    Decls.Model same = model("Same", "encoder", "Base");
    Checks.check(same, base()).assertClean();
  }

  @Test
  void aSectionOfTheSameVariantMergesMemberByMember() {
    Decls.Model leaf = child("Leaf", "Base").section("attention", "local", b -> b.set("causal", false).set("window", 32));
    Checks.Result result = Checks.check(leaf, base());
    result.assertClean();
    Attention.Local local = (Attention.Local) encoder(result.spec("Leaf")).stack().attention();
    assertEquals(32, local.window());
    Decls.Model rate = child("Rate", "Base").section("objective", "mlm", b -> b.set("masking", "dynamic"));
    Checks.Result merged = Checks.check(rate, base());
    merged.assertClean();
    assertEquals(0.2, result.spec("Leaf").objectives().get(0) instanceof dev.nlpm.compiler.ir.Objective.MaskedLm m ? m.rate() : -1);
    dev.nlpm.compiler.ir.Objective.MaskedLm mlm =
        merged.spec("Rate").objective(dev.nlpm.compiler.ir.Objective.MaskedLm.class).orElseThrow();
    assertEquals(0.2, mlm.rate());
    assertEquals(dev.nlpm.compiler.ir.Objective.Masking.DYNAMIC, mlm.masking());
  }

  @Test
  void aSingleSectionOfAnotherVariantReplacesTheInheritedOne() {
    // The inherited 'window' does not leak into Linformer (where it would be an unknown option).
    Decls.Model leaf = child("Leaf", "Base").section("attention", "linformer", b -> b.set("k", 128));
    Checks.Result result = Checks.check(leaf, base());
    result.assertClean();
    Attention.Linformer linformer = (Attention.Linformer) encoder(result.spec("Leaf")).stack().attention();
    assertEquals(128, linformer.k());
    assertEquals(leaf.at("attention linformer"), linformer.origin());
  }

  @Test
  void repeatableSectionsAddANewEntryPerVariant() {
    Decls.Model gpt = model("Gpt", "decoder").set("vocab", 100).section("objective", "clm").section("decoding", "beam", b -> b.set("width", 3));
    Decls.Model leaf = child("Leaf", "Gpt").section("decoding", "sampling").section("decoding", "beam", b -> b.set("n_best", 2));
    Checks.Result result = Checks.check(leaf, gpt);
    result.assertClean();
    List<Decoding> decodings = result.spec("Leaf").decodings();
    assertEquals(List.of("beam", "sampling"), decodings.stream().map(Decoding::keyword).toList());
    Decoding.Beam beam = (Decoding.Beam) decodings.get(0);
    assertEquals(3, beam.width());
    assertEquals(2, beam.limits().nBest());
  }

  @Test
  void removeDropsAnInheritedSectionOrAssignment() {
    Decls.Model leaf = child("Leaf", "Base").remove("objective", "nsp").remove("layers", null).remove("attention", null);
    Checks.Result result = Checks.check(leaf, base());
    result.assertClean();
    assertEquals(List.of("mlm"), keywords(result.spec("Leaf")));
    assertEquals(12, encoder(result.spec("Leaf")).stack().layers());
    assertEquals(new Attention.Full(leaf.origin()), encoder(result.spec("Leaf")).stack().attention());
  }

  @Test
  void removeInsideASectionDropsAnInheritedOption() {
    Decls.Model leaf = child("Leaf", "Base").section("objective", "mlm", b -> b.remove("rate", null));
    Checks.Result result = Checks.check(leaf, base());
    result.assertClean();
    assertEquals(0.15, result.spec("Leaf").objective(dev.nlpm.compiler.ir.Objective.MaskedLm.class).orElseThrow().rate());
  }

  @Test
  void removingWhatIsNotInheritedIsNlpm214() {
    Decls.Model leaf =
        child("Leaf", "Base")
            .remove("objective", "sop")
            .remove("pooler", null)
            .section("objective", "mlm", b -> b.remove("keep", null));
    Checks.check(leaf, base())
        .assertReported(
            expect(DiagnosticCode.NOTHING_TO_REMOVE, leaf.at("remove objective sop"),
                "'remove objective sop' removes nothing: model Leaf inherits no such section"),
            expect(DiagnosticCode.NOTHING_TO_REMOVE, leaf.at("remove pooler"),
                "'remove pooler' removes nothing: model Leaf inherits no such option or section"),
            expect(DiagnosticCode.NOTHING_TO_REMOVE, leaf.at("objective mlm/remove keep"),
                "'remove keep' removes nothing: section 'objective mlm' of model Leaf inherits no such option or section"));
  }

  @Test
  void removeInAModelWithoutParentIsNlpm220() {
    Decls.Model orphan =
        model("Orphan", "encoder")
            .set("vocab", 10)
            .section("objective", "mlm", b -> b.remove("rate", null))
            .remove("objective", "nsp");
    Checks.check(orphan)
        .assertReported(
            expect(DiagnosticCode.NOTHING_TO_REMOVE_HERE, orphan.at("remove objective nsp"), "'remove' needs a parent: Orphan extends no model"),
            expect(DiagnosticCode.NOTHING_TO_REMOVE_HERE, orphan.at("objective mlm/remove rate"), "'remove' needs a parent: Orphan extends no model"));
  }

  @Test
  void aCycleIsReportedOnceAtTheExtendsThatClosesIt() {
    Decls.Model a = child("A", "B");
    Decls.Model b = child("B", "C");
    Decls.Model c = child("C", "A");
    Decls.Model outside = child("Outside", "B").section("objective", "nsp");
    Checks.Result result = Checks.check(a, b, c, outside);
    result.assertReported(expect(DiagnosticCode.INHERITANCE_CYCLE, c.parentAt(), "inheritance cycle: A -> B -> C -> A"));
    assertEquals(List.of(), result.bound().targets());
    assertEquals(Set.of("A", "B", "C", "Outside"), result.bound().withErrors());
  }

  @Test
  void theCycleIsNamedFromItsFirstDeclaredModelWhoeverExtendsIt() {
    Decls.Model outside = child("Outside", "B");
    Decls.Model a = child("A", "B");
    Decls.Model b = child("B", "A");
    Checks.check(outside, a, b).assertReported(expect(DiagnosticCode.INHERITANCE_CYCLE, a.parentAt(), "inheritance cycle: B -> A -> B"));
  }

  @Test
  void aModelExtendingItselfIsACycle() {
    Decls.Model self = child("Self", "Self");
    Checks.check(self).assertReported(expect(DiagnosticCode.INHERITANCE_CYCLE, self.parentAt(), "inheritance cycle: Self -> Self"));
  }

  @Test
  void anUnknownParentListsTheKnownModels() {
    Decls.Model leaf = child("Leaf", "Bse");
    Checks.Result result = Checks.check(leaf, base());
    result.assertReported(expect(DiagnosticCode.UNKNOWN_PARENT, leaf.parentAt(), "unknown parent model 'Bse'; known models: Base, Leaf"));
    assertEquals(List.of("Base"), result.bound().targets().stream().map(ModelSpec::name).toList());
  }

  @Test
  void aDescendantOfAnUnresolvedModelGetsNoFurtherMessage() {
    Decls.Model leaf = child("Leaf", "Bse");
    Decls.Model grandchild = child("Grandchild", "Leaf");
    Checks.Result result = Checks.check(leaf, grandchild);
    result.assertReported(expect(DiagnosticCode.UNKNOWN_PARENT, leaf.parentAt(), "unknown parent model 'Bse'; known models: Grandchild, Leaf"));
    assertTrue(result.bound().withErrors().contains("Grandchild"));
  }

  @Test
  void familyErrors() {
    Decls.Model unknown = model("Unknown", "transformer").set("vocab", 10);
    Decls.Model neither = model("Neither", null).set("vocab", 10);
    Decls.Model mismatch = model("Mismatch", "decoder", "Base");
    Checks.check(unknown, neither, mismatch, base())
        .assertReported(
            expect(DiagnosticCode.UNKNOWN_FAMILY, unknown.familyAt(),
                "unknown family 'transformer'; valid families: word2vec, encoder, decoder, lstm_lm, rnn_seq2seq, transformer_seq2seq, nat"),
            expect(DiagnosticCode.MISSING_FAMILY, neither.nameAt(),
                "model Neither declares neither a family nor a parent: write 'model Neither : encoder { ... }' or 'model Neither extends Parent { ... }'"),
            expect(DiagnosticCode.FAMILY_MISMATCH, mismatch.familyAt(),
                "model Mismatch is declared 'decoder' but its parent Base is 'encoder'; a model keeps its parent's family"));
  }

  @Test
  void aDuplicateModelIsReportedAtTheSecondNamingTheFirst() {
    Decls.Model first = base();
    Decls.Model second = model("Base", "decoder").set("vocab", 10).section("objective", "clm");
    Checks.Result result = Checks.check(first, second);
    result.assertReported(
        expect(DiagnosticCode.DUPLICATE_MODEL, second.nameAt(),
            "model 'Base' is already declared at " + first.nameAt().describe() + "; model names must be unique"));
    assertEquals(List.of(first.origin()), result.bound().targets().stream().map(ModelSpec::origin).toList());
  }

  @Test
  void anErrorInAnInheritedMemberIsReportedOnceAtTheParent() {
    Decls.Model parent = base().set("intermediate", "many");
    Decls.Model leaf = child("Leaf", "Base").set("hidden", 128);
    Checks.Result result = Checks.check(parent, leaf);
    result.assertReported(
        expect(DiagnosticCode.WRONG_VALUE_TYPE, parent.value("intermediate"), "'intermediate' expects an integer, found a word (many)"));
    assertEquals(Set.of("Base", "Leaf"), result.bound().withErrors());
  }

  @Test
  void visibleModelsServeAsParentsButAreNotTargets() {
    Checks.Result result = Checks.check(List.of(child("Leaf", "Base")), List.of(base()));
    result.assertClean();
    assertEquals(List.of("Leaf"), result.bound().targets().stream().map(ModelSpec::name).toList());
    assertEquals(Set.of("Leaf", "Base"), result.bound().all().keySet());
  }

  private static List<String> keywords(dev.nlpm.compiler.ir.ModelSpec model) {
    return model.objectives().stream().map(dev.nlpm.compiler.ir.Objective::keyword).toList();
  }
}
