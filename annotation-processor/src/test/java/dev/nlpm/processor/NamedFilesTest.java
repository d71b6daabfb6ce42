package dev.nlpm.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor also compiles the .nlpm files that @NlpmFiles or -Anlpm.files names. */
class NamedFilesTest {

  @Test
  void nlpmFilesNamedByTheAnnotationAreCompiledWithTheirIncludes() {
    JavaFileObject marker =
        JavaFileObjects.forSourceString(
            "named.Models",
            "package named;\n@dev.nlpm.runtime.annotations.NlpmFiles(\"tiny.nlpm\")\nfinal class Models {}\n");
    Compilation compilation =
        javac().withOptions("-Xlint:all,-processing", "-Werror").withProcessors(new NlpmProcessor()).compile(marker);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("named.TinyFromFileLayout").contentsAsUtf8String().contains("comments = \"from named/tiny.nlpm\"");
  }

  @Test
  void errorsInANamedFileKeepTheirFileLineAndColumn() {
    JavaFileObject marker =
        JavaFileObjects.forSourceString(
            "named.Models",
            "package named;\n@dev.nlpm.runtime.annotations.NlpmFiles({\"broken.nlpm\", \"missing.nlpm\"})\nfinal class Models {}\n");
    Compilation compilation = javac().withProcessors(new NlpmProcessor()).compile(marker);
    assertThat(compilation).hadErrorCount(2);
    assertThat(compilation).hadErrorContaining("named/broken.nlpm:3:1: error: expected ';' after the value, found '}' [NLPM100]").inFile(marker).onLine(3);
    assertThat(compilation).hadErrorContaining("[NLPM102] .nlpm file \"missing.nlpm\" not found as named/missing.nlpm").inFile(marker).onLine(3);
  }

  @Test
  void nlpmFilesNamedByTheOptionAreCompiled(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("option.nlpm");
    Files.writeString(file, "package fromoption;\nmodel OptionModel : word2vec { objective cbow; }\n");
    JavaFileObject unrelated = JavaFileObjects.forSourceString("q.Unrelated", "package q;\n@dev.nlpm.runtime.annotations.Model(family = \"word2vec\")\ninterface Unrelated { @dev.nlpm.runtime.annotations.Section(kind = \"objective\", variant = \"skipgram\") interface S {} }\n");
    Compilation compilation =
        javac()
            .withOptions("-A" + NlpmProcessor.FILES_OPTION + "=" + file)
            .withProcessors(new NlpmProcessor())
            .compile(unrelated);
    assertThat(compilation).succeeded();
    assertThat(compilation).generatedSourceFile("fromoption.OptionModelLayout");
    assertThat(compilation).generatedSourceFile("q.UnrelatedLayout");
  }
}
