package dev.nlpm.runtime.testing;

import dev.nlpm.runtime.parameters.ParameterRole;
import java.util.Locale;

/**
 * The role a reference checkpoint name suggests: the rule the runtime used to guess roles by,
 * before the generated Layout carried each slot's role from the layer graph. Main code no longer
 * guesses; the rule is kept here, in one place, for two uses that have names and nothing else:
 *
 * <ul>
 *   <li>{@link TorchFixture#layout} builds the layout of a PyTorch fixture's weights file, which
 *       names its tensors but says nothing of their roles;
 *   <li>codegen-tests' {@code ParameterRolesTest} pins that, for every standard model, the
 *       graph's roles initialize and decay every tensor exactly as this rule did.
 * </ul>
 *
 * <p>A name cannot tell an embedding table from a weight (both {@code ….weight}), so both are
 * {@link ParameterRole#WEIGHT} here; they are initialized and decayed alike.
 */
public final class ReferenceNameRoles {

  private ReferenceNameRoles() {}

  /** The role of the tensor with this reference name. */
  public static ParameterRole of(String name) {
    int dot = name.lastIndexOf('.');
    String owner = dot < 0 ? "" : name.substring(0, dot);
    String leaf = dot < 0 ? name : name.substring(dot + 1);
    String module = owner.substring(owner.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    boolean norm = module.equals("layernorm") || module.startsWith("ln_") || module.equals("layer_norm")
        || module.endsWith("_layer_norm") || module.equals("norm");
    if (norm && (leaf.equals("weight") || leaf.equals("gamma"))) {
      return ParameterRole.NORM_GAIN;
    }
    if (norm && (leaf.equals("bias") || leaf.equals("beta"))) {
      return ParameterRole.NORM_BIAS;
    }
    return leaf.equals("bias") || leaf.startsWith("bias_") ? ParameterRole.BIAS : ParameterRole.WEIGHT;
  }
}
