package dev.nlpm.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.management.ManagementFactory;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * ONNX Runtime's side of {@code benchmarks/bert/side_by_side.sh}: loads the BERTs that {@code
 * benchmarks/bert/export_onnx.py} wrote ({@code MODEL-encoder.onnx}, {@code MODEL-encoder+mlm.onnx})
 * and times one forward at batch 1 x 128 tokens for each, at THREADS intra-op threads (one
 * inter-op thread, sequential execution, all graph optimisations), with the timing rules of {@code
 * torch_bert.py}: warm up (5 runs or 2 s, at least 2), then repeat until at least 20 runs and 3 s
 * (or 5 runs and 10 s); prints the median as TSV: impl, model, threads, case, median_ms, reps,
 * cpu_per_wall.
 *
 * <pre>
 * OnnxBertLatency ONNX_DIR THREADS [MODEL...]
 * </pre>
 */
public final class OnnxBertLatency {

  private static final int SEQ = 128;
  private static final int VOCAB = 30522;

  private OnnxBertLatency() {}

  public static void main(String[] args) throws OrtException {
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    List<String> models =
        args.length > 2
            ? Arrays.asList(args).subList(2, args.length)
            : List.of("bert-tiny", "bert-mini");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, OnnxTensor> inputs = inputs(env);
    for (String model : models) {
      for (String kase : List.of("encoder", "encoder+mlm")) {
        Path file = dir.resolve(model + "-" + kase + ".onnx");
        if (!Files.exists(file)) {
          throw new IllegalArgumentException("no " + file + " (run export_onnx.py first)");
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
          options.setIntraOpNumThreads(threads);
          options.setInterOpNumThreads(1);
          options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
          options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
          try (OrtSession session = env.createSession(file.toString(), options)) {
            double[] r = time(session, inputs);
            System.out.printf(
                Locale.ROOT,
                "onnxruntime\t%s\t%d\t%s\t%.3f\t%d\t%.2f%n",
                model,
                threads,
                kase,
                r[0],
                (int) r[1],
                r[2]);
          }
        }
      }
    }
  }

  /** The inputs torch_bert.py builds: random ids after [CLS], segment A then B, no padding. */
  private static Map<String, OnnxTensor> inputs(OrtEnvironment env) throws OrtException {
    long[] ids = new long[SEQ];
    long[] types = new long[SEQ];
    long[] mask = new long[SEQ];
    Random random = new Random(1);
    for (int i = 0; i < SEQ; i++) {
      ids[i] = i == 0 ? 101 : 1000 + random.nextInt(VOCAB - 1000);
      types[i] = i < SEQ / 2 ? 0 : 1;
      mask[i] = 1;
    }
    long[] shape = {1, SEQ};
    return Map.of(
        "input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape),
        "token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape),
        "attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
  }

  /** {median ms, repetitions, process CPU time over wall time while timing}. */
  private static double[] time(OrtSession session, Map<String, OnnxTensor> inputs)
      throws OrtException {
    long start = System.nanoTime();
    for (int warm = 0; warm < 2 || (warm < 5 && System.nanoTime() - start < 2_000_000_000L); warm++) {
      session.run(inputs).close();
    }
    List<Long> times = new ArrayList<>();
    start = System.nanoTime();
    long cpu = cpuNanos();
    long elapsed;
    while (true) {
      long t0 = System.nanoTime();
      // Result.close frees the outputs, as torch frees its tensors when they go out of scope.
      session.run(inputs).close();
      times.add(System.nanoTime() - t0);
      elapsed = System.nanoTime() - start;
      if ((times.size() >= 20 && elapsed >= 3_000_000_000L)
          || (times.size() >= 5 && elapsed >= 10_000_000_000L)) {
        break;
      }
    }
    double load = (double) (cpuNanos() - cpu) / elapsed;
    long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    return new double[] {median / 1e6, n, load};
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
