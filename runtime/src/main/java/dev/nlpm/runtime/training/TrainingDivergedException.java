package dev.nlpm.runtime.training;

/** The loss became NaN or infinite: training stopped before the step changed any parameter. */
public final class TrainingDivergedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final long step;

  public TrainingDivergedException(long step, double loss, String lastCheckpoint) {
    super("the loss became " + loss + " at step " + step + "; training stopped before updating the parameters"
        + (lastCheckpoint == null ? " (no checkpoint was written yet)" : "; the last checkpoint, " + lastCheckpoint + ", is intact"));
    this.step = step;
  }

  /** The step (counted from 1) whose loss was not finite. */
  public long step() {
    return step;
  }
}
