package dev.nlpm.examples;

import dev.nlpm.runtime.decoder.DecoderConfig;
import dev.nlpm.runtime.decoder.ProposalHeads;
import dev.nlpm.runtime.decoding.BeamSearch;
import dev.nlpm.runtime.decoding.Blockwise;
import dev.nlpm.runtime.decoding.DecodingOptions;
import dev.nlpm.runtime.decoding.Greedy;
import dev.nlpm.runtime.decoding.LanguageModelStep;
import dev.nlpm.runtime.decoding.Sampling;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Trains {@code ShakespeareGpt} (declared in {@code shakespeare_gpt.nlpm}) on tiny Shakespeare at
 * the character level: the first 90% of the text trains, the last 10% is held out. Prints held-out
 * perplexity next to a unigram model's (the training text's character frequencies), then trains the
 * {@code k = 3} blockwise proposal heads on the frozen model for HEADS_MINUTES, then prints a sample
 * from each decoding scheme; blockwise decoding's with its passes next to greedy's. With OUTPUT,
 * the model's checkpoint goes to {@code OUTPUT/base}, the heads' to {@code OUTPUT/heads} and the
 * characters (id order) to {@code OUTPUT/alphabet.txt}, which {@code BlockwiseDecodingSpeed} reads.
 *
 * <pre>java -cp … dev.nlpm.examples.TrainCharGpt TINYSHAKESPEARE [MINUTES] [THREADS] [HEADS_MINUTES] [OUTPUT]</pre>
 */
public final class TrainCharGpt {

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: TrainCharGpt TINYSHAKESPEARE [MINUTES] [THREADS] [HEADS_MINUTES] [OUTPUT]");
      System.exit(2);
    }
    double minutes = args.length > 1 ? Double.parseDouble(args[1]) : 15;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
    double headsMinutes = args.length > 3 ? Double.parseDouble(args[3]) : Math.max(1, minutes / 5);
    Path output = args.length > 4 ? Path.of(args[4]) : null;
    // the text's distinct characters, in code-point order
    CharacterText text = CharacterText.read(Path.of(args[0]), ShakespeareGptLayout.VOCAB);
    char[] alphabet = text.alphabet();
    int[] train = text.train();
    int[] heldOut = text.heldOut();
    if (output != null) {
      Files.createDirectories(output);
      Files.writeString(output.resolve("alphabet.txt"), new String(alphabet), StandardCharsets.UTF_8);
    }

    DecoderConfig config = ShakespeareGptModel.CONFIG;
    ParameterRows parameters = ShakespeareGptModel.initialize(1);
    int batch = ShakespeareGptModel.BATCH;
    int length = ShakespeareGptModel.SEQUENCE;
    try (Parallel parallel = new Parallel(threads)) {
      // the generated passes and their workspace
      var decoder = ShakespeareGptModel.decoder(parameters, parallel);
      var ws = decoder.workspace(batch, length);
      EncoderTrainer.Options options = ShakespeareGptModel.trainingOptions();
      EncoderTrainer trainer = ShakespeareGptModel.trainer(parameters, options);
      // micro-batch k: `batch` blocks of `length` characters at offsets drawn from (seed, k)
      EncoderTrainer.Pass pass = (k, gradients, seed) -> {
        int[] block = blocks(train, batch, length, options.seed() * 31 + k);
        float loss = decoder.train(block, null, batch, length, ws, gradients, seed);
        return new EncoderTrainer.PassResult(loss, block.length, 0, 0);
      };
      long start = System.nanoTime();
      trainer.train(pass, output == null ? null : output.resolve("base"), report -> {
        if (report.step() % 50 == 0 || report.step() == 1) {
          System.out.printf(Locale.ROOT, "step %5d/%d  loss %.3f  lr %.2e  %,.0f tokens/s  %.0f s%n", report.step(), report.steps(),
              report.loss(), report.learningRate(), report.tokensPerSecond(), report.seconds());
        }
        if ((System.nanoTime() - start) / 60e9 > minutes) {
          trainer.requestStop();
        }
      });
      // ---- held-out perplexity against the unigram model ----
      double lossSum = 0;
      int blocks = 0;
      for (int from = 0; from + batch * length <= heldOut.length; from += batch * length) {
        lossSum += decoder.loss(java.util.Arrays.copyOfRange(heldOut, from, from + batch * length), batch, length, ws);
        blocks++;
      }
      double unigramLoss = text.unigramLoss();
      System.out.printf(Locale.ROOT, "trained %d steps in %.1f min at %d threads%n", trainer.optimizer().steps(),
          (System.nanoTime() - start) / 60e9, threads);
      System.out.printf(Locale.ROOT, "held-out perplexity per character: ShakespeareGpt %.2f (loss %.3f), unigram %.2f (loss %.3f)%n",
          Math.exp(lossSum / blocks), lossSum / blocks, Math.exp(unigramLoss), unigramLoss);
      // ---- the proposal heads on the frozen model, on the same kind of blocks; the declared optimizer settings ----
      ParameterRows heads = ShakespeareGptModel.initializeHeads(2);
      ProposalHeads proposal = ShakespeareGptModel.proposalHeads(decoder, heads);
      ProposalHeads.Workspace headsWs = proposal.workspace(batch, length);
      EncoderTrainer headsTrainer = ShakespeareGptModel.headsTrainer(heads, options);
      long headsStart = System.nanoTime();
      headsTrainer.train((k, gradients, seed) -> {
        int[] block = blocks(train, batch, length, options.seed() * 37 + k);
        return new EncoderTrainer.PassResult(proposal.train(block, batch, length, headsWs, gradients), block.length, 0, 0);
      }, output == null ? null : output.resolve("heads"), report -> {
        if (report.step() % 50 == 0 || report.step() == 1) {
          System.out.printf(Locale.ROOT, "heads step %5d  loss %.3f  %.0f s%n", report.step(), report.loss(), report.seconds());
        }
        if ((System.nanoTime() - headsStart) / 60e9 > headsMinutes) {
          headsTrainer.requestStop();
        }
      });
      double headsLoss = 0;
      for (int from = 0; from + batch * length <= heldOut.length; from += batch * length) {
        headsLoss += proposal.loss(java.util.Arrays.copyOfRange(heldOut, from, from + batch * length), batch, length, headsWs);
      }
      System.out.printf(Locale.ROOT, "trained %d heads %d steps in %.1f min; held-out loss of the heads (2..%d ahead) %.3f%n",
          ShakespeareGptModel.BLOCKWISE_K, headsTrainer.optimizer().steps(), (System.nanoTime() - headsStart) / 60e9,
          ShakespeareGptModel.BLOCKWISE_K + 1, headsLoss / blocks);
      // ---- a sample from each decoding scheme, 200 characters after the same prompt ----
      LanguageModelStep step = decoder.step(config.maxPositions());
      int[] prompt = text.encode("ROMEO:\n");
      // no further than the block length it trained on: later positions' embeddings never learned anything
      DecodingOptions decoding = DecodingOptions.of(length - prompt.length);
      int[] greedy = Greedy.decode(step, prompt, decoding);
      text.print("greedy", greedy);
      Blockwise.Result blockwise = Blockwise.decode(proposal.step(config.maxPositions()), prompt, decoding);
      text.print(String.format(Locale.ROOT, "blockwise, k = %d: %d passes for %d characters (greedy: %d), %.2f accepted per pass, %s greedy's",
          ShakespeareGptModel.BLOCKWISE_K, blockwise.modelPasses(), blockwise.generated(), greedy.length - prompt.length,
          blockwise.tokensPerPass(), java.util.Arrays.equals(greedy, blockwise.tokens()) ? "identical to" : "DIFFERENT FROM"),
          blockwise.tokens());
      text.print("beam search, width 4", new BeamSearch(4, 1.0, false, 1).decode(step, prompt, decoding).get(0).tokens());
      text.print("sampling, temperature 0.8, top-k 40, top-p 0.95",
          new Sampling(0.8, 40, 0.95).decode(step, prompt, decoding, new SplittableRandom(1)));
      text.print("sampling with repetition penalty 1.3", new Sampling(0.8, 40, 0.95).decode(step, prompt, decoding.withRepetitionPenalty(1.3),
          new SplittableRandom(1)));
    }
  }

  /** {@code batch} blocks of {@code length} characters at offsets drawn from {@code seed}. */
  private static int[] blocks(int[] text, int batch, int length, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[] block = new int[batch * length];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(text, random.nextInt(text.length - length), block, b * length, length);
    }
    return block;
  }
}
