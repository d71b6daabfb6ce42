package dev.nlpm.compiler.validate;

import static dev.nlpm.compiler.bind.Checks.expect;
import static dev.nlpm.compiler.bind.Decls.model;
import static dev.nlpm.compiler.diag.DiagnosticCode.ATTENTION_NOT_FOR_FAMILY;
import static dev.nlpm.compiler.diag.DiagnosticCode.DECODING_NOT_FOR_FAMILY;
import static dev.nlpm.compiler.diag.DiagnosticCode.NAMES_CANNOT_EXPRESS;
import static dev.nlpm.compiler.diag.DiagnosticCode.NO_OBJECTIVE;
import static dev.nlpm.compiler.diag.DiagnosticCode.OBJECTIVES_CONFLICT;
import static dev.nlpm.compiler.diag.DiagnosticCode.OBJECTIVE_NOT_FOR_FAMILY;
import static dev.nlpm.compiler.diag.DiagnosticCode.OBJECTIVE_REQUIRES;
import static dev.nlpm.compiler.diag.DiagnosticCode.OUT_OF_RANGE;
import static dev.nlpm.compiler.diag.DiagnosticCode.SEGMENTS_REQUIRED;

import dev.nlpm.compiler.bind.Checks;
import dev.nlpm.compiler.bind.Decls;
import org.junit.jupiter.api.Test;

/**
 * What fits which family (NLPM305–307, 311, 312, 315, 318, 322, and NLPM317 for checkpoint
 * names): each reported at the section or value that does not fit, listing what would.
 */
class FamilyFitTest {

  private static Decls.Model encoder(String name) {
    return model(name, "encoder").set("vocab", 100).set("hidden", 64).set("heads", 4);
  }

  private static Decls.Model decoder(String name) {
    return model(name, "decoder").set("vocab", 100).set("hidden", 64).set("heads", 4);
  }

  @Test
  void anObjectiveOfAnotherFamilyIsNlpm305() {
    Decls.Model m = decoder("D").section("objective", "clm").section("objective", "nsp");
    Checks.check(m)
        .assertReported(
            expect(
                OBJECTIVE_NOT_FOR_FAMILY,
                m.at("objective nsp"),
                "objective 'nsp' does not fit the decoder family; objectives for decoder: clm, distillation"));
  }

  @Test
  void everyFamilyRejectsAnObjectiveOfAnother() {
    Decls.Model w = model("W", "word2vec").section("objective", "skipgram").section("objective", "mlm");
    Decls.Model n = model("N", "nat").set("vocab", 100).section("objective", "cmlm").section("objective", "translation");
    Checks.check(w, n)
        .assertReported(
            expect(OBJECTIVE_NOT_FOR_FAMILY, w.at("objective mlm"), "objective 'mlm' does not fit the word2vec family; objectives for word2vec: skipgram, cbow"),
            expect(
                OBJECTIVE_NOT_FOR_FAMILY,
                n.at("objective translation"),
                "objective 'translation' does not fit the nat family; objectives for nat: cmlm, length, glancing, distillation"));
  }

  @Test
  void aDecodingOnAFamilyThatDoesNotGenerateIsNlpm306() {
    Decls.Model w = model("W", "word2vec").section("objective", "cbow").section("decoding", "beam");
    Decls.Model e = encoder("E").section("objective", "mlm").section("decoding", "greedy");
    Checks.check(w, e)
        .assertReported(
            expect(DECODING_NOT_FOR_FAMILY, w.at("decoding beam"), "decoding 'beam' does not fit the word2vec family; its models do not generate text, so they take no decoding"),
            expect(DECODING_NOT_FOR_FAMILY, e.at("decoding greedy"), "decoding 'greedy' does not fit the encoder family; its models do not generate text, so they take no decoding"));
  }

  @Test
  void aDecodingOfAnotherGeneratingFamilyIsNlpm306ListingTheFamilysSchemes() {
    Decls.Model d = decoder("D").section("objective", "clm").section("decoding", "mask_predict");
    Decls.Model lm = model("Lm", "lstm_lm").set("vocab", 10).section("objective", "clm").section("decoding", "blockwise");
    Checks.check(d, lm)
        .assertReported(
            expect(
                DECODING_NOT_FOR_FAMILY,
                d.at("decoding mask_predict"),
                "decoding 'mask_predict' does not fit the decoder family; decodings for decoder: greedy, beam, sampling, blockwise"),
            expect(
                DECODING_NOT_FOR_FAMILY,
                lm.at("decoding blockwise"),
                "decoding 'blockwise' does not fit the lstm_lm family; decodings for lstm_lm: greedy, beam, sampling"));
  }

  @Test
  void bidirectionalAttentionInADecoderIsNlpm307() {
    Decls.Model lin = decoder("Lin").section("objective", "clm").section("attention", "linformer", b -> b.set("k", 64));
    Decls.Model full = decoder("Full").section("objective", "clm").section("attention", "full");
    Decls.Model local = decoder("Local").section("objective", "clm").section("attention", "local", b -> b.set("causal", false));
    Checks.check(lin, full, local)
        .assertReported(
            expect(
                ATTENTION_NOT_FOR_FAMILY,
                lin.at("attention linformer"),
                "attention 'linformer' cannot be used in a decoder: Linformer projects keys along the whole sequence, so it cannot be causal; use causal, local or xl"),
            expect(
                ATTENTION_NOT_FOR_FAMILY,
                full.at("attention full"),
                "attention 'full' cannot be used in a decoder: a position must not see later ones; use causal, local (causal = true) or xl"),
            expect(
                ATTENTION_NOT_FOR_FAMILY,
                local.at("attention local"),
                "attention 'local' cannot be used in a decoder: a position must not see later ones; use causal, local (causal = true) or xl"));
  }

  @Test
  void causalAttentionInAnEncoderIsNlpm307() {
    Decls.Model xl = encoder("Xl").section("objective", "mlm").section("attention", "xl");
    Decls.Model causal = encoder("Causal").section("objective", "mlm").section("attention", "causal");
    Decls.Model local = encoder("Local").section("objective", "mlm").section("attention", "local", b -> b.set("causal", true));
    String why = "an encoder attends in both directions; use full, local or linformer";
    Checks.check(xl, causal, local)
        .assertReported(
            expect(ATTENTION_NOT_FOR_FAMILY, xl.at("attention xl"), "attention 'xl' cannot be used in an encoder: " + why),
            expect(ATTENTION_NOT_FOR_FAMILY, causal.at("attention causal"), "attention 'causal' cannot be used in an encoder: " + why),
            expect(
                ATTENTION_NOT_FOR_FAMILY,
                local.at("attention local"),
                "attention 'local' cannot be used in an encoder: an encoder attends in both directions; write causal = false"));
  }

  @Test
  void seq2seqStacksAreCheckedEachForItsRole() {
    Decls.Model mt =
        model("Mt", "transformer_seq2seq")
            .set("vocab", 100)
            .section("objective", "translation")
            .section("encoder", null, e -> e.section("attention", "causal"))
            .section("decoder", null, d -> d.section("attention", "full"));
    Decls.Model nat =
        model("Nat", "nat")
            .set("vocab", 100)
            .section("objective", "cmlm")
            .section("decoder", null, d -> d.section("attention", "causal"));
    Checks.check(mt, nat)
        .assertReported(
            expect(
                ATTENTION_NOT_FOR_FAMILY,
                mt.at("encoder/attention causal"),
                "attention 'causal' cannot be used in the encoder: the encoder attends in both directions; use full, local (causal = false) or linformer"),
            expect(
                ATTENTION_NOT_FOR_FAMILY,
                mt.at("decoder/attention full"),
                "attention 'full' cannot be used in an autoregressive decoder: a position must not see later ones; use causal, local (causal = true) or xl"),
            expect(
                ATTENTION_NOT_FOR_FAMILY,
                nat.at("decoder/attention causal"),
                "attention 'causal' cannot be used in a non-autoregressive decoder: it predicts every target position at once, attending both ways; use full or local"));
  }

  @Test
  void relativePositionsWithoutXlAttentionAreNlpm307() {
    Decls.Model m = encoder("E").section("objective", "mlm").section("embeddings", null, b -> b.set("positions", "relative"));
    Checks.check(m)
        .assertReported(
            expect(
                ATTENTION_NOT_FOR_FAMILY,
                m.at("embeddings"),
                "attention 'full' cannot be used in a model with relative positions: relative positions live inside Transformer-XL attention; use attention xl, or positions = learned or sinusoidal"));
  }

  @Test
  void sboWithoutSpanIsNlpm311() {
    Decls.Model m = encoder("E").section("objective", "mlm").section("objective", "sbo");
    Checks.check(m)
        .assertReported(
            expect(
                OBJECTIVE_REQUIRES,
                m.at("objective sbo"),
                "objective 'sbo' requires objective 'span' (the span-boundary objective predicts the tokens of masked spans)"));
  }

  @Test
  void aModelWithoutObjectiveIsNlpm312AtTheModel() {
    Decls.Model e = encoder("E");
    Decls.Model w = model("W", "word2vec");
    Checks.check(e, w)
        .assertReported(
            expect(
                NO_OBJECTIVE,
                e.origin(),
                "model E declares no objective; the encoder family trains with one of: mlm, nsp, sop, span, sbo, distillation (write 'objective mlm;')"),
            expect(
                NO_OBJECTIVE,
                w.origin(),
                "model W declares no objective; the word2vec family trains with one of: skipgram, cbow (write 'objective skipgram;')"));
  }

  @Test
  void conflictingObjectivesAreNlpm315AtTheSecond() {
    Decls.Model masking = encoder("Masking").section("objective", "mlm").section("objective", "span");
    Decls.Model pairs = encoder("Pairs").section("objective", "mlm").section("objective", "nsp").section("objective", "sop");
    Decls.Model w2v = model("W", "word2vec").section("objective", "skipgram").section("objective", "cbow");
    Checks.check(masking, pairs, w2v)
        .assertReported(
            expect(OBJECTIVES_CONFLICT, masking.at("objective span"), "objectives 'mlm' and 'span' cannot be combined: span masking replaces token masking"),
            expect(OBJECTIVES_CONFLICT, pairs.at("objective sop"), "objectives 'nsp' and 'sop' cannot be combined: both classify the same sentence pair; choose one"),
            expect(
                OBJECTIVES_CONFLICT,
                w2v.at("objective cbow"),
                "objectives 'skipgram' and 'cbow' cannot be combined: a word2vec model trains one architecture; declare two models"));
  }

  @Test
  void sentencePairObjectivesWithoutTwoSegmentsAreNlpm318() {
    Decls.Model m =
        encoder("E")
            .section("objective", "mlm")
            .section("objective", "sop")
            .section("embeddings", null, b -> b.set("segments", 1));
    Checks.check(m)
        .assertReported(
            expect(SEGMENTS_REQUIRED, m.at("objective sop"), "objective 'sop' needs segments >= 2 (sentence A and B), found segments = 1"));
  }

  @Test
  void checkpointNamesOfAnotherFamilyAreNlpm317() {
    Decls.Model m = encoder("E").set("names", "gpt2").section("objective", "mlm");
    Checks.check(m)
        .assertReported(
            expect(
                OUT_OF_RANGE,
                m.value("names"),
                "'names' must be one of bert, roberta, albert, distilbert, nlpm in the encoder family, found gpt2"));
  }

  @Test
  void whatDistilBertCheckpointsCannotHoldIsNlpm322() {
    Decls.Model m =
        encoder("Distil")
            .set("names", "distilbert")
            .set("sharing", "all")
            .section("embeddings", null, b -> b.set("segments", 2).set("size", 32))
            .section("objective", "mlm");
    Checks.check(m)
        .assertReported(
            expect(NAMES_CANNOT_EXPRESS, m.value("names"), "distilbert checkpoints have no pooler; write pooler = false, or names = bert"),
            expect(
                NAMES_CANNOT_EXPRESS,
                m.value("embeddings/segments"),
                "distilbert checkpoints have no segment embeddings; write embeddings { segments = 0; }, or names = bert"),
            expect(
                NAMES_CANNOT_EXPRESS,
                m.value("embeddings/size"),
                "distilbert checkpoints have no factorized embedding; leave embeddings.size at hidden, or use names = albert"),
            expect(
                NAMES_CANNOT_EXPRESS,
                m.value("sharing"),
                "distilbert checkpoints have no cross-layer sharing; write sharing = none, or names = albert"));
  }

  @Test
  void aDistilBertShapedEncoderFitsDistilBertNames() {
    Decls.Model m =
        encoder("Distil")
            .set("names", "distilbert")
            .set("pooler", false)
            .section("embeddings", null, b -> b.set("segments", 0))
            .section("objective", "mlm");
    Checks.check(m).assertClean();
  }
}
