package dev.nlpm.dsl;

import dev.nlpm.compiler.decl.Assignment;
import dev.nlpm.compiler.decl.Member;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.decl.Removal;
import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.decl.Value;
import dev.nlpm.compiler.decl.Word;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.source.SourcePosition;
import dev.nlpm.dsl.NlpmFile.IncludeDecl;
import dev.nlpm.dsl.NlpmFile.PackageDecl;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Builds the AST from a parse tree without syntax errors: one method per labelled alternative,
 * and an exception for any node it was not written for, so that a grammar change cannot be
 * silently ignored. Literal problems the grammar lets through (numbers out of range, bad string
 * escapes) are reported here, at the literal.
 */
final class NlpmAstBuilder extends NlpmBaseVisitor<Object> {

  private final String sourceName;
  private final Diagnostics diagnostics;
  /** Token index of the first token of each model and member, to its position. */
  final Map<Integer, SourcePosition> starts = new LinkedHashMap<>();
  /** Token index of the last token of each model and member, to the position of its start. */
  final Map<Integer, SourcePosition> stops = new LinkedHashMap<>();

  NlpmAstBuilder(String sourceName, Diagnostics diagnostics) {
    this.sourceName = sourceName;
    this.diagnostics = diagnostics;
  }

  NlpmFile build(NlpmParser.FileContext file) {
    List<PackageDecl> packages = new ArrayList<>();
    List<IncludeDecl> includes = new ArrayList<>();
    for (NlpmParser.HeaderContext header : file.header()) {
      Object built = visit(header);
      if (built instanceof PackageDecl pkg) {
        if (!packages.isEmpty()) {
          diagnostics.error(
              DiagnosticCode.DUPLICATE_PACKAGE, pkg.position(), packages.get(0).position().describe());
        }
        packages.add(pkg);
      } else {
        includes.add((IncludeDecl) built);
      }
    }
    String javaPackage = packages.isEmpty() ? "" : packages.get(0).name();
    List<ModelDecl> models = new ArrayList<>();
    for (NlpmParser.ModelContext model : file.model()) {
      models.add(buildModel(model, javaPackage));
    }
    return new NlpmFile(sourceName, packages, includes, models, Map.of());
  }

  @Override
  public PackageDecl visitPackageHeader(NlpmParser.PackageHeaderContext ctx) {
    anchor(ctx);
    return new PackageDecl(position(ctx.start), ctx.qualifiedName().getText());
  }

  @Override
  public IncludeDecl visitIncludeHeader(NlpmParser.IncludeHeaderContext ctx) {
    anchor(ctx);
    return new IncludeDecl(position(ctx.path), unquote(ctx.path));
  }

  private ModelDecl buildModel(NlpmParser.ModelContext ctx, String javaPackage) {
    anchor(ctx);
    return new ModelDecl(
        position(ctx.start),
        word(ctx.name),
        Optional.ofNullable(ctx.family).map(this::word),
        Optional.ofNullable(ctx.parent).map(this::word),
        javaPackage,
        sourceName,
        members(ctx.member()));
  }

  private List<Member> members(List<NlpmParser.MemberContext> contexts) {
    List<Member> members = new ArrayList<>(contexts.size());
    for (NlpmParser.MemberContext member : contexts) {
      members.add((Member) visit(member));
    }
    return members;
  }

  @Override
  public Assignment visitAssignment(NlpmParser.AssignmentContext ctx) {
    anchor(ctx);
    return new Assignment(position(ctx.key), ctx.key.getText(), value(ctx.value()));
  }

  @Override
  public Section visitBlockSection(NlpmParser.BlockSectionContext ctx) {
    anchor(ctx);
    return new Section(
        position(ctx.kind),
        ctx.kind.getText(),
        Optional.ofNullable(ctx.variant).map(this::word),
        members(ctx.member()));
  }

  @Override
  public Section visitEmptySection(NlpmParser.EmptySectionContext ctx) {
    anchor(ctx);
    return new Section(
        position(ctx.kind),
        ctx.kind.getText(),
        Optional.ofNullable(ctx.variant).map(this::word),
        List.of());
  }

  @Override
  public Removal visitRemoval(NlpmParser.RemovalContext ctx) {
    anchor(ctx);
    return new Removal(
        position(ctx.start), ctx.kind.getText(), Optional.ofNullable(ctx.variant).map(this::word));
  }

  private Value value(NlpmParser.ValueContext ctx) {
    return (Value) visit(ctx);
  }

  @Override
  public Value visitRangeValue(NlpmParser.RangeValueContext ctx) {
    return new Value.RangeValue(position(ctx.start), integer(ctx.from), integer(ctx.to));
  }

  @Override
  public Value visitIntValue(NlpmParser.IntValueContext ctx) {
    return new Value.IntValue(position(ctx.start), integer(ctx.INT().getSymbol()));
  }

  @Override
  public Value visitDecimalValue(NlpmParser.DecimalValueContext ctx) {
    Token token = ctx.DECIMAL().getSymbol();
    String text = token.getText();
    double value = Double.parseDouble(text.replace("_", ""));
    if (!Double.isFinite(value)) {
      diagnostics.error(
          DiagnosticCode.NUMBER_OUT_OF_RANGE, position(token), text, Long.MIN_VALUE, Long.MAX_VALUE);
      value = 0;
    }
    return new Value.DecimalValue(position(token), value, text);
  }

  @Override
  public Value visitTrueValue(NlpmParser.TrueValueContext ctx) {
    return new Value.BoolValue(position(ctx.start), true);
  }

  @Override
  public Value visitFalseValue(NlpmParser.FalseValueContext ctx) {
    return new Value.BoolValue(position(ctx.start), false);
  }

  @Override
  public Value visitStringValue(NlpmParser.StringValueContext ctx) {
    return new Value.StringValue(position(ctx.start), unquote(ctx.STRING().getSymbol()));
  }

  @Override
  public Value visitWordValue(NlpmParser.WordValueContext ctx) {
    return new Value.WordValue(position(ctx.start), ctx.IDENT().getText());
  }

  @Override
  public Value visitListValue(NlpmParser.ListValueContext ctx) {
    List<Value> elements = new ArrayList<>();
    for (NlpmParser.ValueContext element : ctx.value()) {
      elements.add(value(element));
    }
    return new Value.ListValue(position(ctx.start), elements);
  }

  @Override
  public Object visitChildren(org.antlr.v4.runtime.tree.RuleNode node) {
    throw new IllegalStateException(
        "the AST builder has no method for "
            + node.getClass().getSimpleName()
            + " at "
            + sourceName
            + ":"
            + ((ParserRuleContext) node).start.getLine());
  }

  @Override
  public Object visitTerminal(TerminalNode node) {
    throw new IllegalStateException("the AST builder does not visit tokens: " + node.getText());
  }

  private void anchor(ParserRuleContext ctx) {
    SourcePosition start = position(ctx.start);
    starts.put(ctx.start.getTokenIndex(), start);
    stops.put(ctx.stop.getTokenIndex(), start);
  }

  private long integer(Token token) {
    String digits = token.getText().replace("_", "");
    BigInteger value = new BigInteger(digits);
    if (value.bitLength() > 63) {
      diagnostics.error(
          DiagnosticCode.NUMBER_OUT_OF_RANGE,
          position(token),
          token.getText(),
          Long.MIN_VALUE,
          Long.MAX_VALUE);
      return 0;
    }
    return value.longValue();
  }

  /** The string's content with escapes resolved; a bad escape is reported at its backslash. */
  private String unquote(Token token) {
    String text = token.getText();
    int end = text.length() > 1 && text.endsWith("\"") ? text.length() - 1 : text.length();
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < end; i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char escaped = i + 1 < end ? text.charAt(i + 1) : '\\';
      switch (escaped) {
        case '\\' -> out.append('\\');
        case '"' -> out.append('"');
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        default ->
            diagnostics.error(
                DiagnosticCode.INVALID_ESCAPE,
                new SourcePosition(
                    sourceName, token.getLine(), token.getCharPositionInLine() + 1 + i),
                "'\\" + escaped + "'");
      }
      i++;
    }
    return out.toString();
  }

  private Word word(Token token) {
    return new Word(position(token), token.getText());
  }

  private SourcePosition position(Token token) {
    return new SourcePosition(sourceName, token.getLine(), token.getCharPositionInLine() + 1);
  }
}
