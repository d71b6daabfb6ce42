#!/usr/bin/python3
"""Makes bpe-reference.json.gz: inputs, and the pieces and ids GPT-2's reference encoder gives them.

The reference is OpenAI's src/encoder.py from github.com/openai/gpt-2, not part of this
repository. Rerun from the repository root with Debian's Python (python3-regex installed):

  /usr/bin/python3 runtime/src/test/python/make_bpe_fixtures.py PATH/TO/encoder.py \
      ../shared/data/vocab ../shared/data/zh-analects-mencius.txt \
      runtime/src/test/resources/dev/nlpm/runtime/text/bpe/bpe-reference.json.gz

The output is deterministic (seeded). Random inputs draw code points only from blocks whose
letter / number / whitespace classes are the same in the regex module's Unicode tables and in
Java 17's (Unicode 13): code points added later (UNICODE_14_ONLY, shared with the WordPiece
fixture script, and the Unicode 15 additions below) are filtered out, because Java 17 cannot
know their classes.
"""
import gzip
import importlib.util
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_wordpiece_fixtures import UNICODE_14_ONLY  # noqa: E402

SEED = 20261128
RANDOM_CASES = 3000

# Code points new in Unicode 15.0 inside the blocks drawn from below (regex 2.5 knows them).
UNICODE_15_ONLY = [(0x1F6DC, 0x1F6DC), (0x2B739, 0x2B739)]

POOLS = [
    (0x20, 0x7E, 40),        # ASCII, most of the text
    (0x09, 0x0D, 3),         # tab, newlines, vertical tab, form feed
    (0xA0, 0xFF, 6),         # Latin-1
    (0x100, 0x24F, 3),       # Latin Extended-A and -B
    (0x300, 0x36F, 3),       # combining marks
    (0x370, 0x3FF, 2),       # Greek
    (0x400, 0x4FF, 2),       # Cyrillic
    (0x600, 0x6FF, 2),       # Arabic
    (0x900, 0x97F, 2),       # Devanagari
    (0x2000, 0x206F, 3),     # general punctuation, odd spaces, zero-width chars
    (0x3000, 0x30FF, 3),     # CJK punctuation, kana
    (0x4E00, 0x9FFF, 6),     # CJK
    (0xAC00, 0xD7A3, 2),     # Hangul
    (0xFF00, 0xFFEF, 2),     # full-width forms
    (0x1D400, 0x1D7FF, 2),   # mathematical letters and digits (astral)
    (0x1F300, 0x1F64F, 5),   # emoji
    (0x20000, 0x2A6DF, 2),   # CJK Extension B (astral)
]

FIXED = [
    "",
    " ",
    "Hello world",
    "Hello, world! How are you?",
    "Don't you're I'll we've they'd she's it'S I'M",
    "Héllo wörld, café naïve résumé Ångström",
    "  leading and trailing spaces  ",
    "line one\nline two\n\nline four\r\n",
    "tabs\tand\t\tmore\ttabs",
    "non\u00a0breaking\u2009thin\u3000ideographic spaces",
    "numbers 12345 3.14159 1,000,000 ١٢٣ ½",
    "emoji 😀👍🏽 family 👨‍👩‍👧‍👦 flag 🇫🇷🇯🇵 keycap 1️⃣",
    "mixed: English, Русский, Ελληνικά, العربية, हिन्दी, 日本語, 한국어",
    "control\u0000chars\u0001\u001f\u007f and zero\u200bwidth\u200djoiner",
    "supercalifragilisticexpialidocious" * 3,
    "a" * 200,
    "<|endoftext|> is literal text to the reference",
    "https://example.com/path?query=1&other=two#frag",
    "    def f(x):\n        return x ** 2\n",
    "!!!???...,,,;;;:::",
    "\U0001d400\U0001d401 \U00020000\U00020001",
    "odd spaces next to symbols: \u00a0! \u2028? \u0085. x\u00a0\u00a0y \u3000\u3000!",
]


def excluded(cp):
    return any(lo <= cp <= hi for lo, hi in UNICODE_14_ONLY + UNICODE_15_ONLY)


def random_text(rng):
    weights = [w for _, _, w in POOLS]
    out = []
    for _ in range(rng.randint(0, 40)):
        lo, hi, _ = rng.choices(POOLS, weights)[0]
        cp = rng.randint(lo, hi)
        if not excluded(cp):
            out.append(chr(cp))
    return "".join(out)


def main(encoder_py, vocab_dir, chinese_txt, out_path):
    spec = importlib.util.spec_from_file_location("gpt2_encoder", encoder_py)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with open(os.path.join(vocab_dir, "gpt2-vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    with open(os.path.join(vocab_dir, "gpt2-merges.txt"), encoding="utf-8") as f:
        merges = [tuple(line.split()) for line in f.read().split("\n")[1:-1]]
    encoder = module.Encoder(encoder=vocab, bpe_merges=merges)

    with open(chinese_txt, encoding="utf-8") as f:
        chinese = [next(f).rstrip("\n") for _ in range(6)]
    rng = random.Random(SEED)
    inputs = FIXED + chinese + [random_text(rng) for _ in range(RANDOM_CASES)]
    cases = []
    for text in inputs:
        ids = encoder.encode(text)
        assert encoder.decode(ids) == text
        pieces = module.re.findall(encoder.pat, text)
        cases.append({"text": text, "pieces": pieces, "ids": ids})
    # No file name and no time in the gzip header, so a rerun gives the same bytes.
    with open(out_path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
        f.write(json.dumps({"reference": "openai/gpt-2 src/encoder.py", "cases": cases},
                           ensure_ascii=False, indent=0).encode("utf-8"))
    print(f"{len(cases)} cases -> {out_path}")


if __name__ == "__main__":
    main(*sys.argv[1:])
