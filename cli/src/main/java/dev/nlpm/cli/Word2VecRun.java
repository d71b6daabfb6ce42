package dev.nlpm.cli;

import dev.nlpm.compiler.Compilation;
import dev.nlpm.compiler.codegen.GeneratedCodeCompiler;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.runtime.io.MalformedInputFileException;
import dev.nlpm.runtime.word2vec.Word2VecFormat;
import dev.nlpm.runtime.word2vec.Word2VecOptions;
import dev.nlpm.runtime.word2vec.Word2VecTrainer;
import dev.nlpm.runtime.word2vec.Word2VecWeights;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Trains a word2vec model through its generated facade, compiled in this process: what {@code
 * train} and {@code demo} share. Writes {@code DIR/checkpoint.w2v} after every epoch and {@code
 * DIR/vectors.txt} and {@code DIR/vectors.bin} at the end.
 */
final class Word2VecRun {

  private Word2VecRun() {}

  static Word2VecWeights train(
      Compilation compilation, ModelSpec spec, List<Path> data, Path output, boolean resume,
      UnaryOperator<Word2VecOptions> override, PrintWriter err) throws IOException {
    Path checkpoint = output.resolve("checkpoint.w2v");
    if (resume && !Files.isRegularFile(checkpoint)) {
      throw new UserError("--resume: no checkpoint at " + checkpoint);
    }
    if (!GeneratedCodeCompiler.available()) {
      throw new UserError("training compiles the model's generated code, which needs a JDK, not a JRE");
    }
    // Against this process's class path, which holds the runtime the generated code calls.
    ClassLoader loader =
        GeneratedCodeCompiler.compile(compilation.files(), List.of("-proc:none", "-classpath", System.getProperty("java.class.path")))
            .loader(Word2VecRun.class.getClassLoader());
    String facade = (spec.javaPackage().isEmpty() ? "" : spec.javaPackage() + ".") + spec.name() + "Model";
    PrintStream progressStream = new PrintStream(new WriterOutputStream(err), true, StandardCharsets.UTF_8);
    Word2VecTrainer.ProgressListener progress = Word2VecTrainer.ProgressListener.line(progressStream);
    Word2VecWeights weights;
    try {
      Class<?> type = loader.loadClass(facade);
      Files.createDirectories(output);
      if (resume) {
        Method resumeMethod = type.getMethod("resume", Path.class, List.class, Word2VecTrainer.ProgressListener.class);
        err.println("resuming " + spec.name() + " from " + checkpoint);
        weights = (Word2VecWeights) resumeMethod.invoke(null, checkpoint, data, progress);
      } else {
        Word2VecOptions options = override.apply((Word2VecOptions) type.getMethod("options").invoke(null));
        err.printf(Locale.ROOT, "training %s: %s, %d dimensions, window %d, %d epochs, %d threads, seed %d%n",
            spec.name(), options.skipGram() ? "skip-gram" : "CBOW", options.dimension(), options.window(),
            options.epochs(), options.threads(), options.seed());
        Method train = type.getMethod("train", List.class, Word2VecOptions.class, Word2VecTrainer.ProgressListener.class, Path.class);
        weights = (Word2VecWeights) train.invoke(null, data, options, progress, checkpoint);
      }
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof MalformedInputFileException || cause instanceof IllegalArgumentException) {
        throw new UserError(cause.getMessage());
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("the generated facade " + facade + " is not as nlpm writes it", e);
    }
    err.flush();
    Word2VecFormat.writeText(weights.wordVectors(), output.resolve("vectors.txt"));
    Word2VecFormat.writeBinary(weights.wordVectors(), output.resolve("vectors.bin"));
    return weights;
  }

  /** The declared settings with what the flags override; a null flag keeps the declaration's. */
  static UnaryOperator<Word2VecOptions> overrides(Integer epochs, Integer threads, Long seed, Float lr) {
    return options -> {
      if (epochs != null) {
        options = options.withEpochs(positive("--epochs", epochs));
      }
      if (threads != null) {
        options = options.withThreads(positive("--threads", threads));
      }
      if (seed != null) {
        options = options.withSeed(seed);
      }
      if (lr != null) {
        if (!(lr > 0)) {
          throw new UserError("--lr must be positive, got " + lr);
        }
        options = options.withAlpha(lr, Math.min(options.minAlpha(), lr));
      }
      return options;
    };
  }

  private static int positive(String flag, int value) {
    if (value < 1) {
      throw new UserError(flag + " must be positive, got " + value);
    }
    return value;
  }

  /** Lets the runtime's PrintStream-based progress line write to picocli's error writer. */
  private static final class WriterOutputStream extends java.io.OutputStream {
    private final PrintWriter writer;
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

    WriterOutputStream(PrintWriter writer) {
      this.writer = writer;
    }

    @Override
    public void write(int b) {
      pending.write(b);
    }

    @Override
    public void flush() {
      writer.print(pending.toString(StandardCharsets.UTF_8));
      writer.flush();
      pending.reset();
    }
  }
}
