package dev.nlpm.benchmarks;

import dev.nlpm.models.GptMiniModel;
import dev.nlpm.runtime.decoder.DecoderParameters;
import dev.nlpm.runtime.decoder.KeyValueCache;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.optim.AdamWSettings;
import dev.nlpm.runtime.optim.RowOptimizer;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * nlpm's side of {@code benchmarks/gpt/side_by_side.sh}: the generated passes ({@code GptMiniPasses},
 * dropout off) of the generated {@code GptMiniModel} (GPT-2's structure and vocabulary, 4 layers of 256, 4 heads,
 * 1024 inner), parameters from {@code initialize(1)}, its work split by a {@link Parallel} of
 * THREADS threads, for the cases of {@code torch_gpt.py}:
 *
 * <ul>
 *   <li>{@code generate}: batch 1, a fresh {@link KeyValueCache} of 144 positions, the 16-token
 *       prompt fed one token at a time, then 128 greedy tokens (argmax of the logits); one call is
 *       the whole generation (prompt included);
 *   <li>{@code train-step}: batch 8 × 128, causal-LM loss ({@code train} into zeroed
 *       gradients), then an AdamW step (lr 1e-4, weight decay 0.01).
 * </ul>
 *
 * Timing rules as NlpmBertLatency's: warm up (5 runs or 2 s, at least 2), then repeat until at
 * least 20 runs and 3 s, or 5 runs and 10 s; prints the median as TSV: impl, model, threads, case,
 * median_ms, reps, cpu_per_wall.
 *
 * <pre>
 * NlpmGptLatency THREADS
 * </pre>
 */
public final class NlpmGptLatency {

  static final String MODEL = "gpt-mini";
  static final int PROMPT = 16;
  static final int NEW_TOKENS = 128;
  static final int SEQ = 128;
  static final int TRAIN_BATCH = 8;

  private NlpmGptLatency() {}

  public static void main(String[] args) {
    int threads = Integer.parseInt(args[0]);
    String impl = "nlpm";
    int vocab = GptMiniModel.CONFIG.vocab();
    try (Parallel parallel = new Parallel(threads)) {
      ParameterRows parameters = GptMiniModel.initialize(1);
      // dropout off, as in torch_gpt.py
      var decoder = GptMiniModel.decoder(parameters, parallel).withoutDropout();
      Random random = new Random(1);
      int[] prompt = new int[PROMPT];
      for (int i = 0; i < PROMPT; i++) {
        prompt[i] = random.nextInt(vocab);
      }
      long[] sink = {0};
      List<String> lines = new ArrayList<>();
      lines.add(LatencyTiming.line(impl, MODEL, threads, "generate", LatencyTiming.time(() -> {
        KeyValueCache cache = decoder.cache(PROMPT + NEW_TOKENS);
        for (int token : prompt) {
          cache.advance(token);
        }
        for (int i = 0; i < NEW_TOKENS; i++) {
          int next = argmax(cache.logits());
          sink[0] += next;
          if (i < NEW_TOKENS - 1) {
            cache.advance(next);
          }
        }
      })));

      int[] ids = new int[TRAIN_BATCH * SEQ];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = random.nextInt(vocab);
      }
      var ws = decoder.workspace(TRAIN_BATCH, SEQ);
      ParameterRows gradients = DecoderParameters.rows(parameters.layout());
      RowOptimizer optimizer = new RowOptimizer(parameters, AdamWSettings.withWeightDecay(0.01));
      float[] loss = {0f};
      lines.add(LatencyTiming.line(impl, MODEL, threads, "train-step", LatencyTiming.time(() -> {
        gradients.zero();
        loss[0] += decoder.train(ids, null, TRAIN_BATCH, SEQ, ws, gradients);
        optimizer.step(parameters, gradients, 1e-4);
      })));
      if (Float.isNaN(loss[0])) {
        System.err.println("warning: NaN loss");
      }
      lines.forEach(System.out::println);
      System.out.flush();
    }
  }

  static int argmax(float[] row) {
    int best = 0;
    for (int i = 1; i < row.length; i++) {
      if (row[i] > row[best]) {
        best = i;
      }
    }
    return best;
  }
}
