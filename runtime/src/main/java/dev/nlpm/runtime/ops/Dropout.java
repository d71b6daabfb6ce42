package dev.nlpm.runtime.ops;

import java.util.SplittableRandom;

/**
 * Inverted dropout: each element is kept with probability {@code 1 − rate} and scaled by {@code
 * 1/(1 − rate)}. The keep factors (0 or {@code 1/(1 − rate)}) are drawn from a seeded {@link
 * SplittableRandom}, one {@code nextDouble()} per element in row-major order, and saved for
 * backward; a model draws its masks serially, in one fixed order, so a seed fixes every mask
 * whatever the thread count. A {@code keep} of null stands for no dropout (rate 0, or inference):
 * the identity.
 */
public final class Dropout {

  private Dropout() {}

  /**
   * Draws {@code keep[r][0, width)} for rows {@code [from, to)}: 0 with probability {@code rate},
   * else {@code 1/(1 − rate)}.
   *
   * @param keep {@code [rows][≥ width]}
   */
  public static void draw(float[][] keep, int width, float rate, SplittableRandom random, int from, int to) {
    float scale = 1 / (1 - rate);
    for (int r = from; r < to; r++) {
      float[] kr = keep[r];
      for (int i = 0; i < width; i++) {
        kr[i] = random.nextDouble() < rate ? 0 : scale;
      }
    }
  }

  /**
   * Draws the mask and applies it in one pass: {@code keep} as {@link #draw}, {@code out = in ·
   * keep}, for rows {@code [from, to)} and {@code i < width}.
   *
   * @param in   {@code [rows][width]}
   * @param keep {@code [rows][width]} drawn, saved for backward
   * @param out  {@code [rows][width]} (may be {@code in})
   */
  public static void forward(float[][] in, float[][] keep, float[][] out, int width, float rate, SplittableRandom random, int from, int to) {
    float scale = 1 / (1 - rate);
    for (int r = from; r < to; r++) {
      float[] kr = keep[r];
      float[] ir = in[r];
      float[] or = out[r];
      for (int i = 0; i < width; i++) {
        kr[i] = random.nextDouble() < rate ? 0 : scale;
        or[i] = ir[i] * kr[i];
      }
    }
  }

  /**
   * {@code out = in · keep} for rows {@code [from, to)} and {@code i < width}, with a mask drawn
   * before; {@code out} may be {@code in}.
   */
  public static void apply(float[][] in, float[][] keep, float[][] out, int width, int from, int to) {
    for (int r = from; r < to; r++) {
      float[] ir = in[r];
      float[] kr = keep[r];
      float[] or = out[r];
      for (int i = 0; i < width; i++) {
        or[i] = ir[i] * kr[i];
      }
    }
  }

  /**
   * {@code dIn = dOut · keep} (or {@code dIn += …} when {@code accumulate}; {@code keep} null:
   * {@code dOut} itself) for rows {@code [from, to)} and {@code i < width}; {@code dIn} may be
   * {@code dOut} unless accumulating.
   *
   * @param dOut {@code [rows][width]}
   * @param keep {@code [rows][width]} the forward's mask, or null
   * @param dIn  {@code [rows][width]}
   */
  public static void backward(float[][] dOut, float[][] keep, float[][] dIn, int width, boolean accumulate, int from, int to) {
    for (int r = from; r < to; r++) {
      float[] dor = dOut[r];
      float[] dir = dIn[r];
      if (keep == null) {
        if (accumulate) {
          for (int i = 0; i < width; i++) {
            dir[i] += dor[i];
          }
        } else if (dir != dor) {
          System.arraycopy(dor, 0, dir, 0, width);
        }
      } else {
        float[] kr = keep[r];
        if (accumulate) {
          for (int i = 0; i < width; i++) {
            dir[i] += dor[i] * kr[i];
          }
        } else {
          for (int i = 0; i < width; i++) {
            dir[i] = dor[i] * kr[i];
          }
        }
      }
    }
  }
}
