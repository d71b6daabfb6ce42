package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.models.BertBaseLayout;
import dev.nlpm.models.BertTinyLayout;
import dev.nlpm.models.Gpt2SmallLayout;
import dev.nlpm.models.SkipGramLayout;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.TensorSlot;
import java.lang.reflect.Field;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Layout classes the build generated for stdlib-models: their constants, their slot tables
 * and their offsets agree with each other and with the reference implementations.
 */
class StandardLayoutsTest {

  @Test
  void generatedCountsAreTheReferenceCounts() {
    assertEquals(109_482_240L, BertBaseLayout.BACKBONE_PARAMETERS);
    assertEquals(124_439_808L, Gpt2SmallLayout.BACKBONE_PARAMETERS);
    assertEquals(BertBaseLayout.LAYOUT.count("backbone"), BertBaseLayout.BACKBONE_PARAMETERS);
    assertEquals(BertBaseLayout.LAYOUT.size(), BertBaseLayout.PARAMETERS);
    assertEquals("bert.", BertTinyLayout.CHECKPOINT_PREFIX);
    assertEquals(128, BertTinyLayout.HIDDEN);
    assertEquals(64, BertTinyLayout.HEAD_SIZE);
  }

  @Test
  void offsetConstantsPointAtTheirTensors() throws ReflectiveOperationException {
    for (Class<?> layout : new Class<?>[] {BertTinyLayout.class, BertBaseLayout.class, Gpt2SmallLayout.class}) {
      ParameterLayout table = (ParameterLayout) layout.getField("LAYOUT").get(null);
      int checked = 0;
      Pattern layer = Pattern.compile("(encoder\\.layer\\.|h\\.)(\\d+)\\.(.*)");
      for (TensorSlot slot : table.slots()) {
        if (slot.tiedTo().isPresent()) {
          assertEquals(table.slot(slot.tiedTo().get()).orElseThrow().offset(), slot.offset());
          continue;
        }
        Matcher m = layer.matcher(slot.name());
        int expected;
        if (m.matches()) {
          int base = layout.getField("LAYER_BASE").getInt(null);
          int stride = layout.getField("LAYER_STRIDE").getInt(null);
          expected = base + Integer.parseInt(m.group(2)) * stride + field(layout, "LAYER_" + constant(m.group(3)));
        } else {
          expected = field(layout, constant(slot.name()));
        }
        assertEquals(expected, slot.offset(), layout.getSimpleName() + " " + slot.name());
        checked++;
      }
      assertTrue(checked > 20, layout + " checked only " + checked);
    }
  }

  @Test
  void theTableIsContiguousAndDescribed() {
    int next = 0;
    for (TensorSlot slot : BertTinyLayout.LAYOUT.slots()) {
      if (slot.tiedTo().isEmpty()) {
        assertEquals(next, slot.offset(), slot.name());
        next += slot.elements();
      }
    }
    assertEquals(BertTinyLayout.LAYOUT.size(), next);
    String table = BertTinyLayout.describe();
    assertTrue(table.contains("encoder.layer.1.attention.self.query.weight"), table);
    assertTrue(table.contains("cls.predictions.decoder.weight"), table);
    assertTrue(table.contains("backbone"), table);
    assertTrue(table.contains("4,385,920"), table);
  }

  @Test
  void aRuntimeVocabularyIsBoundedByItsDeclaredMaximum() {
    ParameterLayout small = SkipGramLayout.layout(1000);
    assertEquals(2 * 1000 * SkipGramLayout.DIM, small.size());
    assertEquals(1000 * SkipGramLayout.DIM, small.slot("syn1neg").orElseThrow().offset());
    assertThrows(IllegalArgumentException.class, () -> SkipGramLayout.layout(SkipGramLayout.VOCAB + 1));
    assertThrows(IllegalArgumentException.class, () -> SkipGramLayout.layout(0));
  }

  private static int field(Class<?> type, String name) throws ReflectiveOperationException {
    Field field = type.getField(name);
    return field.getInt(null);
  }

  private static String constant(String name) {
    return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]+", "_").replaceAll("^_+|_+$", "");
  }
}
