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
   * ...ForTokenClassification} compute and name them, each classifier after a dropout at the hidden
   * rate: a token head over every state, {@code classifier}; a sequence head over the pooled output
   * (BERT's, ALBERT's), {@code classifier}; RoBERTa's over the first token's state (its pooler
   * unused), {@code RobertaClassificationHead}'s {@code classifier.dense}, tanh, then {@code
   * classifier.out_proj}, a dropout before each; DistilBERT's over the first token's state, {@code
   * pre_classifier}, ReLU, then {@code classifier} (its {@code seq_classif_dropout} is the hidden
   * rate here). With both kinds declared, the heads are {@code sequence_classifier} and {@code
   * token_classifier}.
   */
  static List<Op.TaskHead> fineTuning(GraphBuilder graph, int hidden, double dropout) {
    List<FineTuningHead> heads = graph.model().heads();
    CheckpointNames names = graph.model().names();
    List<Op.TaskHead> ops = new ArrayList<>();
    for (FineTuningHead head : heads) {
      String name = heads.size() == 1 ? "classifier" : head.keyword().replace("_classification", "_classifier");
      Slots slots = new Slots(head.keyword() + "_head");
      List<Op> body = new ArrayList<>();
      boolean sequence = head instanceof FineTuningHead.SequenceClassification;
      Op.TaskHead.Input input = !sequence ? Op.TaskHead.Input.EVERY_TOKEN : Op.TaskHead.Input.POOLED;
      if (sequence && names == CheckpointNames.ROBERTA) {
        input = Op.TaskHead.Input.FIRST_TOKEN;
        body.add(new Op.Dropout(name + " input", dropout));
        body.add(slots.linear("dense", name + ".dense", hidden, hidden));
        body.add(new Op.Activate(dev.nlpm.compiler.ir.Activation.TANH, hidden));
        body.add(new Op.Dropout(name + " dense", dropout));
        body.add(slots.linear("out", name + ".out_proj", hidden, head.labels()));
      } else if (sequence && names == CheckpointNames.DISTILBERT) {
        input = Op.TaskHead.Input.FIRST_TOKEN;
        body.add(slots.linear("pre-classifier", "pre_" + name, hidden, hidden));
        body.add(new Op.Activate(dev.nlpm.compiler.ir.Activation.RELU, hidden));
        body.add(new Op.Dropout(name + " input", dropout));
        body.add(slots.linear("classifier", name, hidden, head.labels()));
      } else {
        body.add(new Op.Dropout(name + " input", dropout));
        body.add(slots.linear("classifier", name, hidden, head.labels()));
      }
      graph.store(slots);
      ops.add(new Op.TaskHead(head.keyword(), head.labels(), input, body));
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
