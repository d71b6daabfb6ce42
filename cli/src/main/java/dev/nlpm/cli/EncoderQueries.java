package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.runtime.checkpoint.CheckpointMismatchException;
import dev.nlpm.runtime.encoder.EncoderModel;
import dev.nlpm.runtime.model.EncoderFacade;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code fill-mask} and {@code embed} share: compiling the declaration in process and loading
 * a trained model directory through the encoder's generated facade.
 */
final class EncoderQueries {

  private EncoderQueries() {}

  /**
   * The trained encoder in {@code directory} ({@code train}'s {@code DIR/model}, or {@code DIR}
   * itself, whose {@code model/} is then taken).
   *
   * @param command the asking command's name, for messages
   * @return empty when the files have errors (printed)
   */
  static Optional<EncoderModel> load(List<Path> files, String name, Path directory, int threads, String command, PrintWriter err)
      throws IOException {
    if (threads < 1) {
      throw new UserError("--threads must be positive, got " + threads);
    }
    if (!Files.isDirectory(directory)) {
      throw new UserError("no such directory: " + directory);
    }
    if (!Files.exists(directory.resolve(EncoderModel.WEIGHTS)) && Files.isDirectory(directory.resolve(EncoderRun.MODEL))) {
      directory = directory.resolve(EncoderRun.MODEL); // the folder `nlpm train -o` wrote
    }
    Optional<Compilation> compiled = CompilerRun.run(files, true, err);
    if (compiled.isEmpty()) {
      return Optional.empty();
    }
    ModelSpec spec = GeneratedFacade.choose(compiled.get(), name);
    if (spec.family() != Family.ENCODER) {
      throw new UserError(spec.name() + " is " + GeneratedFacade.article(spec.family().keyword()) + " model: `nlpm " + command
          + "` runs encoders" + (spec.family() == Family.WORD2VEC ? " (for word vectors, try `nlpm similar`)" : ""));
    }
    EncoderFacade facade = GeneratedFacade.load(compiled.get(), spec, EncoderFacade.class);
    EncoderModel model;
    try {
      model = facade.loadModel(directory, threads);
    } catch (CheckpointMismatchException e) {
      throw new UserError(EncoderRun.oneLine(e));
    } catch (NoSuchFileException e) {
      throw new UserError(e.getReason() != null ? e.getReason() + ": " + e.getFile() : "no such file: " + e.getFile());
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    } catch (IOException e) {
      throw new UserError(directory + ": " + e.getMessage());
    }
    try {
      model.tokenizer();
    } catch (IllegalStateException e) {
      model.close();
      throw new UserError(directory + ": " + e.getMessage());
    }
    return Optional.of(model);
  }
}
