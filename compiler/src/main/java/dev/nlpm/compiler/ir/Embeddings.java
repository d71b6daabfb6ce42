package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;

/**
 * The input embeddings of a transformer stack.
 *
 * @param vocab the token vocabulary
 * @param size the embedding width: equal to the stack's hidden size, or ALBERT's smaller
 *     factorized size E, projected up to hidden
 * @param positions absolute learned, sinusoidal, or relative
 * @param maxLength the longest sequence (rows of a learned position table)
 * @param segments the token-type (segment) vocabulary; 0 for none
 */
public record Embeddings(
    Origin origin, Vocabulary vocab, int size, Positions positions, int maxLength, int segments) {

  public Embeddings {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(vocab, "vocab");
    Objects.requireNonNull(positions, "positions");
  }
}
