package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(parent = "BertBase")
@Remove(kind = "objective", variant = "nsp")
public interface DistilBertBase {
  int LAYERS = 6;
  String NAMES = "distilbert";
  boolean POOLER = false;
  @Section(kind = "embeddings")
  interface Embeddings {
    int SEGMENTS = 0;
  }
  @Section(kind = "objective", variant = "mlm")
  interface ObjectiveMlm {
    String MASKING = "dynamic";
  }
  @Section(kind = "objective", variant = "distillation")
  interface ObjectiveDistillation {
    String TEACHER = "BertBase";
    double TEMPERATURE = 2.0;
    double SOFT = 5.0;
    double HARD = 2.0;
    double COSINE = 1.0;
  }
}
