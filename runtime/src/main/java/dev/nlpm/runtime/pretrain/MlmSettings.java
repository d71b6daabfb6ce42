package dev.nlpm.runtime.pretrain;

/**
 * How masked-language-model pretraining masks, as a model declares it: the share of tokens
 * predicted, the shares of those replaced by {@code [MASK]}, by a random token and left as they
 * are ({@link MlmMasker} checks that they sum to 1), and whether an example's masks are drawn once
 * or every epoch.
 */
public record MlmSettings(double rate, double mask, double random, double keep, Masking masking) {}
