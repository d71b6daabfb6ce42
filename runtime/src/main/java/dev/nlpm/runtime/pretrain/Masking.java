package dev.nlpm.runtime.pretrain;

/** When masked-language-model positions are drawn. */
public enum Masking {
  /** Once per example: every epoch sees the same masks (BERT's original data pipeline). */
  STATIC,
  /** Afresh each time an example is seen (RoBERTa). */
  DYNAMIC;

  /** The epoch whose stream draws the masks: 0 for static masking, the epoch for dynamic. */
  public long drawEpoch(long epoch) {
    return this == STATIC ? 0 : epoch;
  }
}
