/**
 * The declaration IR: what a front end ({@code .nlpm} or an annotated interface) says about a
 * model, before inheritance is resolved and before the settings are typed. A model is a list of
 * members: assignments ({@code hidden = 768;}), sections ({@code objective mlm { rate = 0.15; }})
 * and removals ({@code remove objective nsp;}). The compiler resolves {@code extends}, binds
 * the members into the typed {@link dev.nlpm.compiler.ir.ModelSpec} and reports what does not
 * fit. Every node carries its {@link dev.nlpm.compiler.source.Origin}.
 */
package dev.nlpm.compiler.decl;
