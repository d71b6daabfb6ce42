package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.Activation;
import dev.nlpm.compiler.ir.Attention;
import dev.nlpm.compiler.ir.Positions;
import dev.nlpm.compiler.ir.RnnAttention;
import dev.nlpm.compiler.ir.RnnCell;
import dev.nlpm.compiler.ir.Sharing;
import dev.nlpm.compiler.plan.Extent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One typed operation of a layer graph, with the parameter slots it reads. Ops are listed in the
 * order the forward pass runs them; the slots' storage order is the graph's {@link Storage}.
 */
public sealed interface Op {

  /** The slots this op reads (a repeated block's: its body's, as templates). */
  List<Parameter> parameters();

  /** What the op does, with its sizes, on one line. */
  String line();

  /** Ops nested in this one (a repeated block's body, a head's transform), in running order. */
  default List<Op> body() {
    return List.of();
  }

  /** Rows of a table looked up by token (or segment, or length) id. */
  record Embedding(String label, Parameter table) implements Op {
    public Embedding {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(table, "table");
    }

    @Override
    public List<Parameter> parameters() {
      return List.of(table);
    }

    @Override
    public String line() {
      return "embedding " + label + " " + table.shape().get(0) + " × " + table.shape().get(1);
    }
  }

  /**
   * Absolute positions added to the token embeddings (a learned table, or fixed sines and
   * cosines), relative positions, which attention itself handles, or none.
   *
   * @param offset the table row of a sequence's first token when rows start past a padding row
   *     (RoBERTa's {@code padding_idx + 1}: a real token at index k uses row {@code offset + k}, a
   *     padding token row {@code offset - 1}); 0 when a token at index k uses row k
   */
  record PositionEncoding(Positions kind, int maxLength, int width, Optional<Parameter> table, int offset) implements Op {
    public PositionEncoding {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(table, "table");
      if (offset < 0) {
        throw new IllegalArgumentException("offset must not be negative, got " + offset);
      }
    }

    /** Positions whose row is the token's index. */
    public PositionEncoding(Positions kind, int maxLength, int width, Optional<Parameter> table) {
      this(kind, maxLength, width, table, 0);
    }

    @Override
    public List<Parameter> parameters() {
      return table.stream().toList();
    }

    @Override
    public String line() {
      return switch (kind) {
        case RELATIVE -> "positions relative (inside attention)";
        case NONE -> "positions none";
        default -> "positions " + kind.keyword() + " " + maxLength + " × " + width
            + (offset > 0 ? ", rows from " + offset + " (padding row " + (offset - 1) + ")" : "");
      };
    }
  }

  /**
   * y = x·Wᵀ + b. The weight is stored as the reference stores it: [out, in] (torch.nn.Linear),
   * or [in, out] (GPT-2's Conv1D, Transformer-XL's projections).
   */
  record Linear(String label, Parameter weight, Optional<Parameter> bias, int in, int out) implements Op {
    public Linear {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(weight, "weight");
      Objects.requireNonNull(bias, "bias");
    }

    @Override
    public List<Parameter> parameters() {
      List<Parameter> parameters = new ArrayList<>(List.of(weight));
      bias.ifPresent(parameters::add);
      return parameters;
    }

    @Override
    public String line() {
      return "linear " + label + " " + in + " → " + out + (bias.isPresent() ? "" : " (no bias)");
    }
  }

  record LayerNorm(String label, NormPosition position, int width, double eps, Parameter gain, Parameter bias) implements Op {
    public LayerNorm {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(position, "position");
      Objects.requireNonNull(gain, "gain");
      Objects.requireNonNull(bias, "bias");
    }

    @Override
    public List<Parameter> parameters() {
      return List.of(gain, bias);
    }

    @Override
    public String line() {
      return "layer norm " + label + " (" + position.label() + ") " + width + ", eps " + eps;
    }
  }

  /** An elementwise activation. */
  record Activate(Activation function, int width) implements Op {
    public Activate {
      Objects.requireNonNull(function, "function");
    }

    @Override
    public List<Parameter> parameters() {
      return List.of();
    }

    @Override
    public String line() {
      return "activation " + function.keyword() + " " + width;
    }
  }

  record Dropout(String label, double probability) implements Op {
    public Dropout {
      Objects.requireNonNull(label, "label");
    }

    @Override
    public List<Parameter> parameters() {
      return List.of();
    }

    @Override
    public String line() {
      return String.format(Locale.ROOT, "dropout %s p = %s", label, probability);
    }
  }

  /** Adds the input of the sublayer {@code label} to its output. */
  record Residual(String label) implements Op {
    public Residual {
      Objects.requireNonNull(label, "label");
    }

    @Override
    public List<Parameter> parameters() {
      return List.of();
    }

    @Override
    public String line() {
      return "residual around " + label;
    }
  }

  /**
   * Multi-head attention: the input projections (separate query, key and value, or one fused
   * projection), the variant's scores under its mask, the weighted sum, the output projection.
   *
   * @param variant the declared variant (full, causal, local, linformer, xl)
   * @param variantParameters the slots the variant adds (Linformer's sequence projections,
   *     Transformer-XL's position biases and relative-position projection)
   * @param dropout the dropout on the attention probabilities
   */
  record MultiHeadAttention(
      String label,
      Attention variant,
      Mask mask,
      int heads,
      int width,
      List<Linear> inputs,
      Linear output,
      List<Parameter> variantParameters,
      double dropout)
      implements Op {
    public MultiHeadAttention {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(variant, "variant");
      Objects.requireNonNull(mask, "mask");
      inputs = List.copyOf(inputs);
      Objects.requireNonNull(output, "output");
      variantParameters = List.copyOf(variantParameters);
    }

    @Override
    public List<Parameter> parameters() {
      List<Parameter> parameters = new ArrayList<>();
      inputs.forEach(l -> parameters.addAll(l.parameters()));
      parameters.addAll(variantParameters);
      parameters.addAll(output.parameters());
      return parameters;
    }

    @Override
    public String line() {
      return String.format(
          Locale.ROOT,
          "attention %s %s, %s mask, %d heads × %d, probabilities dropout %s",
          label, variant.keyword(), mask.label(), heads, width / Math.max(1, heads), dropout);
    }

    @Override
    public List<Op> body() {
      List<Op> body = new ArrayList<>(inputs);
      body.add(output);
      return body;
    }
  }

  /** The position-wise feed-forward block: up, activation, down. */
  record FeedForward(Linear up, Activation activation, Linear down) implements Op {
    public FeedForward {
      Objects.requireNonNull(up, "up");
      Objects.requireNonNull(activation, "activation");
      Objects.requireNonNull(down, "down");
    }

    @Override
    public List<Parameter> parameters() {
      List<Parameter> parameters = new ArrayList<>(up.parameters());
      parameters.addAll(down.parameters());
      return parameters;
    }

    @Override
    public String line() {
      return "feed-forward " + up.in() + " → " + up.out() + " " + activation.keyword() + " → " + down.out();
    }

    @Override
    public List<Op> body() {
      return List.of(up, down);
    }
  }

  /**
   * The body run for layers {@code first .. first + count - 1}, each with its own slots, or, with
   * sharing, the shared part's slots stored once and used by every layer (its gradients summed
   * over the uses).
   */
  record Repeat(String label, int first, int count, Sharing sharing, List<Op> body) implements Op {
    public Repeat {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(sharing, "sharing");
      body = List.copyOf(body);
    }

    @Override
    public List<Parameter> parameters() {
      List<Parameter> parameters = new ArrayList<>();
      body.forEach(op -> parameters.addAll(op.parameters()));
      return parameters;
    }

    @Override
    public String line() {
      String shared = sharing == Sharing.NONE ? "" : ", " + sharing.keyword() + " shared across layers";
      return "repeat " + label + " × " + count + " (layers " + first + ".." + (first + count - 1) + shared + ")";
    }
  }

  /** The first token's state through a dense layer and tanh. */
  record Pooler(Linear dense) implements Op {
    public Pooler {
      Objects.requireNonNull(dense, "dense");
    }

    @Override
    public List<Parameter> parameters() {
      return dense.parameters();
    }

    @Override
    public String line() {
      return "pooler first token, tanh";
    }

    @Override
    public List<Op> body() {
      return List.of(dense);
    }
  }

  /** A pretraining objective: the ops of its head and its loss. */
  record ObjectiveHead(String objective, String group, List<Op> body, Loss loss) implements Op {
    public ObjectiveHead {
      Objects.requireNonNull(objective, "objective");
      Objects.requireNonNull(group, "group");
      body = List.copyOf(body);
      Objects.requireNonNull(loss, "loss");
    }

    @Override
    public List<Parameter> parameters() {
      List<Parameter> parameters = new ArrayList<>();
      body.forEach(op -> parameters.addAll(op.parameters()));
      return parameters;
    }

    @Override
    public String line() {
      return "objective " + objective + " (" + group + "): " + loss;
    }
  }

  /**
   * A fine-tuning head: its body (dropout, linear layers and activations, in running order) over
   * what it reads, then cross-entropy over its labels.
   */
  record TaskHead(String task, int labels, Input input, List<Op> body) implements Op {

    /** What a fine-tuning head reads. */
    public enum Input {
      /** The pooled output (the pooler's, or the first token's state without a pooler): BERT's, ALBERT's sequence heads. */
      POOLED("the pooled output"),
      /** The first token's last hidden state, whatever the pooler: RoBERTa's and DistilBERT's sequence heads. */
      FIRST_TOKEN("the first token's state"),
      /** Every token's last hidden state: the token heads. */
      EVERY_TOKEN("every token's state");

      private final String words;

      Input(String words) {
        this.words = words;
      }

      public String words() {
        return words;
      }
    }

    public TaskHead {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(input, "input");
      body = List.copyOf(body);
    }

    @Override
    public List<Parameter> parameters() {
      List<Parameter> parameters = new ArrayList<>();
      body.forEach(op -> parameters.addAll(op.parameters()));
      return parameters;
    }

    @Override
    public String line() {
      return "fine-tuning " + task + " over " + input.words() + ", " + labels + " labels, cross-entropy";
    }
  }

  /**
   * One direction of one layer of an LSTM or GRU, as torch stores it: the gates' rows stacked
   * ({@code gates × hidden}), input and state matrices, two biases.
   *
   * @param layer the layer index, or {@code {}} inside a repeated block
   */
  record Recurrent(
      RnnCell cell,
      String layer,
      boolean reverse,
      int in,
      int hidden,
      Parameter inputWeights,
      Parameter stateWeights,
      Parameter inputBias,
      Parameter stateBias)
      implements Op {
    public Recurrent {
      Objects.requireNonNull(cell, "cell");
      Objects.requireNonNull(layer, "layer");
      Objects.requireNonNull(inputWeights, "inputWeights");
      Objects.requireNonNull(stateWeights, "stateWeights");
      Objects.requireNonNull(inputBias, "inputBias");
      Objects.requireNonNull(stateBias, "stateBias");
    }

    @Override
    public List<Parameter> parameters() {
      return List.of(inputWeights, stateWeights, inputBias, stateBias);
    }

    @Override
    public String line() {
      return cell.keyword() + " layer " + layer + (reverse ? " reverse" : "") + " " + in + " → " + hidden;
    }
  }

  /** An RNN decoder's attention over the encoder's states (Bahdanau's or Luong's score). */
  record RecurrentAttention(RnnAttention.Score score, int query, int context, List<Parameter> parameters) implements Op {
    public RecurrentAttention {
      Objects.requireNonNull(score, "score");
      parameters = List.copyOf(parameters);
    }

    @Override
    public String line() {
      return "attention " + score.keyword() + " score, query " + query + ", encoder states " + context;
    }
  }

  /**
   * word2vec's prediction: skip-gram scores each context word from the centre word's vector,
   * CBOW the centre word from the context vectors' sum (or mean), against the output table's
   * rows for the true word and {@code negatives} sampled ones, or for its Huffman path's nodes.
   */
  record Word2VecPrediction(
      String objective, boolean skipGram, int window, Parameter vectors, Parameter outputs, boolean hierarchical, int negatives, Extent vocab, int dim)
      implements Op {
    public Word2VecPrediction {
      Objects.requireNonNull(objective, "objective");
      Objects.requireNonNull(vectors, "vectors");
      Objects.requireNonNull(outputs, "outputs");
      Objects.requireNonNull(vocab, "vocab");
    }

    @Override
    public List<Parameter> parameters() {
      return List.of(vectors, outputs);
    }

    @Override
    public String line() {
      String against = !hierarchical ? "1 + " + negatives + " negatives" : "the Huffman path";
      return objective + " window " + window + ", " + dim + " dims, against " + against + " of " + vocab + " rows";
    }
  }
}
