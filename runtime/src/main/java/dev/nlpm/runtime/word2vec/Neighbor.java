package dev.nlpm.runtime.word2vec;

/** A word found by a similarity query, with its cosine similarity to the query. */
public record Neighbor(String word, double similarity) {}
