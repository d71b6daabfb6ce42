package dev.nlpm.compiler.diag;

import java.util.Locale;

/**
 * Every diagnostic nlpm can report, each with a stable code and its message template. Codes never
 * change meaning once released; a retired code is not reused. Every code is pinned by a negative
 * test that asserts the code, the message and the position.
 *
 * <p>Ranges: 1xx the {@code .nlpm} language (syntax, includes), 2xx declarations (names,
 * inheritance, options and their types), 3xx model validation (sizes, probabilities, what fits
 * which family), 4xx warnings for valid declarations the runtime cannot run yet (see {@code
 * codegen.Runnability}: the model gets its layout, and kernels where they apply, but no facade),
 * 9xx internal.
 *
 * <p>In the 4xx messages {@code %1$s} is what the model gets ("BertX gets its layout and kernels,
 * no facade"); the other arguments follow from {@code %2$s}.
 */
public enum DiagnosticCode {
  // ---- 1xx: the .nlpm language ----
  SYNTAX_ERROR("NLPM100", "%s"),
  INVALID_CHARACTER("NLPM101", "unexpected character %s"),
  INCLUDE_NOT_FOUND("NLPM102", "included file \"%s\" not found (looked for %s)"),
  INCLUDE_CYCLE("NLPM103", "include cycle: %s"),
  DUPLICATE_PACKAGE("NLPM104", "the package is declared twice (first at %s); a file has at most one package"),
  NUMBER_OUT_OF_RANGE("NLPM105", "number %s is out of range: integers lie in [%d, %d], decimals must be finite"),
  UNREADABLE_FILE("NLPM106", "cannot read %s: %s"),
  INVALID_ESCAPE("NLPM107", "invalid escape %s in a string; valid escapes are \\\\, \\\", \\n and \\t"),

  // ---- 2xx: declarations ----
  UNKNOWN_FAMILY("NLPM200", "unknown family '%s'; valid families: %s"),
  MISSING_FAMILY(
      "NLPM201",
      "model %s declares neither a family nor a parent: write 'model %s : encoder { ... }' or 'model %s extends Parent { ... }'"),
  UNKNOWN_PARENT("NLPM202", "unknown parent model '%s'; known models: %s"),
  INHERITANCE_CYCLE("NLPM203", "inheritance cycle: %s"),
  DUPLICATE_MODEL("NLPM204", "model '%s' is already declared at %s; model names must be unique"),
  FAMILY_MISMATCH("NLPM205", "model %s is declared '%s' but its parent %s is '%s'; a model keeps its parent's family"),
  UNKNOWN_OPTION("NLPM206", "unknown option '%s' in %s; valid options: %s"),
  UNKNOWN_SECTION("NLPM207", "unknown section '%s' in %s; valid sections: %s"),
  UNKNOWN_VARIANT("NLPM208", "unknown %s '%s'; valid: %s"),
  DUPLICATE_OPTION("NLPM209", "'%s' is set twice in %s (first at %s)"),
  CONFLICTING_OPTIONS("NLPM210", "'%s' and '%s' cannot both be set in %s: %s"),
  WRONG_VALUE_TYPE("NLPM211", "'%s' expects %s, found %s"),
  UNKNOWN_WORD_VALUE("NLPM212", "'%s' must be one of %s, found '%s'"),
  MISSING_OPTION("NLPM213", "%s requires '%s' (%s)"),
  NOTHING_TO_REMOVE("NLPM214", "'remove %s' removes nothing: %s inherits no such %s"),
  DUPLICATE_SECTION("NLPM215", "%s is declared twice in %s (first at %s)"),
  MISSING_VARIANT("NLPM216", "section '%s' needs a variant, one of: %s"),
  UNEXPECTED_VARIANT("NLPM217", "section '%s' takes no variant, found '%s'"),
  UNKNOWN_TEACHER("NLPM218", "unknown teacher model '%s'; known models: %s"),
  INVALID_JAVA_NAME("NLPM219", "'%s' is not a valid Java %s: %s"),
  NOTHING_TO_REMOVE_HERE("NLPM220", "'remove' needs a parent: %s extends no model"),
  NOT_A_CONSTANT(
      "NLPM221",
      "option '%s' is not a compile-time constant of type int, long, double, boolean or String; write lists and ranges with @Option"),
  GENERATED_NAME_CLASH(
      "NLPM222", "the generated class %s would clash with an existing type; rename the model with @Model(name = ...)"),
  MODEL_NOT_ON_INTERFACE("NLPM223", "@Model belongs on an interface, not on %s %s"),

  // ---- 3xx: model validation ----
  NOT_POSITIVE("NLPM300", "'%s' must be positive, found %s"),
  NEGATIVE("NLPM301", "'%s' must not be negative, found %s"),
  NOT_A_PROBABILITY("NLPM302", "'%s' is a probability and must lie in [0, 1], found %s"),
  HIDDEN_NOT_DIVISIBLE_BY_HEADS(
      "NLPM303", "hidden size %d is not divisible by %d heads; head counts that divide %d: %s"),
  MLM_PARTS_SUM("NLPM304", "the MLM parts mask + random + keep must sum to 1, found %s + %s + %s = %s"),
  OBJECTIVE_NOT_FOR_FAMILY("NLPM305", "objective '%s' does not fit the %s family; objectives for %s: %s"),
  DECODING_NOT_FOR_FAMILY("NLPM306", "decoding '%s' does not fit the %s family; %s"),
  ATTENTION_NOT_FOR_FAMILY("NLPM307", "attention '%s' cannot be used in %s: %s"),
  LINFORMER_K_TOO_LARGE("NLPM308", "Linformer k = %d exceeds max_length = %d; k must lie in [1, %d]"),
  WINDOW_TOO_SMALL("NLPM309", "the local attention window must be at least 1, found %d"),
  FACTORIZED_EMBEDDING_TOO_LARGE(
      "NLPM310", "the factorized embedding size %d is larger than hidden = %d; it must lie in [1, %d]"),
  OBJECTIVE_REQUIRES("NLPM311", "objective '%s' requires objective '%s' (%s)"),
  NO_OBJECTIVE("NLPM312", "model %s declares no objective; the %s family trains with %s"),
  EMPTY_RANGE("NLPM313", "'%s' is the empty range %d..%d; write from..to with from <= to"),
  TOO_MANY_PARAMETERS(
      "NLPM314", "model %s has %d parameters, more than one float[] holds (at most %d)"),
  OBJECTIVES_CONFLICT("NLPM315", "objectives '%s' and '%s' cannot be combined: %s"),
  TEACHER_FAMILY("NLPM316", "teacher %s is in the %s family; %s"),
  OUT_OF_RANGE("NLPM317", "'%s' must be %s, found %s"),
  SEGMENTS_REQUIRED("NLPM318", "objective '%s' needs segments >= 2 (sentence A and B), found segments = %d"),
  SEQUENCE_TOO_LONG("NLPM319", "'%s' = %d exceeds max_length = %d"),
  NAMES_CANNOT_EXPRESS("NLPM322", "%s checkpoints have no %s; %s"),
  TEACHER_IS_SELF("NLPM320", "model %s cannot be its own teacher"),

  // ---- 4xx: valid, but not runnable yet (warnings) ----
  LOCAL_ATTENTION_NOT_RUNNABLE(
      "NLPM400", "attention local is not runnable yet: %1$s; full attention (causal in a decoder) runs"),
  LINFORMER_ATTENTION_NOT_RUNNABLE("NLPM401", "attention linformer is not runnable yet: %1$s; full attention runs"),
  XL_ATTENTION_NOT_RUNNABLE(
      "NLPM402",
      "attention xl (segment memory with relative positions) is not runnable yet: %1$s; causal attention with learned positions runs"),
  SPAN_OBJECTIVE_NOT_RUNNABLE("NLPM403", "objective span is not runnable yet: %1$s; objective mlm runs"),
  SBO_OBJECTIVE_NOT_RUNNABLE("NLPM404", "objective sbo is not runnable yet: %1$s; encoders train with mlm and nsp"),
  DISTILLATION_NOT_RUNNABLE("NLPM405", "objective distillation is not runnable yet: %1$s; %2$s"),
  RNN_SEQ2SEQ_NOT_RUNNABLE(
      "NLPM407", "the rnn_seq2seq family is not runnable yet: %1$s; the word2vec, encoder, decoder and lstm_lm families run"),
  TRANSFORMER_SEQ2SEQ_NOT_RUNNABLE(
      "NLPM408",
      "the transformer_seq2seq family is not runnable yet: %1$s; the word2vec, encoder, decoder and lstm_lm families run"),
  NAT_NOT_RUNNABLE("NLPM409", "the nat family is not runnable yet: %1$s; the word2vec, encoder, decoder and lstm_lm families run"),
  NAMES_NOT_RUNNABLE("NLPM415", "names = %2$s is not runnable yet in the %3$s family: %1$s; names = %4$s runs"),
  ENCODER_TOKENIZER_NOT_RUNNABLE(
      "NLPM419", "tokenizer %2$s in an encoder is not runnable yet: %1$s; tokenizer wordpiece, bpe and char run"),
  WORD2VEC_TOKENIZER_NOT_RUNNABLE(
      "NLPM420", "tokenizer %2$s in word2vec is not runnable yet: %1$s; tokenizer whitespace runs"),
  BLOCKWISE_NOT_RUNNABLE(
      "NLPM421",
      "decoding blockwise is not runnable yet in a decoder with factorized embeddings and a tied output: %1$s;"
          + " greedy, beam and sampling run, and blockwise with tie_embeddings = false"),

  // ---- 9xx: internal ----
  INTERNAL_ERROR("NLPM900", "internal compiler error: %s (please report this with the input)");

  private final String code;
  private final String template;

  DiagnosticCode(String code, String template) {
    this.code = code;
    this.template = template;
  }

  /** The stable code, for example {@code NLPM303}. */
  public String code() {
    return code;
  }

  /** The message template, a {@link String#format} pattern. */
  public String template() {
    return template;
  }

  /** The message with its arguments filled in. */
  public String format(Object... args) {
    return String.format(Locale.ROOT, template, args);
  }
}
