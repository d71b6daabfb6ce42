package dev.nlpm.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.JavaFileObjects;
import dev.nlpm.compiler.decl.ModelDecl;
import dev.nlpm.dsl.IncludeResolver;
import dev.nlpm.dsl.NlpmFrontEnd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * The processor's output for the two golden models equals the golden sources checked in under
 * {@code codegen-tests/src/test/resources/golden} (regenerated with {@code mvn -B -pl
 * codegen-tests -am verify -Dnlpm.updateGolden=true}), apart from the line naming the source.
 */
class GoldenSourcesTest {

  static final Path GOLDEN = Path.of("../codegen-tests/src/test/resources/golden");

  @Test
  void theProcessorGeneratesTheGoldenSources() throws IOException {
    List<ModelDecl> models =
        NlpmFrontEnd.parse("golden.nlpm", Files.readString(GOLDEN.resolve("golden.nlpm")), IncludeResolver.none())
            .declarations()
            .targets();
    List<JavaFileObject> sources = new ArrayList<>();
    for (ModelDecl model : models) {
      sources.add(JavaFileObjects.forSourceString("golden." + model.name().text(), AnnotatedForm.of(model)));
    }
    com.google.testing.compile.Compilation compilation =
        javac().withOptions("-Xlint:all,-processing", "-Werror").withProcessors(new NlpmProcessor()).compile(sources);
    assertThat(compilation).succeededWithoutWarnings();
    for (ModelDecl model : models) {
      String name = model.name().text() + "Layout";
      String generated =
          compilation.generatedFile(StandardLocation.SOURCE_OUTPUT, "golden/" + name + ".java").orElseThrow().getCharContent(true).toString();
      String golden = Files.readString(GOLDEN.resolve(name + ".java.txt"));
      assertEquals(
          golden.replace("comments = \"from golden.nlpm\"", "comments = \"from golden." + model.name().text() + "\""),
          generated,
          name);
    }
  }
}
