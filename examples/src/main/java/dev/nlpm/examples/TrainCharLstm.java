package dev.nlpm.examples;

import dev.nlpm.runtime.decoding.BeamSearch;
import dev.nlpm.runtime.decoding.DecodingOptions;
import dev.nlpm.runtime.decoding.Greedy;
import dev.nlpm.runtime.decoding.LanguageModelStep;
import dev.nlpm.runtime.decoding.Sampling;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.lstm.LstmPasses;
import dev.nlpm.runtime.lstm.LstmTrainer;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Trains {@code ShakespeareLstm} (declared in {@code shakespeare_lstm.nlpm}) on tiny Shakespeare at
 * the character level by truncated backpropagation through time: the first 90% of the text trains,
 * the last 10% is held out. Prints held-out perplexity next to a unigram model's (the training
 * text's character frequencies), then a sample from each decoding scheme.
 *
 * <pre>java -cp … dev.nlpm.examples.TrainCharLstm TINYSHAKESPEARE [MINUTES] [THREADS]</pre>
 */
public final class TrainCharLstm {

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: TrainCharLstm TINYSHAKESPEARE [MINUTES] [THREADS]");
      System.exit(2);
    }
    double minutes = args.length > 1 ? Double.parseDouble(args[1]) : 15;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
    // the text's distinct characters, in code-point order, are the run-time vocabulary
    CharacterText text = CharacterText.read(Path.of(args[0]), ShakespeareLstmModel.MAX_VOCAB);
    char[] alphabet = text.alphabet();
    int[] train = text.train();
    int[] heldOut = text.heldOut();

    try (Parallel parallel = new Parallel(threads)) {
      LstmPasses model = ShakespeareLstmModel.model(ShakespeareLstmModel.initialize(alphabet.length, 1), parallel);
      EncoderTrainer.Options options = ShakespeareLstmModel.trainingOptions();
      // BATCH streams over the training text, blocks of SEQUENCE characters, the state carried from block to block
      LstmTrainer trainer = ShakespeareLstmModel.trainer(model, train, options);
      long start = System.nanoTime();
      trainer.train(null, report -> {
        if (report.step() % 50 == 0 || report.step() == 1) {
          System.out.printf(Locale.ROOT, "step %5d/%d  loss %.3f  lr %.2e  %,.0f tokens/s  %.0f s%n", report.step(), report.steps(),
              report.loss(), report.learningRate(), report.tokensPerSecond(), report.seconds());
        }
        if ((System.nanoTime() - start) / 60e9 > minutes) {
          trainer.requestStop();
        }
      });
      double trainMinutes = (System.nanoTime() - start) / 60e9;
      // ---- held-out perplexity against the unigram model ----
      double loss = LstmTrainer.evaluate(model, heldOut, ShakespeareLstmModel.BATCH, ShakespeareLstmModel.SEQUENCE);
      double unigramLoss = text.unigramLoss();
      System.out.printf(Locale.ROOT, "trained %d steps (%.2f passes over the training text) in %.1f min at %d threads%n",
          trainer.optimizer().steps(), (double) trainer.optimizer().steps() / trainer.blocksPerEpoch(), trainMinutes, threads);
      System.out.printf(Locale.ROOT, "held-out perplexity per character: ShakespeareLstm %.2f (loss %.3f), unigram %.2f (loss %.3f)%n",
          Math.exp(loss), loss, Math.exp(unigramLoss), unigramLoss);
      // ---- a sample from each decoding scheme, 200 characters after the same prompt ----
      LanguageModelStep step = model.step();
      int[] prompt = text.encode("ROMEO:\n");
      DecodingOptions decoding = DecodingOptions.of(200);
      text.print("greedy", Greedy.decode(step, prompt, decoding));
      text.print("beam search, width 4", new BeamSearch(4, 1.0, false, 1).decode(step, prompt, decoding).get(0).tokens());
      text.print("sampling, temperature 0.8", new Sampling(0.8, 0, 1.0).decode(step, prompt, decoding, new SplittableRandom(1)));
      text.print("sampling, temperature 0.8, top-k 10", new Sampling(0.8, 10, 1.0).decode(step, prompt, decoding, new SplittableRandom(1)));
      text.print("sampling, temperature 0.8, top-p 0.9", new Sampling(0.8, 0, 0.9).decode(step, prompt, decoding, new SplittableRandom(1)));
      text.print("sampling with repetition penalty 1.3", new Sampling(0.8, 40, 0.95).decode(step, prompt, decoding.withRepetitionPenalty(1.3),
          new SplittableRandom(1)));
    }
  }
}
