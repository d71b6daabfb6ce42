package dev.nlpm.compiler.bind;

import static dev.nlpm.compiler.bind.Decls.child;
import static dev.nlpm.compiler.bind.Decls.model;
import static dev.nlpm.compiler.bind.Decls.range;

/**
 * The models of {@code stdlib-models/src/main/nlpm/dev/nlpm/models/*.nlpm}, written with the test
 * builder member for member, so that binding and validation can be tested on the real language
 * without the parser.
 */
public final class StandardModels {

  private StandardModels() {}

  public static Decls.Model bertBase() {
    return model("BertBase", "encoder")
        .set("vocab", 30522)
        .set("hidden", 768)
        .set("layers", 12)
        .set("heads", 12)
        .set("intermediate", 3072)
        .set("max_length", 512)
        .set("activation", "gelu")
        .section("embeddings", null, b -> b.set("positions", "learned").set("segments", 2))
        .section("norm", null, b -> b.set("placement", "post").set("eps", 1e-12))
        .section("tokenizer", "wordpiece", b -> b.set("lowercase", true))
        .section(
            "objective",
            "mlm",
            b -> b.set("rate", 0.15).set("mask", 0.8).set("random", 0.1).set("keep", 0.1).set("masking", "static"))
        .section("objective", "nsp")
        .section(
            "train",
            null,
            b ->
                b.set("optimizer", "adamw")
                    .set("lr", 1e-4)
                    .set("warmup", 10000)
                    .set("steps", 1_000_000)
                    .set("batch", 256)
                    .set("seq", 128)
                    .set("weight_decay", 0.01));
  }

  public static Decls.Model bertTiny() {
    return child("BertTiny", "BertBase")
        .set("hidden", 128)
        .set("layers", 2)
        .set("heads", 2)
        .set("intermediate", 512)
        .section("train", null, b -> b.set("lr", 1e-3).set("warmup", 100).set("steps", 10000).set("batch", 32));
  }

  public static Decls.Model robertaBase() {
    return child("RobertaBase", "BertBase")
        .set("vocab", 50265)
        .set("max_length", 514)
        .set("names", "roberta")
        .section("embeddings", null, b -> b.set("segments", 1))
        .section("norm", null, b -> b.set("eps", 1e-5))
        .section("tokenizer", "bpe")
        .remove("objective", "nsp")
        .section("objective", "mlm", b -> b.set("masking", "dynamic"))
        .section(
            "train",
            null,
            b -> b.set("lr", 6e-4).set("warmup", 24000).set("steps", 500_000).set("batch", 8000).set("seq", 512));
  }

  public static Decls.Model albertBase() {
    return child("AlbertBase", "BertBase")
        .set("vocab", 30000)
        .set("names", "albert")
        .set("sharing", "all")
        .section("embeddings", null, b -> b.set("size", 128))
        .remove("objective", "nsp")
        .section("objective", "sop")
        .section(
            "train",
            null,
            b -> b.set("lr", 0.00176).set("warmup", 3125).set("steps", 125_000).set("batch", 4096).set("seq", 512));
  }

  public static Decls.Model spanBertBase() {
    return child("SpanBertBase", "BertBase")
        .set("vocab", 28996)
        .section("tokenizer", "wordpiece", b -> b.set("lowercase", false))
        .remove("objective", "nsp")
        .remove("objective", "mlm")
        .section(
            "objective",
            "span",
            b -> b.set("rate", 0.15).set("distribution", "geometric").set("p", 0.2).set("length", range(1, 10)))
        .section("objective", "sbo", b -> b.set("max_span", 10).set("position_size", 200));
  }

  public static Decls.Model distilBertBase() {
    return child("DistilBertBase", "BertBase")
        .set("layers", 6)
        .set("names", "distilbert")
        .set("pooler", false)
        .section("embeddings", null, b -> b.set("segments", 0))
        .remove("objective", "nsp")
        .section("objective", "mlm", b -> b.set("masking", "dynamic"))
        .section(
            "objective",
            "distillation",
            b ->
                b.set("teacher", "BertBase")
                    .set("temperature", 2.0)
                    .set("soft", 5.0)
                    .set("hard", 2.0)
                    .set("cosine", 1.0));
  }

  public static Decls.Model linformerBase() {
    return child("LinformerBase", "BertBase")
        .set("names", "nlpm")
        .section("attention", "linformer", b -> b.set("k", 256).set("sharing", "key_value"))
        .remove("objective", "nsp");
  }

  public static Decls.Model gpt2Small() {
    return model("Gpt2Small", "decoder")
        .set("vocab", 50257)
        .set("hidden", 768)
        .set("layers", 12)
        .set("heads", 12)
        .set("intermediate", 3072)
        .set("max_length", 1024)
        .set("activation", "gelu_tanh")
        .set("tie_embeddings", true)
        .section("norm", null, b -> b.set("placement", "pre").set("eps", 1e-5))
        .section("attention", "causal")
        .section("tokenizer", "bpe")
        .section("objective", "clm")
        .section("decoding", "greedy", b -> b.set("max_length", 64))
        .section("decoding", "beam", b -> b.set("width", 4).set("length_penalty", 1.0))
        .section(
            "decoding", "sampling", b -> b.set("temperature", 0.8).set("top_k", 40).set("top_p", 0.95).set("seed", 1))
        .section("train", null, b -> b.set("lr", 2.5e-4).set("warmup", 2000).set("batch", 64).set("seq", 1024));
  }

  public static Decls.Model transformerXlBase() {
    return model("TransformerXlBase", "decoder")
        .set("vocab", 267_735)
        .set("hidden", 410)
        .set("layers", 16)
        .set("heads", 10)
        .set("intermediate", 2100)
        .set("max_length", 150)
        .set("activation", "relu")
        .set("tie_embeddings", true)
        .set("names", "transfo_xl")
        .section("embeddings", null, b -> b.set("positions", "relative"))
        .section("norm", null, b -> b.set("placement", "post").set("eps", 1e-5))
        .section("attention", "xl", b -> b.set("memory", 150))
        .section("tokenizer", "whitespace")
        .section("objective", "clm")
        .section("decoding", "greedy")
        .section("train", null, b -> b.set("lr", 2.5e-4).set("batch", 60).set("seq", 150));
  }

  public static Decls.Model charLstm() {
    return model("CharLstm", "lstm_lm")
        .set("max_vocab", 256)
        .set("embedding", 128)
        .set("hidden", 512)
        .set("layers", 2)
        .set("dropout", 0.2)
        .section("tokenizer", "char")
        .section("objective", "clm")
        .section("decoding", "sampling", b -> b.set("temperature", 0.8).set("max_length", 500))
        .section(
            "train",
            null,
            b -> b.set("optimizer", "adam").set("lr", 2e-3).set("batch", 64).set("seq", 128).set("clip", 5.0));
  }

  public static Decls.Model skipGram() {
    return model("SkipGram", "word2vec")
        .set("dim", 100)
        .set("max_vocab", 2_000_000)
        .set("min_count", 5)
        .section(
            "objective",
            "skipgram",
            b ->
                b.set("window", 5)
                    .set("output", "negative_sampling")
                    .set("negative", 5)
                    .set("power", 0.75)
                    .set("subsample", 1e-3))
        .section("train", null, b -> b.set("lr", 0.025).set("min_lr", 0.0001).set("epochs", 5).set("threads", 0));
  }

  public static Decls.Model cbow() {
    return child("Cbow", "SkipGram")
        .remove("objective", "skipgram")
        .section(
            "objective",
            "cbow",
            b -> b.set("window", 5).set("output", "negative_sampling").set("negative", 5).set("mean", true))
        .section("train", null, b -> b.set("lr", 0.05));
  }

  public static Decls.Model skipGramHs() {
    return child("SkipGramHs", "SkipGram")
        .section(
            "objective",
            "skipgram",
            b -> b.set("output", "hierarchical_softmax").remove("negative", null).remove("power", null));
  }

  public static Decls.Model rnnSearch() {
    return model("RnnSearch", "rnn_seq2seq")
        .set("source_vocab", 30000)
        .set("target_vocab", 30000)
        .set("embedding", 620)
        .set("hidden", 1000)
        .set("layers", 1)
        .set("cell", "gru")
        .set("bidirectional", true)
        .section("attention", "additive")
        .section("objective", "translation", b -> b.set("label_smoothing", 0.0))
        .section("decoding", "beam", b -> b.set("width", 12).set("max_length", 80))
        .section("train", null, b -> b.set("optimizer", "adam").set("lr", 1e-3).set("batch", 80).set("seq", 50));
  }

  public static Decls.Model transformerBase() {
    return model("TransformerBase", "transformer_seq2seq")
        .set("vocab", 37000)
        .set("hidden", 512)
        .set("heads", 8)
        .set("intermediate", 2048)
        .set("max_length", 1024)
        .set("activation", "relu")
        .set("tie_embeddings", true)
        .section("embeddings", null, b -> b.set("positions", "sinusoidal"))
        .section("encoder", null, b -> b.set("layers", 6))
        .section("decoder", null, b -> b.set("layers", 6))
        .section("objective", "translation", b -> b.set("label_smoothing", 0.1))
        .section("decoding", "beam", b -> b.set("width", 4).set("length_penalty", 0.6))
        .section(
            "train",
            null,
            b ->
                b.set("optimizer", "adam")
                    .set("lr", 7e-4)
                    .set("warmup", 4000)
                    .set("schedule", "linear")
                    .set("batch", 64)
                    .set("seq", 256));
  }

  public static Decls.Model maskPredictNat() {
    return model("MaskPredictNat", "nat")
        .set("vocab", 37000)
        .set("hidden", 512)
        .set("heads", 8)
        .set("intermediate", 2048)
        .set("max_length", 1024)
        .set("max_target_length", 256)
        .section("encoder", null, b -> b.set("layers", 6))
        .section("decoder", null, b -> b.set("layers", 6))
        .section("objective", "cmlm")
        .section("objective", "length", b -> b.set("weight", 0.1))
        .section("objective", "distillation", b -> b.set("teacher", "TransformerBase").set("level", "sequence"))
        .section("decoding", "mask_predict", b -> b.set("iterations", 10).set("length_candidates", 5))
        .section("decoding", "hybrid", b -> b.set("threshold", 0.9))
        .section(
            "train",
            null,
            b -> b.set("optimizer", "adam").set("lr", 5e-4).set("warmup", 10000).set("batch", 128).set("seq", 256));
  }
}
