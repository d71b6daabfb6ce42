package dev.nlpm.runtime.checkpoint;

import dev.nlpm.runtime.parameters.ParameterLayout;
import dev.nlpm.runtime.parameters.TensorSlot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's flat parameter buffer as a safetensors file under the reference names its {@link
 * ParameterLayout} gives.
 *
 * <p>Saving writes every tensor with storage (tied ones are the tensor they are tied to, and are
 * left out as the reference leaves them out), the backbone's names with the pretraining
 * checkpoint's prefix ({@code bert.}). Loading accepts the backbone under either form — the
 * pretraining model's ({@code bert.embeddings.word_embeddings.weight}) or the bare model's
 * ({@code embeddings.word_embeddings.weight}) — and widens F16, BF16 and F64 tensors to float.
 */
public final class ParameterCheckpoint {

  /** What a load did besides filling the buffer. */
  public record LoadReport(List<String> loaded, List<String> headsLeftAsTheyWere, List<String> unused) {
    public LoadReport {
      loaded = List.copyOf(loaded);
      headsLeftAsTheyWere = List.copyOf(headsLeftAsTheyWere);
      unused = List.copyOf(unused);
    }
  }

  private ParameterCheckpoint() {}

  /**
   * Writes {@code parameters} to {@code file} atomically.
   *
   * @param backbonePrefix prepended to the backbone's names ({@code bert.}), or empty
   */
  public static void save(
      ParameterLayout layout, float[] parameters, String backbonePrefix, Map<String, String> metadata, Path file)
      throws IOException {
    if (parameters.length != layout.size()) {
      throw new IllegalArgumentException("a buffer of " + parameters.length + " floats for a layout of " + layout.size());
    }
    SafetensorsWriter writer = new SafetensorsWriter();
    for (TensorSlot slot : layout.slots()) {
      if (slot.tiedTo().isEmpty()) {
        writer.add(storedName(slot, backbonePrefix), parameters, slot.offset(), shape(slot));
      }
    }
    metadata.forEach(writer::metadata);
    writer.write(file);
  }

  /**
   * Fills {@code parameters} from a checkpoint.
   *
   * @param backbonePrefix the prefix the backbone's names may carry ({@code bert.}), or empty
   * @param requireHeads whether a head missing from the file is an error; if not, its tensors
   *     keep what the buffer held (a bare model's file has no heads)
   * @throws CheckpointMismatchException listing every tensor that is missing or differs in
   *     shape or type; the buffer is then unchanged
   */
  public static LoadReport load(
      SafetensorsFile file, ParameterLayout layout, float[] parameters, String backbonePrefix, boolean requireHeads)
      throws IOException {
    if (parameters.length != layout.size()) {
      throw new IllegalArgumentException("a buffer of " + parameters.length + " floats for a layout of " + layout.size());
    }
    List<String> problems = new ArrayList<>();
    List<String> headsMissing = new ArrayList<>();
    List<TensorSlot> toLoad = new ArrayList<>();
    List<String> fileNames = new ArrayList<>();
    Set<String> used = new LinkedHashSet<>();
    for (TensorSlot slot : layout.slots()) {
      List<String> candidates = candidates(slot, backbonePrefix);
      String found = candidates.stream().filter(n -> file.tensor(n).isPresent()).findFirst().orElse(null);
      if (found == null) {
        if (slot.tiedTo().isPresent()) {
          continue; // the reference leaves tied tensors out of its files
        }
        if (slot.group().equals(ParameterLayout.BACKBONE) || requireHeads) {
          problems.add(String.join(" or ", candidates) + ": missing, " + slot.group() + " tensor of shape " + slot.shape());
        } else {
          headsMissing.add(slot.name());
        }
        continue;
      }
      used.add(found);
      TensorInfo info = file.tensor(found).orElseThrow();
      if (!info.dtype().readableAsFloat()) {
        problems.add(found + ": " + info.dtype() + ", not a floating-point type");
        continue;
      }
      if (!sameShape(info.shape(), slot.shape())) {
        problems.add(found + ": shape " + info.shapeText() + " in the file, " + slot.shape() + " in the model");
        continue;
      }
      if (slot.tiedTo().isEmpty()) {
        toLoad.add(slot);
        fileNames.add(found);
      }
    }
    if (!problems.isEmpty()) {
      throw new CheckpointMismatchException(file.file(), problems);
    }
    for (int i = 0; i < toLoad.size(); i++) {
      file.readInto(fileNames.get(i), parameters, toLoad.get(i).offset());
    }
    List<String> unused = new ArrayList<>();
    for (String name : file.tensors().keySet()) {
      if (!used.contains(name)) {
        unused.add(name);
      }
    }
    return new LoadReport(fileNames, headsMissing, unused);
  }

  private static String storedName(TensorSlot slot, String backbonePrefix) {
    return slot.group().equals(ParameterLayout.BACKBONE) ? backbonePrefix + slot.name() : slot.name();
  }

  private static List<String> candidates(TensorSlot slot, String backbonePrefix) {
    if (slot.group().equals(ParameterLayout.BACKBONE) && !backbonePrefix.isEmpty()) {
      return List.of(backbonePrefix + slot.name(), slot.name());
    }
    return List.of(slot.name());
  }

  private static long[] shape(TensorSlot slot) {
    return slot.shape().stream().mapToLong(Integer::longValue).toArray();
  }

  private static boolean sameShape(long[] file, List<Integer> model) {
    if (file.length != model.size()) {
      return false;
    }
    for (int i = 0; i < file.length; i++) {
      if (file[i] != model.get(i)) {
        return false;
      }
    }
    return true;
  }
}
