/**
 * Training vocabularies from a corpus: word counting that streams over files, and the BPE and
 * WordPiece trainers of HuggingFace tokenizers, deterministic and independent of any tokenizer.
 *
 * <pre>{@code
 * WordCounts counts = WordCounter.countFiles(files, preTokenizer, ProgressListener.NONE);
 * Vocabulary wordPiece = WordPieceTrainer.train(counts, WordPieceTrainingOptions.bert(30522));
 * wordPiece.writeVocabTxt(dir.resolve("vocab.txt"));
 *
 * TrainedBpe bpe = BpeTrainer.train(gpt2Counts.byteLevel(), BpeTrainingOptions.byteLevel(50257));
 * bpe.writeVocabJson(dir.resolve("vocab.json"));
 * bpe.writeMergesTxt(dir.resolve("merges.txt"));
 * }</pre>
 *
 * <p><b>The seam to a tokenizer</b> is the {@link dev.nlpm.runtime.text.train.PreTokenizer}: it
 * maps a line to the words the trained vocabulary will see, so it must split exactly as the
 * tokenizer that will use the vocabulary does before its subword step. For BERT, that is the
 * basic tokenizer ({@code BertBasicTokenizer::words}); for GPT-2, its pre-tokenization pattern
 * ({@code Gpt2PreTokenizer::split}), the counts then mapped to byte symbols with {@link
 * dev.nlpm.runtime.text.train.WordCounts#byteLevel}. A table of counts made any other way
 * goes in through {@link dev.nlpm.runtime.text.train.WordCounts#of}.
 */
package dev.nlpm.runtime.text.train;
