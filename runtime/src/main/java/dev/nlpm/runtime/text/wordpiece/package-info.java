/**
 * BERT's WordPiece tokenizer, token for token the reference {@code tokenization.py} of
 * google-research/bert and HuggingFace's {@code BertTokenizer}, with offsets into the original
 * text, pair inputs for models, and {@code vocab.txt} / {@code tokenizer.json} files.
 *
 * <pre>{@code
 * WordPieceTokenizer bert = WordPieceTokenizer.fromVocabTxt(Path.of("vocab.txt"), WordPieceOptions.uncased());
 * Encoding e = bert.encode("Héllo, wörld!");           // hello , world !  with offsets 0:5 5:6 7:12 12:13
 * PairEncoding input = bert.encodePair("A question?", "An answer.", 128);
 * String text = bert.decode(e.ids());                   // "hello, world!"
 * }</pre>
 */
package dev.nlpm.runtime.text.wordpiece;
