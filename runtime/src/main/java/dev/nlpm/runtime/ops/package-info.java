/**
 * The op library a model's forward and backward passes are composed of, each op's forward and
 * backward side by side with their shapes, laid out as llm.c lays out its layers: embedding
 * gathers, LayerNorm, linear layers (through the {@code ProductKernels} product seam), the
 * feed-forward activation, dropout, residual sums, cross-entropy, and multi-head attention with
 * pluggable masks and its cached decoding step.
 *
 * <p>Conventions: a tensor is an array of rows ({@code float[rows][width]}); an op works on the
 * rows {@code [from, to)} (or the items named in its documentation) so that a caller can split the
 * work over {@code Parallel}'s threads, and a row's numbers never depend on the range it was
 * computed in; every width is an {@code int} argument, so generated code can pass literals. A
 * backward that accumulates into a parameter gradient says so ({@code +=}); one that writes an
 * input gradient overwrites it unless it takes {@code accumulate}. No op allocates, except where
 * its documentation says it does.
 */
package dev.nlpm.runtime.ops;
