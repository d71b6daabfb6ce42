#!/usr/bin/python3
"""Writes the safetensors fixture nlpm's reader is tested against, and checks files nlpm wrote.

Debian's python3-torch has no `safetensors` package, so this writes the format itself, as the
reference describes it: an 8-byte little-endian header length, the JSON header padded with
spaces to a multiple of 8, then every tensor's bytes, little-endian, in the order of their
offsets. The expected values are the float32 bit patterns torch gives when it widens each tensor
(`.float()`), so the Java test compares bits.

  /usr/bin/python3 make_safetensors_fixtures.py OUT_DIR     # writes reference.safetensors + expected.json
  /usr/bin/python3 make_safetensors_fixtures.py --check FILE # reads a file nlpm wrote, prints its tensors
"""
import json
import struct
import sys

import torch

DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
          torch.int64: "I64"}
TORCH = {v: k for k, v in DTYPES.items()}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def write(path, tensors, metadata):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    data = b""
    for name in sorted(tensors):
        raw = tensor_bytes(tensors[name])
        header[name] = {"dtype": DTYPES[tensors[name].dtype], "shape": list(tensors[name].shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        dtype = TORCH[info["dtype"]]
        raw = bytearray(data[begin:end])
        if dtype == torch.bfloat16:
            t = torch.frombuffer(raw, dtype=torch.int16).view(torch.bfloat16) if raw else torch.empty(0, dtype=dtype)
        else:
            t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info["shape"])
    return header.get("__metadata__", {}), out


def main(out_dir):
    g = torch.Generator().manual_seed(7)
    tensors = {
        "bert.embeddings.word_embeddings.weight": torch.randn(5, 4, generator=g),
        "bert.embeddings.position_ids": torch.arange(6, dtype=torch.int64).reshape(1, 6),
        "half": torch.tensor([0.0, -0.0, 1.0 / 3, 65504.0, 2.0 ** -24, -(2.0 ** -14), float("inf"),
                              float("-inf"), 1e-5], dtype=torch.float16),
        "brain": torch.tensor([[1.0 / 3, -2.5, 3.0e38], [1e-40, -0.0, 7.0]], dtype=torch.bfloat16),
        "double": torch.tensor([0.1, -1e-50, 1e300], dtype=torch.float64),
        "scalar": torch.tensor(1.5),
        "empty": torch.zeros(0, 3),
    }
    write(f"{out_dir}/reference.safetensors", tensors, {"format": "pt", "made_by": "make_safetensors_fixtures.py"})
    expected = {}
    for name, t in tensors.items():
        if t.dtype == torch.int64:
            continue
        widened = t.to(torch.float32).reshape(-1)
        expected[name] = {"shape": list(t.shape), "bits": widened.view(torch.int32).tolist()}
    with open(f"{out_dir}/expected.json", "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")
    metadata, back = read(f"{out_dir}/reference.safetensors")
    for name, t in tensors.items():
        assert tensor_bytes(back[name]) == tensor_bytes(t) and list(back[name].shape) == list(t.shape), name


def check(path):
    metadata, tensors = read(path)
    print("metadata", metadata)
    for name in sorted(tensors):
        t = tensors[name]
        print(name, t.dtype, list(t.shape), t.reshape(-1)[:6].tolist())


if __name__ == "__main__":
    if sys.argv[1] == "--check":
        check(sys.argv[2])
    else:
        main(sys.argv[1])
