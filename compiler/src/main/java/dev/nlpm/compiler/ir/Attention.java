package dev.nlpm.compiler.ir;

import dev.nlpm.compiler.source.Origin;
import java.util.Objects;
import java.util.Optional;

/**
 * The self-attention variant of a transformer stack: {@code attention full;}, {@code attention
 * causal;}, {@code attention local { window = 128; }}, {@code attention linformer { k = 256; }},
 * {@code attention xl { memory = 150; }}. Each is usable in any stack that has attention; the
 * validator rejects combinations that cannot work (a causal Linformer, a bidirectional decoder).
 */
public sealed interface Attention {

  Origin origin();

  /** The variant word as declared. */
  String keyword();

  /** Whether a position may attend only to itself and earlier positions. */
  boolean causal();

  /** Scaled dot-product multi-head attention over the whole sequence, both directions. */
  record Full(Origin origin) implements Attention {
    public Full {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "full";
    }

    @Override
    public boolean causal() {
      return false;
    }
  }

  /** Scaled dot-product multi-head attention over earlier positions only. */
  record Causal(Origin origin) implements Attention {
    public Causal {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "causal";
    }

    @Override
    public boolean causal() {
      return true;
    }
  }

  /**
   * Sliding-window attention: a position attends to positions at most {@code window} away
   * (only earlier ones when {@code causal}).
   */
  record Local(Origin origin, int window, boolean causal) implements Attention {
    public Local {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "local";
    }
  }

  /**
   * Linformer: keys and values projected along the sequence from {@code max_length} down to
   * {@code k} rows.
   */
  record Linformer(Origin origin, int k, ProjectionSharing sharing) implements Attention {
    public Linformer {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(sharing, "sharing");
    }

    @Override
    public String keyword() {
      return "linformer";
    }

    @Override
    public boolean causal() {
      return false;
    }
  }

  /**
   * Transformer-XL: segment-level recurrence over a memory of {@code memory} cached hidden states,
   * with relative positions; causal.
   */
  record TransformerXl(Origin origin, int memory) implements Attention {
    public TransformerXl {
      Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String keyword() {
      return "xl";
    }

    @Override
    public boolean causal() {
      return true;
    }
  }

  /** How Linformer's sequence projections E (keys) and F (values) are shared. */
  enum ProjectionSharing implements Keyword {
    /** E and F per layer, shared by the heads of the layer (the paper's headwise sharing). */
    SEPARATE("separate"),
    /** One projection per layer for both keys and values (key-value sharing). */
    KEY_VALUE("key_value"),
    /** One projection for keys and values in every layer (layerwise sharing). */
    LAYERWISE("layerwise");

    private final String keyword;

    ProjectionSharing(String keyword) {
      this.keyword = keyword;
    }

    @Override
    public String keyword() {
      return keyword;
    }

    public static Optional<ProjectionSharing> fromKeyword(String word) {
      return Keyword.lookup(values(), word);
    }
  }
}
