package dev.nlpm.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlpm.compiler.ir.Architecture;
import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.ModelSpec;
import dev.nlpm.compiler.plan.Planner;
import dev.nlpm.compiler.plan.Specs;
import dev.nlpm.runtime.decoder.DecoderPasses;
import dev.nlpm.runtime.decoder.ProposalHeads;
import dev.nlpm.runtime.decoding.Blockwise;
import dev.nlpm.runtime.decoding.DecodingOptions;
import dev.nlpm.runtime.decoding.Greedy;
import dev.nlpm.runtime.kernels.Parallel;
import dev.nlpm.runtime.model.BlockwiseDecoderFacade;
import dev.nlpm.runtime.model.DecoderFacade;
import dev.nlpm.runtime.parameters.ParameterRows;
import dev.nlpm.runtime.training.EncoderTrainer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated decoder facade with a {@code decoding blockwise} section: its heads' constants and methods, compiled and run. */
class DecoderModelWriterTest {

  static ModelSpec gpt(String name, boolean blockwise) {
    ModelSpec plain = Specs.gpt(name, 50, 32, 2, 2, 16, true);
    return Specs.model(name, plain.architecture(), CheckpointNames.GPT2, plain.objectives(),
        blockwise ? List.of(Specs.greedy(), Specs.blockwise(3)) : List.of(Specs.greedy()), List.of());
  }

  @Test
  void aBlockwiseDecoderGetsItsHeadsBuiltTrainedAndDecoding() throws Exception {
    ModelSpec withHeads = gpt("Drafting", true);
    ModelSpec without = gpt("Plain", false);
    assertTrue(Runnability.of(withHeads).facade(), "a blockwise section keeps the decoder runnable");
    assertTrue(withHeads.architecture() instanceof Architecture.Decoder);
    List<GeneratedFile> files = LayoutWriterTest.generate(List.of(Planner.plan(withHeads), Planner.plan(without)));
    ClassLoader loader = InMemoryJavac.compile(files).loader();
    Class<?> model = loader.loadClass("org.example.models.DraftingModel");
    assertEquals(3, model.getField("BLOCKWISE_K").getInt(null));
    assertEquals("Drafting-blockwise-heads", model.getField("HEADS_NAME").get(null));
    ParameterRows base = (ParameterRows) model.getMethod("initialize", long.class).invoke(null, 1L);
    ParameterRows heads = (ParameterRows) model.getMethod("initializeHeads", long.class).invoke(null, 2L);
    assertEquals(6, heads.layout().slots().size());
    assertEquals(ProposalHeads.weight(0), heads.layout().slots().get(0).name());
    try (Parallel parallel = new Parallel(1)) {
      DecoderPasses<?> decoder = (DecoderPasses<?>) model.getMethod("decoder", ParameterRows.class, Parallel.class).invoke(null, base, parallel);
      ProposalHeads proposal = (ProposalHeads) model.getMethod("proposalHeads", DecoderPasses.class, ParameterRows.class)
          .invoke(null, decoder, heads);
      assertEquals(3, proposal.count());
      EncoderTrainer.Options options = new EncoderTrainer.Options(1e-3, 0, 2, 1, 1.0, 0.0, 1, 0);
      EncoderTrainer trainer = (EncoderTrainer) model.getMethod("headsTrainer", ParameterRows.class, EncoderTrainer.Options.class)
          .invoke(null, heads, options);
      float[] baseBefore = base.toFlat();
      float[] headsBefore = heads.toFlat();
      ProposalHeads.Workspace ws = proposal.workspace(2, 8);
      int[] ids = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
      trainer.train((k, gradients, seed) -> new EncoderTrainer.PassResult(proposal.train(ids, 2, 8, ws, gradients), ids.length, 0, 0), null, null);
      assertArrayEquals(baseBefore, base.toFlat(), "the base stays frozen");
      assertTrue(!java.util.Arrays.equals(headsBefore, heads.toFlat()), "the heads moved");
      int[] prompt = {4, 9};
      DecodingOptions decoding = DecodingOptions.of(10);
      assertArrayEquals(Greedy.decode(decoder.step(16), prompt, decoding), Blockwise.decode(proposal.step(16), prompt, decoding).tokens());
    }
    BlockwiseDecoderFacade drafting = model.asSubclass(BlockwiseDecoderFacade.class).getConstructor().newInstance();
    assertEquals(3, drafting.blockwiseK());
    assertEquals("Drafting-blockwise-heads", drafting.headsName());
    assertArrayEquals(((ParameterRows) model.getMethod("initializeHeads", long.class).invoke(null, 2L)).toFlat(), drafting.newHeads(2).toFlat());
    assertArrayEquals(((ParameterRows) model.getMethod("initialize", long.class).invoke(null, 1L)).toFlat(),
        drafting.newParameters(1).toFlat());
    assertEquals("transformer.", drafting.checkpointPrefix());
    Class<?> plain = loader.loadClass("org.example.models.PlainModel");
    assertThrows(NoSuchFieldException.class, () -> plain.getField("BLOCKWISE_K"));
    assertThrows(NoSuchMethodException.class, () -> plain.getMethod("initializeHeads", long.class));
    assertTrue(DecoderFacade.class.isAssignableFrom(plain));
    assertFalse(BlockwiseDecoderFacade.class.isAssignableFrom(plain), "without the section, the facade has no heads to offer");
  }
}
