package dev.nlpm.examples;

import dev.nlpm.runtime.encoder.EncoderModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Loads a model directory written by {@link PretrainBert} and fills in the blanks of sentences:
 * {@code java -cp … dev.nlpm.examples.FillMask MODEL_DIR [SENTENCE…]} (default: the probe
 * sentences of {@link PretrainBert}). Each {@code [MASK]} gets its five likeliest tokens.
 */
public final class FillMask {

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: FillMask MODEL_DIR [SENTENCE…]");
      System.exit(2);
    }
    List<String> sentences = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : Arrays.asList(PretrainBert.PROBES);
    try (EncoderModel model = NovelBertModel.load(Path.of(args[0]), 1)) {
      print(model, sentences);
    }
  }

  static void print(EncoderModel model, List<String> sentences) {
    for (String sentence : sentences) {
      System.out.println(sentence);
      for (EncoderModel.MaskPrediction prediction : model.fillMask(sentence, 5)) {
        StringBuilder line = new StringBuilder("    ");
        for (EncoderModel.Candidate candidate : prediction.candidates()) {
          line.append(String.format(Locale.ROOT, "%s %.3f   ", candidate.token(), candidate.probability()));
        }
        System.out.println(line.toString().stripTrailing());
      }
    }
  }
}
