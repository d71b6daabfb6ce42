/**
 * The plain reference path: each layer kind's forward and backward in double precision over
 * row-major arrays, written for clarity, not speed. It is the oracle the generated float kernels
 * are compared against and what gradient checks run on; shapes are in the comments, {@code N}
 * rows (batch × sequence) of {@code C} features.
 */
package dev.nlpm.runtime.reference;
