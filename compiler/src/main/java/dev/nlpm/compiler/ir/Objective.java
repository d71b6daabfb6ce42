package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;
import java.util.Optional;

/**
 * A training objective, declared {@code objective <keyword> { ... }}. A model may declare several
 * (BERT: mlm and nsp); which fit which family is the validator's business.
 */
public sealed interface Objective {

  Origin origin();

  /** The word that declares it. */
  String keyword();

  /** The output layer of word2vec. */
  sealed interface Word2VecOutput {
    Origin origin();
  }

  /** Negative sampling: {@code negatives} draws from the unigram distribution to the {@code power}. */
  record NegativeSampling(Origin origin, int negatives, double power) implements Word2VecOutput {
    public NegativeSampling {
      Objects.requireNonNull(origin, "origin");
    }
  }

  /** Hierarchical softmax over a Huffman tree built from the word counts. */
  record HierarchicalSoftmax(Origin origin) implements Word2VecOutput {
    public HierarchicalSoftmax {
      Objects.requireNonNull(origin, "origin");
    }
  }

  /**
   * Skip-gram: predict each context word from the centre word.
   *
   * @param window the maximum window; each occurrence draws an effective window in 1..window
   * @param subsample the frequent-word subsampling threshold t (0 disables)
   */
  record SkipGram(Origin origin, int window, Word2VecOutput output, double subsample)
      implements Objective {
    public SkipGram {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(output, "output");
    }

    @Override
    public String keyword() {
      return "skipgram";
    }
  }

  /**
   * CBOW: predict the centre word from its context.
   *
   * @param mean whether the context vectors are averaged (true) or summed
   */
  record Cbow(Origin origin, int window, Word2VecOutput output, double subsample, boolean mean)
      implements Objective {
    public Cbow {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(output, "output");
    }

    @Override
    public String keyword() {
      return "cbow";
    }
  }

  /** When MLM masks are drawn. */
  enum Masking implements Keyword {
    /** Once per example, fixed for every epoch (BERT's original preprocessing). */
    STATIC("static"),
    /** Afresh each time an example is seen (RoBERTa). */
    DYNAMIC("dynamic");

    private final String keyword;

    Masking(String keyword) {
      this.keyword = keyword;
    }

    @Override
    public String keyword() {
      return keyword;
    }

    public static Optional<Masking> fromKeyword(String word) {
      return Keyword.lookup(values(), word);
    }
  }

  /**
   * Masked language modelling: {@code rate} of the non-special tokens are chosen; of those
   * {@code mask} become [MASK], {@code random} a random token, {@code keep} stay. The loss counts
   * only chosen positions.
   */
  record MaskedLm(
      Origin origin, double rate, double mask, double random, double keep, Masking masking)
      implements Objective {
    public MaskedLm {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(masking, "masking");
    }

    @Override
    public String keyword() {
      return "mlm";
    }
  }

  /** Next-sentence prediction over {@code [CLS] A [SEP] B [SEP]}. */
  record NextSentence(Origin origin) implements Objective {
    public NextSentence {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "nsp";
    }
  }

  /** Sentence-order prediction (ALBERT): are A and B in order or swapped. */
  record SentenceOrder(Origin origin) implements Objective {
    public SentenceOrder {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "sop";
    }
  }

  /** The distribution of span lengths. */
  enum SpanDistribution implements Keyword {
    /** Geometric with parameter p, clipped at the maximum (SpanBERT: p = 0.2, max 10). */
    GEOMETRIC("geometric"),
    /** Uniform over the declared range. */
    UNIFORM("uniform");

    private final String keyword;

    SpanDistribution(String keyword) {
      this.keyword = keyword;
    }

    @Override
    public String keyword() {
      return keyword;
    }

    public static Optional<SpanDistribution> fromKeyword(String word) {
      return Keyword.lookup(values(), word);
    }
  }

  /**
   * Span masking (SpanBERT): contiguous spans of whole words are masked until {@code rate} of the
   * tokens are, span lengths drawn from the distribution over {@code minLength..maxLength}.
   *
   * @param p the geometric parameter (ignored for uniform)
   * @param boundaryMarkers whether marker tokens are inserted around each span
   */
  record SpanMasking(
      Origin origin,
      double rate,
      SpanDistribution distribution,
      double p,
      int minLength,
      int maxLength,
      boolean boundaryMarkers)
      implements Objective {
    public SpanMasking {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(distribution, "distribution");
    }

    @Override
    public String keyword() {
      return "span";
    }
  }

  /**
   * The span-boundary objective: predict each token of a masked span from the two boundary tokens
   * and a relative position embedding ({@code maxSpan} rows of {@code positionSize}).
   */
  record SpanBoundary(Origin origin, int maxSpan, int positionSize, double weight)
      implements Objective {
    public SpanBoundary {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "sbo";
    }
  }

  /** Causal language modelling: predict each next token. */
  record CausalLm(Origin origin) implements Objective {
    public CausalLm {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "clm";
    }
  }

  /** Token-level cross-entropy on target sequences of a translation model. */
  record Translation(Origin origin, double labelSmoothing) implements Objective {
    public Translation {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "translation";
    }
  }

  /** The conditional masked LM of mask-predict: a random number of target tokens masked. */
  record ConditionalMaskedLm(Origin origin) implements Objective {
    public ConditionalMaskedLm {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "cmlm";
    }
  }

  /** NAT length prediction from the encoder output, with its loss weight. */
  record LengthPrediction(Origin origin, double weight) implements Objective {
    public LengthPrediction {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "length";
    }
  }

  /**
   * Glancing training (GLAT): reveal a number of target tokens proportional to the first pass's
   * errors, times {@code ratio}.
   */
  record Glancing(Origin origin, double ratio) implements Objective {
    public Glancing {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "glancing";
    }
  }

  /** What a student learns from its teacher. */
  enum DistillationLevel implements Keyword {
    /** Soft targets per token (DistilBERT). */
    TOKEN("token"),
    /** The teacher's decoded outputs replace the training targets (for NAT). */
    SEQUENCE("sequence");

    private final String keyword;

    DistillationLevel(String keyword) {
      this.keyword = keyword;
    }

    @Override
    public String keyword() {
      return keyword;
    }

    public static Optional<DistillationLevel> fromKeyword(String word) {
      return Keyword.lookup(values(), word);
    }
  }

  /**
   * Distillation from a teacher model: soft targets at {@code temperature}, weighted {@code
   * softWeight}; the hard (MLM or translation) loss weighted {@code hardWeight}; hidden-state
   * cosine weighted {@code cosineWeight}. At sequence level, the teacher's decoded outputs are
   * the targets.
   *
   * @param teacher the teacher model's name, resolved by the validator
   * @param teacherOrigin where the teacher was named
   */
  record Distillation(
      Origin origin,
      String teacher,
      Origin teacherOrigin,
      DistillationLevel level,
      double temperature,
      double softWeight,
      double hardWeight,
      double cosineWeight)
      implements Objective {
    public Distillation {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(teacher, "teacher");
      Objects.requireNonNull(teacherOrigin, "teacherOrigin");
      Objects.requireNonNull(level, "level");
    }

    @Override
    public String keyword() {
      return "distillation";
    }
  }
}
