package dev.nlpm.runtime.model;

import dev.nlpm.runtime.encoder.EncoderConfig;
import dev.nlpm.runtime.encoder.EncoderModel;
import dev.nlpm.runtime.encoder.EncoderPasses;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.pretrain.MlmMasker;
import dev.nlpm.runtime.pretrain.MlmSettings;
import dev.nlpm.runtime.text.EncoderTokenizer;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A generated encoder facade: pretraining it (parameters, masking, the encoder's passes and their trainer),
 * and the inference model ({@link EncoderModel}: hidden states, fill-mask, embeddings,
 * classification) over trained parameters or read from a model directory.
 */
public interface EncoderFacade extends ModelFacade {

  /** The sizes and choices the runtime encoder runs with ({@code CONFIG}). */
  EncoderConfig config();

  /** Whether the WordPiece tokenizer lowercases ({@code LOWERCASE}). */
  boolean lowercase();

  /** The declared masked-LM rate, split and masking ({@code MLM_RATE}, {@code MLM_MASK}, … {@code MASKING}). */
  MlmSettings mlm();

  /** The declared thread count ({@code threads()}). */
  int declaredThreads();

  /** Fresh parameters, initialized as the model declares from {@code seed} ({@code initialize(seed)}). */
  ParameterRows newParameters(long seed);

  /**
   * Masking of sequences of up to {@code sequence} tokens with {@code mlm}'s rate and split, over
   * {@code tokenizer}'s vocabulary and special tokens; a trainer for it needs {@code
   * MlmMasker.maxPredictions(sequence, mlm.rate())} positions a sequence ({@code masker(…)}).
   */
  MlmMasker newMasker(EncoderTokenizer tokenizer, int sequence, MlmSettings mlm);

  /**
   * The encoder's passes over {@code parameters}, its work split by {@code parallel} ({@code
   * encoder(…)}): the generated {@code <Model>Passes}.
   */
  EncoderPasses<?> newEncoder(ParameterRows parameters, Parallel parallel);

  /**
   * A trainer whose workspace holds {@code batch} sequences of up to {@code sequence} tokens and
   * {@code maxPredictions} masked positions a sequence ({@code trainer(…)}).
   */
  EncoderTrainer newTrainer(EncoderPasses<?> encoder, EncoderTrainer.Options options, int batch, int sequence, int maxPredictions);

  /** A model for inference over {@code parameters} and {@code tokenizer} ({@code model(…)}). */
  EncoderModel newModel(ParameterRows parameters, EncoderTokenizer tokenizer, int threads);

  /**
   * Reads a model directory: its weights under the reference's names and its vocabulary ({@code
   * load(…)}).
   *
   * @throws dev.nlpm.runtime.checkpoint.CheckpointMismatchException naming every tensor that is missing or of another shape
   */
  EncoderModel loadModel(Path directory, int threads) throws IOException;
}
