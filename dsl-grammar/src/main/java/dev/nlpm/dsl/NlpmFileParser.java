package dev.nlpm.dsl;

import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.source.SourcePosition;
import dev.nlpm.dsl.NlpmFile.Comments;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;

/** Parses the text of one {@code .nlpm} file into its AST, reporting every syntax error. */
final class NlpmFileParser {

  private NlpmFileParser() {}

  /**
   * @return the AST, or empty when the file has syntax errors (which are in {@code diagnostics})
   */
  static Optional<NlpmFile> parse(String sourceName, String text, Diagnostics diagnostics) {
    Diagnostics local = new Diagnostics();
    SyntaxErrorListener listener = new SyntaxErrorListener(sourceName, local);
    NlpmLexer lexer = new NlpmLexer(CharStreams.fromString(text, sourceName));
    lexer.removeErrorListeners();
    lexer.addErrorListener(listener);
    CommonTokenStream tokens = new CommonTokenStream(lexer);
    tokens.fill();
    reportUnterminated(sourceName, tokens, local);
    NlpmParser parser = new NlpmParser(tokens);
    parser.removeErrorListeners();
    parser.addErrorListener(listener);
    NlpmParser.FileContext tree = parser.file();
    if (local.hasErrors()) {
      diagnostics.addAll(local.all());
      return Optional.empty();
    }
    NlpmAstBuilder builder = new NlpmAstBuilder(sourceName, local);
    NlpmFile file = builder.build(tree);
    diagnostics.addAll(local.all());
    if (local.hasErrors()) {
      return Optional.empty();
    }
    Map<SourcePosition, Comments> comments = attachComments(sourceName, tokens, builder);
    return Optional.of(
        new NlpmFile(file.sourceName(), file.packages(), file.includes(), file.models(), comments));
  }

  /**
   * Characters the language has no use for, and unterminated strings and comments: reported once;
   * the characters are hidden from the parser, strings and comments parsed as if they were closed.
   */
  private static void reportUnterminated(
      String sourceName, CommonTokenStream tokens, Diagnostics diagnostics) {
    for (Token token : tokens.getTokens()) {
      SourcePosition position =
          new SourcePosition(sourceName, token.getLine(), token.getCharPositionInLine() + 1);
      if (token.getType() == NlpmLexer.INVALID_CHARACTER) {
        diagnostics.error(
            DiagnosticCode.INVALID_CHARACTER,
            position,
            SyntaxErrorListener.describeCharacter(token.getText()));
      } else if (token.getType() == NlpmLexer.UNTERMINATED_STRING) {
        diagnostics.error(
            DiagnosticCode.SYNTAX_ERROR,
            position,
            "unterminated string: close it with '\"' on the same line");
        ((CommonToken) token).setType(NlpmLexer.STRING);
      } else if (token.getType() == NlpmLexer.UNTERMINATED_COMMENT) {
        diagnostics.error(
            DiagnosticCode.SYNTAX_ERROR, position, "unterminated comment: close it with '*/'");
      }
    }
  }

  /**
   * Gives every comment an owner so that the formatter can keep it: a comment on the line a model
   * or member ends on trails it; any other comment leads the next model or member, or, when there
   * is none (before a closing brace, at the end of the file), trails the end of the file.
   */
  private static Map<SourcePosition, Comments> attachComments(
      String sourceName, CommonTokenStream tokens, NlpmAstBuilder builder) {
    Map<SourcePosition, List<String>> leading = new HashMap<>();
    Map<SourcePosition, List<String>> trailing = new HashMap<>();
    Token previous = null;
    List<String> pending = new ArrayList<>();
    for (Token token : tokens.getTokens()) {
      boolean comment =
          token.getType() == NlpmLexer.LINE_COMMENT
              || token.getType() == NlpmLexer.BLOCK_COMMENT
              || token.getType() == NlpmLexer.UNTERMINATED_COMMENT;
      if (comment) {
        SourcePosition owner = previous == null ? null : builder.stops.get(previous.getTokenIndex());
        if (owner != null && previous.getLine() == token.getLine() && pending.isEmpty()) {
          trailing.computeIfAbsent(owner, k -> new ArrayList<>()).add(token.getText());
        } else {
          pending.add(token.getText());
        }
        continue;
      }
      if (token.getChannel() != Token.DEFAULT_CHANNEL) {
        continue;
      }
      SourcePosition start = builder.starts.get(token.getTokenIndex());
      if (start != null && !pending.isEmpty()) {
        leading.computeIfAbsent(start, k -> new ArrayList<>()).addAll(pending);
        pending.clear();
      }
      if (token.getType() == Token.EOF && !pending.isEmpty()) {
        leading.computeIfAbsent(endOfFile(sourceName), k -> new ArrayList<>()).addAll(pending);
        pending.clear();
      }
      previous = token;
    }
    Map<SourcePosition, Comments> comments = new HashMap<>();
    for (var entry : leading.entrySet()) {
      comments.put(entry.getKey(), new Comments(entry.getValue(), List.of()));
    }
    for (var entry : trailing.entrySet()) {
      Comments before = comments.getOrDefault(entry.getKey(), new Comments(List.of(), List.of()));
      comments.put(entry.getKey(), new Comments(before.leading(), entry.getValue()));
    }
    return comments;
  }

  /** The key under which comments with no following declaration are kept. */
  static SourcePosition endOfFile(String sourceName) {
    return new SourcePosition(sourceName, Integer.MAX_VALUE, 1);
  }
}
