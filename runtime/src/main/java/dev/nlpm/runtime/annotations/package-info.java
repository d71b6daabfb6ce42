/**
 * The annotations that declare a model in Java, as the {@code .nlpm} language does in a file.
 *
 * <pre>{@code
 * @Model(family = "encoder")
 * public interface BertTiny {
 *   int VOCAB = 30522;          // vocab = 30522;
 *   int HIDDEN = 128;           // constants are options: the name, lower-cased, is the key
 *   int LAYERS = 2;
 *   int HEADS = 2;
 *
 *   @Section(kind = "objective", variant = "mlm")
 *   interface Mlm {             // objective mlm { masking = dynamic; }
 *     String MASKING = "dynamic";
 *   }
 *
 *   @Section(kind = "objective", variant = "nsp")
 *   interface Nsp {}            // objective nsp;
 * }
 * }</pre>
 *
 * <p>Options are the interface's constants ({@code int}, {@code long}, {@code double}, {@code
 * boolean}, {@code String}); a word such as {@code gelu} is given as a string. Sections are nested
 * interfaces marked {@link dev.nlpm.runtime.annotations.Section}, in any depth. Lists and ranges,
 * which Java constants cannot hold, are {@link dev.nlpm.runtime.annotations.Option}s; {@code
 * remove kind variant;} is {@link dev.nlpm.runtime.annotations.Remove}. {@code .nlpm} files can be
 * compiled by the same processor with {@link dev.nlpm.runtime.annotations.NlpmFiles}.
 */
package dev.nlpm.runtime.annotations;
