package dev.nlpm.runtime.word2vec;

/**
 * The outcome of the analogy questions of one section (or of a group of sections).
 *
 * @param name the section name, or "semantic", "syntactic", "total" for the groups
 * @param correct questions whose best answer was the expected word
 * @param attempted questions with all four words in the searched vocabulary
 * @param skipped questions with a word outside it, left out of the accuracy as gensim does
 */
public record AnalogyScore(String name, int correct, int attempted, int skipped) {

  /** Correct over attempted; 0 when nothing was attempted (as gensim reports an empty section). */
  public double accuracy() {
    return attempted == 0 ? 0 : (double) correct / attempted;
  }

  /** Attempted over all questions; 0 when there were none. */
  public double coverage() {
    int questions = attempted + skipped;
    return questions == 0 ? 0 : (double) attempted / questions;
  }

  /** This score and {@code other} together, under {@code name}. */
  public AnalogyScore plus(String name, AnalogyScore other) {
    return new AnalogyScore(
        name, correct + other.correct, attempted + other.attempted, skipped + other.skipped);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "%s: %.1f%% (%d/%d), coverage %.1f%% (%d skipped)",
        name, 100 * accuracy(), correct, attempted, 100 * coverage(), skipped);
  }
}
