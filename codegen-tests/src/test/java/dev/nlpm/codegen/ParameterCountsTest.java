package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.plan.ModelPlan;
import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Parameter counts of the standard models, from their {@code .nlpm} files, against the reference
 * implementations' published counts. Randomly drawn configurations of every family are checked
 * against closed-form formulas in the compiler's {@code RandomConfigurationsTest}.
 */
class ParameterCountsTest {

  @Test
  void standardBackbonesHaveTheReferenceCounts() throws IOException {
    Map<String, ModelPlan> plans =
        Models.standard().plans().stream().collect(Collectors.toMap(p -> p.model().name(), Function.identity()));
    // HuggingFace's models: BertModel (with pooler), RobertaModel, AlbertModel, DistilBertModel, GPT2Model.
    assertEquals(109_482_240L, plans.get("BertBase").parameterCount("backbone"));
    assertEquals(124_645_632L, plans.get("RobertaBase").parameterCount("backbone"));
    assertEquals(11_683_584L, plans.get("AlbertBase").parameterCount("backbone"));
    assertEquals(66_362_880L, plans.get("DistilBertBase").parameterCount("backbone"));
    assertEquals(124_439_808L, plans.get("Gpt2Small").parameterCount("backbone"));
    assertEquals(4_385_920L, plans.get("BertTiny").parameterCount("backbone"));
    assertEquals(11_170_560L, plans.get("BertMini").parameterCount("backbone"));
  }

  @Test
  void word2vecCountsAtTheLargestVocabulary() {
    Compilation compilation =
        Models.compile("w.nlpm", "model W : word2vec { dim = 50; max_vocab = 1000; objective cbow { output = hierarchical_softmax; } }");
    ModelPlan plan = compilation.plans().get(0);
    assertEquals(50_000, plan.parameterCount("backbone"));
    assertEquals(50_000, plan.parameterCount("output_layer"));
    assertEquals(true, plan.runtimeVocabulary());
  }
}
