package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.ir.Family;
import dev.nlpm.compiler.ir.Tokenizer;
import java.util.List;
import java.util.Optional;

/** Binds the {@code tokenizer <kind> { ... }} section, or the family's default tokenizer. */
final class TokenizerBinder {

  static final List<String> KINDS = List.of("wordpiece", "bpe", "char", "whitespace");

  private TokenizerBinder() {}

  static Tokenizer bind(Family family, Body model) {
    Optional<Section> section = model.section("tokenizer");
    String kind = defaultKind(family);
    Body body;
    boolean understood = true;
    if (section.isPresent()) {
      Optional<String> variant = Sections.variant(model, section.get(), KINDS);
      understood = variant.isPresent();
      kind = variant.orElse(kind);
      body = Sections.body(model, section.get());
    } else {
      body = model.child("tokenizer " + kind, model.origin(), List.of(), "tokenizer");
    }
    Tokenizer tokenizer = tokenizer(kind, body);
    if (understood) {
      // The options of a tokenizer whose kind was not understood are not judged against the default's.
      body.finish();
    }
    return tokenizer;
  }

  static String defaultKind(Family family) {
    return switch (family) {
      case ENCODER -> "wordpiece";
      case WORD2VEC -> "whitespace";
      case LSTM_LM -> "char";
      default -> "bpe";
    };
  }

  private static Tokenizer tokenizer(String kind, Body body) {
    return switch (kind) {
      case "wordpiece" -> new Tokenizer.WordPiece(
          body.origin(),
          body.bool("lowercase", true),
          body.string("vocab_file"),
          body.string("unk", "[UNK]"),
          body.string("cls", "[CLS]"),
          body.string("sep", "[SEP]"),
          body.string("pad", "[PAD]"),
          body.string("mask", "[MASK]"),
          body.integer("max_chars_per_word", 100));
      case "bpe" -> {
        Optional<String> vocab = body.string("vocab_file");
        Optional<String> merges = body.string("merges_file");
        if (vocab.isPresent() != merges.isPresent()) {
          String missing = vocab.isPresent() ? "merges_file" : "vocab_file";
          body.diagnostics().error(
              DiagnosticCode.MISSING_OPTION,
              body.origin(),
              body.where(),
              missing,
              "byte-level BPE loads vocab_file and merges_file together");
        }
        yield new Tokenizer.ByteLevelBpe(body.origin(), vocab, merges);
      }
      case "char" -> new Tokenizer.Char(body.origin());
      default -> new Tokenizer.Whitespace(body.origin(), body.bool("lowercase", false));
    };
  }
}
