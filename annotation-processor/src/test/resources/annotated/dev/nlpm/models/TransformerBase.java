package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(family = "transformer_seq2seq")
public interface TransformerBase {
  int VOCAB = 37000;
  int HIDDEN = 512;
  int HEADS = 8;
  int INTERMEDIATE = 2048;
  int MAX_LENGTH = 1024;
  String ACTIVATION = "relu";
  boolean TIE_EMBEDDINGS = true;
  @Section(kind = "embeddings")
  interface Embeddings {
    String POSITIONS = "sinusoidal";
  }
  @Section(kind = "encoder")
  interface Encoder {
    int LAYERS = 6;
  }
  @Section(kind = "decoder")
  interface Decoder {
    int LAYERS = 6;
  }
  @Section(kind = "objective", variant = "translation")
  interface ObjectiveTranslation {
    double LABEL_SMOOTHING = 0.1;
  }
  @Section(kind = "decoding", variant = "beam")
  interface DecodingBeam {
    int WIDTH = 4;
    double LENGTH_PENALTY = 0.6;
  }
  @Section(kind = "train")
  interface Train {
    String OPTIMIZER = "adam";
    double LR = 7e-4;
    int WARMUP = 4000;
    String SCHEDULE = "linear";
    int BATCH = 64;
    int SEQ = 256;
  }
}
