package dev.nlpm.models;

import dev.nlpm.runtime.annotations.Model;
import dev.nlpm.runtime.annotations.Option;
import dev.nlpm.runtime.annotations.Remove;
import dev.nlpm.runtime.annotations.Section;

@Model(parent = "BertBase")
@Remove(kind = "objective", variant = "nsp")
@Remove(kind = "objective", variant = "mlm")
public interface SpanBertBase {
  int VOCAB = 28996;
  @Section(kind = "tokenizer", variant = "wordpiece")
  interface TokenizerWordpiece {
    boolean LOWERCASE = false;
  }
  @Section(kind = "objective", variant = "span")
  @Option(key = "length", range = {1, 10})
  interface ObjectiveSpan {
    double RATE = 0.15;
    String DISTRIBUTION = "geometric";
    double P = 0.2;
  }
  @Section(kind = "objective", variant = "sbo")
  interface ObjectiveSbo {
    int MAX_SPAN = 10;
    int POSITION_SIZE = 200;
  }
}
