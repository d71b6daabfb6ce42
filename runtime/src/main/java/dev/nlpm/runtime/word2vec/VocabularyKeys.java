package dev.nlpm.runtime.word2vec;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the evaluators look words up, as gensim's evaluators do: exactly, or by upper case, where a
 * key stands for the first (most frequent) word with that upper case.
 */
final class VocabularyKeys {

  private final WordVectors vectors;
  private final Map<String, Integer> firstIndexByUpperCase;

  VocabularyKeys(WordVectors vectors, boolean caseInsensitive) {
    this.vectors = vectors;
    if (caseInsensitive) {
      firstIndexByUpperCase = new HashMap<>(vectors.size() * 2);
      for (int i = 0; i < vectors.size(); i++) {
        firstIndexByUpperCase.putIfAbsent(upperCase(vectors.word(i)), i);
      }
    } else {
      firstIndexByUpperCase = null;
    }
  }

  /** The key of a word: itself, or its upper case. */
  String key(String word) {
    return firstIndexByUpperCase == null ? word : upperCase(word);
  }

  /** The index a key stands for, or -1. */
  int index(String key) {
    if (firstIndexByUpperCase == null) {
      return vectors.index(key);
    }
    Integer index = firstIndexByUpperCase.get(key);
    return index == null ? -1 : index;
  }

  private static String upperCase(String word) {
    return word.toUpperCase(Locale.ROOT);
  }
}
