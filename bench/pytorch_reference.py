"""The blitz-bench workloads in PyTorch, defined as Sources/blitz-bench defines them.

Prints one JSON object per line, {"name": ..., "median_us": ...} or {"name": ..., "value": ...}
for the GFLOP/s rows, so bench/compare.py can set the two side by side.

usage: python bench/pytorch_reference.py [--threads N] [--only NAME,...] [--cpu-time]
"""
import argparse
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from timing import median_us, use_cpu_time  # bench/timing.py: one timing loop for both peers


def scalar_chain():
    start = torch.tensor(1.0, requires_grad=True)

    def body():
        x = start
        for _ in range(50):
            x = x * 1.0001 + 0.5
        x.backward()

    return {"name": "scalar_chain_per_op", "median_us": median_us(body, 200, 200, 20000, 1) / 100}


def sgemm(n):
    g = torch.Generator().manual_seed(7)
    a = torch.randn(n, n, generator=g)
    b = torch.randn(n, n, generator=g)
    us = median_us(lambda: a @ b, 3, 10, 200, 1)
    return {"name": f"sgemm_{n}_gflops", "value": 2 * n ** 3 / (us * 1000)}


# The blitz's Net, written once in scripts/blitz_net.py for every PyTorch script.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
from blitz_net import Net  # noqa: E402


class MLP(nn.Module):
    """64 → 128 → 64 → 10 with ReLU."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


def train_step_us(model, inputs, labels, budget):
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)

    def step():
        optimizer.zero_grad()
        loss = criterion(model(inputs), labels)
        loss.backward()
        optimizer.step()

    return median_us(step, *budget)


def blitz_net(batch):
    torch.manual_seed(1)
    model = Net()
    g = torch.Generator().manual_seed(2)
    images = torch.randn(batch, 3, 32, 32, generator=g)
    labels = torch.randint(0, 10, (batch,), generator=g)
    us = train_step_us(model, images, labels, (20, 50, 5000, 2))
    return {"name": f"blitz_net_train_step_b{batch}", "median_us": us}


def mlp():
    torch.manual_seed(3)
    model = MLP()
    g = torch.Generator().manual_seed(4)
    inputs = torch.randn(32, 64, generator=g)
    labels = torch.randint(0, 10, (32,), generator=g)
    us = train_step_us(model, inputs, labels, (50, 100, 20000, 1))
    return {"name": "mlp_train_step_b32", "median_us": us}


WORKLOADS = {
    "scalar_chain_per_op": scalar_chain,
    "sgemm_512_gflops": lambda: sgemm(512),
    "sgemm_1024_gflops": lambda: sgemm(1024),
    "blitz_net_train_step_b4": lambda: blitz_net(4),
    "blitz_net_train_step_b64": lambda: blitz_net(64),
    "mlp_train_step_b32": mlp,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: PyTorch's own)")
    parser.add_argument("--only", default=None, help="comma-separated workload names")
    parser.add_argument("--cpu-time", action="store_true", help="time with the process's CPU time, not wall time")
    args = parser.parse_args()
    if args.cpu_time:
        use_cpu_time()
    if args.threads is not None:
        if args.threads < 1:
            parser.error("--threads needs a positive whole number")
        torch.set_num_threads(args.threads)
    names = args.only.split(",") if args.only else list(WORKLOADS)
    for name in names:
        if name not in WORKLOADS:
            parser.error(f"no workload named {name!r}; the workloads are {', '.join(WORKLOADS)}")
    for name in names:
        row = WORKLOADS[name]()
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
