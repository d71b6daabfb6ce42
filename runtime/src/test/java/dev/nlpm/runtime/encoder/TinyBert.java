package dev.nlpm.runtime.encoder;

import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRole;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/** Tiny BERT configurations and their layouts, as a generated {@code <Model>Layout} would build them. */
final class TinyBert {

  private TinyBert() {}

  static EncoderConfig config(int vocab, int hidden, int layers, int heads, int intermediate, int positions) {
    return new EncoderConfig(vocab, hidden, layers, heads, intermediate, positions, 2, 1e-12, FeedForwardActivation.GELU, 0.1f, 0.1f,
        true, true, null, 0, null, 0);
  }

  static EncoderConfig withHeads(EncoderConfig c, int sequenceLabels, int tokenLabels) {
    return new EncoderConfig(c.vocab(), c.hidden(), c.layers(), c.heads(), c.intermediate(), c.maxPositions(), c.segments(), c.eps(),
        c.activation(), c.hiddenDropout(), c.attentionDropout(), c.mlm(), c.nsp(),
        sequenceLabels > 0 ? "sequence_classifier" : null, sequenceLabels, tokenLabels > 0 ? "token_classifier" : null, tokenLabels);
  }

  static ParameterLayout layout(EncoderConfig c) {
    int v = c.vocab();
    int h = c.hidden();
    int f = c.intermediate();
    ParameterLayout.Builder b = ParameterLayout.builder();
    b.add("embeddings.word_embeddings.weight", ParameterRole.EMBEDDING_TABLE, "backbone", v, h);
    b.add("embeddings.position_embeddings.weight", ParameterRole.EMBEDDING_TABLE, "backbone", c.maxPositions(), h);
    b.add("embeddings.token_type_embeddings.weight", ParameterRole.EMBEDDING_TABLE, "backbone", c.segments(), h);
    b.add("embeddings.LayerNorm.weight", ParameterRole.NORM_GAIN, "backbone", h);
    b.add("embeddings.LayerNorm.bias", ParameterRole.NORM_BIAS, "backbone", h);
    for (int l = 0; l < c.layers(); l++) {
      String p = "encoder.layer." + l + ".";
      b.add(p + "attention.self.query.weight", ParameterRole.WEIGHT, "backbone", h, h);
      b.add(p + "attention.self.query.bias", ParameterRole.BIAS, "backbone", h);
      b.add(p + "attention.self.key.weight", ParameterRole.WEIGHT, "backbone", h, h);
      b.add(p + "attention.self.key.bias", ParameterRole.BIAS, "backbone", h);
      b.add(p + "attention.self.value.weight", ParameterRole.WEIGHT, "backbone", h, h);
      b.add(p + "attention.self.value.bias", ParameterRole.BIAS, "backbone", h);
      b.add(p + "attention.output.dense.weight", ParameterRole.WEIGHT, "backbone", h, h);
      b.add(p + "attention.output.dense.bias", ParameterRole.BIAS, "backbone", h);
      b.add(p + "attention.output.LayerNorm.weight", ParameterRole.NORM_GAIN, "backbone", h);
      b.add(p + "attention.output.LayerNorm.bias", ParameterRole.NORM_BIAS, "backbone", h);
      b.add(p + "intermediate.dense.weight", ParameterRole.WEIGHT, "backbone", f, h);
      b.add(p + "intermediate.dense.bias", ParameterRole.BIAS, "backbone", f);
      b.add(p + "output.dense.weight", ParameterRole.WEIGHT, "backbone", h, f);
      b.add(p + "output.dense.bias", ParameterRole.BIAS, "backbone", h);
      b.add(p + "output.LayerNorm.weight", ParameterRole.NORM_GAIN, "backbone", h);
      b.add(p + "output.LayerNorm.bias", ParameterRole.NORM_BIAS, "backbone", h);
    }
    b.add("pooler.dense.weight", ParameterRole.WEIGHT, "backbone", h, h);
    b.add("pooler.dense.bias", ParameterRole.BIAS, "backbone", h);
    b.add("cls.predictions.bias", ParameterRole.BIAS, "mlm_head", v);
    b.add("cls.predictions.transform.dense.weight", ParameterRole.WEIGHT, "mlm_head", h, h);
    b.add("cls.predictions.transform.dense.bias", ParameterRole.BIAS, "mlm_head", h);
    b.add("cls.predictions.transform.LayerNorm.weight", ParameterRole.NORM_GAIN, "mlm_head", h);
    b.add("cls.predictions.transform.LayerNorm.bias", ParameterRole.NORM_BIAS, "mlm_head", h);
    b.tied("cls.predictions.decoder.weight", ParameterRole.EMBEDDING_TABLE, "mlm_head", "embeddings.word_embeddings.weight", v, h);
    b.tied("cls.predictions.decoder.bias", ParameterRole.BIAS, "mlm_head", "cls.predictions.bias", v);
    b.add("cls.seq_relationship.weight", ParameterRole.WEIGHT, "nsp_head", 2, h);
    b.add("cls.seq_relationship.bias", ParameterRole.BIAS, "nsp_head", 2);
    if (c.sequenceHead() != null) {
      b.add(c.sequenceHead() + ".weight", ParameterRole.WEIGHT, c.sequenceHead(), c.sequenceLabels(), h);
      b.add(c.sequenceHead() + ".bias", ParameterRole.BIAS, c.sequenceHead(), c.sequenceLabels());
    }
    if (c.tokenHead() != null) {
      b.add(c.tokenHead() + ".weight", ParameterRole.WEIGHT, c.tokenHead(), c.tokenLabels(), h);
      b.add(c.tokenHead() + ".bias", ParameterRole.BIAS, c.tokenHead(), c.tokenLabels());
    }
    return b.build();
  }

  /** Random parameters: normal with deviation {@code std}, LayerNorm gains around 1. */
  static ParameterRows random(EncoderConfig c, long seed, double std) {
    ParameterRows p = new ParameterRows(layout(c));
    Random random = new Random(seed);
    float[] flat = new float[p.size()];
    for (var slot : p.layout().slots()) {
      if (slot.tiedTo().isPresent()) {
        continue;
      }
      boolean gain = slot.name().endsWith("LayerNorm.weight");
      for (int i = 0; i < slot.elements(); i++) {
        flat[slot.offset() + i] = (float) ((gain ? 1 : 0) + random.nextGaussian() * std);
      }
    }
    p.importFrom(flat);
    return p;
  }

  /** The parameters in the reference's names ({@code bert.}-prefixed backbone) and layout order, in double. */
  static Map<String, double[]> referenceParameters(ParameterRows p) {
    float[] flat = p.toFlat();
    Map<String, double[]> map = new HashMap<>();
    for (var slot : p.layout().slots()) {
      if (slot.tiedTo().isPresent()) {
        continue;
      }
      double[] values = new double[slot.elements()];
      for (int i = 0; i < values.length; i++) {
        values[i] = flat[slot.offset() + i];
      }
      map.put(referenceName(slot.name()), values);
    }
    return map;
  }

  static String referenceName(String name) {
    return name.startsWith("cls.") ? name : "bert." + name;
  }
}
