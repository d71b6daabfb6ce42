package dev.nlpm.benchmarks;

import dev.nlpm.models.BertMiniModel;
import dev.nlpm.models.BertTinyModel;
import dev.nlpm.runtime.encoder.EncoderActivations;
import dev.nlpm.runtime.encoder.EncoderBatch;
import dev.nlpm.runtime.encoder.EncoderPasses;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.optim.AdamWSettings;
import dev.nlpm.runtime.optim.RowOptimizer;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * nlpm's side of {@code benchmarks/bert/side_by_side.sh}: the generated passes ({@code
 * BertTinyPasses} / {@code BertMiniPasses}, from the facade's {@code encoder(…)}) of the generated
 * {@code BertTinyModel} / {@code BertMiniModel}, parameters from {@code initialize(1)}, their work
 * split by a {@link Parallel} of THREADS threads, for the cases of {@code torch_bert.py}:
 *
 * <ul>
 *   <li>{@code encoder}: batch 1 × 128, hidden states and pooled output ({@link EncoderPasses#infer}
 *       with no prediction rows);
 *   <li>{@code encoder+mlm}: the same plus MLM logits at all 128 positions;
 *   <li>{@code train-step}: batch 8 × 128, MLM labels at 15% of positions (never [CLS]) and NSP
 *       labels, {@link EncoderPasses#train} into zeroed gradients, then an AdamW step (lr 1e-4,
 *       weight decay 0.01).
 * </ul>
 *
 * Dropout is off, as in torch_bert.py's model. Timing rules as torch_bert.py's: warm up (5 runs or
 * 2 s, at least 2), then repeat until at least 20 runs and 3 s, or 5 runs and 10 s; prints the
 * median as TSV: impl, model, threads, case, median_ms, reps, cpu_per_wall. The impl is {@code nlpm}
 * with the generated kernels, {@code nlpm-ejml} with {@code -Dnlpm.plainKernels=true} (the EJML
 * reference kernels).
 *
 * <pre>
 * NlpmBertLatency THREADS [MODEL...]     (MODEL: bert-tiny, bert-mini)
 * </pre>
 */
public final class NlpmBertLatency {

  private static final int SEQ = 128;
  private static final int VOCAB = 30522;
  private static final int TRAIN_BATCH = 8;
  private static final double MASKED = 0.15;

  private NlpmBertLatency() {}

  /**
   * A model's generated passes over fresh parameters, without dropout: torch_bert.py's
   * BertForPreTraining runs with dropout 0.0, in training too.
   */
  private static EncoderPasses<?> passes(String name, Parallel parallel) {
    return switch (name) {
      case "bert-tiny" -> BertTinyModel.encoder(BertTinyModel.initialize(1), parallel).withoutDropout();
      case "bert-mini" -> BertMiniModel.encoder(BertMiniModel.initialize(1), parallel).withoutDropout();
      default -> throw new IllegalArgumentException("unknown model " + name + " (bert-tiny, bert-mini)");
    };
  }

  public static void main(String[] args) {
    int threads = Integer.parseInt(args[0]);
    List<String> models =
        args.length > 1 ? Arrays.asList(args).subList(1, args.length) : List.of("bert-tiny", "bert-mini");
    String impl = Boolean.getBoolean("nlpm.plainKernels") ? "nlpm-ejml" : "nlpm";
    try (Parallel parallel = new Parallel(threads)) {
      for (String name : models) {
        lines(impl, name, threads, passes(name, parallel)).forEach(System.out::println);
        System.out.flush();
      }
    }
  }

  /** The three cases' lines for one model's passes, in workspaces of their own type. */
  private static <W extends EncoderActivations> List<String> lines(String impl, String name, int threads, EncoderPasses<W> encoder) {
    Random random = new Random(1);
    EncoderBatch one = batch(1, random, null, null);
    W inferWs = encoder.workspace(1, SEQ, SEQ);
    int[] none = new int[0];
    int[] all = new int[SEQ];
    for (int i = 0; i < SEQ; i++) {
      all[i] = i;
    }
    float[] sink = new float[1];
    List<String> lines = new ArrayList<>();
    lines.add(LatencyTiming.line(impl, name, threads, "encoder", LatencyTiming.time(() -> {
      encoder.infer(one, inferWs, none);
      sink[0] += inferWs.hidden(SEQ - 1)[0] + inferWs.pooled(0)[0];
    })));
    lines.add(LatencyTiming.line(impl, name, threads, "encoder+mlm", LatencyTiming.time(() -> {
      encoder.infer(one, inferWs, all);
      sink[0] += inferWs.hidden(SEQ - 1)[0] + inferWs.pooled(0)[0] + inferWs.mlmLogits(SEQ - 1)[0];
    })));

    int rows = TRAIN_BATCH * SEQ;
    int[] mlm = new int[rows];
    Arrays.fill(mlm, EncoderBatch.IGNORED);
    int counted = 0;
    for (int r = 0; r < rows; r++) {
      if (r % SEQ != 0 && random.nextDouble() < MASKED) {
        mlm[r] = 1000 + random.nextInt(VOCAB - 1000);
        counted++;
      }
    }
    int[] nsp = new int[TRAIN_BATCH];
    for (int b = 0; b < TRAIN_BATCH; b++) {
      nsp[b] = random.nextInt(2);
    }
    EncoderBatch train = batch(TRAIN_BATCH, random, mlm, nsp);
    W trainWs = encoder.workspace(TRAIN_BATCH, SEQ, counted);
    ParameterRows parameters = encoder.parameters();
    ParameterRows gradients = new ParameterRows(parameters.layout());
    RowOptimizer optimizer = new RowOptimizer(parameters, AdamWSettings.withWeightDecay(0.01));
    long[] seed = {0};
    lines.add(LatencyTiming.line(impl, name, threads, "train-step", LatencyTiming.time(() -> {
      gradients.zero();
      EncoderPasses.Losses losses = encoder.train(train, trainWs, gradients, seed[0]++);
      optimizer.step(parameters, gradients, 1e-4);
      sink[0] += losses.total();
    })));
    if (Float.isNaN(sink[0])) {
      System.err.println("warning: NaN in " + name + "'s outputs");
    }
    return lines;
  }

  /** {@code batch} sequences of random ids after [CLS], segment A then B, no padding. */
  private static EncoderBatch batch(int batch, Random random, int[] mlm, int[] nsp) {
    int[] ids = new int[batch * SEQ];
    int[] segments = new int[batch * SEQ];
    int[] lengths = new int[batch];
    for (int b = 0; b < batch; b++) {
      lengths[b] = SEQ;
      for (int t = 0; t < SEQ; t++) {
        ids[b * SEQ + t] = t == 0 ? 101 : 1000 + random.nextInt(VOCAB - 1000);
        segments[b * SEQ + t] = t < SEQ / 2 ? 0 : 1;
      }
    }
    return new EncoderBatch(batch, SEQ, ids, segments, lengths, mlm, nsp, null, null);
  }
}
