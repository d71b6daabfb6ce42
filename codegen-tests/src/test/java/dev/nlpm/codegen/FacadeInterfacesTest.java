package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.InMemoryJavac;
import dev.nlpm.compiler.ir.Decoding;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.runtime.model.BlockwiseDecoderFacade;
import dev.nlpm.runtime.model.DecoderFacade;
import dev.nlpm.runtime.model.EncoderFacade;
import dev.nlpm.runtime.model.LanguageModelFacade;
import dev.nlpm.runtime.model.LstmFacade;
import dev.nlpm.runtime.model.ModelFacade;
import dev.nlpm.runtime.model.Word2VecFacade;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.pretrain.MlmSettings;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The generated facades as the runtime interfaces they implement ({@code dev.nlpm.runtime.model}):
 * each standard model's facade is an instance of its family's interface, made with its public
 * constructor, and its instance methods answer as the static members they stand for.
 */
class FacadeInterfacesTest {

  @Test
  void everyStandardFacadeImplementsItsFamilysInterfaceAndAnswersAsItsStatics() throws Exception {
    Compilation compilation = Models.standard();
    ClassLoader loader = InMemoryJavac.compile(compilation.files()).loader();
    Set<String> kinds = new TreeSet<>();
    for (ModelSpec spec : compilation.models()) {
      String name = spec.javaPackage() + "." + spec.name() + "Model";
      if (compilation.files().stream().noneMatch(f -> f.qualifiedName().equals(name))) {
        continue; // a declaration the runtime does not run yet has no facade
      }
      Class<?> type = loader.loadClass(name);
      boolean blockwise = spec.decodings().stream().anyMatch(d -> d instanceof Decoding.Blockwise);
      Class<?> expected = switch (spec.family()) {
        case ENCODER -> EncoderFacade.class;
        case DECODER -> blockwise ? BlockwiseDecoderFacade.class : DecoderFacade.class;
        case LSTM_LM -> LstmFacade.class;
        case WORD2VEC -> Word2VecFacade.class;
        default -> throw new AssertionError(name + ": no facade expected for " + spec.family());
      };
      assertTrue(expected.isAssignableFrom(type), name + " implements " + expected.getSimpleName());
      assertEquals(blockwise, BlockwiseDecoderFacade.class.isAssignableFrom(type), name);
      kinds.add(expected.getSimpleName());
      Object facade = type.getConstructor().newInstance();
      if (facade instanceof ModelFacade model) {
        assertEquals(type.getField("NAME").get(null), model.name(), name);
        assertEquals(type.getField("SEQUENCE").get(null), model.sequence(), name);
        assertEquals(type.getField("BATCH").get(null), model.batch(), name);
        assertEquals(type.getField("STEPS").get(null), model.steps(), name);
        assertEquals(type.getField("EPOCHS").get(null), model.epochs(), name);
        assertEquals(type.getMethod("trainingOptions", long.class).invoke(null, 7L), model.declaredOptions(7), name);
        assertNotNull(model.checkpointPrefix(), name);
      }
      if (facade instanceof LanguageModelFacade language) {
        Object config = type.getField("CONFIG").get(null);
        assertEquals(config.getClass().getMethod("vocab").invoke(config), language.vocab(), name);
        assertEquals(facade instanceof LstmFacade ? Integer.MAX_VALUE : config.getClass().getMethod("maxPositions").invoke(config),
            language.positions(), name);
      }
      if (facade instanceof Word2VecFacade word2vec) {
        assertEquals(type.getMethod("options").invoke(null), word2vec.declaredOptions(), name);
        assertEquals(type.getField("MIN_COUNT").get(null), word2vec.minCount(), name);
        assertEquals(type.getField("MAX_VOCAB").get(null), word2vec.maxVocab(), name);
      }
    }
    assertEquals(Set.of("DecoderFacade", "EncoderFacade", "LstmFacade", "Word2VecFacade"), kinds);
  }

  @Test
  void theGoldenEncodersInstanceMethodsGiveWhatItsStaticsDo() throws Exception {
    Compilation compilation = Models.compile("golden.nlpm", Files.readString(GoldenSourcesTest.GOLDEN.resolve("golden.nlpm")));
    ClassLoader loader = InMemoryJavac.compile(compilation.files()).loader();
    Class<?> type = loader.loadClass("golden.TinyBertModel");
    EncoderFacade encoder = type.asSubclass(EncoderFacade.class).getConstructor().newInstance();
    assertEquals(type.getField("CONFIG").get(null), encoder.config());
    assertEquals(type.getField("LOWERCASE").get(null), encoder.lowercase());
    assertEquals(new MlmSettings((double) type.getField("MLM_RATE").get(null), (double) type.getField("MLM_MASK").get(null),
        (double) type.getField("MLM_RANDOM").get(null), (double) type.getField("MLM_KEEP").get(null),
        (dev.nlpm.runtime.pretrain.Masking) type.getField("MASKING").get(null)), encoder.mlm());
    assertEquals("bert.", encoder.checkpointPrefix());
    ParameterRows statics = (ParameterRows) type.getMethod("initialize", long.class).invoke(null, 3L);
    assertArrayEquals(statics.toFlat(), encoder.newParameters(3).toFlat());
    Class<?> words = loader.loadClass("golden.TinyWordsModel");
    Word2VecFacade word2vec = words.asSubclass(Word2VecFacade.class).getConstructor().newInstance();
    assertEquals(50, word2vec.maxVocab());
    assertEquals(words.getMethod("options").invoke(null), word2vec.declaredOptions());
    assertFalse(Arrays.equals(statics.toFlat(), encoder.newParameters(4).toFlat()), "another seed draws other parameters");
  }
}
