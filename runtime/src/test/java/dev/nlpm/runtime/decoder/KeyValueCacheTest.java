package dev.nlpm.runtime.decoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.runtime.decoding.BeamSearch;
import dev.nlpm.runtime.decoding.DecodingOptions;
import dev.nlpm.runtime.decoding.Greedy;
import dev.nlpm.runtime.decoding.LanguageModelStep;
import dev.nlpm.runtime.decoding.Sampling;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.kernels.ProductKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Incremental decoding with cached keys and values against full recomputation, and the decoding schemes on a real model. */
class KeyValueCacheTest {

  static final Parallel PARALLEL = new Parallel(1);
  static final Decoder DECODER = new Decoder(DecoderTest.CONFIG, ProductKernels.plain(), DecoderTest.random(DecoderTest.CONFIG, 9), PARALLEL);

  @AfterAll
  static void close() {
    PARALLEL.close();
  }

  @Test
  void cachedLogitsEqualFullRecomputationAtEveryPosition() {
    int[] ids = {3, 17, 5, 28, 0, 9, 11, 4, 4, 20};
    Decoder.Workspace ws = DECODER.workspace(1, ids.length);
    DECODER.forward(ids, 1, ids.length, ws);
    KeyValueCache cache = DECODER.cache(ids.length);
    for (int t = 0; t < ids.length; t++) {
      cache.advance(ids[t]);
      for (int v = 0; v < DecoderTest.CONFIG.vocab(); v++) {
        DecoderTest.assertClose("logits at " + t + " for " + v, ws.logits(t)[v], cache.logits()[v]);
      }
    }
  }

  @Test
  void aCacheOfAnotherDecodersDecodingIsRefusedBeforeAnythingChanges() {
    Decoder other = new Decoder(DecoderTest.CONFIG, ProductKernels.plain(), DecoderTest.random(DecoderTest.CONFIG, 10), PARALLEL);
    KeyValueCache theirs = other.cache(4);
    KeyValueCache mine = DECODER.cache(4);
    assertThrows(IllegalArgumentException.class, () -> DECODER.advance(new KeyValueCache[] {mine, theirs}, new int[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> DECODER.extend(theirs, new int[] {1}));
    assertEquals(0, mine.length());
    assertEquals(0, theirs.length());
  }

  @Test
  void sequencesOfDifferentLengthsAdvanceTogetherAsTheyWouldAlone() {
    KeyValueCache shortOne = DECODER.cache(8);
    KeyValueCache longOne = DECODER.cache(8);
    KeyValueCache aloneShort = DECODER.cache(8);
    KeyValueCache aloneLong = DECODER.cache(8);
    for (int token : new int[] {1, 2, 3, 4}) {
      longOne.advance(token);
      aloneLong.advance(token);
    }
    shortOne.advance(7);
    aloneShort.advance(7);
    DECODER.advance(new KeyValueCache[] {shortOne, longOne}, new int[] {8, 9});
    aloneShort.advance(8);
    aloneLong.advance(9);
    assertArrayEquals(aloneShort.logits(), shortOne.logits());
    assertArrayEquals(aloneLong.logits(), longOne.logits());
    assertEquals(2, shortOne.length());
    assertEquals(5, longOne.length());
  }

  @Test
  void aFullCacheRefusesTheNextTokenWithAMessage() {
    KeyValueCache cache = DECODER.cache(3);
    cache.advance(1).advance(2).advance(3);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> cache.advance(4));
    assertTrue(e.getMessage().contains("already holds 3 tokens"), e.getMessage());
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> DECODER.step(4).start(new int[] {1, 2, 3, 4, 5}));
    assertTrue(tooLong.getMessage().contains("does not fit"), tooLong.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DECODER.cache(DecoderTest.CONFIG.maxPositions() + 1));
  }

  @Test
  void beamWidthOneAndTopKOneEqualGreedyAndASeedFixesASample() {
    LanguageModelStep step = DECODER.step(12);
    int[] prompt = {3, 17, 5};
    DecodingOptions options = DecodingOptions.of(8);
    int[] greedy = Greedy.decode(step, prompt, options);
    assertEquals(prompt.length + 8, greedy.length);
    assertArrayEquals(greedy, new BeamSearch(1, 1.0, false, 1).decode(step, prompt, options).get(0).tokens());
    assertArrayEquals(greedy, new Sampling(1.0, 1, 1.0).decode(step, prompt, options, new SplittableRandom(5)));
    Sampling sampling = new Sampling(1.5, 0, 1.0);
    int[] first = sampling.decode(step, prompt, options, new SplittableRandom(42));
    assertArrayEquals(first, sampling.decode(step, prompt, options, new SplittableRandom(42)));
  }

  @Test
  void tokensFedInOnePassGiveTheSameBitsAsOneAtATime() {
    int[] ids = {3, 17, 5, 28, 0, 9, 11, 4, 4, 20};
    KeyValueCache oneByOne = DECODER.cache(ids.length);
    float[][] expected = new float[ids.length][];
    for (int t = 0; t < ids.length; t++) {
      expected[t] = oneByOne.advance(ids[t]).logits().clone();
    }
    KeyValueCache chunked = DECODER.cache(ids.length);
    FedTokens first = DECODER.extend(chunked, java.util.Arrays.copyOfRange(ids, 0, 4));
    FedTokens single = DECODER.extend(chunked, new int[] {ids[4]});
    FedTokens rest = DECODER.extend(chunked, java.util.Arrays.copyOfRange(ids, 5, ids.length));
    assertEquals(ids.length, chunked.length());
    assertEquals(5, rest.firstPosition());
    for (int t = 0; t < ids.length; t++) {
      FedTokens pass = t < 4 ? first : t == 4 ? single : rest;
      assertArrayEquals(expected[t], pass.logits()[t - pass.firstPosition()], "logits at position " + t);
    }
    assertArrayEquals(expected[ids.length - 1], chunked.logits());
    // and they are the full recomputation's (to float rounding), with the final LayerNorm's output beside them
    Decoder.Workspace ws = DECODER.workspace(1, ids.length);
    DECODER.forward(ids, 1, ids.length, ws);
    for (int t = 5; t < ids.length; t++) {
      for (int j = 0; j < DecoderTest.CONFIG.hidden(); j++) {
        DecoderTest.assertClose("hidden at " + t + ", " + j, ws.hidden(t)[j], rest.hidden()[t - 5][j]);
      }
    }
  }

  @Test
  void aRolledBackCacheContinuesAsIfTheRejectedTokensWereNeverFed() {
    KeyValueCache cache = DECODER.cache(10);
    DECODER.extend(cache, new int[] {3, 17, 5, 28, 0, 9});
    cache.rollBack(4);
    assertEquals(4, cache.length());
    KeyValueCache plain = DECODER.cache(10);
    for (int token : new int[] {3, 17, 5, 28}) {
      plain.advance(token);
    }
    assertArrayEquals(plain.logits(), cache.logits(), "the logits after the last kept token");
    DECODER.extend(cache, new int[] {7, 8, 1});
    plain.advance(7).advance(8).advance(1);
    assertArrayEquals(plain.logits(), cache.logits(), "new tokens overwrite the rolled-back positions");
    // rolling back to a position the last pass did not feed leaves no logits to give
    cache.rollBack(2);
    IllegalStateException gone = assertThrows(IllegalStateException.class, cache::logits);
    assertTrue(gone.getMessage().contains("rolled back to 2 tokens"), gone.getMessage());
    cache.advance(5);
    plain = DECODER.cache(10);
    for (int token : new int[] {3, 17, 5}) {
      plain.advance(token);
    }
    assertArrayEquals(plain.logits(), cache.logits());
    assertThrows(IllegalArgumentException.class, () -> cache.rollBack(4));
    IllegalStateException full = assertThrows(IllegalStateException.class, () -> DECODER.extend(cache, new int[8]));
    assertTrue(full.getMessage().contains("8 more tokens do not fit"), full.getMessage());
    assertEquals(3, cache.length());
  }
}
