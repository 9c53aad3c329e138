#!/usr/bin/env python3
"""Keeps the PyTorch fixtures true: regenerates every one with the PyTorch installed here and
compares it with the committed file, then has PyTorch load checkpoints that blitz-tui writes now.

    /path/to/venv/bin/python scripts/check_fixtures.py [--binary .build/debug/blitz-tui]

Needs torch, numpy and safetensors (a venv of your own; never CI, never the Makefile's tests).
The generators run on a copy of Tests/, scripts/ and datasets/ in a temporary folder, so the
working tree is never touched. A fixture matches when it is byte-identical, or when every token
is equal and every number agrees to float32 rounding (the generators print float32 values).
Exit status 0 when everything matches and PyTorch accepts the checkpoints, 1 otherwise.

A new fixture generator joins GENERATORS below (with the files it writes) or TEXT_CHECKS (for a
script that prints literals pasted into a test).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# Scripts that (re)write fixture files, each with the folders it writes into.
GENERATORS = [
    ("scripts/pytorch_fixtures.py", ["Tests/AutogradTests/Fixtures"]),
    ("scripts/make_nn_fixtures.py", ["Tests/Fixtures/checkpoints", "Tests/Fixtures/optim"]),
    ("scripts/make_page_fixtures.py", ["Tests/Fixtures/pages"]),
    ("scripts/lessons_fixtures.py", ["Tests/Fixtures/lessons"]),
    ("scripts/saved_tensors_fixture.py", ["Tests/AutogradTests/Fixtures"]),
]

# Scripts that print lines that must appear in a test file (`N: [numbers],` rows).
TEXT_CHECKS = [
    ("scripts/fixtures/digits_resize.py", "Tests/ModelsTests/DatasetDigitsTests.swift"),
]

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
# float32 carries about 7 significant digits; printing and re-rounding may move the last one.
RTOL, ATOL = 2e-6, 1e-7


def tokens(text):
    """Splits text into ('n', float) and ('t', str) tokens."""
    out, last = [], 0
    for m in NUMBER.finditer(text):
        if m.start() > last:
            out.append(("t", text[last:m.start()]))
        out.append(("n", float(m.group())))
        last = m.end()
    if last < len(text):
        out.append(("t", text[last:]))
    return out


def numbers_close(a, b):
    return abs(a - b) <= ATOL + RTOL * max(abs(a), abs(b))


def compare_text(old, new):
    """None when the texts match up to float32 rounding, else the first difference."""
    a, b = tokens(old), tokens(new)
    if len(a) != len(b):
        return f"{len(a)} tokens committed, {len(b)} regenerated"
    for (ka, va), (kb, vb) in zip(a, b):
        if ka != kb or (ka == "t" and va != vb) or (ka == "n" and not numbers_close(va, vb)):
            return f"committed {va!r}, regenerated {vb!r}"
    return None


def compare_safetensors(old_path, new_path):
    from safetensors.numpy import load_file
    import numpy as np
    old, new = load_file(old_path), load_file(new_path)
    if sorted(old) != sorted(new):
        return f"tensor names differ: {sorted(set(old) ^ set(new))}"
    for name in old:
        if old[name].shape != new[name].shape or old[name].dtype != new[name].dtype:
            return f"{name}: {old[name].dtype}{list(old[name].shape)} vs {new[name].dtype}{list(new[name].shape)}"
        a, b = old[name].astype(np.float64), new[name].astype(np.float64)
        if not np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True):
            return f"{name}: max difference {np.abs(a - b).max():.3g}"
    return None


def compare_file(rel, committed, regenerated):
    if open(committed, "rb").read() == open(regenerated, "rb").read():
        return None
    if rel.endswith(".safetensors"):
        return compare_safetensors(committed, regenerated)
    return compare_text(open(committed, encoding="utf-8").read(), open(regenerated, encoding="utf-8").read())


def regenerate(work):
    failures = 0
    for script, folders in GENERATORS:
        print(f"== {script}")
        result = subprocess.run([sys.executable, os.path.join(work, script)], cwd=work,
                                capture_output=True, text=True)
        if result.returncode != 0:
            print(f"FAILED to run:\n{result.stdout}{result.stderr}")
            failures += 1
            continue
        for folder in folders:
            for dirpath, _, files in os.walk(os.path.join(work, folder)):
                for name in sorted(files):
                    regenerated = os.path.join(dirpath, name)
                    rel = os.path.relpath(regenerated, work)
                    committed = os.path.join(ROOT, rel)
                    if not os.path.exists(committed):
                        print(f"  NEW     {rel} (not committed)")
                        failures += 1
                        continue
                    problem = compare_file(rel, committed, regenerated)
                    print(f"  {'ok     ' if problem is None else 'DIFFERS'} {rel}" + (f": {problem}" if problem else ""))
                    failures += problem is not None
    for script, test_file in TEXT_CHECKS:
        print(f"== {script} (rows in {test_file})")
        result = subprocess.run([sys.executable, os.path.join(work, script)], cwd=work,
                                capture_output=True, text=True)
        if result.returncode != 0:
            print(f"FAILED to run:\n{result.stdout}{result.stderr}")
            failures += 1
            continue
        committed = open(os.path.join(ROOT, test_file), encoding="utf-8").read().splitlines()
        for line in result.stdout.splitlines():
            key = line.strip().split(":")[0] + ":"
            candidates = [c for c in committed if c.strip().startswith(key) and "[" in c]
            problems = [compare_text(c.strip(), line.strip()) for c in candidates]
            ok = any(p is None for p in problems)
            print(f"  {'ok     ' if ok else 'DIFFERS'} row {key}" + ("" if ok else f" {problems[:1]}"))
            failures += not ok
    return failures


def verify_checkpoints(work, binary):
    """PyTorch loads what blitz-tui writes today: a test's checkpoint with its logits, and a run's."""
    failures = 0
    fresh = os.path.join(work, "fresh")
    os.makedirs(fresh)
    print("== a checkpoint and logits written by ModelBlitzNetTests, loaded by PyTorch")
    env = dict(os.environ, BLITZ_TUI_FIXTURE_DIR=fresh)
    result = subprocess.run(["swift", "test", "--skip-build", "--filter", "writesACheckpointThatLoadsBack"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    net, io = os.path.join(fresh, "blitz_net_swift.safetensors"), os.path.join(fresh, "blitz_net_swift_io.safetensors")
    if result.returncode != 0 or not os.path.exists(net):
        print(f"FAILED: the test did not write {net} (build the tests first: swift build --build-tests)\n"
              + result.stdout[-2000:] + result.stderr[-2000:])
        return 1
    verified = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "make_nn_fixtures.py"), "verify", net, io])
    failures += verified.returncode != 0

    print(f"== a checkpoint saved by `{binary} train --save`, loaded by PyTorch (strict)")
    trained = os.path.join(fresh, "trained.safetensors")
    run = subprocess.run([binary, "train", "--headless", "--steps", "20", "--seed", "3", "--save", trained],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(f"FAILED: blitz-tui exited {run.returncode}: {run.stderr}")
        return failures + 1
    import torch
    from safetensors.torch import load_file
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    from make_nn_fixtures import Net
    state = load_file(trained)
    model = Net(state["conv1.weight"].shape[1])
    print(" ", model.load_state_dict(state, strict=True))
    with torch.no_grad():
        out = model(torch.zeros(2, state["conv1.weight"].shape[1], 32, 32))
    finite = bool(torch.isfinite(out).all())
    print(f"  {len(state)} tensors, {sum(v.numel() for v in state.values())} parameters, logits {list(out.shape)}, "
          f"finite: {finite}")
    failures += not finite
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "debug", "blitz-tui"))
    args = parser.parse_args()
    import torch
    print(f"PyTorch {torch.__version__}")
    work = tempfile.mkdtemp(prefix="blitz-fixtures-")
    try:
        for folder in ("Tests", "scripts", "datasets"):
            shutil.copytree(os.path.join(ROOT, folder), os.path.join(work, folder))
        failures = regenerate(work) + verify_checkpoints(work, args.binary)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'all fixtures true' if failures == 0 else f'{failures} problem(s)'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
