#!/usr/bin/python3
"""Exports the benchmark's BERTs to ONNX for ONNX Runtime (dev.nlpm.benchmarks.OnnxBertLatency):
for each model, MODEL-encoder.onnx (case (a): last_hidden_state, pooler_output) and
MODEL-encoder+mlm.onnx (case (b): those plus prediction_logits over every position), with the
same weights torch_bert.py times (torch.manual_seed(0), HuggingFace's initialisation). Inputs
input_ids, token_type_ids, attention_mask (int64, batch x seq, both axes dynamic); opset 17, so
LayerNorm stays one LayerNormalization node.

  /usr/bin/python3 export_onnx.py OUT_DIR [MODELS...]
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bert_model import CONFIGS, BertForPreTraining, EncoderOnly, EncoderWithMlm, inputs  # noqa: E402

OPSET = 17


def main(out_dir, names):
    os.makedirs(out_dir, exist_ok=True)
    axes = {0: "batch", 1: "seq"}
    for name in names:
        torch.manual_seed(0)
        model = BertForPreTraining(name).eval()
        example = inputs(1, 128, torch.Generator().manual_seed(1))
        for case, graph, outputs in [
                ("encoder", EncoderOnly(model), ["last_hidden_state", "pooler_output"]),
                ("encoder+mlm", EncoderWithMlm(model), ["last_hidden_state", "pooler_output", "prediction_logits"])]:
            path = os.path.join(out_dir, f"{name}-{case}.onnx")
            dynamic = {"input_ids": axes, "token_type_ids": axes, "attention_mask": axes,
                       "last_hidden_state": axes, "pooler_output": {0: "batch"}, "prediction_logits": axes}
            with torch.no_grad():
                torch.onnx.export(graph, example, path, opset_version=OPSET,
                                  input_names=["input_ids", "token_type_ids", "attention_mask"],
                                  output_names=outputs, dynamic_axes={k: v for k, v in dynamic.items()
                                                                      if k in outputs or k.endswith(("ids", "mask"))})
            check(path, graph, example)
            print(path, flush=True)


def check(path, graph, example):
    """onnx.checker where python3-onnx is installed (the export itself does not need it)."""
    try:
        import onnx
    except ImportError:
        return
    onnx.checker.check_model(onnx.load(path))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:] or list(CONFIGS))
