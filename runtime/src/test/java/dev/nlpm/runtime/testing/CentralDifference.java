package dev.nlpm.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.function.DoubleSupplier;

/**
 * Checks a backward pass against central finite differences: one input element is nudged by
 * {@code ±step}, the scalar loss recomputed, and {@code (loss(+) − loss(−)) / 2·step} compared with
 * the analytic gradient at {@code absolute + relative·|difference|}. The float passes are checked
 * with a step of about 1e-2: a float loss near 1 carries ~1e-7 of rounding, which a smaller step
 * would magnify past the gradient's own precision.
 */
public final class CentralDifference {

  private CentralDifference() {}

  /** The one input element being checked. */
  public interface Element {
    float get();

    void set(float value);
  }

  /** {@code rows[r][i]}. */
  public static Element at(float[][] rows, int r, int i) {
    return new Element() {
      @Override
      public float get() {
        return rows[r][i];
      }

      @Override
      public void set(float value) {
        rows[r][i] = value;
      }
    };
  }

  /** {@code vector[i]}. */
  public static Element at(float[] vector, int i) {
    return new Element() {
      @Override
      public float get() {
        return vector[i];
      }

      @Override
      public void set(float value) {
        vector[i] = value;
      }
    };
  }

  /** Element {@code index} of the parameters' flat array (through {@code toFlat} and {@code importFrom}). */
  public static Element at(ParameterRows parameters, int index) {
    return new Element() {
      @Override
      public float get() {
        return parameters.toFlat()[index];
      }

      @Override
      public void set(float value) {
        float[] flat = parameters.toFlat();
        flat[index] = value;
        parameters.importFrom(flat);
      }
    };
  }

  /** {@code (loss(x + step) − loss(x − step)) / 2·step} at the element, which is restored afterwards. */
  public static double difference(Element element, float step, DoubleSupplier loss) {
    float original = element.get();
    element.set(original + step);
    double plus = loss.getAsDouble();
    element.set(original - step);
    double minus = loss.getAsDouble();
    element.set(original);
    return (plus - minus) / (2 * step);
  }

  /** Asserts {@code |difference − analytic| ≤ absolute + relative·|difference|}, naming {@code what}. */
  public static void assertMatches(String what, double analytic, Element element, float step, double absolute, double relative,
      DoubleSupplier loss) {
    double numeric = difference(element, step, loss);
    assertTrue(Math.abs(numeric - analytic) <= absolute + relative * Math.abs(numeric),
        () -> what + ": central difference " + numeric + ", backward " + analytic);
  }
}
