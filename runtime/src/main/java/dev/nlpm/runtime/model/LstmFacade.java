package dev.nlpm.runtime.model;

import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.lstm.LstmPasses;
import dev.nlpm.runtime.parameters.ParameterRows;
import java.io.IOException;
import java.nio.file.Path;

/** A generated LSTM language model facade: its parameters, the model's passes, and a saved model read back. */
public interface LstmFacade extends LanguageModelFacade {

  /**
   * Fresh parameters from {@code seed}, for a text of {@code vocabulary} tokens: a model declaring
   * {@code max_vocab} is built at that size, another at its declared {@link #vocab} ({@code
   * initialize(…)}).
   */
  ParameterRows newParameters(int vocabulary, long seed);

  /**
   * The model's generated passes over {@code parameters}, their products split over {@code
   * parallel} (null: the calling thread) ({@code model(…)}).
   */
  LstmPasses newModel(ParameterRows parameters, Parallel parallel);

  /**
   * The model saved in {@code directory} ({@code load(…)}).
   *
   * @throws dev.nlpm.runtime.checkpoint.CheckpointMismatchException naming a tensor that is missing or of another shape
   */
  LstmPasses loadModel(Path directory, Parallel parallel) throws IOException;
}
