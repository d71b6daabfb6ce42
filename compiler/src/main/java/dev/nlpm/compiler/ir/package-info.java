/**
 * The typed IR: immutable records under sealed interfaces, one {@link
 * dev.nlpm.compiler.ir.ModelSpec} a model, with every default filled in and inheritance
 * resolved. Every node carries the {@link dev.nlpm.compiler.source.Origin} of the declaration
 * that set it (for a default: the enclosing section or model), so validation can point at it.
 * Both front ends produce the same records for the same model.
 */
package dev.nlpm.compiler.ir;
