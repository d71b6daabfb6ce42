package dev.nlpm.compiler.graph;

import dev.nlpm.compiler.ir.CheckpointNames;
import dev.nlpm.compiler.ir.Decoding;
import dev.nlpm.compiler.ir.FineTuningHead;
import dev.nlpm.compiler.ir.Sharing;
import java.util.ArrayList;
import java.util.List;

/** The heads that are not objectives: fine-tuning classifiers and blockwise decoding's proposals. */
final class TaskHeads {

  private TaskHeads() {}

  /**
   * Fine-tuning heads as HuggingFace's {@code ...ForSequenceClassification} and {@code
   * ...ForTokenClassification} name them: {@code classifier} (RoBERTa's sequence head is {@code
   * classifier.dense} then {@code classifier.out_proj}; DistilBERT's has {@code pre_classifier}
   * before it). With both kinds declared, the heads are {@code sequence_classifier} and {@code
   * token_classifier}.
   */
  static List<Op.TaskHead> fineTuning(GraphBuilder graph, int hidden) {
    List<FineTuningHead> heads = graph.model().heads();
    CheckpointNames names = graph.model().names();
    List<Op.TaskHead> ops = new ArrayList<>();
    for (FineTuningHead head : heads) {
      String name = heads.size() == 1 ? "classifier" : head.keyword().replace("_classification", "_classifier");
      Slots slots = new Slots(head.keyword() + "_head");
      List<Op> body = new ArrayList<>();
      boolean sequence = head instanceof FineTuningHead.SequenceClassification;
      if (sequence && names == CheckpointNames.ROBERTA) {
        body.add(slots.linear("dense", name + ".dense", hidden, hidden));
        body.add(new Op.Activate(dev.nlpm.compiler.ir.Activation.TANH, hidden));
        body.add(slots.linear("out", name + ".out_proj", hidden, head.labels()));
      } else if (sequence && names == CheckpointNames.DISTILBERT) {
        body.add(slots.linear("pre-classifier", "pre_" + name, hidden, hidden));
        body.add(new Op.Activate(dev.nlpm.compiler.ir.Activation.RELU, hidden));
        body.add(slots.linear("classifier", name, hidden, head.labels()));
      } else {
        body.add(slots.linear("classifier", name, hidden, head.labels()));
      }
      graph.store(slots);
      ops.add(new Op.TaskHead(head.keyword(), head.labels(), body));
    }
    return ops;
  }

  /** Blockwise parallel decoding's proposal heads, one dense layer each over the last state. */
  static List<Op> blockwise(GraphBuilder graph, int hidden) {
    List<Op> ops = new ArrayList<>();
    for (Decoding decoding : graph.model().decodings()) {
      if (decoding instanceof Decoding.Blockwise blockwise) {
        graph.dimension("BLOCKWISE_K", blockwise.k(), "proposal heads of blockwise parallel decoding");
        Slots template = new Slots("blockwise_heads");
        Op.Linear dense = template.linear("proposal", "blockwise_heads.{}.dense", hidden, hidden);
        graph.storeRepeated("BLOCKWISE_HEAD", 0, blockwise.k(), template.list());
        if (blockwise.k() > 0) {
          ops.add(new Op.Repeat("blockwise head", 0, blockwise.k(), Sharing.NONE, List.of(dense)));
        }
      }
    }
    return ops;
  }
}
