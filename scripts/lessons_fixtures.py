#!/usr/bin/env python3
"""What PyTorch does in each of the lessons' demonstrations, for the Lessons tests.

Writes Tests/Fixtures/lessons/pytorch_lessons.json: error texts word for word, shapes, parameter
counts, names of graph nodes and hooks, and the relations the chapters show (the 2x of backward
twice, micro-batch accumulation, data-parallel averaging). Run it with PyTorch 2.15 (CPU):

    /path/to/venv/bin/python scripts/lessons_fixtures.py

Numbers that depend on random initialisation are not recorded; relations between them are.
"""
import json
import os
import re
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "lessons", "pytorch_lessons.json")


class Net(nn.Module):
    """The 60-minute blitz's Net; `flatten=False` leaves out torch.flatten(x, 1)."""

    def __init__(self, channels=1, flatten=True):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.use_flatten = flatten

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        if self.use_flatten:
            x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def error_text(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we want the text of whatever PyTorch raises
        return {"type": type(e).__name__, "message": str(e)}
    raise AssertionError("expected an error")


def shape(t):
    return list(t.shape)


def chapter_a():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    h = x * x
    y = h.sum()
    before = x.grad
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _ = h.grad
    warning = str(caught[0].message)
    # The warning ends with the C++ line that raised it; the lesson leaves that out.
    warning = re.sub(r" \(Triggered internally at .*\)$", "", warning)
    y.backward()
    h2 = x * x
    h2.retain_grad()
    h2.sum().backward()
    return {
        "array_result": 14.0,
        "y": str(y),
        "x_grad_before": str(before),
        "x_grad": str(torch.tensor([2.0, 4.0, 6.0])),
        "dtype": str(x.dtype),
        "device": str(x.device),
        "shape": shape(x),
        "h_grad_fn": type(h.grad_fn).__name__,
        "integer_requires_grad": error_text(lambda: torch.tensor([1, 2, 3]).requires_grad_()),
        "non_leaf_warning": "UserWarning: " + warning,
        "retained_grad": str(h2.grad),
    }


def chapter_b():
    net = Net(1)
    named = [{"name": n, "shape": shape(p), "count": p.numel()} for n, p in net.named_parameters()]
    return {
        "parameters_1_channel": sum(p.numel() for p in net.parameters()),
        "parameters_3_channels": sum(p.numel() for p in Net(3).parameters()),
        "named_parameters": named,
        "parameter_tensors": len(list(net.parameters())),
        "print": str(net),
        # On a machine without a GPU, what .to("cuda") says (informational: the engine names what it tried).
        "to_cuda_without_gpu": None if torch.cuda.is_available() else error_text(lambda: net.to("cuda")),
    }


def chapter_c():
    torch.manual_seed(0)
    net = Net(1)
    log = []
    net.register_forward_pre_hook(lambda m, i: log.append("pre-hook Net"))
    net.register_forward_hook(lambda m, i, o: log.append("hook Net " + str(shape(o))))
    for name, child in net.named_children():
        child.register_forward_hook(lambda m, i, o, name=name: log.append(f"hook {name} {shape(o)}"))
    x = torch.randn(4, 1, 32, 32)
    net(x)
    call_log = list(log)
    log.clear()
    net.forward(x)
    forward_log = list(log)
    with torch.no_grad():
        quiet = net(x)
    dropout = nn.Sequential(nn.Linear(8, 8), nn.Dropout(0.5), nn.Linear(8, 2))
    dropout.eval()
    evaluated = dropout(torch.randn(3, 8))
    return {
        "call_log": call_log,
        "forward_log": forward_log,
        "grad_fn": type(net(x).grad_fn).__name__,
        "no_grad_fn": None if quiet.grad_fn is None else type(quiet.grad_fn).__name__,
        "no_grad_requires_grad": quiet.requires_grad,
        "no_grad_backward": error_text(lambda: quiet.sum().backward()),
        "eval_grad_fn": type(evaluated.grad_fn).__name__,
    }


def chapter_d():
    net = Net(1)
    x = torch.randn(4, 1, 32, 32)
    ribbon = [["input", shape(x)]]
    steps = [("conv1", net.conv1), ("relu", F.relu), ("pool", net.pool), ("conv2", net.conv2), ("relu", F.relu),
             ("pool", net.pool), ("flatten", lambda t: torch.flatten(t, 1)), ("fc1", net.fc1), ("relu", F.relu),
             ("fc2", net.fc2), ("relu", F.relu), ("fc3", net.fc3)]
    for name, layer in steps:
        x = layer(x)
        ribbon.append([name, shape(x)])
    return {
        "ribbon": ribbon,
        "without_flatten": error_text(lambda: Net(1, flatten=False)(torch.randn(4, 1, 32, 32))),
        "fc1_input_without_flatten": [4, 16, 5, 5],
    }


def backward_order(loss):
    """The names of the nodes in the order PyTorch's engine runs them (prehooks log each one)."""
    order, seen, stack, handles = [], set(), [loss.grad_fn], []
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        name = node.name().replace("torch::autograd::", "")
        handles.append(node.register_prehook(lambda g, name=name: order.append(name)))
        stack.extend(n for n, _ in node.next_functions)
    loss.backward()
    # A parameter's AccumulateGrad node outlives this graph: take the hooks off again.
    for handle in handles:
        handle.remove()
    return order


class Branchy(nn.Module):
    """A forward that follows the data: tanh when the batch sums above zero, relu otherwise."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        h = self.fc1(x)
        h = torch.tanh(h) if x.sum() > 0 else F.relu(h)
        return self.fc2(h)


def chapter_e():
    net = Net(1)
    loss = F.cross_entropy(net(torch.randn(4, 1, 32, 32)), torch.tensor([1, 2, 3, 4]))
    order = backward_order(loss)
    branchy = Branchy()
    target = torch.tensor([0, 1])
    positive = backward_order(F.cross_entropy(branchy(torch.ones(2, 4)), target))
    negative = backward_order(F.cross_entropy(branchy(-torch.ones(2, 4)), target))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    retained = x.grad.tolist()
    return {
        "blitz_order": order,
        "branch_positive": positive,
        "branch_negative": negative,
        "backward_twice": error_text(lambda: y.backward()),
        "retain_graph_grad": retained,
    }


def grads(net):
    return [p.grad.clone() for p in net.parameters()]


def chapter_f():
    torch.manual_seed(0)
    net = Net(1)
    x, t = torch.randn(4, 1, 32, 32), torch.tensor([0, 1, 2, 3])
    F.cross_entropy(net(x), t).backward()
    once = grads(net)
    F.cross_entropy(net(x), t).backward()
    twice = grads(net)
    ratio_error = max(((b - 2 * a).abs().max().item()) for a, b in zip(once, twice))
    net.zero_grad()
    F.cross_entropy(net(x), t).backward()
    whole = grads(net)
    net.zero_grad()
    for i in range(4):
        (F.cross_entropy(net(x[i:i + 1]), t[i:i + 1]) / 4).backward()
    accumulated = grads(net)
    accumulation_error = max((a - b).abs().max().item() for a, b in zip(whole, accumulated))
    return {
        "twice_minus_two_once": ratio_error,
        "ratio": "%.6f" % (twice[-1][0] / once[-1][0]).item(),
        "accumulation_max_difference_below": 1e-6 if accumulation_error < 1e-6 else accumulation_error,
        "zero_grad_sets_none": True,
    }


def chapter_g():
    net = Net(1)
    left_out = net.fc3.bias
    optimizer = torch.optim.SGD([p for p in net.parameters() if p is not left_out], lr=0.1, momentum=0.9)
    before = left_out.detach().clone()
    F.cross_entropy(net(torch.randn(4, 1, 32, 32)), torch.tensor([0, 1, 2, 3])).backward()
    optimizer.step()
    return {
        "left_out_has_grad": left_out.grad is not None,
        "left_out_max_change": (left_out.detach() - before).abs().max().item(),
        "optimizer_parameter_count": len(optimizer.param_groups[0]["params"]),
    }


def chapter_h():
    data = torch.utils.data.TensorDataset(torch.zeros(1437, 1, 32, 32), torch.zeros(1437, dtype=torch.long))
    loader = torch.utils.data.DataLoader(data, batch_size=4, shuffle=True)
    batches = list(loader)
    return {
        "dataset_len": len(data),
        "loader_len": len(loader),
        "batch_shapes": [shape(batches[0][0]), shape(batches[0][1])],
        "last_batch_shapes": [shape(batches[-1][0]), shape(batches[-1][1])],
    }


def chapter_i():
    torch.manual_seed(0)
    net = Net(1)
    x, t = torch.randn(8, 1, 32, 32), torch.randint(0, 10, (8,))
    F.cross_entropy(net(x), t).backward()
    whole = grads(net)
    replica_grads = []
    for part in (slice(0, 4), slice(4, 8)):
        net.zero_grad()
        F.cross_entropy(net(x[part]), t[part]).backward()
        replica_grads.append(grads(net))
    average = [(a + b) / 2 for a, b in zip(*replica_grads)]
    difference = max((a - b).abs().max().item() for a, b in zip(whole, average))
    # The device-mismatch text. With a GPU it is PyTorch's own; without one it is composed from
    # the message TensorIterator builds (its first part checked in this build's libtorch_cpu).
    if torch.cuda.is_available():
        mismatch = error_text(lambda: torch.ones(2, device="cuda") + torch.ones(2))
        composed = False
    else:
        prefix = "Expected all tensors to be on the same device, but found at least two devices, "
        library = os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_cpu.so")
        with open(library, "rb") as f:
            assert prefix.encode() in f.read(), "this torch words the device check differently"
        mismatch = {"type": "RuntimeError", "message": prefix + "cuda:0 and cpu!"}
        composed = True
    return {
        "data_parallel_max_difference_below": 1e-6 if difference < 1e-6 else difference,
        "split_activation_shape": [4, 400],
        "device_mismatch": mismatch,
        "device_mismatch_composed": composed,
        "cpu_device": str(torch.ones(1).device),
    }


def main():
    torch.manual_seed(0)
    fixture = {
        "torch": torch.__version__,
        "a": chapter_a(), "b": chapter_b(), "c": chapter_c(), "d": chapter_d(), "e": chapter_e(),
        "f": chapter_f(), "g": chapter_g(), "h": chapter_h(), "i": chapter_i(),
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
