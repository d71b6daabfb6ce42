package dev.nlpm.compiler.bind;

import static dev.nlpm.compiler.bind.Checks.expect;
import static dev.nlpm.compiler.bind.Decls.model;
import static dev.nlpm.compiler.bind.Decls.range;
import static dev.nlpm.compiler.bind.Decls.str;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.ModelSpec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every NLPM2xx the binder reports (and NLPM317 for integers beyond int): code, message, position. */
class BindDiagnosticsTest {

  private static Decls.Model encoder(String name) {
    return model(name, "encoder").set("vocab", 1000).set("hidden", 64).set("heads", 2).section("objective", "mlm");
  }

  private static final String ENCODER_OPTIONS =
      "vocab, hidden, max_length, layers, heads, intermediate, activation, sharing, pooler, names";

  @Test
  void unknownOptionListsTheValidOnes() {
    Decls.Model m = encoder("E").set("hiden", 5).section("norm", null, b -> b.set("epsilon", 1e-6));
    Checks.Result result = Checks.check(m);
    result.assertReported(
        expect(DiagnosticCode.UNKNOWN_OPTION, m.at("hiden"), "unknown option 'hiden' in model E; valid options: " + ENCODER_OPTIONS),
        expect(DiagnosticCode.UNKNOWN_OPTION, m.at("norm/epsilon"), "unknown option 'epsilon' in norm of model E; valid options: placement, eps"));
    assertEquals(Set.of("E"), result.bound().withErrors());
    assertEquals(List.of("E"), result.bound().targets().stream().map(ModelSpec::name).toList());
  }

  @Test
  void anOptionOfAnotherFamilyIsUnknown() {
    Decls.Model m = model("D", "decoder").set("vocab", 10).set("pooler", false).section("objective", "clm");
    Checks.check(m)
        .assertReported(
            expect(DiagnosticCode.UNKNOWN_OPTION, m.at("pooler"),
                "unknown option 'pooler' in model D; valid options: vocab, hidden, max_length, layers, heads, intermediate, activation, sharing, tie_embeddings, names"));
  }

  @Test
  void unknownSectionListsTheValidOnesAndHintsAtAnOptionOfThatName() {
    Decls.Model m = encoder("E").section("pooler", null).section("layer", null);
    String sections = "embeddings, norm, attention, dropout, tokenizer, objective, decoding, head, train";
    Checks.check(m)
        .assertReported(
            expect(DiagnosticCode.UNKNOWN_SECTION, m.at("pooler"),
                "unknown section 'pooler' in model E; valid sections: " + sections + " ('pooler' is an option here: write 'pooler = value;')"),
            expect(DiagnosticCode.UNKNOWN_SECTION, m.at("layer"), "unknown section 'layer' in model E; valid sections: " + sections));
  }

  @Test
  void unknownVariantListsTheValidOnes() {
    Decls.Model m =
        encoder("E")
            .section("attention", "sparse")
            .section("tokenizer", "sentencepiece")
            .section("objective", "mlmm")
            .section("head", "regression");
    Checks.check(m)
        .assertReported(
            expect(DiagnosticCode.UNKNOWN_VARIANT, m.variant("attention sparse"), "unknown attention 'sparse'; valid: full, causal, local, linformer, xl"),
            expect(DiagnosticCode.UNKNOWN_VARIANT, m.variant("tokenizer sentencepiece"), "unknown tokenizer 'sentencepiece'; valid: wordpiece, bpe, char, whitespace"),
            expect(DiagnosticCode.UNKNOWN_VARIANT, m.variant("objective mlmm"),
                "unknown objective 'mlmm'; valid: skipgram, cbow, mlm, nsp, sop, span, sbo, clm, translation, cmlm, length, glancing, distillation"),
            expect(DiagnosticCode.UNKNOWN_VARIANT, m.variant("head regression"), "unknown head 'regression'; valid: sequence_classification, token_classification"));
  }

  @Test
  void anOptionSetTwiceInOneBodyIsReportedAtTheSecond() {
    Decls.Model m = encoder("E").set("layers", 2).set("layers", 3).section("train", null, b -> b.set("lr", 0.1).set("lr", 0.2));
    Checks.Result result = Checks.check(m);
    result.assertReported(
        expect(DiagnosticCode.DUPLICATE_OPTION, second(m, "layers"),
            "'layers' is set twice in model E (first at " + m.at("layers").describe() + ")"),
        expect(DiagnosticCode.DUPLICATE_OPTION, second(m, "train/lr"),
            "'lr' is set twice in section 'train' of model E (first at " + m.at("train/lr").describe() + ")"));
    // The last value counts, as in an inherited override.
    assertEquals(3, ((Architecture.Encoder) result.spec("E").architecture()).stack().layers());
  }

  /** The assignment written right after the first value of {@code path}: the second one. */
  private static dev.nlpm.compiler.source.Origin second(Decls.Model m, String path) {
    dev.nlpm.compiler.source.SourcePosition value = (dev.nlpm.compiler.source.SourcePosition) m.value(path);
    return new dev.nlpm.compiler.source.SourcePosition(Decls.FILE, value.line() + 1, 3);
  }

  @Test
  void aSectionDeclaredTwiceIsReportedAtTheSecond() {
    Decls.Model m = encoder("E").section("norm", null).section("objective", "mlm").section("norm", null);
    List<dev.nlpm.compiler.diag.Diagnostic> found = Checks.check(m).diagnostics();
    assertEquals(2, found.size(), found::toString);
    assertEquals(DiagnosticCode.DUPLICATE_SECTION, found.get(0).code());
    assertEquals("section 'objective mlm' is declared twice in model E (first at " + m.at("objective mlm").describe() + ")", found.get(0).message());
    assertEquals(DiagnosticCode.DUPLICATE_SECTION, found.get(1).code());
    assertEquals("section 'norm' is declared twice in model E (first at " + m.at("norm").describe() + ")", found.get(1).message());
  }

  @Test
  void conflictingVocabularies() {
    Decls.Model lstm = model("L", "lstm_lm").set("vocab", 100).set("max_vocab", 200).section("objective", "clm");
    Decls.Model seq = model("S", "transformer_seq2seq").set("vocab", 100).set("target_vocab", 200).section("objective", "translation");
    Checks.check(lstm, seq)
        .assertReported(
            expect(DiagnosticCode.CONFLICTING_OPTIONS, lstm.at("max_vocab"),
                "'vocab' and 'max_vocab' cannot both be set in model L: a vocabulary is either fixed (vocab) or trained at run time up to a maximum (max_vocab)"),
            expect(DiagnosticCode.CONFLICTING_OPTIONS, seq.at("target_vocab"),
                "'vocab' and 'target_vocab' cannot both be set in model S: a joint vocabulary (vocab) or separate ones (source_vocab and target_vocab)"));
  }

  @Test
  void negativeSamplingOptionsConflictWithHierarchicalSoftmax() {
    Decls.Model m = model("W", "word2vec").section("objective", "skipgram", b -> b.set("output", "hierarchical_softmax").set("negative", 10));
    Checks.check(m)
        .assertReported(
            expect(DiagnosticCode.CONFLICTING_OPTIONS, m.at("objective skipgram/negative"),
                "'output = hierarchical_softmax' and 'negative' cannot both be set in objective skipgram of model W: 'negative' configures negative sampling"));
  }

  @Test
  void wrongValueTypes() {
    Decls.Model m =
        encoder("E")
            .set("layers", 2.5)
            .set("pooler", "yes")
            .section("dropout", null, b -> b.set("hidden", true))
            .section("objective", "span", b -> b.set("length", 5))
            .section("decoding", "greedy", b -> b.set("stop", str("</s>")));
    Checks.check(m)
        .assertReported(
            expect(DiagnosticCode.WRONG_VALUE_TYPE, m.value("layers"), "'layers' expects an integer, found a decimal number (2.5)"),
            expect(DiagnosticCode.WRONG_VALUE_TYPE, m.value("pooler"), "'pooler' expects true or false, found a word (yes)"),
            expect(DiagnosticCode.WRONG_VALUE_TYPE, m.value("dropout/hidden"), "'hidden' expects a number, found a boolean (true)"),
            expect(DiagnosticCode.WRONG_VALUE_TYPE, m.value("objective span/length"), "'length' expects a range such as 2..10, found an integer (5)"),
            expect(DiagnosticCode.WRONG_VALUE_TYPE, m.value("decoding greedy/stop"), "'stop' expects a list of strings such as [\"</s>\"], found a string (\"</s>\")"),
            // Decodings do not fit an encoder: reported, and nothing else about them.
            expect(DiagnosticCode.DECODING_NOT_FOR_FAMILY, m.at("decoding greedy"),
                "decoding 'greedy' does not fit the encoder family; its models do not generate text, so they take no decoding"),
            expect(DiagnosticCode.OBJECTIVES_CONFLICT, m.at("objective span"), "objectives 'mlm' and 'span' cannot be combined: span masking replaces token masking"));
  }

  @Test
  void anIntegerIsAcceptedWhereADecimalIsExpectedAndAWordMayBeAString() {
    Decls.Model m =
        encoder("E").set("activation", str("relu")).section("dropout", null, b -> b.set("hidden", 0)).section("train", null, b -> b.set("lr", 1));
    Checks.Result result = Checks.check(m);
    result.assertClean();
    Architecture.Encoder e = (Architecture.Encoder) result.spec("E").architecture();
    assertEquals(0.0, e.stack().dropout().hidden());
    assertEquals(dev.nlpm.compiler.ir.Activation.RELU, e.stack().activation());
    assertEquals(1.0, result.spec("E").training().lr());
  }

  @Test
  void unknownWordsListTheValidOnes() {
    Decls.Model m = encoder("E").set("activation", "gelo").set("sharing", "layers").section("norm", null, b -> b.set("placement", "middle"));
    Checks.check(m)
        .assertReported(
            expect(DiagnosticCode.UNKNOWN_WORD_VALUE, m.value("activation"), "'activation' must be one of gelu, gelu_tanh, relu, tanh, silu, found 'gelo'"),
            expect(DiagnosticCode.UNKNOWN_WORD_VALUE, m.value("sharing"), "'sharing' must be one of none, all, attention, ffn, found 'layers'"),
            expect(DiagnosticCode.UNKNOWN_WORD_VALUE, m.value("norm/placement"), "'placement' must be one of pre, post, found 'middle'"));
  }

  @Test
  void missingRequiredOptions() {
    Decls.Model noVocab = model("E", "encoder").section("objective", "mlm");
    Decls.Model lstm = model("L", "lstm_lm").section("objective", "clm");
    Decls.Model seq = model("S", "rnn_seq2seq").set("source_vocab", 10).section("objective", "translation");
    Decls.Model student =
        model("D", "decoder")
            .set("vocab", 10)
            .section("objective", "distillation")
            .section("tokenizer", "bpe", b -> b.set("vocab_file", str("vocab.json")));
    Checks.check(noVocab, lstm, seq, student)
        .assertReported(
            expect(DiagnosticCode.MISSING_OPTION, noVocab.origin(), "model E requires 'vocab' (the token vocabulary size, e.g. vocab = 30522;)"),
            expect(DiagnosticCode.MISSING_OPTION, lstm.origin(),
                "model L requires 'vocab' (a fixed size, or 'max_vocab' for a vocabulary built at run time)"),
            expect(DiagnosticCode.MISSING_OPTION, seq.origin(),
                "model S requires 'target_vocab' (a joint vocabulary (vocab) or separate ones (source_vocab and target_vocab))"),
            expect(DiagnosticCode.MISSING_OPTION, student.at("objective distillation"),
                "objective distillation of model D requires 'teacher' (the model to distill from, e.g. teacher = BertBase;)"),
            expect(DiagnosticCode.MISSING_OPTION, student.at("tokenizer bpe"),
                "tokenizer bpe of model D requires 'merges_file' (byte-level BPE loads vocab_file and merges_file together)"));
  }

  @Test
  void variantsMissingOrUnexpected() {
    Decls.Model m =
        encoder("E").section("attention", null, b -> b.set("window", 8)).section("embeddings", "learned").section("objective", null);
    Checks.check(m)
        .assertReported(
            expect(DiagnosticCode.MISSING_VARIANT, m.at("attention"), "section 'attention' needs a variant, one of: full, causal, local, linformer, xl"),
            expect(DiagnosticCode.UNEXPECTED_VARIANT, m.variant("embeddings learned"), "section 'embeddings' takes no variant, found 'learned'"),
            expect(DiagnosticCode.MISSING_VARIANT, m.at("objective"),
                "section 'objective' needs a variant, one of: skipgram, cbow, mlm, nsp, sop, span, sbo, clm, translation, cmlm, length, glancing, distillation"));
  }

  @Test
  void modelAndPackageNamesMustBeJavaNames() {
    Decls.Model keyword = encoder("class");
    Decls.Model digit = encoder("Bert").inPackage("dev.2models");
    Decls.Model reserved = encoder("Fine").inPackage("dev.public.models");
    Checks.check(keyword, digit, reserved)
        .assertReported(
            expect(DiagnosticCode.INVALID_JAVA_NAME, keyword.nameAt(),
                "'class' is not a valid Java class name: model names name the generated classes; use letters, digits and '_', not a Java keyword"),
            expect(DiagnosticCode.INVALID_JAVA_NAME, digit.origin(),
                "'dev.2models' is not a valid Java package name: each part must be a Java identifier that is not a keyword"),
            expect(DiagnosticCode.INVALID_JAVA_NAME, reserved.origin(),
                "'dev.public.models' is not a valid Java package name: each part must be a Java identifier that is not a keyword"));
  }

  @Test
  void integersBeyondIntAreNlpm317() {
    Decls.Model m =
        encoder("E")
            .set("layers", 3_000_000_000L)
            .section("objective", "span", b -> b.set("length", range(1, 5_000_000_000L)))
            .remove("objective", null);
    Checks.Result result = Checks.check(List.of(m), List.of());
    List<String> shown = result.diagnostics().stream().map(d -> d.code().code() + " " + d.message()).toList();
    assertEquals(
        List.of(
            "NLPM220 'remove' needs a parent: E extends no model",
            "NLPM317 'layers' must be an integer in [-2147483648, 2147483647], found 3000000000",
            "NLPM317 'length' must be a range with both ends in [-2147483648, 2147483647], found 1..5000000000",
            "NLPM315 objectives 'mlm' and 'span' cannot be combined: span masking replaces token masking"),
        shown);
    assertEquals(m.value("layers"), result.diagnostics().get(1).origin());
    assertEquals(m.value("objective span/length"), result.diagnostics().get(2).origin());
  }
}
