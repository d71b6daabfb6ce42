package dev.nlpm.compiler.plan;

/**
 * A named dimension of the model, which the generated Layout declares as a constant.
 *
 * @param name the constant's name, e.g. {@code HIDDEN}
 * @param value its value (the declared maximum, for a run-time vocabulary)
 * @param description what it is, for the constant's Javadoc
 */
public record Dimension(String name, int value, String description) {}
