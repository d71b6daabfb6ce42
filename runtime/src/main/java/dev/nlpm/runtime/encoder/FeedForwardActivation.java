package dev.nlpm.runtime.encoder;

import dev.nlpm.runtime.math.Gelu;

/** The activation between a block's two feed-forward projections. */
public enum FeedForwardActivation {
  /** BERT's exact GELU, {@code x·Φ(x)} through erf. */
  GELU {
    @Override
    public float apply(float x) {
      return Gelu.exactFloat(x);
    }

    @Override
    public float derivative(float x) {
      return Gelu.exactDerivativeFloat(x);
    }
  },
  /** GPT-2's tanh approximation of GELU. */
  GELU_TANH {
    @Override
    public float apply(float x) {
      return (float) Gelu.tanh(x);
    }

    @Override
    public float derivative(float x) {
      return (float) Gelu.tanhDerivative(x);
    }
  },
  RELU {
    @Override
    public float apply(float x) {
      return x > 0 ? x : 0;
    }

    @Override
    public float derivative(float x) {
      return x > 0 ? 1 : 0;
    }
  };

  public abstract float apply(float x);

  /** The derivative at the activation's input. */
  public abstract float derivative(float x);
}
