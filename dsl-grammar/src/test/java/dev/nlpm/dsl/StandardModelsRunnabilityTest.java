package dev.nlpm.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.NlpmCompiler;
import dev.nlpm.compiler.diag.Diagnostic;
import dev.nlpm.compiler.diag.DiagnosticPrinter;
import dev.nlpm.compiler.ir.ModelSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Which standard models the runtime runs today, and for each of the others the warnings that say
 * why, at the option that stands in the way. When later work makes a shape runnable, the models it
 * frees move from the second list to the first.
 */
class StandardModelsRunnabilityTest {

  private static final Compilation STANDARD = NlpmCompiler.compile(StandardModelsParseTest.standardProgram().declarations());

  /** Each model's warnings as {@code file:line:col CODE}, in position order; runnable models have none. */
  private static Map<String, List<String>> warningsByModel() {
    Map<String, List<String>> byModel = new TreeMap<>();
    for (ModelSpec model : STANDARD.models()) {
      byModel.put(model.name(), new java.util.ArrayList<>());
    }
    STANDARD.diagnostics().stream()
        .sorted(DiagnosticPrinter.BY_POSITION)
        .forEach(d -> byModel.get(modelOf(d)).add(d.origin().describe() + " " + d.code().code()));
    return byModel;
  }

  /** The model a warning is about: its message says "<Model> gets its layout". */
  private static String modelOf(Diagnostic warning) {
    String message = warning.message();
    int end = message.indexOf(" gets its layout");
    return message.substring(message.lastIndexOf(' ', end - 1) + 1, end);
  }

  @Test
  void everyStandardModelCompilesWithWarningsOnly() {
    assertEquals(List.of(), STANDARD.diagnostics().stream().filter(Diagnostic::isError).toList());
    assertEquals(18, STANDARD.models().size());
  }

  @Test
  void theRunnableStandardModelsGetTheirFacade() {
    List<String> runnable = warningsByModel().entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    assertEquals(List.of("AlbertBase", "BertBase", "BertMini", "BertTiny", "Cbow", "CharLstm", "Gpt2Small", "GptMini", "RobertaBase", "SkipGram",
        "SkipGramHs"), runnable);
    for (String model : runnable) {
      assertEquals(1, STANDARD.files().stream().filter(f -> f.qualifiedName().equals("dev.nlpm.models." + model + "Model")).count(), model);
    }
  }

  @Test
  void everyStandardModelThatIsNotRunnableYetWarnsAtWhatStandsInTheWay() {
    Map<String, List<String>> expected = new TreeMap<>();
    // objective distillation (its names, no pooler and no token types run)
    expected.put("DistilBertBase", List.of(
        "dev/nlpm/models/encoders.nlpm:147:3 NLPM405"));
    // attention linformer (names = nlpm are BERT's for an encoder)
    expected.put("LinformerBase", List.of(
        "dev/nlpm/models/encoders.nlpm:160:3 NLPM401"));
    // the nat family
    expected.put("MaskPredictNat", List.of(
        "dev/nlpm/models/seq2seq.nlpm:66:24 NLPM409"));
    // the rnn_seq2seq family
    expected.put("RnnSearch", List.of(
        "dev/nlpm/models/seq2seq.nlpm:5:19 NLPM407"));
    // objective span, objective sbo
    expected.put("SpanBertBase", List.of(
        "dev/nlpm/models/encoders.nlpm:122:3 NLPM403",
        "dev/nlpm/models/encoders.nlpm:128:3 NLPM404"));
    // the transformer_seq2seq family
    expected.put("TransformerBase", List.of(
        "dev/nlpm/models/seq2seq.nlpm:30:25 NLPM408"));
    // names = transfo_xl, attention xl (its relative positions go with it)
    expected.put("TransformerXlBase", List.of(
        "dev/nlpm/models/decoders.nlpm:68:11 NLPM415",
        "dev/nlpm/models/decoders.nlpm:76:3 NLPM402"));
    Map<String, List<String>> actual = new TreeMap<>(warningsByModel());
    actual.values().removeIf(List::isEmpty);
    assertEquals(expected, actual);
    for (String model : actual.keySet()) {
      assertEquals(0, STANDARD.files().stream().filter(f -> f.qualifiedName().equals("dev.nlpm.models." + model + "Model")).count(), model);
    }
  }
}
