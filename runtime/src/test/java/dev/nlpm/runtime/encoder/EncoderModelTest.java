package dev.nlpm.runtime.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.kernels.ProductKernels;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.text.Vocabulary;
import dev.nlpm.runtime.text.wordpiece.WordPieceOptions;
import dev.nlpm.runtime.text.wordpiece.WordPieceTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text in, answers out: fill-mask, embeddings, saving and loading, concurrent callers. */
class EncoderModelTest {

  static final List<String> TOKENS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cat", "sat", "on", "mat", "a", "dog", ".");
  static final EncoderConfig CONFIG = TinyBert.config(TOKENS.size() + 3, 16, 2, 2, 24, 32).withoutDropout();

  static WordPieceTokenizer tokenizer() {
    return WordPieceTokenizer.of(Vocabulary.of(TOKENS), WordPieceOptions.uncased());
  }

  static EncoderModel model(ParameterRows parameters) {
    return new EncoderModel("tiny", parallel -> new Encoder(CONFIG, ProductKernels.plain(), parameters, parallel), 2, tokenizer(), "bert.");
  }

  @Test
  void fillMaskRanksTheSoftmaxOfTheMlmLogitsAtTheMask() {
    ParameterRows parameters = TinyBert.random(CONFIG, 5, 0.3);
    try (EncoderModel model = model(parameters)) {
      List<EncoderModel.MaskPrediction> predictions = model.fillMask("the cat sat on the [MASK] .", 3);
      assertEquals(1, predictions.size());
      EncoderModel.MaskPrediction prediction = predictions.get(0);
      assertEquals(6, prediction.position()); // [CLS] the cat sat on the [MASK]
      // the same logits directly from the encoder
      int[] ids = {2, 5, 6, 7, 8, 5, 4, 12, 3};
      float[] logits = model.infer(EncoderBatch.of(1, ids.length, ids, new int[ids.length], new int[] {ids.length}), new int[] {6},
          ws -> ws.mlmLogits(0).clone());
      double sum = 0;
      for (int v = 0; v < TOKENS.size(); v++) {
        sum += Math.exp(logits[v]);
      }
      double previous = 1;
      for (EncoderModel.Candidate candidate : prediction.candidates()) {
        assertEquals(Math.exp(logits[candidate.id()]) / sum, candidate.probability(), 1e-6);
        assertEquals(TOKENS.get(candidate.id()), candidate.token());
        assertTrue(candidate.probability() <= previous);
        previous = candidate.probability();
      }
      assertEquals(3, prediction.candidates().size());
      assertThrows(IllegalArgumentException.class, () -> model.fillMask("the cat sat .", 3));
    }
  }

  @Test
  void aSavedModelLoadsBackWithTheSameAnswers(@TempDir Path dir) throws Exception {
    ParameterRows parameters = TinyBert.random(CONFIG, 6, 0.3);
    List<EncoderModel.MaskPrediction> before;
    float[] embedding;
    try (EncoderModel model = model(parameters)) {
      before = model.fillMask("a dog sat on [MASK] mat .", 4);
      embedding = model.embed("the cat sat on the mat .");
      model.save(dir.resolve("model"));
    }
    ParameterRows reloaded = new ParameterRows(parameters.layout());
    try (EncoderModel loaded = EncoderModel.load(dir.resolve("model"), "tiny", CONFIG, reloaded,
        parallel -> new Encoder(CONFIG, ProductKernels.plain(), reloaded, parallel), 1, "bert.", true)) {
      assertEquals(before, loaded.fillMask("a dog sat on [MASK] mat .", 4));
      assertArrayEquals(embedding, loaded.embed("the cat sat on the mat ."));
    }
  }

  @Test
  void concurrentCallersGetTheAnswersOfSerialOnes() throws Exception {
    ParameterRows parameters = TinyBert.random(CONFIG, 7, 0.3);
    String[] texts = {"the cat sat on the mat .", "a dog .", "the dog sat on a cat on the mat ."};
    try (EncoderModel model = model(parameters)) {
      List<float[]> serial = new ArrayList<>();
      for (String text : texts) {
        serial.add(model.embed(text));
      }
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<float[]>> futures = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
          String text = texts[i % texts.length];
          futures.add(pool.submit(() -> model.embed(text)));
        }
        for (int i = 0; i < futures.size(); i++) {
          assertArrayEquals(serial.get(i % texts.length), futures.get(i).get(), "call " + i);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
