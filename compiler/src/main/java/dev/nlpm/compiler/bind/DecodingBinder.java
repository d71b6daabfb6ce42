package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.decl.Section;
import dev.nlpm.compiler.ir.Decoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Binds {@code decoding <scheme> { ... }} sections. */
final class DecodingBinder {

  static final List<String> SCHEMES =
      List.of("greedy", "beam", "sampling", "blockwise", "mask_predict", "hybrid");

  private DecodingBinder() {}

  static List<Decoding> bind(Body model) {
    List<Decoding> decodings = new ArrayList<>();
    for (Section section : model.sections("decoding")) {
      Optional<String> scheme = Sections.variant(model, section, SCHEMES);
      Body body = Sections.body(model, section);
      Decoding.Limits limits =
          new Decoding.Limits(
              body.origin(),
              body.strings("stop"),
              body.integer("max_length", 128),
              body.decimal("repetition_penalty", 1.0),
              body.integer("n_best", 1),
              body.longInteger("seed", 0));
      // The options of a section whose scheme was not understood are not judged either.
      scheme.ifPresent(s -> {
        decodings.add(decoding(s, body, limits));
        body.finish();
      });
    }
    return decodings;
  }

  private static Decoding decoding(String scheme, Body body, Decoding.Limits limits) {
    return switch (scheme) {
      case "beam" -> new Decoding.Beam(
          body.origin(),
          limits,
          body.integer("width", 4),
          body.decimal("length_penalty", 1.0),
          body.bool("early_stopping", true));
      case "sampling" -> new Decoding.Sampling(
          body.origin(),
          limits,
          body.decimal("temperature", 1.0),
          body.integer("top_k", 0),
          body.decimal("top_p", 1.0));
      case "blockwise" -> new Decoding.Blockwise(body.origin(), limits, body.integer("k", 4));
      case "mask_predict" -> new Decoding.MaskPredict(
          body.origin(), limits, body.integer("iterations", 10), body.integer("length_candidates", 5));
      case "hybrid" -> new Decoding.Hybrid(body.origin(), limits, body.decimal("threshold", 0.9));
      default -> new Decoding.Greedy(body.origin(), limits);
    };
  }
}
