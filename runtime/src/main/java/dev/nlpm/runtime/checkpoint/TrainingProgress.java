package dev.nlpm.runtime.checkpoint;

/**
 * Where a training run is, for resuming it exactly: examples' random streams derive from the seed
 * and their index ({@code pretrain.ExampleRandom}), so the seed and the position in the data are
 * all the randomness a resumed run needs.
 *
 * @param step optimizer steps taken
 * @param epoch the epoch under way, from 0
 * @param position examples of that epoch already consumed
 * @param seed the run's seed
 * @param loss the last step's loss, for the record
 */
public record TrainingProgress(long step, int epoch, long position, long seed, double loss) {

  public TrainingProgress {
    if (step < 0 || epoch < 0 || position < 0) {
      throw new IllegalArgumentException("step, epoch and position must be at least 0: " + step + ", " + epoch + ", " + position);
    }
  }
}
