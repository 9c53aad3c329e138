#!/usr/bin/env python3
"""Fixtures for blitz-tui's nn / optim / checkpoint tests, made with real PyTorch.

    /root/venv-torch/bin/python scripts/make_nn_fixtures.py            # (re)writes the fixtures
    /root/venv-torch/bin/python scripts/make_nn_fixtures.py verify NET.safetensors IO.safetensors

Writes, under Tests/Fixtures/:
  checkpoints/blitz_net_torch.safetensors     the blitz Net's state_dict (3 input channels, seed 0)
  checkpoints/blitz_net_torch_io.safetensors  a fixed input batch and labels, the Net's logits on it,
                                              and two SGD(lr=0.01, momentum=0.9) training steps:
                                              the loss of each and some parameters after each
  checkpoints/dtypes.safetensors              F16, BF16, F64 and I64 tensors with their values as F32/F64
  optim/pytorch_steps.json                    SGD / Adam / AdamW steps on float64 parameters

`verify` loads a state_dict written by blitz-tui into PyTorch's Net (strict) and checks that
PyTorch's logits on IO's "input" equal blitz-tui's (IO's "logits"). It exits 1 on a mismatch.
Run it only by hand: tests and the Makefile never call PyTorch.
"""
import json
import os
import sys

import torch
import torch.nn as nn
from safetensors.torch import load_file, save_file

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures")


# The Net lives in blitz_net.py (torch only), shared with the other PyTorch scripts.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from blitz_net import Net  # noqa: E402

def blitz_net_fixtures():
    torch.manual_seed(0)
    net = Net(3)
    state = {k: v.contiguous() for k, v in net.state_dict().items()}
    save_file(state, os.path.join(ROOT, "checkpoints", "blitz_net_torch.safetensors"), metadata={"made_by": "scripts/make_nn_fixtures.py"})

    gen = torch.Generator().manual_seed(1)
    inputs = torch.randn(4, 3, 32, 32, generator=gen)
    labels = torch.randint(0, 10, (4,), generator=gen)
    with torch.no_grad():
        logits = net(inputs)
    io = {"input": inputs, "labels": labels, "logits": logits}

    # Two training steps as the blitz runs them (zero_grad, forward, loss, backward, step).
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    for step in (1, 2):
        optimizer.zero_grad()
        loss = criterion(net(inputs), labels)
        loss.backward()
        io[f"step{step}.loss"] = loss.detach().reshape(1)
        io[f"step{step}.grad.conv1.weight"] = net.conv1.weight.grad.clone()
        optimizer.step()
        for name in ("conv1.weight", "conv1.bias", "fc3.weight", "fc3.bias"):
            io[f"step{step}.{name}"] = net.state_dict()[name].clone()
    save_file(io, os.path.join(ROOT, "checkpoints", "blitz_net_torch_io.safetensors"))


def dtype_fixtures():
    values = torch.tensor([0.0, -0.0, 1.0, -2.5, 0.1, 65504.0, 6.0e-8, 3.0e-5, 1.0e-3, -1234.5])
    specials = torch.tensor([float("inf"), float("-inf")])
    tensors = {
        "f16": values.to(torch.float16),
        "f16.as_f32": values.to(torch.float16).to(torch.float32),
        "f16.specials": specials.to(torch.float16),
        "bf16": values.to(torch.bfloat16).reshape(2, 5),
        "bf16.as_f32": values.to(torch.bfloat16).to(torch.float32).reshape(2, 5),
        "f64": torch.tensor([[1.0 / 3.0, -1e300], [5e-324, 2.0]], dtype=torch.float64),
        "i64": torch.tensor([0, -1, 2**62, -(2**63)], dtype=torch.int64),
        "scalar": torch.tensor(7.25),
        "empty": torch.zeros(0, 3),
    }
    save_file(tensors, os.path.join(ROOT, "checkpoints", "dtypes.safetensors"))


def optimizer_fixtures():
    cases = [
        ("SGD", {"lr": 0.1}),
        ("SGD", {"lr": 0.1, "momentum": 0.9}),
        ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
        ("SGD", {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.05, "nesterov": True}),
        ("Adam", {"lr": 0.01}),
        ("Adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
        ("AdamW", {"lr": 0.01, "weight_decay": 0.1}),
        ("AdamW", {"lr": 0.03, "betas": (0.5, 0.9), "eps": 1e-4, "weight_decay": 0.5}),
    ]
    gen = torch.Generator().manual_seed(2)
    out = []
    for kind, options in cases:
        params = [torch.randn(2, 3, generator=gen, dtype=torch.float64).requires_grad_(),
                  torch.randn(4, generator=gen, dtype=torch.float64).requires_grad_()]
        initial = [p.detach().clone() for p in params]
        optimizer = getattr(torch.optim, kind)(params, foreach=False, **options)
        steps = []
        for step in range(5):
            lr = options["lr"] * (0.5 if step >= 3 else 1.0)  # the learning rate changes between steps
            for group in optimizer.param_groups:
                group["lr"] = lr
            grads = []
            for i, p in enumerate(params):
                if step == 1 and i == 1:
                    p.grad = None  # skipped: no gradient this step
                    grads.append(None)
                else:
                    g = torch.randn(p.shape, generator=gen, dtype=torch.float64)
                    p.grad = g
                    grads.append(g.flatten().tolist())
            optimizer.step()
            steps.append({"lr": lr, "grads": grads, "after": [p.detach().flatten().tolist() for p in params]})
        out.append({
            "optimizer": kind,
            "options": {k: (list(v) if isinstance(v, tuple) else v) for k, v in options.items()},
            "shapes": [list(p.shape) for p in params],
            "initial": [p.flatten().tolist() for p in initial],
            "steps": steps,
        })
    with open(os.path.join(ROOT, "optim", "pytorch_steps.json"), "w") as f:
        json.dump({"made_by": "scripts/make_nn_fixtures.py", "torch": torch.__version__, "cases": out}, f, indent=1)
        f.write("\n")


def verify(net_path, io_path):
    state = load_file(net_path)
    io = load_file(io_path)
    channels = state["conv1.weight"].shape[1]
    net = Net(channels)
    print(net.load_state_dict(state, strict=True))
    with torch.no_grad():
        logits = net(io["input"])
    expected = io["logits"]
    difference = (logits - expected).abs().max().item()
    print(f"{net_path}: {len(state)} tensors, {sum(v.numel() for v in state.values())} parameters, "
          f"logits {list(logits.shape)}, max |PyTorch - blitz-tui| = {difference:.3g}")
    if not torch.allclose(logits, expected, rtol=1e-4, atol=1e-5):
        print("MISMATCH")
        sys.exit(1)
    print("OK: PyTorch reproduces blitz-tui's logits")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "verify":
        verify(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 1:
        torch.set_num_threads(1)
        blitz_net_fixtures()
        dtype_fixtures()
        optimizer_fixtures()
        print("fixtures written under", os.path.normpath(ROOT))
    else:
        print(__doc__)
        sys.exit(2)
