package dev.nlpm.runtime.lstm;

import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.SplittableRandom;

/**
 * An LSTM language model's parameters under PyTorch's names ({@code embedding.weight}, {@code
 * lstm.weight_ih_lK}, {@code lstm.weight_hh_lK}, both biases, {@code decoder.weight} unless tied,
 * {@code decoder.bias}): their rows, and their initialization.
 */
public final class LstmParameters {

  private LstmParameters() {}

  /** The rows of an LSTM LM's parameters: the LSTM weights held transposed ({@code [in][4H]}). */
  public static ParameterRows rows(ParameterLayout layout) {
    return new ParameterRows(layout, slot -> slot.name().startsWith("lstm.weight"));
  }

  /**
   * Fresh parameters for {@code layout} from {@code seed}, as PyTorch initializes the modules:
   * {@code nn.Embedding} from N(0, 1); every {@code torch.nn.LSTM} weight and bias from U(−k, k)
   * with k = 1/√hidden; {@code nn.Linear}'s weight and bias from U(−k, k) with k = 1/√in (its
   * default Kaiming-uniform bound). Tensors are drawn in layout order, each in its stored order.
   */
  public static ParameterRows initialize(ParameterLayout layout, long seed) {
    ParameterRows parameters = rows(layout);
    float[] flat = new float[layout.size()];
    SplittableRandom random = new SplittableRandom(seed);
    for (var slot : layout.slots()) {
      if (slot.tiedTo().isPresent()) {
        continue;
      }
      String name = slot.name();
      boolean normal = name.equals("embedding.weight");
      double bound;
      if (name.startsWith("lstm.")) {
        bound = 1 / Math.sqrt(slot.shape().get(0) / 4.0);
      } else if (name.startsWith("decoder.")) {
        // the output layer reads the last LSTM layer's state: its width is the LSTM's hidden
        bound = 1 / Math.sqrt(layout.slot("lstm.weight_hh_l0").orElseThrow().shape().get(1));
      } else if (normal) {
        bound = 0;
      } else {
        throw new IllegalArgumentException("an LSTM language model has no tensor named " + name);
      }
      for (int i = slot.offset(); i < slot.offset() + slot.elements(); i++) {
        flat[i] = normal ? (float) gaussian(random) : (float) ((2 * random.nextDouble() - 1) * bound);
      }
    }
    parameters.importFrom(flat);
    return parameters;
  }

  /** A standard normal draw (Box–Muller; SplittableRandom has no nextGaussian on Java 17). */
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
