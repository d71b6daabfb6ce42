package dev.nlpm.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
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
            double[] r = LatencyTiming.time(() -> {
              try {
                session.run(inputs).close();
              } catch (OrtException e) {
                throw new IllegalStateException(e);
              }
            });
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
}
