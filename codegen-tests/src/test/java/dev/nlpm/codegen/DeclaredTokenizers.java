package dev.nlpm.codegen;

import dev.nlpm.compiler.ir.Tokenizer;
import dev.nlpm.runtime.text.CharTokenizer;
import dev.nlpm.runtime.text.EncoderTokenizer;
import dev.nlpm.runtime.text.SpecialTokenTokenizer;
import dev.nlpm.runtime.text.Vocabulary;
import dev.nlpm.runtime.text.bpe.Gpt2PreTokenizer;
import dev.nlpm.runtime.text.train.BpeTrainer;
import dev.nlpm.runtime.text.train.BpeTrainingOptions;
import dev.nlpm.runtime.text.train.WordCounter;
import dev.nlpm.runtime.text.wordpiece.BertBasicTokenizer;
import dev.nlpm.runtime.text.wordpiece.SpecialTokens;
import dev.nlpm.runtime.text.wordpiece.WordPieceOptions;
import dev.nlpm.runtime.text.wordpiece.WordPieceTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * An encoder tokenizer of the kind a declaration names, with the declared special tokens and
 * casing, whose vocabulary is just what spells a small test text: every word of it (WordPiece),
 * the 256 bytes and enough merges to make each word one token (byte-level BPE, RoBERTa's special
 * tokens), or its characters (char, BERT's special tokens). A model trained on that text can then
 * be declared with that vocabulary, and its pretraining masks with the declared special tokens.
 */
final class DeclaredTokenizers {

  /** Byte-level merges beyond the 256 bytes and the special tokens: more than the words of a small text need. */
  private static final int BPE_MERGES = 200;

  private DeclaredTokenizers() {}

  /**
   * @throws IllegalArgumentException for {@code whitespace}, which has no special tokens to frame and mask with
   */
  static EncoderTokenizer covering(Tokenizer declared, List<String> sentences) {
    if (declared instanceof Tokenizer.WordPiece wordPiece) {
      WordPieceOptions options = WordPieceOptions.cased().withLowercase(wordPiece.lowercase())
          .withMaxInputCharsPerWord(wordPiece.maxCharsPerWord())
          .withSpecialTokens(new SpecialTokens(wordPiece.pad(), wordPiece.unk(), wordPiece.cls(), wordPiece.sep(), wordPiece.mask()));
      BertBasicTokenizer basic = BertBasicTokenizer.of(options);
      TreeSet<String> words = new TreeSet<>();
      sentences.forEach(s -> words.addAll(basic.words(s)));
      List<String> tokens = new ArrayList<>(options.specialTokens().all());
      tokens.addAll(words);
      return WordPieceTokenizer.of(Vocabulary.of(tokens), options);
    }
    if (declared instanceof Tokenizer.ByteLevelBpe) {
      SpecialTokens roberta = SpecialTokenTokenizer.roberta();
      WordCounter counter = new WordCounter(Gpt2PreTokenizer::split);
      sentences.forEach(counter::addLine);
      int size = 256 + roberta.all().size() + BPE_MERGES;
      var base = BpeTrainer.train(counter.counts().byteLevel(), BpeTrainingOptions.byteLevel(size).withSpecialTokens(roberta.all()))
          .byteLevelTokenizer();
      return SpecialTokenTokenizer.of(base, roberta);
    }
    if (declared instanceof Tokenizer.Char) {
      SpecialTokens bert = SpecialTokens.bert();
      TreeSet<String> characters = new TreeSet<>();
      sentences.forEach(s -> s.codePoints().forEach(c -> characters.add(Character.toString(c))));
      List<String> tokens = new ArrayList<>(bert.all());
      tokens.addAll(characters);
      return SpecialTokenTokenizer.of(CharTokenizer.of(Vocabulary.of(tokens), bert.unk()), bert);
    }
    throw new IllegalArgumentException("tokenizer " + declared.keyword() + " has no special tokens for an encoder to train with");
  }
}
