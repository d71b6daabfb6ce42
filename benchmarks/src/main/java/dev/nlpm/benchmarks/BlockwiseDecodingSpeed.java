package dev.nlpm.benchmarks;

import dev.nlpm.examples.ShakespeareGptLayout;
import dev.nlpm.examples.ShakespeareGptModel;
import dev.nlpm.runtime.checkpoint.TrainingCheckpoint;
import dev.nlpm.runtime.decoder.ProposalHeads;
import dev.nlpm.runtime.decoding.Blockwise;
import dev.nlpm.runtime.decoding.DecodingOptions;
import dev.nlpm.runtime.decoding.Greedy;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Greedy against blockwise parallel decoding of the example's trained {@code ShakespeareGpt} and
 * its {@code k = 3} proposal heads ({@code TrainCharGpt … OUTPUT}: {@code OUTPUT/base}, {@code
 * OUTPUT/heads}, {@code OUTPUT/alphabet.txt}), in one run: NEW_TOKENS characters after each of
 * four one-character prompts, batch 1; the generated kernels (unless {@code -Dnlpm.plainKernels}).
 * Timing as the side-by-side scripts' ({@link LatencyTiming}): one repetition decodes all four
 * prompts; the median is divided by four. Prints, per scheme, the median milliseconds per
 * generation, then blockwise decoding's passes, accepted characters per pass and speed-up, and
 * whether its outputs are greedy's.
 *
 * <p>The model has 128 positions and trains on blocks of 64, so 128 new characters after one reach
 * positions it never trained on; NEW_TOKENS 63 stays inside the trained ones.
 *
 * <pre>BlockwiseDecodingSpeed OUTPUT [THREADS] [NEW_TOKENS]</pre>
 */
public final class BlockwiseDecodingSpeed {

  static final String[] PROMPTS = {"T", "A", "\n", "W"};

  private BlockwiseDecodingSpeed() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: BlockwiseDecodingSpeed OUTPUT [THREADS] [NEW_TOKENS]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int newTokens = args.length > 2 ? Integer.parseInt(args[2]) : 128;
    String alphabet = Files.readString(dir.resolve("alphabet.txt"), StandardCharsets.UTF_8);
    ParameterRows base = ShakespeareGptModel.initialize(0);
    base.importFrom(TrainingCheckpoint.read(dir.resolve("base"), ShakespeareGptModel.NAME, ShakespeareGptLayout.LAYOUT,
        ShakespeareGptLayout.CHECKPOINT_PREFIX).parameters());
    ParameterRows heads = ShakespeareGptModel.initializeHeads(0);
    heads.importFrom(TrainingCheckpoint.read(dir.resolve("heads"), ShakespeareGptModel.HEADS_NAME, ProposalHeads.layout(ShakespeareGptLayout.LAYOUT),
        ShakespeareGptLayout.CHECKPOINT_PREFIX).parameters());
    int capacity = ShakespeareGptModel.CONFIG.maxPositions();
    int[][] prompts = new int[PROMPTS.length][];
    for (int p = 0; p < prompts.length; p++) {
      int id = alphabet.indexOf(PROMPTS[p]);
      if (id < 0) {
        throw new IllegalArgumentException("the alphabet has no " + PROMPTS[p].replace("\n", "\\n"));
      }
      prompts[p] = new int[] {id};
    }
    if (1 + newTokens - 1 > capacity) {
      throw new IllegalArgumentException(newTokens + " new characters after one do not fit the model's " + capacity + " positions");
    }
    DecodingOptions options = DecodingOptions.of(newTokens);
    try (Parallel parallel = new Parallel(threads)) {
      var decoder = ShakespeareGptModel.decoder(base, parallel);
      ProposalHeads proposal = ShakespeareGptModel.proposalHeads(decoder, heads);
      int[][] greedy = new int[prompts.length][];
      Blockwise.Result[] blockwise = new Blockwise.Result[prompts.length];
      double[] greedyTime = LatencyTiming.time(() -> {
        for (int p = 0; p < prompts.length; p++) {
          greedy[p] = Greedy.decode(decoder.step(capacity), prompts[p], options);
        }
      });
      double[] blockwiseTime = LatencyTiming.time(() -> {
        for (int p = 0; p < prompts.length; p++) {
          blockwise[p] = Blockwise.decode(proposal.step(capacity), prompts[p], options);
        }
      });
      int generated = 0;
      int passes = 0;
      int iterations = 0;
      boolean identical = true;
      for (int p = 0; p < prompts.length; p++) {
        identical &= Arrays.equals(greedy[p], blockwise[p].tokens());
        generated += blockwise[p].generated();
        passes += blockwise[p].modelPasses();
        iterations += blockwise[p].acceptedPerIteration().length;
      }
      double greedyMs = greedyTime[0] / prompts.length;
      double blockwiseMs = blockwiseTime[0] / prompts.length;
      System.out.printf(Locale.ROOT, "ShakespeareGpt, %d threads, %d new characters after each of %d one-character prompts, batch 1%n", threads,
          newTokens, prompts.length);
      System.out.printf(Locale.ROOT, "greedy     %8.2f ms per generation (median of %d repetitions), %d passes each%n", greedyMs,
          (int) greedyTime[1], newTokens);
      System.out.printf(Locale.ROOT, "blockwise  %8.2f ms per generation (median of %d repetitions), %.1f passes each (the prompt's included)%n",
          blockwiseMs, (int) blockwiseTime[1], (double) passes / prompts.length);
      System.out.printf(Locale.ROOT, "k = %d: %.2f characters per pass, %.2f accepted per iteration; speed-up over greedy %.2fx; outputs %s greedy's%n",
          proposal.count(), (double) generated / passes, (double) generated / iterations, greedyMs / blockwiseMs,
          identical ? "identical to" : "DIFFERENT FROM");
      System.out.println("blockwise sample: " + decode(blockwise[0].tokens(), alphabet).replace("\n", "\\n"));
    }
  }

  private static String decode(int[] tokens, String alphabet) {
    StringBuilder text = new StringBuilder();
    for (int id : tokens) {
      text.append(id < alphabet.length() ? alphabet.charAt(id) : '?');
    }
    return text.toString();
  }
}
