#!/usr/bin/python3
"""Reference values for nlpm's erf and GELU: Python's math.erf / math.erfc (the C library's, in
double) and torch's gelu in both forms with their gradients by autograd, in float64.

  /usr/bin/python3 make_gelu_fixtures.py OUT.json
"""
import json
import math
import sys

import torch


def main(out):
    xs = [0.0, 1e-8, -1e-8, 1e-3, 0.1, -0.1, 0.5, -0.5, 0.7, 1.0, -1.0, 1.5, 2.0, -2.0, 2.4999, 2.5,
          -2.5, 2.6, 3.0, -3.0, 3.5, 4.0, -4.0, 5.0, 6.0, -6.0, 8.0, 10.0, -10.0, 26.0, 27.5, -30.0]
    g = torch.Generator().manual_seed(3)
    xs += (torch.randn(200, generator=g, dtype=torch.float64) * 3).tolist()
    x = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    exact = torch.nn.functional.gelu(x)
    (d_exact,) = torch.autograd.grad(exact.sum(), x)
    x2 = torch.tensor(xs, dtype=torch.float64, requires_grad=True)
    approx = torch.nn.functional.gelu(x2, approximate="tanh")
    (d_approx,) = torch.autograd.grad(approx.sum(), x2)
    rows = [{"x": v, "erf": math.erf(v), "erfc": math.erfc(v), "gelu": e, "gelu_grad": de,
             "gelu_tanh": a, "gelu_tanh_grad": da}
            for v, e, de, a, da in zip(xs, exact.tolist(), d_exact.tolist(), approx.tolist(), d_approx.tolist())]
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "rows": rows}, f, indent=0)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
