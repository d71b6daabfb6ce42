package dev.nlpm.runtime.model;

import dev.nlpm.runtime.word2vec.Word2VecOptions;
import dev.nlpm.runtime.word2vec.Word2VecTrainer;
import dev.nlpm.runtime.word2vec.Word2VecVocabulary;
import dev.nlpm.runtime.word2vec.Word2VecWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A generated word2vec facade: its declared settings, and training on a corpus with its kernels. */
public interface Word2VecFacade {

  /** The declared settings ({@code options()}). */
  Word2VecOptions declaredOptions();

  /** Words seen fewer times are left out of the vocabulary ({@code MIN_COUNT}). */
  long minCount();

  /** The most words the vocabulary keeps, the most frequent; 0: no limit ({@code MAX_VOCAB}). */
  int maxVocab();

  /** Counts the corpus's words, keeping those seen {@code minCount} times or more, at most {@code maxVocab} ({@code vocabulary(…)}). */
  Word2VecVocabulary countVocabulary(List<Path> corpus, long minCount, int maxVocab) throws IOException;

  /**
   * Trains on the corpus over {@code vocabulary} ({@code train(…)}).
   *
   * @param checkpoint where to write a checkpoint after every epoch, or null for none
   * @throws IllegalArgumentException if the options change the dimension
   */
  Word2VecWeights trainVectors(Word2VecVocabulary vocabulary, List<Path> corpus, Word2VecOptions options,
      Word2VecTrainer.ProgressListener progress, Path checkpoint) throws IOException;

  /** Continues a run from its last checkpoint, over the same corpus ({@code resume(…)}). */
  Word2VecWeights resumeVectors(Path checkpoint, List<Path> corpus, Word2VecTrainer.ProgressListener progress) throws IOException;
}
