package dev.nlpm.compiler.validate;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.source.Origin;

/** Size rules of each family's architecture. */
final class ArchitectureRules {

  private final Validator validator;

  ArchitectureRules(Validator validator) {
    this.validator = validator;
  }

  void check(ModelSpec model) {
    Architecture architecture = model.architecture();
    Origin at = architecture.origin();
    if (architecture instanceof Architecture.Word2Vec w) {
      validator.vocabulary("vocab", w.vocab());
      validator.positive("dim", w.dim(), at);
      validator.positive("min_count", w.minCount(), at);
    } else if (architecture instanceof Architecture.Encoder e) {
      validator.embeddings(e.embeddings(), e.stack().hidden());
      validator.stack("", e.stack(), e.embeddings());
    } else if (architecture instanceof Architecture.Decoder d) {
      validator.embeddings(d.embeddings(), d.stack().hidden());
      validator.stack("", d.stack(), d.embeddings());
    } else if (architecture instanceof Architecture.LstmLm l) {
      validator.vocabulary("vocab", l.vocab());
      validator.positive("embedding", l.embedding(), at);
      validator.positive("hidden", l.hidden(), at);
      validator.positive("layers", l.layers(), at);
      validator.probability("dropout", l.dropout(), at);
      if (l.tieEmbeddings() && l.embedding() != l.hidden() && validator.understood("tie_embeddings", "embedding", "hidden")) {
        validator.range(
            "tie_embeddings",
            false,
            "false unless embedding = hidden (the output layer reuses the embedding table; here embedding = "
                + l.embedding() + ", hidden = " + l.hidden() + ")",
            true,
            at);
      }
    } else if (architecture instanceof Architecture.RnnSeq2Seq r) {
      validator.vocabulary("source_vocab", r.sourceVocab());
      if (r.targetVocab() != r.sourceVocab()) {
        validator.vocabulary("target_vocab", r.targetVocab());
      }
      validator.positive("embedding", r.embedding(), at);
      validator.positive("hidden", r.hidden(), at);
      validator.positive("layers", r.layers(), at);
      validator.probability("dropout", r.dropout(), at);
    } else if (architecture instanceof Architecture.TransformerSeq2Seq s) {
      seq2seq(model, s.source(), s.target(), s.encoder(), s.decoder());
    } else if (architecture instanceof Architecture.Nat n) {
      seq2seq(model, n.source(), n.target(), n.encoder(), n.decoder());
      validator.positive("max_target_length", n.maxTargetLength(), at);
    }
  }

  private void seq2seq(
      ModelSpec model,
      dev.nlpm.compiler.ir.Embeddings source,
      dev.nlpm.compiler.ir.Embeddings target,
      dev.nlpm.compiler.ir.TransformerStack encoder,
      dev.nlpm.compiler.ir.TransformerStack decoder) {
    validator.embeddings(source, encoder.hidden());
    if (target.vocab() != source.vocab()) {
      validator.vocabulary("target_vocab", target.vocab());
    }
    validator.stack("encoder.", encoder, source);
    // The decoder's sizes are the model's, already reported once; only its own parts are checked.
    validator.positive("decoder.layers", decoder.layers(), decoder.origin());
    if (decoder.attention() instanceof dev.nlpm.compiler.ir.Attention.Local local && local.window() < 1) {
      validator.diagnostics().error(dev.nlpm.compiler.diag.DiagnosticCode.WINDOW_TOO_SMALL, validator.at("decoder.attention.window", local.origin()), local.window());
    } else if (decoder.attention() instanceof dev.nlpm.compiler.ir.Attention.Linformer linformer
        && (linformer.k() < 1 || linformer.k() > target.maxLength())
        && validator.understood("decoder.attention.k", "max_length")) {
      validator.diagnostics().error(
          dev.nlpm.compiler.diag.DiagnosticCode.LINFORMER_K_TOO_LARGE,
          validator.at("decoder.attention.k", linformer.origin()),
          linformer.k(),
          target.maxLength(),
          Math.max(1, target.maxLength()));
    }
  }
}
