package dev.nlpm.runtime.lstm;

import dev.nlpm.runtime.checkpoint.CheckpointMismatchException;
import dev.nlpm.runtime.checkpoint.SafetensorsFile;
import dev.nlpm.runtime.checkpoint.SafetensorsWriter;
import dev.nlpm.runtime.checkpoint.TensorInfo;
import dev.nlpm.runtime.checkpoint.TrainingProgress;
import dev.nlpm.runtime.io.AtomicDirectories;
import dev.nlpm.runtime.optim.RowOptimizer;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Trains an LSTM language model's {@link LstmPasses} (a model's generated passes) by truncated backpropagation through time, as PyTorch's
 * {@code word_language_model} does: the token sequence is cut into {@code batch} contiguous
 * streams; micro-batch {@code k} is the {@code k}-th block of {@code length} tokens of every stream
 * (each position predicting the next token, the last one included), started from the state the
 * previous block ended with — an input, not differentiated through. At the end of the streams the
 * next epoch starts from the beginning with a zero state.
 *
 * <p>The optimizer, learning-rate schedule, clipping, divergence stop and dropout seeds are {@link
 * EncoderTrainer}'s. A checkpoint is its directory plus {@value #RECURRENT_STATE} (the carried
 * {@code h_n} and {@code c_n}, {@code [layers, batch, hidden]} as {@code torch.nn.LSTM} returns
 * them), replaced as one; a resumed run continues with the same losses as one that never stopped.
 */
public final class LstmTrainer {

  /** The file of a checkpoint that holds the carried recurrent state. */
  public static final String RECURRENT_STATE = "recurrent_state.safetensors";

  private final LstmPasses model;
  private final int[] tokens;
  private final int batch;
  private final int length;
  private final int streamLength;
  private final long blocksPerEpoch;
  private final EncoderTrainer trainer;
  private final LstmState state;

  /**
   * @param tokens the training text as token ids
   * @param batch parallel streams
   * @param length tokens per block (the truncation length of BPTT)
   */
  public LstmTrainer(LstmPasses model, int[] tokens, int batch, int length, EncoderTrainer.Options options, String name,
      String backbonePrefix) {
    this.model = Objects.requireNonNull(model, "model");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    if (batch <= 0 || length <= 0) {
      throw new IllegalArgumentException("batch and block length must be positive: " + batch + ", " + length);
    }
    this.batch = batch;
    this.length = length;
    this.streamLength = tokens.length / batch;
    this.blocksPerEpoch = (streamLength - 1) / length;
    if (blocksPerEpoch < 1) {
      throw new IllegalArgumentException(tokens.length + " tokens make " + batch + " streams of " + streamLength
          + ", too short for one block of " + length + " tokens and its next token");
    }
    for (int i = 0; i < tokens.length; i++) {
      if (tokens[i] < 0 || tokens[i] >= model.config().vocab()) {
        throw new IllegalArgumentException("token " + i + " is " + tokens[i] + ", outside the vocabulary 0.." + (model.config().vocab() - 1));
      }
    }
    this.trainer = new EncoderTrainer(model.parameters(), options, name, backbonePrefix);
    trainer.alsoCheckpoint(this::writeState);
    this.state = model.newState(batch);
  }

  public RowOptimizer optimizer() {
    return trainer.optimizer();
  }

  /** Blocks per stream before the streams start over. */
  public long blocksPerEpoch() {
    return blocksPerEpoch;
  }

  /** The state carried into the next block: {@code h} and {@code c} of every layer and stream. */
  public LstmState state() {
    return state;
  }

  /** Asks a running {@link #train} to checkpoint and return after the current step. */
  public void requestStop() {
    trainer.requestStop();
  }

  /** Micro-batch {@code k}: block {@code k mod blocksPerEpoch} of every stream, its state carried (zero at an epoch's start). */
  private EncoderTrainer.PassResult pass(long k, dev.nlpm.runtime.parameters.ParameterRows gradients, long seed) {
    long block = k % blocksPerEpoch;
    if (block == 0) {
      state.reset();
    }
    int[] inputs = new int[batch * length];
    int[] targets = new int[batch * length];
    for (int b = 0; b < batch; b++) {
      int from = b * streamLength + (int) block * length;
      System.arraycopy(tokens, from, inputs, b * length, length);
      System.arraycopy(tokens, from + 1, targets, b * length, length);
    }
    float loss = model.train(inputs, targets, batch, length, state, gradients, seed);
    return new EncoderTrainer.PassResult(loss, inputs.length, 0, 0);
  }

  /**
   * Runs from the optimizer's current step to the options' steps, or until {@link #requestStop};
   * returns the last step's loss.
   *
   * @param checkpoint the directory to save to (replaced atomically), or null for none
   */
  public double train(Path checkpoint, EncoderTrainer.Listener listener) throws IOException {
    return trainer.train(this::pass, checkpoint, listener);
  }

  /** Writes the training state after {@code step}, the carried recurrent state with it, to {@code directory}, atomically. */
  public void save(Path directory, long step, double loss) throws IOException {
    trainer.save(directory, step, loss);
  }

  /** The carried state as {@value #RECURRENT_STATE} in a checkpoint directory being written. */
  private void writeState(Path directory) throws IOException {
    int layers = model.config().layers();
    int hidden = model.config().hidden();
    float[] h = new float[layers * batch * hidden];
    float[] c = new float[h.length];
    for (int l = 0; l < layers; l++) {
      for (int b = 0; b < batch; b++) {
        System.arraycopy(state.h(l, b), 0, h, (l * batch + b) * hidden, hidden);
        System.arraycopy(state.c(l, b), 0, c, (l * batch + b) * hidden, hidden);
      }
    }
    new SafetensorsWriter().add("h_n", h, 0, layers, batch, hidden).add("c_n", c, 0, layers, batch, hidden)
        .write(directory.resolve(RECURRENT_STATE));
  }

  /**
   * Puts back a checkpoint of this trainer's model, batch and seed: parameters, the optimizer's
   * moments and step, and the carried state; {@link #train} then continues with the next block.
   */
  public TrainingProgress resume(Path checkpoint) throws IOException {
    TrainingProgress progress = trainer.resume(checkpoint);
    Path file = AtomicDirectories.readable(checkpoint).resolve(RECURRENT_STATE);
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "the checkpoint has no " + RECURRENT_STATE + " (the LSTM's carried state)");
    }
    int layers = model.config().layers();
    int hidden = model.config().hidden();
    try (SafetensorsFile saved = SafetensorsFile.open(file)) {
      for (String tensor : List.of("h_n", "c_n")) {
        TensorInfo info = saved.tensor(tensor).orElseThrow(() -> new CheckpointMismatchException(file, List.of(tensor + ": missing")));
        long[] shape = info.shape();
        if (shape.length != 3 || shape[0] != layers || shape[1] != batch || shape[2] != hidden) {
          throw new CheckpointMismatchException(file, List.of(tensor + ": shape " + info.shapeText() + " in the file, ["
              + layers + ", " + batch + ", " + hidden + "] (layers, streams, hidden) in this run"));
        }
        float[] flat = saved.readFloats(tensor);
        boolean h = tensor.equals("h_n");
        for (int l = 0; l < layers; l++) {
          for (int b = 0; b < batch; b++) {
            System.arraycopy(flat, (l * batch + b) * hidden, h ? state.h(l, b) : state.c(l, b), 0, hidden);
          }
        }
      }
    }
    return progress;
  }

  /**
   * The mean next-token loss over {@code tokens}, cut into {@code streams} contiguous streams read
   * in blocks of {@code length} with the state carried (no dropout): every token after a stream's
   * first is predicted once.
   */
  public static double evaluate(LstmPasses model, int[] tokens, int streams, int length) {
    int streamLength = tokens.length / streams;
    if (streamLength < 2) {
      throw new IllegalArgumentException(tokens.length + " tokens are too few for " + streams + " streams");
    }
    LstmState state = model.newState(streams);
    double sum = 0;
    long count = 0;
    for (int from = 0; from < streamLength - 1; from += length) {
      int block = Math.min(length, streamLength - 1 - from);
      int[] inputs = new int[streams * block];
      int[] targets = new int[streams * block];
      for (int b = 0; b < streams; b++) {
        System.arraycopy(tokens, b * streamLength + from, inputs, b * block, block);
        System.arraycopy(tokens, b * streamLength + from + 1, targets, b * block, block);
      }
      sum += (double) model.loss(inputs, targets, streams, block, state) * inputs.length;
      count += inputs.length;
    }
    return sum / count;
  }
}
