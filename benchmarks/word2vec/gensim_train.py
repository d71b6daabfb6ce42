#!/usr/bin/python3
"""gensim's side of side_by_side.sh: trains on the prepared corpus with the given settings, prints
one JSON line with the timing, and writes the vectors in word2vec's text format.

  /usr/bin/python3 gensim_train.py CORPUS OUT.txt sg|cbow ns|hs THREADS SEED [EPOCHS]
"""
import json
import logging
import sys
import time

from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence


def main(corpus, out, arch, output, threads, seed, epochs="5"):
    start = time.perf_counter()
    model = Word2Vec(vector_size=100, window=5, min_count=5, workers=int(threads), seed=int(seed),
                     sg=1 if arch == "sg" else 0, hs=1 if output == "hs" else 0,
                     negative=0 if output == "hs" else 5, sample=1e-3, alpha=0.025,
                     min_alpha=0.0001)
    model.build_vocab(LineSentence(corpus))
    vocab_seconds = time.perf_counter() - start
    start = time.perf_counter()
    effective, raw = model.train(LineSentence(corpus), total_examples=model.corpus_count,
                                   epochs=int(epochs))
    train_seconds = time.perf_counter() - start
    model.wv.save_word2vec_format(out)
    print(json.dumps({"implementation": "gensim", "vocabulary": len(model.wv),
                      "vocab_seconds": round(vocab_seconds, 3),
                      "train_seconds": round(train_seconds, 3), "words": raw,
                      "effective_words": effective,
                      "words_per_second": round(raw / train_seconds),
                      "effective_words_per_second": round(effective / train_seconds)}))


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main(*sys.argv[1:])
