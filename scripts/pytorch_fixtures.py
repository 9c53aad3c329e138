#!/usr/bin/env python3
"""Records what real PyTorch does, as Swift literals the AutogradTests compare against.

Writes Tests/AutogradTests/Fixtures/PyTorchFixtures.swift:
  graphs:       for each gradcheck row (same names as GradCheckRow+Table.swift) and a few whole
                graphs (the blitz Net, a diamond, ...): the nodes backward runs, in the order it
                runs them, each with its name, the leaf it accumulates into, and its edges
                (next_functions) as positions in that order (None where PyTorch's edge is empty).
                The order is observed, not derived: a pre-hook on every node appends it as it runs.
  descriptions: print(tensor) text for a set of tensors, with the Swift expression that builds
                the same tensor.

Run with PyTorch installed (never from the tests or the Makefile):
  /root/venv-torch/bin/python scripts/pytorch_fixtures.py
"""
import os
import torch
import torch.nn.functional as F

torch.manual_seed(0)
D = torch.float64


def inputs(*shapes):
    out = []
    for i, shape in enumerate(shapes):
        t = torch.randn(*shape, dtype=D, requires_grad=True)
        t.label = f"input{i}"
        out.append(t)
    return out


def reachable_nodes(root):
    """Every node reachable from root's grad_fn, each once (before anything runs)."""
    nodes, seen, stack = [], set(), [root.grad_fn]
    while stack:
        n = stack.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        nodes.append(n)
        stack.extend(nx for nx, _ in n.next_functions)
    return nodes


def run_in_order(root, nodes, gradient=None):
    """Runs backward from root and returns nodes in the order it ran them (a pre-hook on each)."""
    ran = []
    handles = [n.register_prehook(lambda g, n=n: ran.append(n)) for n in nodes]
    root.backward(gradient)
    for h in handles:
        h.remove()
    assert len(ran) == len(nodes), "every reachable node runs once"
    return ran


def record(root, gradient=None):
    """Runs backward from root and returns [(name, leaf, next)] in execution order."""
    ran = run_in_order(root, reachable_nodes(root), gradient)
    position = {id(n): i for i, n in enumerate(ran)}
    entries = []
    for n in ran:
        name = n.name().replace("torch::autograd::", "")
        leaf = getattr(n.variable, "label", "?") if name == "AccumulateGrad" else None
        nxt = [position[id(nx)] if nx is not None else None for nx, _ in n.next_functions]
        entries.append((name, leaf, nxt))
    return entries


def idx(values, shape):
    return torch.tensor(values, dtype=torch.int64).view(*shape)


def dropout(x):
    return F.dropout(x, 0.4, True)


# name -> (input shapes, function). Mirrors GradCheckRow+Table.swift; the values differ (only
# the graph is compared), the shapes and the order of operations do not.
ROWS = {
    "add": ([(2, 3), (3,)], lambda a, b: a + b),
    "add_broadcast_both": ([(2, 1, 3), (4, 1)], lambda a, b: a + b),
    "sub": ([(2, 3), (2, 1)], lambda a, b: a - b),
    "mul": ([(2, 3), (1, 3)], lambda a, b: a * b),
    "mul_same_input": ([(2, 3)], lambda a: a * a),
    "div": ([(2, 3), (3,)], lambda a, b: a / b),
    "div_broadcast_numerator": ([(3,), (2, 3)], lambda a, b: a / b),
    "neg": ([(2, 3)], lambda a: -a),
    "add_scalar": ([(2, 3)], lambda a: a + 1.5),
    "scalar_add": ([(2, 3)], lambda a: 1.5 + a),
    "sub_scalar": ([(2, 3)], lambda a: a - 0.5),
    "rsub_scalar": ([(2, 3)], lambda a: 2.0 - a),
    "mul_scalar": ([(2, 3)], lambda a: a * 3.0),
    "scalar_mul": ([(2, 3)], lambda a: 3.0 * a),
    "div_scalar": ([(2, 3)], lambda a: a / 4.0),
    "pow_2": ([(2, 3)], lambda a: a.pow(2)),
    "pow_fractional": ([(2, 3)], lambda a: a.pow(1.5)),
    "pow_negative": ([(2, 3)], lambda a: a.pow(-2)),
    "pow_0": ([(2, 3)], lambda a: a.pow(0)),
    "exp": ([(2, 3)], lambda a: a.exp()),
    "log": ([(2, 3)], lambda a: a.log()),
    "sqrt": ([(2, 3)], lambda a: a.sqrt()),
    "relu": ([(2, 3)], lambda a: a.relu()),
    "sigmoid": ([(2, 3)], lambda a: a.sigmoid()),
    "tanh": ([(2, 3)], lambda a: a.tanh()),
    "sum": ([(2, 3)], lambda a: a.sum()),
    "sum_dims": ([(2, 3, 4)], lambda a: a.sum((0, 2))),
    "sum_dim_keepdim": ([(2, 3, 4)], lambda a: a.sum(1, keepdim=True)),
    "sum_negative_dim": ([(2, 3)], lambda a: a.sum(-1)),
    "mean": ([(2, 3)], lambda a: a.mean()),
    "mean_dims": ([(2, 3, 4)], lambda a: a.mean((0, 2))),
    "mean_dim_keepdim": ([(2, 3, 4)], lambda a: a.mean(1, keepdim=True)),
    "max_dim": ([(3, 4)], lambda a: a.max(1).values),
    "max_dim_keepdim": ([(3, 4)], lambda a: a.max(0, keepdim=True).values),
    "max": ([(3, 4)], lambda a: a.max()),
    "mm": ([(2, 3), (3, 4)], lambda a, b: a.mm(b)),
    "bmm": ([(2, 2, 3), (2, 3, 2)], lambda a, b: a.bmm(b)),
    "addmm": ([(4,), (2, 3), (3, 4)], lambda b, x, w: torch.addmm(b, x, w)),
    "addmm_matrix_bias": ([(2, 4), (2, 3), (3, 4)], lambda b, x, w: torch.addmm(b, x, w)),
    "linear": ([(4,), (2, 3), (4, 3)], lambda b, x, w: torch.addmm(b, x, w.t())),
    "t": ([(2, 3)], lambda a: a.t()),
    "transpose": ([(2, 3, 4)], lambda a: a.transpose(0, 2)),
    "permute": ([(2, 3, 4)], lambda a: a.permute(2, 0, 1)),
    "view": ([(2, 6)], lambda a: a.view(3, 4)),
    "view_infer": ([(2, 6)], lambda a: a.view(-1, 3)),
    "reshape": ([(2, 6)], lambda a: a.reshape(4, -1)),
    "reshape_noncontiguous": ([(2, 3)], lambda a: a.t().reshape(-1)),
    "flatten": ([(2, 3, 2)], lambda a: a.flatten(1)),
    "unsqueeze": ([(2, 3)], lambda a: a.unsqueeze(1)),
    "squeeze": ([(1, 3, 1)], lambda a: a.squeeze()),
    "squeeze_dim": ([(1, 3, 1)], lambda a: a.squeeze(0)),
    "contiguous": ([(2, 3)], lambda a: a.t().contiguous()),
    "expand": ([(3, 1)], lambda a: a.expand(2, 3, 4)),
    "expand_same_shape": ([(2, 3)], lambda a: a.expand(-1, 3)),
    "to_dtype": ([(2, 3)], lambda a: a.to(torch.float32).to(torch.float64)),
    "conv2d": ([(2, 2, 5, 5), (3, 2, 3, 3), (3,)], lambda x, w, b: F.conv2d(x, w, b)),
    "conv2d_stride_padding": ([(1, 2, 5, 6), (2, 2, 3, 2), (2,)],
                              lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=(1, 2))),
    "conv2d_no_bias": ([(1, 2, 4, 4), (3, 2, 3, 3)], lambda x, w: F.conv2d(x, w)),
    "max_pool2d": ([(1, 2, 4, 4)], lambda x: F.max_pool2d(x, (2, 2))),
    "max_pool2d_stride_padding": ([(1, 1, 5, 5)], lambda x: F.max_pool2d(x, (3, 3), (2, 2), (1, 1))),
    "log_softmax": ([(3, 4)], lambda a: a.log_softmax(1)),
    "log_softmax_dim0": ([(3, 4)], lambda a: a.log_softmax(0)),
    "nll_loss_mean": ([(3, 4)], lambda a: F.nll_loss(a, idx([0, 3, 1], [3]), reduction="mean")),
    "nll_loss_sum": ([(3, 4)], lambda a: F.nll_loss(a, idx([0, 3, 1], [3]), reduction="sum")),
    "nll_loss_none": ([(3, 4)], lambda a: F.nll_loss(a, idx([0, 3, 1], [3]), reduction="none")),
    "cross_entropy": ([(3, 4)], lambda a: F.cross_entropy(a, idx([2, 0, 3], [3]))),
    "mse_loss_mean": ([(2, 3), (2, 3)], lambda a, b: F.mse_loss(a, b, reduction="mean")),
    "mse_loss_sum": ([(2, 3), (2, 3)], lambda a, b: F.mse_loss(a, b, reduction="sum")),
    "mse_loss_none": ([(2, 3), (2, 3)], lambda a, b: F.mse_loss(a, b, reduction="none")),
    "gather": ([(3, 4)], lambda a: a.gather(1, idx([0, 2, 3, 3, 1, 0], [3, 2]))),
    "gather_dim0": ([(3, 4)], lambda a: a.gather(0, idx([2, 0, 1, 1], [1, 4]))),
    "dropout": ([(3, 4)], dropout),
    # PyTorch records SoftmaxBackward0; blitz-tui composes softmax as exp(log_softmax), and this
    # row pins that composition down (the graph below is PyTorch running the same composition).
    "softmax": ([(3, 4)], lambda a: a.log_softmax(1).exp()),
}


def row_graphs():
    graphs = {}
    for name, (shapes, fn) in ROWS.items():
        out = fn(*inputs(*shapes))
        graphs[name] = record(out, torch.ones_like(out) if out.dim() > 0 else None)
    return graphs


def blitz_net():
    """The blitz Net's graph, as backward runs it."""
    return record(blitz_net_loss())


def blitz_net_loss():
    """The 60-minute blitz's Net, by hand with the primitive ops, CrossEntropyLoss on int64 labels."""
    shapes = [("conv1.weight", (6, 3, 5, 5)), ("conv1.bias", (6,)), ("conv2.weight", (16, 6, 5, 5)),
              ("conv2.bias", (16,)), ("fc1.weight", (120, 400)), ("fc1.bias", (120,)),
              ("fc2.weight", (84, 120)), ("fc2.bias", (84,)), ("fc3.weight", (10, 84)), ("fc3.bias", (10,))]
    p = {}
    for name, shape in shapes:
        t = (torch.randn(*shape) * 0.1).requires_grad_()
        t.label = name
        p[name] = t
    x = torch.randn(4, 3, 32, 32)
    labels = torch.tensor([3, 8, 8, 0])
    h = F.max_pool2d(F.conv2d(x, p["conv1.weight"], p["conv1.bias"]).relu(), (2, 2), (2, 2))
    h = F.max_pool2d(F.conv2d(h, p["conv2.weight"], p["conv2.bias"]).relu(), (2, 2), (2, 2))
    h = torch.flatten(h, 1)
    h = torch.addmm(p["fc1.bias"], h, p["fc1.weight"].t()).relu()
    h = torch.addmm(p["fc2.bias"], h, p["fc2.weight"].t()).relu()
    h = torch.addmm(p["fc3.bias"], h, p["fc3.weight"].t())
    return F.cross_entropy(h, labels)


def diamond():
    """One leaf reaching the loss along several paths of different lengths."""
    (x,) = inputs((3,))
    a = x.exp()
    b = a * x
    return record((b + a).sum())


def two_heads():
    """An intermediate feeding two branches whose nodes interleave in the ready queue."""
    w, = inputs((2, 2))
    x = torch.randn(3, 2, dtype=D)
    h = x.mm(w)
    return record(h.relu().sum() + h.sigmoid().mean())


# (name, PyTorch expression, Swift expression building the same tensor)
DESCRIPTIONS = [
    ("matrix_fixed", "torch.tensor([[0.1, 0.2], [0.3, 0.4]])",
     "Tensor([0.1, 0.2, 0.3, 0.4] as [Float], shape: [2, 2])"),
    ("leaf_requires_grad", "torch.tensor([1., 2., 3.], requires_grad=True)",
     "try! Tensor([1, 2, 3] as [Float]).requireGrad()"),
    ("grad_fn", "torch.tensor([1., 2., 3.], requires_grad=True) * 2",
     "try! Tensor([1, 2, 3] as [Float]).requireGrad() * 2"),
    ("float64", "torch.tensor([1.5, 2.25], dtype=torch.float64)", "Tensor([1.5, 2.25] as [Double])"),
    ("float64_requires_grad", "torch.tensor([1., 2.], dtype=torch.float64, requires_grad=True)",
     "try! Tensor([1, 2] as [Double]).requireGrad()"),
    ("float64_grad_fn", "torch.tensor([1.5, 2.], requires_grad=True).to(torch.float64)",
     "try! Tensor([1.5, 2] as [Float]).requireGrad().to(.float64)"),
    ("int64", "torch.tensor([1, 2, 3])", "Tensor([1, 2, 3])"),
    ("int64_widths", "torch.tensor([1, -200, 30000])", "Tensor([1, -200, 30000])"),
    ("scalar_float", "torch.tensor(3.5)", "Tensor(scalar: Float(3.5))"),
    ("scalar_int", "torch.tensor(2)", "Tensor(scalar: Int64(2))"),
    ("scalar_grad_fn", "torch.tensor([1., 2., 3.], requires_grad=True).sum()",
     "try! Tensor([1, 2, 3] as [Float]).requireGrad().sum()"),
    ("scalar_float64", "torch.tensor(0.25, dtype=torch.float64)", "Tensor(scalar: 0.25)"),
    ("summarised_vector", "torch.arange(1001.)", "Tensor.arange(0, 1001, dtype: .float32)"),
    ("summarised_matrix", "(torch.arange(2000.) * 0.5 - 100).view(40, 50)",
     "Tensor((0..<2000).map { Float($0) * 0.5 - 100 }, shape: [40, 50])"),
    ("summarised_int", "torch.arange(3000).view(3, 1000)", "Tensor(Array(0..<3000), shape: [3, 1000])"),
    ("summarised_middle_ignored", "torch.cat([torch.ones(3), torch.full((1000,), 123456.5), torch.ones(3)])",
     "Tensor([Float](repeating: 1, count: 3) + [Float](repeating: 123456.5, count: 1000) + [Float](repeating: 1, count: 3))"),
    ("scientific_small", "torch.tensor([1e-5, 1.0, 1000.0])", "Tensor([1e-5, 1.0, 1000.0] as [Float])"),
    ("scientific_ratio", "torch.tensor([1e-3, 10.0])", "Tensor([1e-3, 10.0] as [Float])"),
    ("scientific_large", "torch.tensor([123456.7, 0.5])", "Tensor([123456.7, 0.5] as [Float])"),
    ("scientific_whole", "torch.tensor([1., 5000.])", "Tensor([1, 5000] as [Float])"),
    ("whole_1e8", "torch.tensor([1e8, 2e7])", "Tensor([1e8, 2e7] as [Float])"),
    ("mixed_widths", "torch.tensor([-1.5, 2.25, 100.125])", "Tensor([-1.5, 2.25, 100.125] as [Float])"),
    ("rounding", "torch.tensor([1.123456789, 2.0, 0.03125, 2.71835, 1.00005, 0.12345], dtype=torch.float64)",
     "Tensor([1.123456789, 2.0, 0.03125, 2.71835, 1.00005, 0.12345] as [Double])"),
    ("scientific_rounding", "torch.tensor([9.99995e-5, 1.0, 2.5e-7], dtype=torch.float64)",
     "Tensor([9.99995e-5, 1.0, 2.5e-7] as [Double])"),
    ("wrapped_row", "torch.arange(20.) * 1.1", "Tensor((0..<20).map { Float($0) } as [Float]) * 1.1"),
    ("three_d", "torch.arange(12.).view(2, 2, 3)", "Tensor((0..<12).map { Float($0) }, shape: [2, 2, 3])"),
    ("non_finite", "torch.tensor([float('nan'), float('inf'), -float('inf'), 1.5])",
     "Tensor([.nan, .infinity, -.infinity, 1.5] as [Float])"),
    ("non_finite_whole", "torch.tensor([-float('inf'), 1.])", "Tensor([-.infinity, 1] as [Float])"),
    ("negative_zero", "torch.tensor([-0.0, 1.])", "Tensor([-0.0, 1] as [Float])"),
    ("zeros", "torch.zeros(2, 2)", "Tensor.zeros([2, 2])"),
    ("empty", "torch.tensor([])", "Tensor([] as [Float])"),
    ("empty_matrix", "torch.zeros(0, 3)", "Tensor.zeros([0, 3])"),
    ("empty_float64", "torch.tensor([], dtype=torch.float64)", "Tensor([] as [Double])"),
    ("empty_int64", "torch.tensor([], dtype=torch.int64)", "Tensor([] as [Int64])"),
    ("transposed_grad_fn", "torch.tensor([[1., 2.], [3., 4.]], requires_grad=True).t()",
     "try! Tensor([1, 2, 3, 4] as [Float], shape: [2, 2]).requireGrad().t()"),
    ("suffix_wraps", "torch.arange(6, dtype=torch.float64) * 1.25 + 1000",
     "Tensor((0..<6).map { Double($0) } as [Double]) * 1.25 + 1000"),
    ("suffixes_wrap", "(torch.arange(6, dtype=torch.float64) * 1.25 + 1000).requires_grad_()",
     "try! (Tensor((0..<6).map { Double($0) } as [Double]) * 1.25 + 1000).requireGrad()"),
    ("suffix_after_rows", "torch.arange(16, dtype=torch.float64).view(2, 8) * 1.25 + 1000",
     "Tensor((0..<16).map { Double($0) } as [Double], shape: [2, 8]) * 1.25 + 1000"),
]


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def swift_entries(entries, indent):
    lines = []
    for name, leaf, nxt in entries:
        args = [swift_string(name)]
        if leaf is not None:
            args.append("leaf: " + swift_string(leaf))
        if nxt:
            args.append("next: [" + ", ".join("nil" if n is None else str(n) for n in nxt) + "]")
        lines.append(" " * indent + "GraphEntry(" + ", ".join(args) + "),")
    return "\n".join(lines)


def main():
    graphs = row_graphs()
    graphs["blitz_net"] = blitz_net()
    graphs["diamond"] = diamond()
    graphs["two_heads"] = two_heads()
    out = [
        "// Generated by scripts/pytorch_fixtures.py from PyTorch " + torch.__version__.split("+")[0] + ". Do not edit;",
        "// change the script and run it again: /root/venv-torch/bin/python scripts/pytorch_fixtures.py",
        "import Autograd",
        "",
        "/// What real PyTorch does, for the tests to compare against.",
        "enum PyTorchFixtures {",
        "    /// Nodes in the order PyTorch's backward ran them; edges are positions in this order.",
        "    static let graphs: [String: [GraphEntry]] = [",
    ]
    for name, entries in graphs.items():
        out.append(f"        {swift_string(name)}: [")
        out.append(swift_entries(entries, 12))
        out.append("        ],")
    out.append("    ]")
    out.append("")
    out.append("    /// print(tensor) as PyTorch prints it, with the Swift that builds the same tensor.")
    out.append("    static let descriptions: [DescriptionFixture] = [")
    for name, py, swift in DESCRIPTIONS:
        text = str(eval(py))
        out.append(f"        DescriptionFixture({swift_string(name)}, {{ {swift} }},")
        out.append(f"                           {swift_string(text)}),")
    out.append("    ]")
    out.append("}")
    path = os.path.join(os.path.dirname(__file__), "..", "Tests", "AutogradTests", "Fixtures", "PyTorchFixtures.swift")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote", os.path.normpath(path), "with", len(graphs), "graphs and", len(DESCRIPTIONS), "descriptions")


if __name__ == "__main__":
    main()
