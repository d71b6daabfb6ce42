#!/usr/bin/python3
"""Writes the WordPiece reference fixture: BERT's own tokenizer on many inputs.

Rerun from the repository root (the reference source is not part of this project; pass its
path, google-research/bert's tokenization.py):

  /usr/bin/python3 runtime/src/test/python/make_wordpiece_fixtures.py \
      /tmp/ref/tokenization.py \
      ../shared/data/vocab/bert-base-uncased-vocab.txt \
      ../shared/data/vocab/bert-base-chinese-vocab.txt \
      ../shared/data/zh-analects-mencius.txt \
      runtime/src/test/resources/dev/nlpm/runtime/text/wordpiece/wordpiece-reference.json.gz

For every input the fixture holds the reference FullTokenizer's tokens and ids for:
  uncased  - bert-base-uncased vocab, do_lower_case=True
  cased    - the same vocab, do_lower_case=False (no lowercasing, no accent stripping)
  chinese  - bert-base-chinese vocab, do_lower_case=True (as that model was trained)

Two deliberate departures from running tokenization.py untouched, both to match HuggingFace's
BertTokenizer, which is what published checkpoints are used with:
  * load_vocab: the reference does token.strip(), which strips U+2028 and turns the Chinese
    vocab's tokens "\\u2028" and "##\\u2028" into "" and "##" (and shifts nothing, but makes ""
    a vocab entry). HuggingFace's load_vocab strips only the trailing newline; this script
    patches load_vocab to do the same, and the Java tokenizer reads vocab.txt that way.
  * max_input_chars_per_word: FullTokenizer leaves WordpieceTokenizer at its default of 200;
    HuggingFace's BertTokenizer (and the Java tokenizer's default) use 100. This script sets
    100. The inputs include a 150-code-point word, which tells the two apart.

Python's unicodedata here is Unicode 14.0; Java 17's Character and Normalizer are Unicode 13.0.
Random inputs holding a code point whose properties differ between the two are dropped; see
UNICODE_14_ONLY below for exactly which and why.
"""

import collections
import gzip
import importlib.util
import json
import random
import sys
import types
import unicodedata

SEED = 20240531
RANDOM_CASES = 2000

# Where Python's Unicode 14.0 and Java 17's Unicode 13.0 disagree, the reference output is not
# one Java 17 can reproduce, so random inputs holding such a code point are skipped. Found by
# comparing, for every code point, unicodedata.category() with Character.getType(), str.lower()
# with the Java tokenizer's lowercasing, unicodedata.normalize("NFD") with java.text.Normalizer,
# and the final-sigma context (cased / case-ignorable) both ways. The only differences are:
#   * the 838 code points new in Unicode 14.0 (Cn in Java 17), e.g. U+061D ARABIC END OF TEXT
#     MARK (Po: punctuation in Python, part of a word in Java), the Znamenny notation marks
#     U+1CF00.. (Mn: stripped by Python), U+2C2F GLAGOLITIC CAPITAL LETTER CAUDATE CHRIVI (cased,
#     lowercases in Python only), U+9FFD..U+9FFF and U+2A6DE..U+2A6DF, U+2B735..U+2B738 (CJK, but
#     the CJK split is by code point range and agrees; their category does not matter there);
#   * U+1734 HANUNOO SIGN PAMUDPOD, Mn in 13.0 and Mc in 14.0 (accent stripping drops it in Java
#     only).
# Lowercase mappings and canonical decompositions agree on every code point assigned in both.
# Inclusive ranges:
UNICODE_14_ONLY = [
    (0x61D, 0x61D), (0x870, 0x88E), (0x890, 0x891), (0x898, 0x89F), (0x8B5, 0x8B5), (0x8C8, 0x8D2),
    (0xC3C, 0xC3C), (0xC5D, 0xC5D), (0xCDD, 0xCDD), (0x170D, 0x170D), (0x1715, 0x1715),
    (0x171F, 0x171F), (0x1734, 0x1734), (0x180F, 0x180F), (0x1AC1, 0x1ACE), (0x1B4C, 0x1B4C),
    (0x1B7D, 0x1B7E), (0x1DFA, 0x1DFA), (0x20C0, 0x20C0), (0x2C2F, 0x2C2F), (0x2C5F, 0x2C5F),
    (0x2E53, 0x2E5D), (0x9FFD, 0x9FFF), (0xA7C0, 0xA7C1), (0xA7D0, 0xA7D1), (0xA7D3, 0xA7D3),
    (0xA7D5, 0xA7D9), (0xA7F2, 0xA7F4), (0xFBC2, 0xFBC2), (0xFD40, 0xFD4F), (0xFDCF, 0xFDCF),
    (0xFDFE, 0xFDFF), (0x10570, 0x1057A), (0x1057C, 0x1058A), (0x1058C, 0x10592),
    (0x10594, 0x10595), (0x10597, 0x105A1), (0x105A3, 0x105B1), (0x105B3, 0x105B9),
    (0x105BB, 0x105BC), (0x10780, 0x10785), (0x10787, 0x107B0), (0x107B2, 0x107BA),
    (0x10F70, 0x10F89), (0x11070, 0x11075), (0x110C2, 0x110C2), (0x116B9, 0x116B9),
    (0x11740, 0x11746), (0x11AB0, 0x11ABF), (0x12F90, 0x12FF2), (0x16A70, 0x16ABE),
    (0x16AC0, 0x16AC9), (0x1AFF0, 0x1AFF3), (0x1AFF5, 0x1AFFB), (0x1AFFD, 0x1AFFE),
    (0x1B11F, 0x1B122), (0x1CF00, 0x1CF2D), (0x1CF30, 0x1CF46), (0x1CF50, 0x1CFC3),
    (0x1D1E9, 0x1D1EA), (0x1DF00, 0x1DF1E), (0x1E290, 0x1E2AE), (0x1E7E0, 0x1E7E6),
    (0x1E7E8, 0x1E7EB), (0x1E7ED, 0x1E7EE), (0x1E7F0, 0x1E7FE), (0x1F6DD, 0x1F6DF),
    (0x1F7F0, 0x1F7F0), (0x1F979, 0x1F979), (0x1F9CC, 0x1F9CC), (0x1FA7B, 0x1FA7C),
    (0x1FAA9, 0x1FAAC), (0x1FAB7, 0x1FABA), (0x1FAC3, 0x1FAC5), (0x1FAD7, 0x1FAD9),
    (0x1FAE0, 0x1FAE7), (0x1FAF0, 0x1FAF6), (0x2A6DE, 0x2A6DF), (0x2B735, 0x2B738),
]


def load_reference(path):
  """Imports tokenization.py with stand-ins for TensorFlow (only tf.gfile.GFile is used)."""
  tf = types.ModuleType("tensorflow")
  tf.gfile = types.SimpleNamespace(
      GFile=lambda name, mode: open(name, mode, encoding="utf-8", newline="\n"))
  sys.modules["tensorflow"] = tf
  spec = importlib.util.spec_from_file_location("bert_tokenization", path)
  module = importlib.util.module_from_spec(spec)
  spec.loader.exec_module(module)

  def load_vocab_like_huggingface(vocab_file):
    vocab = collections.OrderedDict()
    with open(vocab_file, "r", encoding="utf-8", newline="\n") as reader:
      for index, line in enumerate(reader):
        vocab[line.rstrip("\n")] = index
    return vocab

  module.load_vocab = load_vocab_like_huggingface
  return module


def make_tokenizer(module, vocab_file, do_lower_case):
  tokenizer = module.FullTokenizer(vocab_file=vocab_file, do_lower_case=do_lower_case)
  tokenizer.wordpiece_tokenizer.max_input_chars_per_word = 100
  return tokenizer


def hand_written_cases(zh_lines):
  long_word = "a" * 101
  return [
      "Héllo, wörld! Don't can't I'm résumé naïve",
      "HELLO World, hello WORLD. The quick brown fox jumps over the lazy dog.",
      "unaffable unbelievable tokenization embeddings",
      "Ünïcödé Ñandú façade coöperate Æsir Øresund Straße ﬁnance",
      "ΟΔΟΣ Σίσυφος ΣΟΦΟΣ. σοφός ΑΣ'Σ Σ",
      "İstanbul İİ DİYARBAKIR",
      "Hello 你好 Привет Γειά σου مرحبا नमस्ते world",
      "日本語のテキストと한국어 텍스트",
      "Emoji 😀👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ 🇯🇵 done",
      "𠀀𠀁 ext-B 𪜀 and 𫝀 and compat 豈 更",
      "tab\there\nnewline\rreturn\x00nul\ufffdreplacement\x07bell",
      "zero\u200bwidth\u200cnon\u200djoiner\ufeffbom\u00adsoft\u2060wj",
      "line\u2028separator\u2029paragraph\u0085nel\u000bvt\u000cff\u00a0nbsp\u3000ideo",
      "",
      " ",
      " \t\n\r\u3000\u2028 ",
      long_word,
      "a" * 100,
      "b" * 150 + " short",
      "x" + "\u0301" * 120,
      "qqqqzzzz xyzzyqq ⍼⍼⍼",
      "$5.00 + 10% = #hashtag @user ^caret `tick` ~tilde_ |pipe| \\back",
      "«quotes» „low“ ‘single’ ¿qué? ¡sí! — dash – en … ellipsis",
      "e\u0301 (decomposed) vs é (precomposed) and \u1e9b\u0323 ﬃ",
      "한국어 Hangul 가각 ᄀ",
      "Ǆemal ǅ ǆ ᾈ ᾼ ΐ",
  ] + zh_lines


RANGES = [
    (0x20, 0x7E, 30),      # ASCII printable
    (0x00, 0x1F, 2),       # C0 controls
    (0x7F, 0x9F, 1),       # DEL and C1 controls
    (0xA0, 0xFF, 8),       # Latin-1
    (0x100, 0x24F, 6),     # Latin Extended
    (0x300, 0x36F, 6),     # combining marks
    (0x370, 0x3FF, 6),     # Greek
    (0x3A3, 0x3A3, 3),     # capital sigma, whose lowercase depends on its neighbours
    (0x400, 0x4FF, 4),     # Cyrillic
    (0x600, 0x6FF, 3),     # Arabic
    (0x900, 0x97F, 3),     # Devanagari
    (0x1E00, 0x1FFF, 4),   # Latin Extended Additional, Greek Extended
    (0x2000, 0x206F, 5),   # general punctuation, spaces, zero-width and format characters
    (0x2100, 0x27BF, 4),   # letterlike, arrows, math, dingbats
    (0x3000, 0x30FF, 4),   # CJK punctuation, kana
    (0x3400, 0x4DBF, 2),   # CJK Extension A
    (0x4E00, 0x9FFF, 8),   # CJK unified ideographs
    (0xAC00, 0xD7A3, 3),   # Hangul syllables
    (0xF900, 0xFAFF, 2),   # CJK compatibility ideographs
    (0xFB00, 0xFFFD, 3),   # presentation forms, fullwidth, specials
    (0x10000, 0x1FFFF, 4), # plane 1: scripts, symbols, emoji
    (0x1F300, 0x1FAFF, 5), # emoji
    (0x20000, 0x2FA1F, 3), # plane 2: CJK Extensions B-F, compatibility supplement
    (0xE0000, 0xE007F, 1), # tags
]


def random_text(rng, words):
  total = sum(weight for _, _, weight in RANGES)
  parts = []
  for _ in range(rng.randint(0, 12)):
    if rng.random() < 0.35:
      word = rng.choice(words).replace("##", "")
      parts.append(word.upper() if rng.random() < 0.3 else word)
      continue
    chars = []
    for _ in range(rng.randint(1, 8)):
      pick = rng.uniform(0, total)
      for first, last, weight in RANGES:
        pick -= weight
        if pick <= 0:
          break
      chars.append(chr(rng.randint(first, last)))
    parts.append("".join(chars))
  separators = [" ", " ", " ", "", "\t", "\n", "\u3000"]
  return "".join(p + rng.choice(separators) for p in parts)


def is_comparable(text, excluded):
  for ch in text:
    cp = ord(ch)
    if 0xD800 <= cp <= 0xDFFF:
      return False
    for first, last in excluded:
      if first <= cp <= last:
        return False
  return True


def main(argv):
  if len(argv) != 6:
    sys.exit(__doc__)
  ref, uncased_vocab, chinese_vocab, zh_corpus, out = argv[1:6]
  module = load_reference(ref)
  tokenizers = {
      "uncased": make_tokenizer(module, uncased_vocab, True),
      "cased": make_tokenizer(module, uncased_vocab, False),
      "chinese": make_tokenizer(module, chinese_vocab, True),
  }
  with open(zh_corpus, encoding="utf-8") as f:
    zh_lines = [line.rstrip("\n") for line in f][:10]

  rng = random.Random(SEED)
  words = list(tokenizers["uncased"].vocab.keys())
  inputs = hand_written_cases(zh_lines)
  skipped = 0
  kept = 0
  while kept < RANDOM_CASES:
    text = random_text(rng, words)
    if is_comparable(text, UNICODE_14_ONLY):
      inputs.append(text)
      kept += 1
    else:
      skipped += 1

  cases = []
  for text in inputs:
    case = {"text": text}
    for name, tokenizer in tokenizers.items():
      tokens = tokenizer.tokenize(text)
      case[name] = {"tokens": tokens, "ids": tokenizer.convert_tokens_to_ids(tokens)}
    cases.append(case)
  fixture = {
      "generator": "runtime/src/test/python/make_wordpiece_fixtures.py",
      "unicode_version": unicodedata.unidata_version,
      "seed": SEED,
      "max_input_chars_per_word": 100,
      "random_cases_skipped_for_unicode_14": skipped,
      "cases": cases,
  }
  data = json.dumps(fixture, ensure_ascii=False, indent=0).encode("utf-8")
  # no file name or time in the gzip header: reruns are byte-identical
  with open(out, "wb") as raw:
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
      f.write(data)
  print(f"{len(cases)} cases ({skipped} random ones skipped), {len(data)} bytes of JSON -> {out}")


if __name__ == "__main__":
  main(sys.argv)
