package dev.nlpm.cli;

import dev.nlpm.runtime.text.Encoding;
import dev.nlpm.runtime.text.Tokenizer;
import dev.nlpm.runtime.text.wordpiece.WordPieceOptions;
import dev.nlpm.runtime.text.wordpiece.WordPieceTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code nlpm tokenize}: shows how a tokenizer splits text: each token with its id and the span of
 * the input it came from.
 */
@Command(
    name = "tokenize",
    mixinStandardHelpOptions = true,
    description = {
      "Tokenizes text (the arguments, or each line of standard input) and prints every token",
      "as TOKEN/ID@START:END, the span in characters of the input it came from."
    })
final class TokenizeCommand implements Callable<Integer> {

  static final class Source {
    @Option(names = "--vocab", paramLabel = "vocab.txt", description = "A WordPiece vocabulary (BERT's vocab.txt).")
    Path vocabTxt;

    @Option(names = "--tokenizer-json", paramLabel = "tokenizer.json", description = "A WordPiece tokenizer.json (HuggingFace's format).")
    Path tokenizerJson;

    @Option(names = "--bpe", paramLabel = "DIR", description = "A folder with GPT-2's vocab.json and merges.txt.")
    Path bpeDir;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--cased", description = "With --vocab: keep case and accents (default: BERT uncased).")
  boolean cased;

  @Option(names = "--ids", description = "Print only the ids, space-separated.")
  boolean idsOnly;

  @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Text to tokenize; none reads standard input line by line.")
  List<String> texts;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Tokenizer tokenizer = load();
    PrintWriter out = spec.commandLine().getOut();
    if (texts != null && !texts.isEmpty()) {
      print(out, tokenizer, String.join(" ", texts));
    } else {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        print(out, tokenizer, line);
      }
    }
    return 0;
  }

  private Tokenizer load() throws IOException {
    if (source.vocabTxt != null) {
      return WordPieceTokenizer.fromVocabTxt(
          existing(source.vocabTxt),
          cased ? WordPieceOptions.cased() : WordPieceOptions.uncased());
    }
    if (source.tokenizerJson != null) {
      return WordPieceTokenizer.fromTokenizerJson(existing(source.tokenizerJson));
    }
    return ByteLevelBpeVocab.load(source.bpeDir);
  }

  static Path existing(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserError("no such file: " + file);
    }
    return file;
  }

  private void print(PrintWriter out, Tokenizer tokenizer, String text) {
    Encoding encoding = tokenizer.encode(text);
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < encoding.size(); i++) {
      if (i > 0) {
        line.append(' ');
      }
      if (idsOnly) {
        line.append(encoding.id(i));
      } else {
        line.append(encoding.tokens().get(i)).append('/').append(encoding.id(i))
            .append('@').append(encoding.start(i)).append(':').append(encoding.end(i));
      }
    }
    out.println(line);
  }
}
