#!/usr/bin/python3
"""Writes the corpus both word2vec implementations train on: every English text of the data
folder, lowercased, cut into words of letters, digits and apostrophes, one line of the source a
sentence, words separated by single spaces. Both sides then split on spaces, so they see exactly
the same words.

  /usr/bin/python3 prepare_corpus.py DATA_DIR OUT.txt
"""
import re
import sys

ENGLISH = ["austen-novels.txt", "bible-kjv.txt", "dostoevsky-crime-and-punishment.txt",
           "tinyshakespeare.txt", "tolstoy-anna-karenina.txt", "tolstoy-war-and-peace.txt"]
WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def main(data_dir, out_path):
    words = 0
    with open(out_path, "w", encoding="utf-8") as out:
        for name in ENGLISH:
            with open(f"{data_dir}/{name}", encoding="utf-8") as f:
                for line in f:
                    tokens = WORD.findall(line.lower())
                    if tokens:
                        out.write(" ".join(tokens) + "\n")
                        words += len(tokens)
    print(f"{words} words -> {out_path}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
