package dev.nlpm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.plan.Planner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every family has its writers registered, and each family's models get the files it runs on. */
class FamilyWritersTest {

  @Test
  void everyFamilyHasItsWriters() {
    for (Family family : Family.values()) {
      FamilyWriters.of(family);
    }
  }

  @Test
  void eachFamilyWritesTheLayoutThenWhatItRunsOn() {
    Map<String, List<String>> expected = new LinkedHashMap<>();
    expected.put("Bert", List.of("BertLayout", "BertKernels", "BertPasses", "BertModel"));
    expected.put("Gpt", List.of("GptLayout", "GptKernels", "GptPasses", "GptModel"));
    expected.put("Words", List.of("WordsLayout", "WordsKernels", "WordsModel"));
    expected.put("Lstm", List.of("LstmLayout", "LstmKernels", "LstmPasses", "LstmModel"));
    expected.put("Rnn", List.of("RnnLayout"));
    expected.put("Translator", List.of("TranslatorLayout"));
    expected.put("Nat", List.of("NatLayout"));
    Map<String, List<String>> generated = new LinkedHashMap<>();
    for (ModelSpec model : LayoutWriterTest.everyFamily(2)) {
      if (expected.containsKey(model.name())) {
        generated.put(model.name(), CodeGenerator.generate(Planner.plan(model)).stream()
            .map(f -> f.qualifiedName().substring(f.qualifiedName().lastIndexOf('.') + 1))
            .toList());
      }
    }
    assertEquals(expected, generated);
  }
}
