package dev.nlpm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exit statuses, what each command prints, and idempotent generation. */
class MainTest {

  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void checkAcceptsValidModels() throws IOException {
    Path file = write("ok.nlpm", "model A : encoder { vocab = 100; hidden = 64; heads = 4; objective mlm; }\n");
    CliRun run = run("check", file.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals("ok: 1 model: A\n", run.out());
    assertEquals("", run.err());
  }

  @Test
  void checkWarnsAtWhatTheRuntimeDoesNotRunYetAndDoesNotSayOk() throws IOException {
    Path file = write("lin.nlpm", "model A : encoder { vocab = 100; hidden = 64; heads = 4; objective mlm; }\n"
        + "model Lin : encoder {\n  vocab = 100;\n  hidden = 64;\n  heads = 4;\n  attention linformer { k = 16; }\n  objective mlm;\n}\n");
    CliRun run = run("check", file.toString());
    assertEquals(0, run.status(), run.err());
    assertEquals(
        "lin.nlpm:6:3: warning: attention linformer is not runnable yet: Lin gets its layout, no facade; full attention runs [NLPM401]\n"
            + "    attention linformer { k = 16; }\n"
            + "    ^\n"
            + "1 warning\n",
        run.err());
    assertEquals("checked 2 models: runnable: A; not runnable yet (see the warnings): Lin\n", run.out());
    CliRun generate = run("generate", file.toString(), "-o", dir.resolve("out").toString());
    assertEquals(0, generate.status(), generate.err());
    assertTrue(generate.err().endsWith("1 warning\n"), generate.err());
    assertTrue(Files.exists(dir.resolve("out/LinLayout.java")));
    assertFalse(Files.exists(dir.resolve("out/LinModel.java")));
    assertTrue(Files.exists(dir.resolve("out/AModel.java")));
  }

  @Test
  void checkPrintsEveryErrorWithItsLineAndCaretAndExitsWith1() throws IOException {
    Path file = write("bad.nlpm", "model A : encoder {\n  vocab = 100;\n  heads = 5;\n  colour = 1;\n  objective mlm;\n}\n");
    CliRun run = run("check", file.toString());
    assertEquals(1, run.status());
    assertEquals(
        "bad.nlpm:3:11: error: hidden size 768 is not divisible by 5 heads; head counts that divide 768: 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 768 [NLPM303]\n"
            + "    heads = 5;\n"
            + "            ^\n"
            + "bad.nlpm:4:3: error: unknown option 'colour' in model A; valid options: vocab, hidden, max_length, layers, heads, intermediate, activation, sharing, pooler, names [NLPM206]\n"
            + "    colour = 1;\n"
            + "    ^\n"
            + "2 errors\n",
        run.err());
  }

  @Test
  void aMissingFileIsOneLineAndExitStatus2() {
    CliRun run = run("check", dir.resolve("nope.nlpm").toString());
    assertEquals(2, run.status());
    assertEquals("nlpm: no such file or directory: " + dir.resolve("nope.nlpm") + "\n", run.err());
  }

  @Test
  void anUnknownFlagIsExitStatus2() {
    assertEquals(2, run("check", "--frobnicate").status());
  }

  @Test
  void describePrintsTheLayoutAndMemory() throws IOException {
    Path file = write("m.nlpm", "model A : decoder { vocab = 10; hidden = 4; heads = 2; layers = 1; max_length = 8; objective clm; }\n");
    CliRun run = run("describe", file.toString());
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().startsWith("A (decoder) — m.nlpm:1:1\n"), run.out());
    assertTrue(run.out().contains("h.0.attn.c_attn.weight"), run.out());
    assertTrue(run.out().contains("lm_head.weight"), run.out());
    assertTrue(run.out().contains("memory (fp32): parameters"), run.out());
    CliRun summary = run("describe", "--summary", file.toString());
    assertTrue(summary.out().contains("A                    decoder"), summary.out());
    CliRun unknown = run("describe", "-m", "Nope", file.toString());
    assertEquals(2, unknown.status());
    assertEquals("nlpm: no model named Nope; the files declare: A\n", unknown.err());
  }

  @Test
  void generateWritesOnceAndASecondRunChangesNothing() throws IOException {
    Path file = write("m.nlpm", "package p.q;\nmodel A : encoder { vocab = 100; hidden = 64; heads = 4; objective mlm; }\n");
    Path out = dir.resolve("out");
    CliRun first = run("generate", file.toString(), "-o", out.toString());
    assertEquals(0, first.status(), first.err());
    Path generated = out.resolve("p/q/ALayout.java");
    assertTrue(Files.readString(generated).contains("public final class ALayout"));
    Files.setLastModifiedTime(generated, FileTime.fromMillis(0));
    CliRun second = run("generate", file.toString(), "-o", out.toString());
    assertTrue(second.out().contains("(0 rewritten, 4 unchanged)"), second.out()); // layout, kernels, passes, facade
    assertEquals(0, Files.getLastModifiedTime(generated).toMillis());
  }

  @Test
  void fmtRewritesInPlaceKeepingCommentsAndCheckReportsWithoutWriting() throws IOException {
    Path file = write("m.nlpm", "// the model\nmodel A:encoder{vocab=100;objective mlm;} // end\n");
    CliRun check = run("fmt", "--check", file.toString());
    assertEquals(1, check.status());
    assertEquals("m.nlpm\n", check.out());
    assertEquals("// the model\nmodel A:encoder{vocab=100;objective mlm;} // end\n", Files.readString(file));
    CliRun fmt = run("fmt", file.toString());
    assertEquals(0, fmt.status(), fmt.err());
    assertEquals("// the model\nmodel A : encoder {\n  vocab = 100;\n  objective mlm;\n} // end\n", Files.readString(file));
    assertEquals(0, run("fmt", "--check", file.toString()).status());
  }

  @Test
  void fmtLeavesAFileWithSyntaxErrorsAlone() throws IOException {
    Path file = write("bad.nlpm", "model A : encoder { vocab = ; }\n");
    CliRun run = run("fmt", file.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().startsWith("bad.nlpm:1:29: error: expected a value after '=', found ';' [NLPM100]"), run.err());
    assertEquals("model A : encoder { vocab = ; }\n", Files.readString(file));
  }

  @Test
  void generateWritesNothingFromAnInvalidModel() throws IOException {
    Path file = write("m.nlpm", "model A : encoder { objective mlm; }\n");
    Path out = dir.resolve("out");
    assertEquals(1, run("generate", file.toString(), "-o", out.toString()).status());
    assertTrue(Files.notExists(out));
  }

  @org.junit.jupiter.api.Test
  void generateCompletionPrintsABashCompletionScriptForEveryCommand() {
    CliRun run = CliRun.of("generate-completion");
    assertEquals(0, run.status(), run.err());
    for (String command : java.util.List.of("check", "describe", "train", "fill-mask", "sample", "import-hf", "demo")) {
      assertTrue(run.out().contains(command), command + " missing from the completion script");
    }
    assertTrue(run.out().contains("complete -F"), run.out());
  }
}
