package dev.nlpm.cli;

import dev.nlpm.runtime.checkpoint.CheckpointMismatchException;
import dev.nlpm.runtime.checkpoint.ParameterCheckpoint;
import dev.nlpm.runtime.checkpoint.SafetensorsFile;
import dev.nlpm.runtime.decoder.DecoderPasses;
import dev.nlpm.runtime.decoder.ProposalHeads;
import dev.nlpm.runtime.model.BlockwiseDecoderFacade;
import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The proposal heads of a decoder declaring {@code decoding blockwise}, trained after the model
 * with the model frozen (Stern et al. train them so first), on blocks drawn as the model's were;
 * checkpointed in {@value #CHECKPOINT}/ (Ctrl-C and {@code --resume} as for the model) and written
 * at the end to the model folder's {@value #WEIGHTS}, which {@code nlpm sample --scheme blockwise}
 * reads.
 */
final class HeadsTraining {

  static final String CHECKPOINT = "heads-checkpoint";
  static final String WEIGHTS = "blockwise-heads.safetensors";

  private HeadsTraining() {}

  /** What the heads' run left: whether a stop ended it early, its last loss and steps. */
  record Result(boolean stopped, long steps, double loss) {}

  static Result train(BlockwiseDecoderFacade facade, DecoderPasses<?> decoder, EncoderTrainer.Options options, int[] train, int batch, int length,
      Path output, boolean resume, StopRequest stop, PrintWriter err) throws IOException {
    int k = facade.blockwiseK();
    ParameterRows heads = facade.newHeads(options.seed());
    ProposalHeads proposal = facade.newProposalHeads(decoder, heads);
    ProposalHeads.Workspace ws = proposal.workspace(batch, length);
    EncoderTrainer trainer = facade.newHeadsTrainer(heads, options);
    Path checkpoint = output.resolve(CHECKPOINT);
    if (resume && Files.isDirectory(checkpoint)) {
      try {
        long step = trainer.resume(checkpoint).step();
        err.println("resuming the blockwise heads from " + checkpoint + " at step " + step + " of " + options.steps());
      } catch (CheckpointMismatchException e) {
        throw new UserError(EncoderRun.oneLine(e));
      }
    } else {
      err.printf(Locale.ROOT, "training %d blockwise proposal heads on the frozen model: %d steps of %d × %d tokens%n", k, options.steps(),
          batch, length);
    }
    long seed = options.seed();
    double[] last = {Double.NaN};
    trainer.train((step, gradients, dropoutSeed) -> {
      // other blocks than the model's at the same step: the heads' stream of offsets is its own
      int[] block = GptTraining.blocks(train, batch, length, ~seed * 31 + step);
      return new EncoderTrainer.PassResult(proposal.train(block, batch, length, ws, gradients), block.length, 0, 0);
    }, checkpoint, report -> {
      last[0] = report.loss();
      boolean stopping = stop != null && stop.requested();
      if (stopping || report.step() == report.steps() || report.step() % Math.max(1, report.steps() / 10) == 0) {
        err.printf(Locale.ROOT, "heads step %d/%d  loss %.4f  %,.0f tokens/s%n", report.step(), report.steps(), report.loss(),
            report.tokensPerSecond());
        err.flush();
      }
      if (stopping) {
        trainer.requestStop();
      }
    });
    long done = trainer.optimizer().steps();
    if (done < options.steps()) {
      return new Result(true, done, last[0]);
    }
    ParameterCheckpoint.save(heads.layout(), heads.toFlat(), facade.checkpointPrefix(), Map.of("format", "pt", "nlpm.model",
        facade.headsName()), output.resolve(DecoderRun.MODEL).resolve(WEIGHTS));
    return new Result(false, done, last[0]);
  }

  /** The heads a model folder holds, for {@code decoder}. */
  static ProposalHeads load(BlockwiseDecoderFacade facade, DecoderPasses<?> decoder, Path directory) throws IOException {
    ParameterRows heads = facade.newHeads(0L);
    ParameterLayout layout = heads.layout();
    float[] flat = new float[layout.size()];
    Path file = directory.resolve(WEIGHTS);
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      ParameterCheckpoint.load(st, layout, flat, facade.checkpointPrefix(), true);
    } catch (NoSuchFileException e) {
      throw new UserError(directory + " holds no blockwise heads (" + WEIGHTS + "): `nlpm train` trains them after the model");
    } catch (CheckpointMismatchException e) {
      throw new UserError(EncoderRun.oneLine(e));
    }
    heads.importFrom(flat);
    return facade.newProposalHeads(decoder, heads);
  }
}
