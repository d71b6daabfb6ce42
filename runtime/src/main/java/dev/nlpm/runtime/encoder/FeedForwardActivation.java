package dev.nlpm.runtime.encoder;

import dev.nlpm.runtime.math.Gelu;

/** The activation between a block's two feed-forward projections: every one the language declares ({@code compiler.ir.Activation}). */
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
  },
  TANH {
    @Override
    public float apply(float x) {
      return (float) Math.tanh(x);
    }

    @Override
    public float derivative(float x) {
      double y = Math.tanh(x);
      return (float) (1 - y * y);
    }
  },
  /** {@code x·σ(x)} (swish). */
  SILU {
    @Override
    public float apply(float x) {
      return (float) (x / (1 + Math.exp(-x)));
    }

    @Override
    public float derivative(float x) {
      double sigmoid = 1 / (1 + Math.exp(-x));
      return (float) (sigmoid * (1 + x * (1 - sigmoid)));
    }
  };

  public abstract float apply(float x);

  /** The derivative at the activation's input. */
  public abstract float derivative(float x);
}
