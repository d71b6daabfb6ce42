package dev.nlpm.dsl;

import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.source.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.Lexer;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;
import org.antlr.v4.runtime.atn.ATNConfig;
import org.antlr.v4.runtime.atn.Transition;
import org.antlr.v4.runtime.misc.Interval;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * The one error listener of the lexer and the parser. It rewrites ANTLR's messages into what a
 * user can act on: what was expected, in the language's own spelling, after which token, and
 * what was found instead.
 */
final class SyntaxErrorListener extends BaseErrorListener {

  private static final Set<Integer> VALUE_STARTS =
      Set.of(
          NlpmParser.INT,
          NlpmParser.DECIMAL,
          NlpmParser.TRUE,
          NlpmParser.FALSE,
          NlpmParser.STRING,
          NlpmParser.IDENT,
          NlpmParser.LBRACKET);

  private final String sourceName;
  private final Diagnostics diagnostics;

  SyntaxErrorListener(String sourceName, Diagnostics diagnostics) {
    this.sourceName = sourceName;
    this.diagnostics = diagnostics;
  }

  @Override
  public void syntaxError(
      Recognizer<?, ?> recognizer,
      Object offendingSymbol,
      int line,
      int charPositionInLine,
      String antlrMessage,
      RecognitionException e) {
    SourcePosition position = new SourcePosition(sourceName, line, charPositionInLine + 1);
    if (recognizer instanceof Lexer lexer) {
      // The grammar's INVALID_CHARACTER rule matches any character, so this is a safety net.
      int start = lexer._tokenStartCharIndex;
      String text = lexer.getInputStream().getText(Interval.of(start, start));
      diagnostics.error(DiagnosticCode.INVALID_CHARACTER, position, describeCharacter(text));
      return;
    }
    Parser parser = (Parser) recognizer;
    Token found = (Token) offendingSymbol;
    IntervalSet expected = expectedTokens(parser, e);
    StringBuilder message = new StringBuilder("expected ").append(describeExpected(expected));
    TokenStream tokens = parser.getInputStream();
    previousToken(tokens, found.getTokenIndex())
        .ifPresent(previous -> message.append(" after ").append(describePrevious(tokens, previous)));
    message.append(", found ").append(describeFound(found));
    diagnostics.error(DiagnosticCode.SYNTAX_ERROR, position, message.toString());
  }

  /**
   * What the parser could have accepted at the offending token. When a decision that looks more
   * than one token ahead fails ({@code vocab: 100}, {@code attention local wide}), ANTLR's
   * expected set is the one at the start of the decision, which names the wrong place; the
   * configurations that were still alive just before the offending token say what could have
   * come there.
   */
  private static IntervalSet expectedTokens(Parser parser, RecognitionException e) {
    if (e instanceof NoViableAltException noViableAlt
        && noViableAlt.getDeadEndConfigs() != null
        && noViableAlt.getOffendingToken().getTokenIndex()
            > noViableAlt.getStartToken().getTokenIndex()) {
      IntervalSet expected = new IntervalSet();
      for (ATNConfig config : noViableAlt.getDeadEndConfigs()) {
        for (Transition transition : config.state.getTransitions()) {
          if (!transition.isEpsilon() && transition.label() != null) {
            expected.addAll(transition.label());
          }
        }
      }
      if (!expected.isNil()) {
        return expected;
      }
    }
    return parser.getExpectedTokens();
  }

  static String describeCharacter(String text) {
    if (text.isEmpty()) {
      return "at the end of the file";
    }
    int c = text.codePointAt(0);
    if (Character.isISOControl(c) || Character.isWhitespace(c)) {
      return String.format("U+%04X", c);
    }
    return "'" + text + "'";
  }

  /**
   * The token before the offending one, as a user would name it: "the value" when it ends the value
   * of an assignment (a literal, a closing ']', or a word after '=' or in a list), which reads
   * better than a quoted long string; otherwise the token as written.
   */
  private static String describePrevious(TokenStream tokens, Token previous) {
    boolean endsValue =
        switch (previous.getType()) {
          case NlpmParser.INT,
              NlpmParser.DECIMAL,
              NlpmParser.STRING,
              NlpmParser.UNTERMINATED_STRING,
              NlpmParser.TRUE,
              NlpmParser.FALSE,
              NlpmParser.RBRACKET -> true;
          case NlpmParser.IDENT ->
              previousToken(tokens, previous.getTokenIndex())
                  .map(Token::getType)
                  .filter(t -> t == NlpmParser.ASSIGN || t == NlpmParser.LBRACKET || t == NlpmParser.COMMA)
                  .isPresent();
          default -> false;
        };
    return endsValue ? "the value" : quote(previous.getText());
  }

  private static java.util.Optional<Token> previousToken(TokenStream tokens, int index) {
    for (int i = index - 1; i >= 0; i--) {
      Token token = tokens.get(i);
      if (token.getChannel() == Token.DEFAULT_CHANNEL) {
        return java.util.Optional.of(token);
      }
    }
    return java.util.Optional.empty();
  }

  /** The expected tokens as a user reads them: "';'", "a value", "a name or '}'". */
  static String describeExpected(IntervalSet expected) {
    List<Integer> types = expected.toList();
    List<String> words = new ArrayList<>();
    if (types.containsAll(VALUE_STARTS)) {
      words.add("a value");
      types = types.stream().filter(t -> !VALUE_STARTS.contains(t)).toList();
    }
    if (types.contains(NlpmParser.MODEL) && types.contains(Token.EOF)) {
      words.add("a model declaration ('model Name : family { ... }')");
      types =
          types.stream()
              .filter(t -> t != NlpmParser.MODEL && t != Token.EOF && t != NlpmParser.PACKAGE && t != NlpmParser.INCLUDE)
              .toList();
    }
    if (types.contains(NlpmParser.IDENT)
        && types.contains(NlpmParser.REMOVE)
        && types.contains(NlpmParser.RBRACE)) {
      words.add("a member ('key = value;', a section or 'remove') or '}'");
      types =
          types.stream()
              .filter(t -> t != NlpmParser.IDENT && t != NlpmParser.REMOVE && t != NlpmParser.RBRACE)
              .toList();
    }
    types.stream()
        .sorted(java.util.Comparator.comparingInt(SyntaxErrorListener::displayRank))
        .forEach(type -> words.add(describeTokenType(type)));
    if (words.isEmpty()) {
      return "something else";
    }
    if (words.size() == 1) {
      return words.get(0);
    }
    return String.join(", ", words.subList(0, words.size() - 1)) + " or " + words.get(words.size() - 1);
  }

  /** Expected tokens are listed in the order they are written in the language, not by token type. */
  private static final List<Integer> DISPLAY_ORDER =
      List.of(
          NlpmParser.COLON,
          NlpmParser.EXTENDS,
          NlpmParser.ASSIGN,
          NlpmParser.DOT,
          NlpmParser.RANGE,
          NlpmParser.IDENT,
          NlpmParser.LBRACE,
          NlpmParser.SEMI,
          NlpmParser.COMMA,
          NlpmParser.RBRACKET,
          NlpmParser.RBRACE);

  private static int displayRank(int type) {
    int rank = DISPLAY_ORDER.indexOf(type);
    return rank < 0 ? DISPLAY_ORDER.size() + type : rank;
  }

  static String describeTokenType(int type) {
    return switch (type) {
      case Token.EOF -> "the end of the file";
      case NlpmParser.IDENT -> "a name";
      case NlpmParser.INT -> "an integer";
      case NlpmParser.DECIMAL -> "a decimal number";
      case NlpmParser.STRING, NlpmParser.UNTERMINATED_STRING -> "a string";
      default -> {
        String literal = NlpmParser.VOCABULARY.getLiteralName(type);
        yield literal != null ? literal : NlpmParser.VOCABULARY.getDisplayName(type);
      }
    };
  }

  private static String describeFound(Token found) {
    if (found.getType() == Token.EOF) {
      return "the end of the file";
    }
    return quote(found.getText());
  }

  private static String quote(String text) {
    String shown = text.length() > 40 ? text.substring(0, 37) + "..." : text;
    return "'" + shown + "'";
  }
}
