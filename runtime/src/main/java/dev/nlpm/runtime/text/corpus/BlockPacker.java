package dev.nlpm.runtime.text.corpus;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Packs the token ids of consecutive documents into fixed-length blocks for language-model
 * training, GPT-2 style: documents are concatenated, a separator (end-of-text) after each one if
 * given, and cut into blocks of {@code blockSize + 1} ids. A block's first {@code blockSize} ids
 * are the inputs and its last {@code blockSize} the targets (inputs shifted by one), and
 * consecutive blocks share one id (the last of one block is the first of the next), so every id
 * is predicted exactly once. What is left at the end is dropped, or padded with {@code padId}
 * if one is given ({@link #finish}).
 */
public final class BlockPacker {

  private final int blockSize;
  private final int separatorId;
  private final Consumer<int[]> blocks;
  private final int[] buffer;
  private int filled;

  /**
   * @param blockSize the number of positions a block trains on (the model's context length)
   * @param separatorId the id appended after each document, or -1 for none
   * @param blocks receives each block of {@code blockSize + 1} ids, a fresh array each time
   */
  public BlockPacker(int blockSize, int separatorId, Consumer<int[]> blocks) {
    if (blockSize < 1) {
      throw new IllegalArgumentException("the block size must be positive, got " + blockSize);
    }
    this.blockSize = blockSize;
    this.separatorId = separatorId;
    this.blocks = blocks;
    this.buffer = new int[blockSize + 1];
  }

  /** Adds one document's ids (and the separator after them). */
  public void add(int[] documentIds) {
    for (int id : documentIds) {
      push(id);
    }
    if (separatorId >= 0) {
      push(separatorId);
    }
  }

  /**
   * Ends the stream: a partial last block (more than the one shared id) is emitted padded with
   * {@code padId}, or dropped if {@code padId} is negative.
   *
   * @return the number of pad ids added
   */
  public int finish(int padId) {
    if (filled <= 1 || padId < 0) {
      filled = 0;
      return 0;
    }
    int pads = buffer.length - filled;
    Arrays.fill(buffer, filled, buffer.length, padId);
    blocks.accept(buffer.clone());
    filled = 0;
    return pads;
  }

  private void push(int id) {
    buffer[filled++] = id;
    if (filled == buffer.length) {
      blocks.accept(buffer.clone());
      buffer[0] = buffer[blockSize];
      filled = 1;
    }
  }
}
