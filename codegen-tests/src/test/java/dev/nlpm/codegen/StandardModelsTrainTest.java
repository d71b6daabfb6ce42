package dev.nlpm.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.InMemoryJavac;
import dev.nlpm.compiler.codegen.Runnability;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.runtime.decoder.BoundDecoder;
import dev.nlpm.runtime.encoder.Encoder;
import dev.nlpm.runtime.encoder.EncoderPasses;
import dev.nlpm.runtime.encoder.PretrainingData;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.lstm.LstmPasses;
import dev.nlpm.runtime.lstm.LstmTrainer;
import dev.nlpm.runtime.model.DecoderFacade;
import dev.nlpm.runtime.model.EncoderFacade;
import dev.nlpm.runtime.model.LstmFacade;
import dev.nlpm.runtime.model.ModelFacade;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.pretrain.MlmMasker;
import dev.nlpm.runtime.pretrain.MlmSettings;
import dev.nlpm.runtime.text.EncoderTokenizer;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every standard encoder, decoder and LSTM language model the runtime runs (as {@link
 * dev.nlpm.compiler.codegen.Runnability} decides, so a shape made runnable joins by itself),
 * shrunk to test sizes by a child declaration ({@link ShrunkModels}), generated, compiled in memory
 * with {@code -Xlint:all -Werror}, loaded as its facade's runtime interface and trained through the
 * facade's trainer (an LSTM's {@code LstmTrainer} over the facade's model, as {@code nlpm train}
 * makes it) on data it can memorize: every step's loss is finite and the mean of the last steps is
 * well below that of the first. Encoders pretrain on a few sentences in the declared tokenizer's
 * tokens, masked by the facade's masker through the runtime's {@link PretrainingData}; decoders and
 * LSTMs read a stream that repeats a short token pattern. Dropout is on as each parent declares
 * it: every number is seeded, so each model's losses are one fixed sequence, and the shrunk sizes
 * learn fast enough that the fall has a wide margin with it.
 */
class StandardModelsTrainTest {

  /** The standard models that ran before issue 15 made more shapes runnable: the test must never shrink below them. */
  private static final Set<String> RUNNABLE_BEFORE = Set.of("BertBase", "BertTiny", "BertMini", "Gpt2Small", "GptMini", "CharLstm");

  private static final long SEED = 7;
  private static final ShrunkModels.Run ENCODER_RUN = new ShrunkModels.Run(8, 24, 20, 1e-2);
  private static final ShrunkModels.Run DECODER_RUN = new ShrunkModels.Run(8, 16, 20, 1e-2);
  private static final ShrunkModels.Run LSTM_RUN = new ShrunkModels.Run(4, 16, 20, 1e-2);
  /** The steps at each end of the run whose mean losses are compared. */
  private static final int ENDS = 5;
  /** How far the mean loss of the last steps must fall below that of the first: by a fifth at least. */
  private static final double FALL = 0.8;

  /** The encoders' text: four short sentences, which every document repeats in turn. */
  private static final List<String> SENTENCES =
      List.of("the cat sat on the mat", "a dog ran to the park", "my bird sang in the tree", "the fish swam in a pond");
  private static final int DOCUMENTS = 6;
  /** The decoders' and LSTMs' vocabulary, and the period of the token pattern their stream repeats. */
  private static final int STREAM_VOCAB = 24;
  private static final int PERIOD = 7;
  private static final int STREAM_LENGTH = 1024;

  /** The shrunk models, compiled once for every case. */
  private record Shrunk(Map<String, ModelSpec> parents, Map<String, EncoderTokenizer> tokenizers, Compilation compilation,
      ClassLoader loader) {}

  private static Shrunk shrunk;

  private static synchronized Shrunk shrunk() throws IOException {
    if (shrunk == null) {
      Map<String, ModelSpec> parents = new LinkedHashMap<>();
      Map<String, EncoderTokenizer> tokenizers = new LinkedHashMap<>();
      List<String> children = new ArrayList<>();
      for (ModelSpec parent : ShrunkModels.trainable()) {
        parents.put(parent.name(), parent);
        if (parent.family() == Family.ENCODER) {
          EncoderTokenizer tokenizer = DeclaredTokenizers.covering(parent.tokenizer(), SENTENCES);
          tokenizers.put(parent.name(), tokenizer);
          children.add(ShrunkModels.child(parent, tokenizer.vocabulary().size(), run(parent.family())));
        } else {
          children.add(ShrunkModels.child(parent, STREAM_VOCAB, run(parent.family())));
        }
      }
      Compilation compilation = ShrunkModels.compile(children);
      shrunk = new Shrunk(parents, tokenizers, compilation, InMemoryJavac.compile(compilation.files()).loader());
    }
    return shrunk;
  }

  /** The run a shrunk model of {@code family} declares. */
  private static ShrunkModels.Run run(Family family) {
    return family == Family.ENCODER ? ENCODER_RUN : family == Family.DECODER ? DECODER_RUN : LSTM_RUN;
  }

  static Stream<String> trainableModels() throws IOException {
    return shrunk().parents().keySet().stream();
  }

  @Test
  void theTrainableModelsAreAtLeastThoseThatRanBefore() throws IOException {
    Set<String> trainable = new TreeSet<>(shrunk().parents().keySet());
    assertTrue(trainable.containsAll(RUNNABLE_BEFORE),
        () -> "trainable standard models " + trainable + " lack some of " + new TreeSet<>(RUNNABLE_BEFORE));
  }

  @ParameterizedTest(name = "{0}, shrunk, trains through its facade")
  @MethodSource("trainableModels")
  void shrunkModelTrainsThroughItsFacadeWithAFiniteFallingLoss(String model) throws Exception {
    Shrunk s = shrunk();
    ModelSpec parent = s.parents().get(model);
    String child = ShrunkModels.childName(parent);
    ModelSpec spec = s.compilation().models().stream().filter(m -> m.name().equals(child)).findFirst().orElseThrow();
    assertEquals(List.of(), Runnability.of(spec).warnings(), child + ", shrunk from a runnable model, is runnable");
    List<Double> losses = switch (parent.family()) {
      case ENCODER -> trainEncoder(facade(s, spec, EncoderFacade.class), s.tokenizers().get(model));
      case DECODER -> trainDecoder(facade(s, spec, DecoderFacade.class));
      case LSTM_LM -> trainLstm(facade(s, spec, LstmFacade.class));
      default -> throw new AssertionError(model + ": not a trained family");
    };
    assertEquals(run(parent.family()).steps(), losses.size(), () -> child + " reports every declared step: " + losses);
    assertTrue(losses.stream().allMatch(Double::isFinite), () -> child + " losses are finite: " + losses);
    double first = mean(losses.subList(0, ENDS));
    double last = mean(losses.subList(losses.size() - ENDS, losses.size()));
    assertTrue(last < FALL * first, () -> child + ": the mean loss of the last " + ENDS + " steps, " + last + ", is not below "
        + FALL + " × that of the first " + ENDS + ", " + first + "; losses " + losses);
  }

  /** The facade of {@code spec} as the runtime interface {@code kind}, as the command line loads it. */
  private static <T extends ModelFacade> T facade(Shrunk s, ModelSpec spec, Class<T> kind) throws ReflectiveOperationException {
    Class<?> type = s.loader().loadClass(spec.javaPackage() + "." + spec.name() + "Model");
    return type.asSubclass(kind).getConstructor().newInstance();
  }

  /** MLM (and NSP where declared) pretraining on the sentences, masked as declared with the declared special tokens. */
  private static List<Double> trainEncoder(EncoderFacade facade, EncoderTokenizer tokenizer) throws IOException {
    assertTrue(facade.config().mlm(), () -> facade.name() + " pretrains with masked-token prediction");
    List<List<int[]>> documents = new ArrayList<>();
    for (int d = 0; d < DOCUMENTS; d++) {
      List<int[]> document = new ArrayList<>();
      for (String sentence : SENTENCES) {
        document.add(tokenizer.encodeIds(sentence));
      }
      documents.add(document);
    }
    int sequence = facade.sequence();
    MlmSettings mlm = facade.mlm();
    MlmMasker masker = facade.newMasker(tokenizer, sequence, mlm);
    PretrainingData data = new PretrainingData(documents, sequence, facade.config().nsp(), masker, mlm.masking(), tokenizer.clsId(),
        tokenizer.sepId(), tokenizer.padId(), SEED);
    List<Double> losses = new ArrayList<>();
    try (Parallel parallel = new Parallel(1)) {
      EncoderPasses<?> encoder = facade.newEncoder(facade.newParameters(SEED), parallel);
      assertEquals(facade.name() + "Passes", encoder.getClass().getSimpleName(), "every runnable encoder trains on its generated passes");
      EncoderTrainer trainer = facade.newTrainer(encoder, facade.declaredOptions(facade.steps()), facade.batch(), sequence,
          MlmMasker.maxPredictions(sequence, mlm.rate()));
      trainer.train(data.batches(facade.batch()), null, report -> losses.add(report.loss()));
    }
    return losses;
  }

  /** Next-token prediction on blocks of the repeating stream at offsets drawn from the micro-batch's number. */
  private static List<Double> trainDecoder(DecoderFacade facade) throws IOException {
    int[] stream = repeatingStream();
    int batch = facade.batch();
    int length = facade.sequence();
    ParameterRows parameters = facade.newParameters(SEED);
    List<Double> losses = new ArrayList<>();
    try (Parallel parallel = new Parallel(1)) {
      BoundDecoder<?> decoder = BoundDecoder.of(facade.newDecoder(parameters, parallel), batch, length);
      EncoderTrainer trainer = facade.newTrainer(parameters, facade.declaredOptions(facade.steps()));
      EncoderTrainer.Pass pass = (k, gradients, dropoutSeed) -> {
        SplittableRandom offsets = new SplittableRandom(SEED * 31 + k);
        int[] blocks = new int[batch * length];
        for (int b = 0; b < batch; b++) {
          System.arraycopy(stream, offsets.nextInt(stream.length - length + 1), blocks, b * length, length);
        }
        float loss = decoder.train(blocks, null, batch, length, gradients, dropoutSeed);
        return new EncoderTrainer.PassResult(loss, blocks.length, 0, 0);
      };
      trainer.train(pass, null, report -> losses.add(report.loss()));
    }
    return losses;
  }

  /** Truncated BPTT over the repeating stream split into the declared batch of parallel streams. */
  private static List<Double> trainLstm(LstmFacade facade) throws IOException {
    List<Double> losses = new ArrayList<>();
    try (Parallel parallel = new Parallel(1)) {
      LstmPasses model = facade.newModel(facade.newParameters(STREAM_VOCAB, SEED), parallel);
      LstmTrainer trainer = new LstmTrainer(model, repeatingStream(), facade.batch(), facade.sequence(),
          facade.declaredOptions(facade.steps()), facade.name(), facade.checkpointPrefix());
      trainer.train(null, report -> losses.add(report.loss()));
    }
    return losses;
  }

  /** A pattern of {@value #PERIOD} distinct tokens drawn from the vocabulary, repeated: each token tells the next. */
  private static int[] repeatingStream() {
    int[] tokens = new int[STREAM_VOCAB];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = i;
    }
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = tokens.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = tokens[i];
      tokens[i] = tokens[j];
      tokens[j] = t;
    }
    int[] stream = new int[STREAM_LENGTH];
    for (int i = 0; i < stream.length; i++) {
      stream[i] = tokens[i % PERIOD];
    }
    return stream;
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
