package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(family = "nat")
public interface MaskPredictNat {
  int VOCAB = 37000;
  int HIDDEN = 512;
  int HEADS = 8;
  int INTERMEDIATE = 2048;
  int MAX_LENGTH = 1024;
  int MAX_TARGET_LENGTH = 256;
  @Section(kind = "encoder")
  interface Encoder {
    int LAYERS = 6;
  }
  @Section(kind = "decoder")
  interface Decoder {
    int LAYERS = 6;
  }
  @Section(kind = "objective", variant = "cmlm")
  interface ObjectiveCmlm {
  }
  @Section(kind = "objective", variant = "length")
  interface ObjectiveLength {
    double WEIGHT = 0.1;
  }
  @Section(kind = "objective", variant = "distillation")
  interface ObjectiveDistillation {
    String TEACHER = "TransformerBase";
    String LEVEL = "sequence";
  }
  @Section(kind = "decoding", variant = "mask_predict")
  interface DecodingMaskPredict {
    int ITERATIONS = 10;
    int LENGTH_CANDIDATES = 5;
  }
  @Section(kind = "decoding", variant = "hybrid")
  interface DecodingHybrid {
    double THRESHOLD = 0.9;
  }
  @Section(kind = "train")
  interface Train {
    String OPTIMIZER = "adam";
    double LR = 5e-4;
    int WARMUP = 10000;
    int BATCH = 128;
    int SEQ = 256;
  }
}
