package dev.nlpm.examples;

import dev.nlpm.runtime.decode.BeamSearch;
import dev.nlpm.runtime.decode.DecodingOptions;
import dev.nlpm.runtime.decode.Greedy;
import dev.nlpm.runtime.decode.LanguageModelStep;
import dev.nlpm.runtime.decode.Sampling;
import dev.nlpm.runtime.encoder.EncoderTrainer;
import dev.nlpm.runtime.encoder.Parallel;
import dev.nlpm.runtime.lstm.LstmLanguageModel;
import dev.nlpm.runtime.lstm.LstmTrainer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;

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
    String text = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
    double minutes = args.length > 1 ? Double.parseDouble(args[1]) : 15;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : Runtime.getRuntime().availableProcessors();
    // ---- characters: the text's distinct ones, in code-point order (the run-time vocabulary) ----
    TreeSet<Character> distinct = new TreeSet<>();
    for (char c : text.toCharArray()) {
      distinct.add(c);
    }
    char[] alphabet = new char[distinct.size()];
    int next = 0;
    for (char c : distinct) {
      alphabet[next++] = c;
    }
    if (alphabet.length > ShakespeareLstmModel.MAX_VOCAB) {
      throw new IllegalStateException(alphabet.length + " distinct characters; the declaration has room for " + ShakespeareLstmModel.MAX_VOCAB);
    }
    int[] ids = encode(text, alphabet);
    int split = ids.length * 9 / 10;
    int[] train = Arrays.copyOfRange(ids, 0, split);
    int[] heldOut = Arrays.copyOfRange(ids, split, ids.length);
    System.out.printf(Locale.ROOT, "%d characters (%d distinct): %d training, %d held out%n", ids.length, alphabet.length, train.length,
        heldOut.length);

    try (Parallel parallel = new Parallel(threads)) {
      LstmLanguageModel model = ShakespeareLstmModel.model(ShakespeareLstmModel.initialize(alphabet.length, 1), parallel);
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
      double[] unigram = new double[alphabet.length];
      for (int id : train) {
        unigram[id]++;
      }
      double unigramLoss = 0;
      for (int id : heldOut) {
        unigramLoss -= Math.log((unigram[id] + 1) / (train.length + alphabet.length));
      }
      unigramLoss /= heldOut.length;
      System.out.printf(Locale.ROOT, "trained %d steps (%.2f passes over the training text) in %.1f min at %d threads%n",
          trainer.optimizer().steps(), (double) trainer.optimizer().steps() / trainer.blocksPerEpoch(), trainMinutes, threads);
      System.out.printf(Locale.ROOT, "held-out perplexity per character: ShakespeareLstm %.2f (loss %.3f), unigram %.2f (loss %.3f)%n",
          Math.exp(loss), loss, Math.exp(unigramLoss), unigramLoss);
      // ---- a sample from each decoding scheme, 200 characters after the same prompt ----
      LanguageModelStep step = model.step();
      int[] prompt = encode("ROMEO:\n", alphabet);
      DecodingOptions decoding = DecodingOptions.of(200);
      print("greedy", Greedy.decode(step, prompt, decoding), alphabet);
      print("beam search, width 4", new BeamSearch(4, 1.0, false, 1).decode(step, prompt, decoding).get(0).tokens(), alphabet);
      print("sampling, temperature 0.8", new Sampling(0.8, 0, 1.0).decode(step, prompt, decoding, new SplittableRandom(1)), alphabet);
      print("sampling, temperature 0.8, top-k 10", new Sampling(0.8, 10, 1.0).decode(step, prompt, decoding, new SplittableRandom(1)), alphabet);
      print("sampling, temperature 0.8, top-p 0.9", new Sampling(0.8, 0, 0.9).decode(step, prompt, decoding, new SplittableRandom(1)), alphabet);
      print("sampling with repetition penalty 1.3", new Sampling(0.8, 40, 0.95).decode(step, prompt, decoding.withRepetitionPenalty(1.3),
          new SplittableRandom(1)), alphabet);
    }
  }

  private static int[] encode(String s, char[] alphabet) {
    int[] out = new int[s.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Arrays.binarySearch(alphabet, s.charAt(i));
    }
    return out;
  }

  private static void print(String scheme, int[] tokens, char[] alphabet) {
    StringBuilder text = new StringBuilder();
    for (int id : tokens) {
      text.append(id < alphabet.length ? alphabet[id] : '?');
    }
    System.out.println("---- " + scheme + " ----");
    System.out.println(text);
  }
}
