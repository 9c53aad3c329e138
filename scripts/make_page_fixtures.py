#!/usr/bin/env python3
"""Fixtures for the Model and Optimizer pages, made with real PyTorch.

    /work/venv-torch/bin/python scripts/make_page_fixtures.py     # (re)writes the fixture

Writes Tests/Fixtures/pages/pytorch_pages.json:
  models      print(net), named_parameters() (name, shape, numel, dtype, device, requires_grad) and
              the parameter count of the blitz Net with 1 and 3 input channels and of the MLP
              (flatten, Linear 1024→128→64→10 with ReLU between) that `--model mlp` builds on the digits
  optimizers  three step() calls of SGD(momentum), SGD(momentum, dampening, weight_decay, nesterov),
              Adam and AdamW on one float32 parameter of shape [2, 3] with given gradients: the
              parameter before and after each step and the optimizer's state after it
The Optimizer page's tests feed the same values and gradients to blitz-tui's optimizers and
compare the page's record (and the arithmetic it writes out) with these numbers.
Run it only by hand: tests and the Makefile never call PyTorch.
"""
import json
import os
import sys

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "pages", "pytorch_pages.json")


# The blitz's Net, written once in blitz_net.py for every PyTorch script.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from blitz_net import Net  # noqa: E402


class MLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        for i in range(len(sizes) - 1):
            setattr(self, f"fc{i + 1}", nn.Linear(sizes[i], sizes[i + 1]))


def describe(model):
    return {
        "print": str(model),
        "count": sum(p.numel() for p in model.parameters()),
        "parameters": [
            {"name": n, "shape": list(p.shape), "numel": p.numel(), "dtype": str(p.dtype), "device": str(p.device),
             "requires_grad": p.requires_grad}
            for n, p in model.named_parameters()
        ],
    }


START = [0.5, -0.25, 0.125, 1.0, -2.0, 0.75]
GRADS = [
    [0.1, -0.2, 0.3, -0.4, 0.5, -0.6],
    [0.05, 0.05, -0.1, 0.2, -0.3, 0.0],
    [-0.2, 0.1, 0.0, 0.4, 0.25, -0.125],
]


def run(name, make, keys):
    p = torch.nn.Parameter(torch.tensor(START, dtype=torch.float32).reshape(2, 3))
    opt = make([p])
    steps = []
    for g in GRADS:
        before = p.detach().flatten().tolist()
        p.grad = torch.tensor(g, dtype=torch.float32).reshape(2, 3)
        opt.step()
        state = opt.state[p]
        steps.append({
            "before": before,
            "grad": g,
            "after": p.detach().flatten().tolist(),
            "state": {k: (state[k].flatten().tolist() if torch.is_tensor(state[k]) and state[k].dim() > 0
                          else float(state[k])) for k in keys},
        })
    group = {k: v for k, v in opt.param_groups[0].items() if k != "params"}
    return {"name": name, "settings": {k: group[k] for k in ["lr", "momentum", "dampening", "weight_decay", "nesterov",
                                                                "betas", "eps"] if k in group},
            "steps": steps}


def main():
    torch.manual_seed(0)
    models = {"net1": describe(Net(1)), "net3": describe(Net(3)), "mlp": describe(MLP([1024, 128, 64, 10]))}
    optimizers = [
        run("sgd_momentum", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9), ["momentum_buffer"]),
        run("sgd_full", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, weight_decay=0.1, nesterov=True),
            ["momentum_buffer"]),
        run("sgd_dampening", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, dampening=0.5, weight_decay=0.01),
            ["momentum_buffer"]),
        run("adam", lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1), ["step", "exp_avg", "exp_avg_sq"]),
        run("adamw", lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.01), ["step", "exp_avg", "exp_avg_sq"]),
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "models": models, "optimizers": optimizers}, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
