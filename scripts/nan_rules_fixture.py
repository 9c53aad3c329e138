"""Writes Tests/Fixtures/nan/pytorch_nan_rules.json: what PyTorch does with NaN in max pooling and in
ReLU's backward, the two places where blitz-tui's kernels follow PyTorch's NaN rules.

- max_pool2d keeps a window's maximum by `val > maxval || isnan(val)` in scan order: the first of
  equal maxima, and the LAST NaN of a window.
- relu's backward is threshold_backward(grad, result, 0): zero where the output is <= 0, so where
  the input (and so the output) is NaN the gradient passes.

JSON has no NaN or infinity: they are written as strings ("nan", "inf", "-inf"). Run with a Python that has torch:
    python scripts/nan_rules_fixture.py
"""
import json
import math
import os

import torch
import torch.nn.functional as F


def plain(values):
    """JSON has no NaN or infinity: those are written as the strings "nan", "inf" and "-inf"."""
    return [v if math.isfinite(v) else str(v) for v in values]


def pool_case(name, x, kernel, stride, padding):
    values, indices = F.max_pool2d(x, kernel, stride, padding, return_indices=True)
    x = x.clone().requires_grad_(True)
    out = F.max_pool2d(x, kernel, stride, padding)
    grad = torch.arange(1, out.numel() + 1, dtype=torch.float32).reshape(out.shape)
    out.backward(grad)
    return {"name": name, "shape": list(x.shape), "kernel": list(kernel), "stride": list(stride),
            "padding": list(padding), "input": plain(x.detach().flatten().tolist()),
            "values": plain(values.flatten().tolist()), "indices": indices.flatten().tolist(),
            "grad_output": grad.flatten().tolist(), "grad_input": plain(x.grad.flatten().tolist())}


def main():
    nan, inf = float("nan"), float("inf")
    g = torch.Generator().manual_seed(17)
    # 2×2 windows, 18 to a row (the vector kernels' 8 + 8 + a remainder of 2), two NaNs in some windows.
    x = torch.randint(-3, 4, (1, 2, 4, 36), generator=g).float()
    flat = x.view(-1)
    for i in [0, 1, 37, 40, 41, 76, 77, 150, 187, 186, 220, 221, 256, 257, 287]:
        flat[i] = nan
    for i in [5, 100, 255]:
        flat[i] = -inf
    for i in [6, 222]:
        flat[i] = inf
    cases = [pool_case("2x2_stride2", x, (2, 2), (2, 2), (0, 0))]
    # Overlapping, padded 3×3 windows: the general path.
    y = torch.randint(-3, 4, (1, 1, 5, 7), generator=g).float()
    yf = y.view(-1)
    for i in [0, 2, 8, 9, 16, 30, 34]:
        yf[i] = nan
    cases.append(pool_case("3x3_stride1_pad1", y, (3, 3), (1, 1), (1, 1)))

    r = torch.tensor([nan, -1.0, 0.0, 2.0, -0.0, nan, 3.0, -inf], requires_grad=True)
    out = F.relu(r)
    grad = torch.arange(1, 9, dtype=torch.float32)
    out.backward(grad)
    relu = {"input": plain(r.detach().tolist()), "output": plain(out.detach().tolist()),
            "grad_output": grad.tolist(), "grad_input": plain(r.grad.tolist())}

    fixture = {"torch": torch.__version__, "max_pool2d": cases, "relu": relu}
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "Tests", "Fixtures", "nan", "pytorch_nan_rules.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(fixture, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
