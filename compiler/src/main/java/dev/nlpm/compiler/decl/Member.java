package dev.nlpm.compiler.decl;

import dev.nlpm.compiler.source.Origin;

/** One member of a model or section body. */
public sealed interface Member permits Assignment, Section, Removal {

  /** Where the member starts (its key or keyword). */
  Origin origin();
}
