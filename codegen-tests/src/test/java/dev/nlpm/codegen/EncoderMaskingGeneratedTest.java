package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.codegen.InMemoryJavac;
import dev.nlpm.runtime.pretrain.ExampleRandom;
import dev.nlpm.runtime.pretrain.MaskedExample;
import dev.nlpm.runtime.pretrain.Masking;
import dev.nlpm.runtime.pretrain.MlmMasker;
import dev.nlpm.runtime.text.EncoderTokenizer;
import dev.nlpm.runtime.text.Vocabulary;
import dev.nlpm.runtime.text.wordpiece.WordPieceOptions;
import dev.nlpm.runtime.text.wordpiece.WordPieceTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A declaration's masked-LM settings reach the generated facade's constants and its masker. */
class EncoderMaskingGeneratedTest {

  private static final List<String> TOKENS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat");

  private static Class<?> facade(String objective) throws Exception {
    String text = "package gen;\nmodel M : encoder {\n  vocab = 10; hidden = 8; layers = 1; heads = 2; intermediate = 16; max_length = 16;\n"
        + "  objective " + objective + "\n  train { seq = 16; }\n}\n";
    ClassLoader loader = InMemoryJavac.compile(Models.compile("m.nlpm", text).files()).loader();
    return loader.loadClass("gen.MModel");
  }

  /** Masks a sequence of 12 words with the facade's declared masker; counts chosen positions that became [MASK] and that were kept. */
  private static int[] maskedAndKept(Class<?> facade) throws Exception {
    WordPieceTokenizer tokenizer = WordPieceTokenizer.of(Vocabulary.of(TOKENS), WordPieceOptions.uncased());
    MlmMasker masker = (MlmMasker) facade.getMethod("masker", EncoderTokenizer.class).invoke(null, tokenizer);
    int[] ids = {2, 5, 6, 7, 8, 5, 9, 5, 6, 7, 8, 5, 9, 3};
    int masked = 0;
    int kept = 0;
    int chosen = 0;
    for (int example = 0; example < 200; example++) {
      MaskedExample m = masker.mask(ids, ExampleRandom.of(1, example, 0));
      for (int p : m.predicted()) {
        chosen++;
        masked += m.inputIds()[p] == 4 ? 1 : 0;
        kept += m.inputIds()[p] == ids[p] ? 1 : 0;
      }
    }
    return new int[] {chosen, masked, kept};
  }

  @Test
  void declaredRateSplitAndMaskingAreTheFacades() throws Exception {
    Class<?> declared = facade("mlm { rate = 0.25; mask = 0; random = 0; keep = 1; masking = dynamic; }");
    assertEquals(0.25, declared.getField("MLM_RATE").getDouble(null));
    assertEquals(0.0, declared.getField("MLM_MASK").getDouble(null));
    assertEquals(1.0, declared.getField("MLM_KEEP").getDouble(null));
    assertEquals(Masking.DYNAMIC, declared.getField("MASKING").get(null));
    assertEquals(4, declared.getField("MAX_PREDICTIONS").getInt(null), "ceil(16 × 0.25)");
    int[] keepAll = maskedAndKept(declared);
    assertEquals(200 * 3, keepAll[0], "round(12 × 0.25) chosen in each example");
    assertEquals(0, keepAll[1], "keep = 1: nothing becomes [MASK]");
    assertEquals(keepAll[0], keepAll[2], "keep = 1: every chosen token stays");

    int[] maskAll = maskedAndKept(facade("mlm { mask = 1; random = 0; keep = 0; }"));
    assertEquals(200 * 2, maskAll[0], "round(12 × 0.15) chosen in each example");
    assertEquals(maskAll[0], maskAll[1], "mask = 1: every chosen token becomes [MASK]");
  }
}
