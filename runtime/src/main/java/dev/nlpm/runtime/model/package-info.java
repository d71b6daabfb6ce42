/**
 * The interfaces a generated {@code <Model>Model} facade implements, one per kind of model: code
 * that loads a facade by name at run time (the {@code nlpm} command line compiles a declaration in
 * process) creates it once with its public no-argument constructor and then calls it with types.
 *
 * <pre>{@code
 * EncoderFacade model = loader.loadClass("demo.TinyBertModel").asSubclass(EncoderFacade.class)
 *     .getConstructor().newInstance();
 * ParameterRows parameters = model.newParameters(42);
 * }</pre>
 *
 * <p>Code compiled against the generated class calls its static methods instead ({@code
 * TinyBertModel.initialize(42)}); each instance method here has a static twin there under another
 * name, which it calls, because a class cannot have a static and an instance method of the same
 * signature.
 */
package dev.nlpm.runtime.model;
