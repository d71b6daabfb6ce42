package dev.nlpm.dsl;

import dev.nlpm.compiler.decl.DeclarationSet;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.compiler.diag.DiagnosticCode;
import dev.nlpm.compiler.diag.Diagnostics;
import dev.nlpm.compiler.source.SourcePosition;
import dev.nlpm.dsl.IncludeResolver.Source;
import dev.nlpm.dsl.NlpmFile.IncludeDecl;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code .nlpm} front end: parses files and everything they include, and lowers them to the
 * compiler's declaration IR. It is the only place that reads files, so the compiler never does.
 */
public final class NlpmFrontEnd {

  private final IncludeResolver resolver;
  private final Diagnostics diagnostics = new Diagnostics();
  private final Map<String, String> sources = new LinkedHashMap<>();
  /** Parsed files by source name; an entry with no AST had errors. */
  private final Map<String, Optional<NlpmFile>> parsed = new LinkedHashMap<>();

  private NlpmFrontEnd(IncludeResolver resolver) {
    this.resolver = resolver;
  }

  /** Parses text held in memory; includes are looked up with {@code resolver}. */
  public static ParsedProgram parse(String sourceName, String text, IncludeResolver resolver) {
    NlpmFrontEnd frontEnd = new NlpmFrontEnd(resolver);
    frontEnd.read(List.of(new Source(sourceName, text)));
    return frontEnd.result(List.of(sourceName));
  }

  /**
   * Parses files on the file system and what they include (relative to the including file).
   * Source names are paths relative to {@code baseDir} with '/' separators, so that diagnostics and
   * generated code do not depend on where the project lies.
   */
  public static ParsedProgram load(List<Path> files, Path baseDir) {
    FileIncludeResolver fileResolver = new FileIncludeResolver(baseDir);
    NlpmFrontEnd frontEnd = new NlpmFrontEnd(fileResolver);
    List<Source> roots = new ArrayList<>();
    for (Path file : files) {
      String name = fileResolver.nameOf(file);
      try {
        roots.add(new Source(name, fileResolver.read(file)));
      } catch (UncheckedIOException e) {
        // Invalid UTF-8 is reported at its first bad byte; a file that cannot be read at all, at 1:1.
        SourcePosition position =
            e.getCause() instanceof FileIncludeResolver.InvalidUtf8Exception invalid
                ? new SourcePosition(name, invalid.line, invalid.column)
                : new SourcePosition(name, 1, 1);
        frontEnd.diagnostics.error(
            DiagnosticCode.UNREADABLE_FILE, position, name, e.getCause().getMessage());
      }
    }
    frontEnd.read(roots);
    return frontEnd.result(roots.stream().map(Source::name).toList());
  }

  private void read(List<Source> roots) {
    for (Source root : roots) {
      if (!parsed.containsKey(root.name())) {
        Deque<String> chain = new ArrayDeque<>();
        readFile(root, chain);
      }
    }
  }

  /** Parses one file, then its includes depth first; {@code chain} is the include path so far. */
  private void readFile(Source source, Deque<String> chain) {
    sources.put(source.name(), source.text());
    Optional<NlpmFile> file = NlpmFileParser.parse(source.name(), source.text(), diagnostics);
    parsed.put(source.name(), file);
    if (file.isEmpty()) {
      return;
    }
    chain.addLast(source.name());
    for (IncludeDecl include : file.get().includes()) {
      Optional<Source> included;
      try {
        included = resolver.resolve(source.name(), include.path());
      } catch (UncheckedIOException e) {
        diagnostics.error(
            DiagnosticCode.UNREADABLE_FILE,
            include.position(),
            include.path(),
            e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        continue;
      }
      if (included.isEmpty()) {
        diagnostics.error(
            DiagnosticCode.INCLUDE_NOT_FOUND,
            include.position(),
            include.path(),
            resolver.describeLookup(source.name(), include.path()));
        continue;
      }
      String name = included.get().name();
      if (chain.contains(name)) {
        List<String> cycle = new ArrayList<>(chain);
        cycle = cycle.subList(cycle.indexOf(name), cycle.size());
        cycle.add(name);
        diagnostics.error(
            DiagnosticCode.INCLUDE_CYCLE, include.position(), String.join(" -> ", cycle));
        continue;
      }
      if (!parsed.containsKey(name)) {
        readFile(included.get(), chain);
      }
    }
    chain.removeLast();
  }

  private ParsedProgram result(List<String> rootNames) {
    Set<String> roots = new LinkedHashSet<>(rootNames);
    List<ModelDecl> targets = new ArrayList<>();
    List<ModelDecl> visible = new ArrayList<>();
    List<NlpmFile> files = new ArrayList<>();
    for (var entry : parsed.entrySet()) {
      if (entry.getValue().isEmpty()) {
        continue;
      }
      NlpmFile file = entry.getValue().get();
      files.add(file);
      (roots.contains(entry.getKey()) ? targets : visible).addAll(file.models());
    }
    DeclarationSet declarations =
        diagnostics.hasErrors()
            ? DeclarationSet.of(List.of())
            : new DeclarationSet(targets, visible);
    return new ParsedProgram(declarations, diagnostics.all(), files, sources);
  }
}
