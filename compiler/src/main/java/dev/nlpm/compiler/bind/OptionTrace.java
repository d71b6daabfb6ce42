package dev.nlpm.compiler.bind;

import dev.nlpm.compiler.source.Origin;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What binding one model learned about its options, by path ({@code heads},
 * {@code objective.mlm.rate}, {@code encoder.attention}): where each was written, and which
 * stand at a default because what was written (or required) was not understood.
 */
record OptionTrace(Map<String, Origin> written, Set<String> unbound) {

  OptionTrace() {
    this(new LinkedHashMap<>(), new LinkedHashSet<>());
  }
}
