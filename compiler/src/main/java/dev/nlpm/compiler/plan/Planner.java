package dev.nlpm.compiler.plan;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Decoding;
import dev.nlpm.compiler.ir.Embeddings;
import dev.nlpm.compiler.ir.FineTuningHead;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.ir.Norm;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.RnnAttention;
import dev.nlpm.compiler.ir.RnnCell;
import dev.nlpm.compiler.ir.Vocabulary;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans a validated model: its dimensions and every parameter tensor, named as the reference
 * implementation names it in checkpoints (HuggingFace for the BERT family, GPT-2 and
 * Transformer-XL; gensim for word2vec; PyTorch- and fairseq-style names of nlpm's own for the
 * families without a reference checkpoint), shaped as the reference stores it, laid out in one
 * flat buffer: the backbone, then each head.
 */
public final class Planner {

  private final ModelSpec model;
  private final List<Dimension> dimensions = new ArrayList<>();
  private final List<Segment> segments = new ArrayList<>();
  private String checkpointPrefix = "";

  private Planner(ModelSpec model) {
    this.model = model;
  }

  public static ModelPlan plan(ModelSpec model) {
    Planner planner = new Planner(model);
    Architecture a = model.architecture();
    if (a instanceof Architecture.Word2Vec w) {
      planner.word2vec(w);
    } else if (a instanceof Architecture.Encoder e) {
      new TransformerPlanner(planner, model).encoder(e);
    } else if (a instanceof Architecture.Decoder d) {
      new TransformerPlanner(planner, model).decoder(d);
    } else if (a instanceof Architecture.LstmLm l) {
      planner.lstm(l);
    } else if (a instanceof Architecture.RnnSeq2Seq r) {
      planner.rnnSeq2Seq(r);
    } else if (a instanceof Architecture.TransformerSeq2Seq s) {
      new TransformerPlanner(planner, model).seq2seq(s.source(), s.target(), s.encoder(), s.decoder(), s.sharedEmbeddings(), s.tieOutput(), 0);
    } else if (a instanceof Architecture.Nat n) {
      new TransformerPlanner(planner, model).seq2seq(n.source(), n.target(), n.encoder(), n.decoder(), n.sharedEmbeddings(), n.tieOutput(), n.maxTargetLength());
    }
    return new ModelPlan(model, planner.dimensions, planner.segments, planner.checkpointPrefix);
  }

  // ---- what the family planners call ----

  void dimension(String name, int value, String description) {
    if (dimensions.stream().noneMatch(d -> d.name().equals(name))) {
      dimensions.add(new Dimension(name, value, description));
    }
  }

  void prefix(String prefix) {
    this.checkpointPrefix = prefix;
  }

  /** Adds each tensor as a segment of its own. */
  void add(Tensors tensors) {
    tensors.list().forEach(t -> segments.add(new Segment.Single(t)));
  }

  /** Adds a block repeated for layers {@code first .. first + count - 1}; names hold {@code {}}. */
  void repeated(String constantName, int first, int count, Tensors template) {
    if (count > 0 && !template.list().isEmpty()) {
      segments.add(new Segment.Repeated(constantName, first, count, template.list()));
    }
  }

  static Extent vocab(Vocabulary vocabulary) {
    return new Extent(vocabulary.size(), vocabulary.runtime());
  }

  // ---- word2vec: gensim's names ----

  private void word2vec(Architecture.Word2Vec w) {
    dimension("VOCAB", w.vocab().size(), w.vocab().runtime() ? "the largest vocabulary (the actual one is built at run time)" : "words in the vocabulary");
    dimension("DIM", w.dim(), "vector dimensions");
    Extent v = vocab(w.vocab());
    Extent d = Extent.of(w.dim());
    boolean hierarchical =
        model.objectives().stream()
            .anyMatch(
                o ->
                    (o instanceof dev.nlpm.compiler.ir.Objective.SkipGram sg && sg.output() instanceof dev.nlpm.compiler.ir.Objective.HierarchicalSoftmax)
                        || (o instanceof dev.nlpm.compiler.ir.Objective.Cbow cb && cb.output() instanceof dev.nlpm.compiler.ir.Objective.HierarchicalSoftmax));
    // gensim (like word2vec.c) allocates the output weights with one row per word in both cases.
    add(new Tensors(ModelPlan.BACKBONE).tensor("wv.vectors", v, d).group("output_layer").tensor(hierarchical ? "syn1" : "syn1neg", v, d));
  }

  // ---- LSTM language model: torch.nn.LSTM's names ----

  private void lstm(Architecture.LstmLm l) {
    int e = l.embedding();
    int h = l.hidden();
    dimension("VOCAB", l.vocab().size(), l.vocab().runtime() ? "the largest vocabulary (the actual one is built at run time)" : "tokens in the vocabulary");
    dimension("EMBEDDING", e, "embedding width");
    dimension("HIDDEN", h, "LSTM state width");
    dimension("LAYERS", l.layers(), "stacked LSTM layers");
    Extent v = vocab(l.vocab());
    add(new Tensors(ModelPlan.BACKBONE).tensor("embedding.weight", v, Extent.of(e)));
    add(rnnLayer(new Tensors(ModelPlan.BACKBONE), "lstm", "0", 4, e, h, ""));
    repeated("LSTM_LAYER", 1, l.layers() - 1, rnnLayer(new Tensors(ModelPlan.BACKBONE), "lstm", "{}", 4, h, h, ""));
    Tensors head = new Tensors("lm_head");
    if (l.tieEmbeddings()) {
      head.tied("decoder.weight", "embedding.weight", v, Extent.of(h));
    } else {
      head.tensor("decoder.weight", v, Extent.of(h));
    }
    add(head.tensor("decoder.bias", v));
  }

  /** One direction of one layer of a torch.nn.LSTM/GRU: {@code gates} × hidden rows. */
  private static Tensors rnnLayer(Tensors tensors, String module, String layer, int gates, int in, int hidden, String suffix) {
    String l = "_l" + layer + suffix;
    return tensors
        .tensor(module + ".weight_ih" + l, gates * hidden, in)
        .tensor(module + ".weight_hh" + l, gates * hidden, hidden)
        .tensor(module + ".bias_ih" + l, gates * hidden)
        .tensor(module + ".bias_hh" + l, gates * hidden);
  }

  // ---- RNN encoder-decoder with attention ----

  private void rnnSeq2Seq(Architecture.RnnSeq2Seq r) {
    int e = r.embedding();
    int h = r.hidden();
    int directions = r.bidirectional() ? 2 : 1;
    int gates = r.cell() == RnnCell.LSTM ? 4 : 3;
    int context = directions * h;
    dimension("SOURCE_VOCAB", r.sourceVocab().size(), "source tokens");
    dimension("TARGET_VOCAB", r.targetVocab().size(), "target tokens");
    dimension("EMBEDDING", e, "embedding width");
    dimension("HIDDEN", h, "recurrent state width");
    dimension("LAYERS", r.layers(), "recurrent layers of the encoder and of the decoder");
    dimension("DIRECTIONS", directions, "directions of the encoder");
    dimension("GATES", gates, "gates of the " + r.cell().keyword() + " cell");
    boolean joint = r.sourceVocab() == r.targetVocab();
    Tensors encoder = new Tensors(ModelPlan.BACKBONE).tensor("encoder.embedding.weight", vocab(r.sourceVocab()), Extent.of(e));
    for (int layer = 0; layer < r.layers(); layer++) {
      int in = layer == 0 ? e : context;
      rnnLayer(encoder, "encoder.rnn", Integer.toString(layer), gates, in, h, "");
      if (r.bidirectional()) {
        rnnLayer(encoder, "encoder.rnn", Integer.toString(layer), gates, in, h, "_reverse");
      }
    }
    add(encoder);
    Tensors decoder = new Tensors(ModelPlan.BACKBONE);
    if (joint) {
      decoder.tied("decoder.embedding.weight", "encoder.embedding.weight", vocab(r.targetVocab()), Extent.of(e));
    } else {
      decoder.tensor("decoder.embedding.weight", vocab(r.targetVocab()), Extent.of(e));
    }
    decoder.linear("decoder.bridge", context, h);
    RnnAttention.Score score = r.attention().score();
    if (score == RnnAttention.Score.ADDITIVE) {
      decoder.linearWithoutBias("decoder.attention.query", h, h).linearWithoutBias("decoder.attention.key", context, h).tensor("decoder.attention.v.weight", 1, h);
    } else if (score == RnnAttention.Score.GENERAL) {
      decoder.linearWithoutBias("decoder.attention.key", context, h);
    } else if (context != h) {
      // Luong's dot score needs keys of the query's width: a bidirectional encoder's states are projected.
      decoder.linearWithoutBias("decoder.attention.key", context, h);
    }
    for (int layer = 0; layer < r.layers(); layer++) {
      rnnLayer(decoder, "decoder.rnn", Integer.toString(layer), gates, layer == 0 ? e + context : h, h, "");
    }
    decoder.linear("decoder.combine", h + context, h);
    add(decoder);
    add(new Tensors("lm_head").linear("decoder.output", h, r.targetVocab().size()));
  }

  // ---- heads shared by the transformer planners ----

  /**
   * Fine-tuning heads as HuggingFace's {@code ...ForSequenceClassification} and {@code
   * ...ForTokenClassification} name them: {@code classifier} (RoBERTa's sequence head is {@code
   * classifier.dense} then {@code classifier.out_proj}; DistilBERT's has {@code pre_classifier}
   * before it). With both kinds declared, the heads are {@code sequence_classifier} and {@code
   * token_classifier}.
   */
  void fineTuningHeads(int hidden) {
    List<FineTuningHead> heads = model.heads();
    for (FineTuningHead head : heads) {
      String name = heads.size() == 1 ? "classifier" : head.keyword().replace("_classification", "_classifier");
      Tensors tensors = new Tensors(head.keyword() + "_head");
      if (head instanceof FineTuningHead.SequenceClassification && model.names() == CheckpointNames.ROBERTA) {
        tensors.linear(name + ".dense", hidden, hidden).linear(name + ".out_proj", hidden, head.labels());
      } else if (head instanceof FineTuningHead.SequenceClassification && model.names() == CheckpointNames.DISTILBERT) {
        tensors.linear("pre_" + name, hidden, hidden).linear(name, hidden, head.labels());
      } else {
        tensors.linear(name, hidden, head.labels());
      }
      add(tensors);
    }
  }

  void blockwiseHeads(int hidden) {
    for (Decoding decoding : model.decodings()) {
      if (decoding instanceof Decoding.Blockwise blockwise) {
        dimension("BLOCKWISE_K", blockwise.k(), "proposal heads of blockwise parallel decoding");
        Tensors template = new Tensors("blockwise_heads").linear("blockwise_heads.{}.dense", hidden, hidden);
        repeated("BLOCKWISE_HEAD", 0, blockwise.k(), template);
      }
    }
  }

  static boolean learned(Embeddings embeddings) {
    return embeddings.positions() == Positions.LEARNED;
  }

  static boolean pre(Norm norm) {
    return norm.placement() == Norm.Placement.PRE;
  }

  static boolean xl(Attention attention) {
    return attention instanceof Attention.TransformerXl;
  }
}
