package dev.nlpm.runtime.kernels;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * The reference kernels: every product through EJML's {@link CommonOps_FDRM}, on matrices copied
 * out of and back into rows. Slow by design (it copies), any shape, and the oracle the generated
 * kernels are compared with.
 */
public final class PlainProductKernels implements ProductKernels {

  public static final PlainProductKernels INSTANCE = new PlainProductKernels();

  private PlainProductKernels() {}

  @Override
  public void linear(float[][] x, float[][] w, int in, float[] b, float[][] y, boolean accumulate, int from, int to) {
    int rows = to - from;
    if (rows <= 0) {
      return;
    }
    int out = w[0].length;
    FMatrixRMaj product = new FMatrixRMaj(rows, out);
    CommonOps_FDRM.mult(matrix(x, from, rows, in), matrix(w, 0, in, out), product);
    store(product, b, y, from, accumulate);
  }

  @Override
  public void dotRows(float[][] x, int rows, float[][] w, float[] b, float[][] y, boolean accumulate, int from, int to) {
    int count = to - from;
    if (rows <= 0 || count <= 0) {
      return;
    }
    int length = w[0].length;
    FMatrixRMaj product = new FMatrixRMaj(rows, count);
    CommonOps_FDRM.multTransB(matrix(x, 0, rows, length), matrix(w, from, count, length), product);
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < count; j++) {
        float value = product.get(r, j) + (b == null ? 0 : b[from + j]);
        y[r][from + j] = accumulate ? y[r][from + j] + value : value;
      }
    }
  }

  @Override
  public void outerAccumulate(float[][] x, float[][] dy, int rows, float[][] dw, int from, int to) {
    int count = to - from;
    if (rows <= 0 || count <= 0) {
      return;
    }
    int out = dw[0].length;
    FMatrixRMaj xs = new FMatrixRMaj(rows, count);
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < count; i++) {
        xs.set(r, i, x[r][from + i]);
      }
    }
    FMatrixRMaj product = new FMatrixRMaj(count, out);
    CommonOps_FDRM.multTransA(xs, matrix(dy, 0, rows, out), product);
    for (int i = 0; i < count; i++) {
      float[] row = dw[from + i];
      for (int o = 0; o < out; o++) {
        row[o] += product.get(i, o);
      }
    }
  }

  private static FMatrixRMaj matrix(float[][] rows, int from, int count, int columns) {
    FMatrixRMaj m = new FMatrixRMaj(count, columns);
    for (int r = 0; r < count; r++) {
      System.arraycopy(rows[from + r], 0, m.data, r * columns, columns);
    }
    return m;
  }

  private static void store(FMatrixRMaj product, float[] b, float[][] y, int from, boolean accumulate) {
    int columns = product.numCols;
    for (int r = 0; r < product.numRows; r++) {
      float[] row = y[from + r];
      for (int o = 0; o < columns; o++) {
        float value = product.data[r * columns + o] + (b == null ? 0 : b[o]);
        row[o] = accumulate ? row[o] + value : value;
      }
    }
  }
}
