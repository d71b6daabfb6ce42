package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.plan.ModelPlan;
import dev.nlpm.compiler.plan.TensorPlan;
import dev.nlpm.runtime.optim.DecayRange;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRole;
import dev.nlpm.runtime.parameters.TensorSlot;
import dev.nlpm.runtime.parameters.TruncatedNormalInitializer;
import dev.nlpm.runtime.testing.ReferenceNameRoles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The roles the generated Layouts give their slots: the layer graph's, and, for every standard
 * model, initialized and decayed exactly as the runtime did when it guessed each role from the
 * tensor's name ({@link ReferenceNameRoles}, the former rule), so that no number moved when the
 * guess went, but for the corrections listed below.
 */
class ParameterRolesTest {

  /** Floats drawn per slot: enough to tell the fills and streams apart, small for BERT-base's tables. */
  private static final int PROBE = 16;

  @Test
  void theRuntimeHasTheGraphsRolesUnderTheSameNames() {
    assertEquals(
        Arrays.stream(dev.nlpm.compiler.graph.ParameterRole.values()).map(Enum::name).toList(),
        Arrays.stream(ParameterRole.values()).map(Enum::name).toList());
  }

  @Test
  void everyGeneratedSlotHasItsGraphSlotsRole() throws IOException, ReflectiveOperationException {
    int checked = 0;
    for (ModelPlan plan : Models.standard().plans()) {
      ParameterLayout layout = generatedLayout(plan);
      List<TensorPlan> tensors = plan.tensors();
      assertEquals(tensors.size(), layout.slots().size(), plan.model().name());
      for (TensorPlan tensor : tensors) {
        TensorSlot slot = layout.slot(tensor.name()).orElseThrow();
        assertEquals(tensor.role().name(), slot.role().name(), plan.model().name() + " " + tensor.name());
        checked++;
      }
    }
    assertTrue(checked > 1000, "only " + checked + " slots");
  }

  /**
   * Every stored slot of every standard model, initialized and decayed by its role and by the role
   * its name suggests: the same bits and the same decay, but for two corrections, in models that
   * do not train yet (their declarations carry a not-runnable warning), so no number anyone ran
   * moves:
   *
   * <ul>
   *   <li>Transformer-XL's u and v ({@code r_w_bias}, {@code r_r_bias}) are biases and no longer
   *       decay (the name rule took them for weights; HuggingFace's Trainer decays no {@code
   *       *bias*});
   *   <li>SpanBERT's span-boundary head has two LayerNorms named {@code layer_norm1} and {@code
   *       layer_norm2}, which the name rule missed: their gains were drawn from N(0, 0.02²) and
   *       decayed like weights; they now start at 1 and do not decay, as every other LayerNorm.
   * </ul>
   */
  @Test
  void everyStandardModelInitializesAndDecaysAsItsNamesDid() throws IOException, ReflectiveOperationException {
    List<String> changed = new ArrayList<>();
    List<String> corrected = new ArrayList<>();
    int compared = 0;
    for (ModelPlan plan : Models.standard().plans()) {
      for (TensorSlot slot : generatedLayout(plan).slots()) {
        if (slot.tiedTo().isPresent()) {
          continue; // neither initialized nor decayed: it is its target
        }
        int probe = Math.min(PROBE, slot.elements());
        ParameterLayout byRole = single(slot.name(), slot.role(), probe);
        ParameterLayout byName = single(slot.name(), ReferenceNameRoles.of(slot.name()), probe);
        String what = plan.model().name() + " " + slot.name();
        if (!Arrays.equals(initialized(byName), initialized(byRole))) {
          changed.add(what + " initialized as " + slot.role());
        }
        if (!DecayRange.fromLayout(byRole).equals(DecayRange.fromLayout(byName))) {
          changed.add(what + (slot.role().decays() ? " decays" : " does not decay"));
        }
        if (plan.model().name().equals("TransformerXlBase") && slot.role() == ParameterRole.POSITION_BIAS) {
          corrected.add(what + " does not decay");
        }
        compared++;
      }
    }
    assertTrue(compared > 1000, "only " + compared + " slots");
    assertTrue(corrected.size() >= 2, "Transformer-XL's u and v are among the standard models");
    for (int norm = 1; norm <= 2; norm++) {
      String gain = "SpanBertBase cls.pair_target_predictions.mlp_layer_norm.layer_norm" + norm + ".weight";
      corrected.add(gain + " initialized as NORM_GAIN");
      corrected.add(gain + " does not decay");
    }
    assertEquals(sorted(corrected), sorted(changed));
  }

  private static List<String> sorted(List<String> lines) {
    return lines.stream().sorted().toList();
  }

  private static ParameterLayout single(String name, ParameterRole role, int elements) {
    return ParameterLayout.builder().add(name, role, ParameterLayout.BACKBONE, elements).build();
  }

  private static float[] initialized(ParameterLayout layout) {
    float[] values = new float[layout.size()];
    TruncatedNormalInitializer.bert().initialize(layout, values, 42);
    return values;
  }

  /** The {@code ParameterLayout} of the model's generated {@code <Model>Layout}, at its largest vocabulary. */
  private static ParameterLayout generatedLayout(ModelPlan plan) throws ReflectiveOperationException {
    String name = plan.model().javaPackage() + "." + plan.model().name() + "Layout";
    Class<?> layout = Class.forName(name);
    if (plan.runtimeVocabulary()) {
      int vocab = layout.getField("VOCAB").getInt(null);
      return (ParameterLayout) layout.getMethod("layout", int.class).invoke(null, vocab);
    }
    return (ParameterLayout) layout.getField("LAYOUT").get(null);
  }
}
