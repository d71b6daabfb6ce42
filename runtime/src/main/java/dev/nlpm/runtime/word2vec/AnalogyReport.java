package dev.nlpm.runtime.word2vec;

import java.util.List;

/**
 * The scores of an analogy file: per section in file order, the semantic sections together, the
 * syntactic ones (whose names start with {@code gram}, as in word2vec's questions-words.txt)
 * together, and all of them.
 */
public record AnalogyReport(
    List<AnalogyScore> sections, AnalogyScore semantic, AnalogyScore syntactic, AnalogyScore total) {

  public AnalogyReport {
    sections = List.copyOf(sections);
  }

  /** One line a section, then the groups, as a log or a benchmark prints it. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    for (AnalogyScore section : sections) {
      out.append(section).append('\n');
    }
    return out.append(semantic).append('\n').append(syntactic).append('\n').append(total)
        .append('\n').toString();
  }
}
