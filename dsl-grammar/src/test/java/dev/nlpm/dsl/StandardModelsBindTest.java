package dev.nlpm.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.nlpm.compiler.bind.Checks;
import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Decoding;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Objective;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.Sharing;
import dev.nlpm.compiler.ir.Tokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The standard models, read from stdlib-models, bind and validate without a diagnostic, with the
 * values they declare.
 */
class StandardModelsBindTest {

  private static final Checks.Result ALL = Checks.check(StandardModelsParseTest.standardProgram().declarations());

  @Test
  void everyStandardModelBindsAndValidatesCleanly() {
    ALL.assertClean();
    assertEquals(18, ALL.bound().targets().size());
    assertEquals(
        java.util.Set.of(
            "BertBase", "BertTiny", "BertMini", "RobertaBase", "AlbertBase", "SpanBertBase", "DistilBertBase", "LinformerBase",
            "Gpt2Small", "GptMini", "TransformerXlBase", "CharLstm", "SkipGram", "Cbow", "SkipGramHs", "RnnSearch",
            "TransformerBase", "MaskPredictNat"),
        java.util.Set.copyOf(ALL.bound().targets().stream().map(ModelSpec::name).toList()));
    assertEquals(java.util.Set.of(), ALL.invalid());
    assertEquals(java.util.Set.of(), ALL.bound().withErrors());
  }

  @Test
  void robertaDropsNspAndMergesDynamicMaskingIntoTheInheritedMlm() {
    ModelSpec roberta = ALL.spec("RobertaBase");
    assertEquals(List.of("mlm"), keywords(roberta));
    Objective.MaskedLm mlm = roberta.objective(Objective.MaskedLm.class).orElseThrow();
    assertEquals(Objective.Masking.DYNAMIC, mlm.masking());
    assertEquals(0.15, mlm.rate());
    assertEquals(0.8, mlm.mask());
    Architecture.Encoder encoder = (Architecture.Encoder) roberta.architecture();
    assertEquals(50265, encoder.embeddings().vocab().size());
    assertEquals(514, encoder.embeddings().maxLength());
    assertEquals(1, encoder.embeddings().segments());
    assertEquals(Positions.LEARNED, encoder.embeddings().positions());
    assertEquals(1e-5, encoder.stack().norm().eps());
    assertEquals(dev.nlpm.compiler.ir.Norm.Placement.POST, encoder.stack().norm().placement());
    assertEquals(CheckpointNames.ROBERTA, roberta.names());
    assertInstanceOf(Tokenizer.ByteLevelBpe.class, roberta.tokenizer());
    assertEquals(512, roberta.training().seq());
    assertEquals(0.01, roberta.training().weightDecay());
  }

  @Test
  void albertIsBertWithSharingAllAFactorizedEmbeddingAndSop() {
    ModelSpec albert = ALL.spec("AlbertBase");
    Architecture.Encoder encoder = (Architecture.Encoder) albert.architecture();
    assertEquals(128, encoder.embeddings().size());
    assertEquals(768, encoder.stack().hidden());
    assertEquals(Sharing.ALL, encoder.stack().sharing());
    assertEquals(List.of("mlm", "sop"), keywords(albert));
    assertEquals(CheckpointNames.ALBERT, albert.names());
  }

  @Test
  void distilBertNamesItsTeacher() {
    ModelSpec distil = ALL.spec("DistilBertBase");
    assertEquals(List.of("mlm", "distillation"), keywords(distil));
    Objective.Distillation d = distil.objective(Objective.Distillation.class).orElseThrow();
    assertEquals("BertBase", d.teacher());
    assertEquals(Objective.DistillationLevel.TOKEN, d.level());
    Architecture.Encoder encoder = (Architecture.Encoder) distil.architecture();
    assertEquals(6, encoder.stack().layers());
    assertEquals(0, encoder.embeddings().segments());
    assertFalse(encoder.pooler());
  }

  @Test
  void spanBertReplacesMlmAndNspBySpanAndSbo() {
    ModelSpec span = ALL.spec("SpanBertBase");
    assertEquals(List.of("span", "sbo"), keywords(span));
    Objective.SpanMasking masking = span.objective(Objective.SpanMasking.class).orElseThrow();
    assertEquals(1, masking.minLength());
    assertEquals(10, masking.maxLength());
    assertFalse(((Tokenizer.WordPiece) span.tokenizer()).lowercase());
  }

  @Test
  void linformerKeepsTheParentsSizes() {
    Attention.Linformer linformer =
        (Attention.Linformer) ((Architecture.Encoder) ALL.spec("LinformerBase").architecture()).stack().attention();
    assertEquals(256, linformer.k());
    assertEquals(Attention.ProjectionSharing.KEY_VALUE, linformer.sharing());
  }

  @Test
  void gpt2SmallHasItsThreeDecodingsInOrder() {
    ModelSpec gpt2 = ALL.spec("Gpt2Small");
    assertEquals(List.of("greedy", "beam", "sampling"), gpt2.decodings().stream().map(Decoding::keyword).toList());
    Decoding.Sampling sampling = (Decoding.Sampling) gpt2.decodings().get(2);
    assertEquals(0.8, sampling.temperature());
    assertEquals(40, sampling.topK());
    assertEquals(0.95, sampling.topP());
    assertEquals(1L, sampling.limits().seed());
    assertEquals(64, gpt2.decodings().get(0).limits().maxLength());
    assertEquals(128, gpt2.decodings().get(1).limits().maxLength());
  }

  @Test
  void cbowReplacesSkipGramAndSkipGramHsDropsTheNegativeSamplingOptions() {
    assertEquals(List.of("cbow"), keywords(ALL.spec("Cbow")));
    assertEquals(0.05, ALL.spec("Cbow").training().lr());
    assertEquals(1e-4, ALL.spec("Cbow").training().minLr());
    Objective.SkipGram hs = ALL.spec("SkipGramHs").objective(Objective.SkipGram.class).orElseThrow();
    assertInstanceOf(Objective.HierarchicalSoftmax.class, hs.output());
    Architecture.Word2Vec w2v = (Architecture.Word2Vec) ALL.spec("SkipGram").architecture();
    assertEquals(2_000_000, w2v.vocab().size());
    assertEquals(true, w2v.vocab().runtime());
  }

  @Test
  void maskPredictDistillsFromTheTransformerAtSequenceLevel() {
    ModelSpec nat = ALL.spec("MaskPredictNat");
    assertEquals(List.of("cmlm", "length", "distillation"), keywords(nat));
    Objective.Distillation d = nat.objective(Objective.Distillation.class).orElseThrow();
    assertEquals("TransformerBase", d.teacher());
    assertEquals(Objective.DistillationLevel.SEQUENCE, d.level());
    Architecture.Nat arch = (Architecture.Nat) nat.architecture();
    assertInstanceOf(Attention.Full.class, arch.decoder().attention());
    assertEquals(256, arch.maxTargetLength());
  }

  static List<String> keywords(ModelSpec model) {
    return model.objectives().stream().map(Objective::keyword).toList();
  }
}
