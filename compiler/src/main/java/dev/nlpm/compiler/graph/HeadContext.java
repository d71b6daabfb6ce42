package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.Embeddings;
import dev.nlpm.compiler.ir.ModelSpec;
import java.util.List;
import java.util.Optional;

/**
 * What a family's lowering hands its objectives' heads: the graph, the model width, and the
 * pieces of the backbone a head reads or ties to. A piece a family does not have is empty; an
 * objective that needs it there is a validator's miss, reported by name.
 *
 * @param eps the epsilon of the heads' LayerNorms (the stack's)
 * @param embeddings a transformer's input embeddings
 * @param wordEmbeddings the token table a head's decoder is tied to
 * @param languageModelOutput the ops from the last hidden state to the vocabulary's logits
 * @param lengthOutput NAT's length classifier
 * @param word2vecVectors word2vec's input vectors; {@code word2vecOutputs} its output table
 */
record HeadContext(
    GraphBuilder graph,
    int hidden,
    double eps,
    Optional<Embeddings> embeddings,
    Optional<Parameter> wordEmbeddings,
    Optional<List<Op>> languageModelOutput,
    Optional<Op.Linear> lengthOutput,
    Optional<Parameter> word2vecVectors,
    Optional<Parameter> word2vecOutputs) {

  static HeadContext of(GraphBuilder graph, int hidden, double eps) {
    return new HeadContext(graph, hidden, eps, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  ModelSpec model() {
    return graph.model();
  }

  HeadContext withEmbeddings(Embeddings emb, Parameter word) {
    return new HeadContext(graph, hidden, eps, Optional.of(emb), Optional.of(word), languageModelOutput, lengthOutput, word2vecVectors, word2vecOutputs);
  }

  HeadContext withLanguageModelOutput(List<Op> output) {
    return new HeadContext(graph, hidden, eps, embeddings, wordEmbeddings, Optional.of(List.copyOf(output)), lengthOutput, word2vecVectors, word2vecOutputs);
  }

  HeadContext withLengthOutput(Op.Linear length) {
    return new HeadContext(graph, hidden, eps, embeddings, wordEmbeddings, languageModelOutput, Optional.of(length), word2vecVectors, word2vecOutputs);
  }

  HeadContext withWord2Vec(Parameter vectors, Parameter outputs) {
    return new HeadContext(graph, hidden, eps, embeddings, wordEmbeddings, languageModelOutput, lengthOutput, Optional.of(vectors), Optional.of(outputs));
  }

  /** The piece, or a clear error naming the objective and the family without it. */
  <T> T need(Optional<T> piece, String what, String objective) {
    return piece.orElseThrow(
        () -> new IllegalStateException("objective " + objective + " needs " + what + ", which a " + model().family().keyword() + " model does not have"));
  }
}
