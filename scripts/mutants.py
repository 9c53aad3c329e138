#!/usr/bin/env python3
"""Plants small bugs one at a time and checks that the tests catch each (see scripts/mutants.sh).

Each mutant is one exact text replacement in one source file (the text must occur exactly once),
the tests that should notice, and what a user would see. For each: apply it, build, run those
tests, put the file back (always, also on ctrl-c). A mutant is *caught* when a test fails,
*missed* when all pass, *invalid* when it does not compile, and *stale* when its text is no
longer in the file (the code moved on: update the mutant). Exit 0 only if every mutant is caught.

Add a mutant whenever you add a feature a user drives: the bug you would be most embarrassed to
ship, in one line.
"""
import argparse
import os
import signal
import subprocess
import sys
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# (name, file, original text, planted text, test filter)
MUTANTS = [
    # The user's layer: flags, the trainer, what the screen and JSON show.
    ("--optimizer adam builds AdamW",
     "Sources/Trainer/TrainerCore.swift",
     "optimizer = try Adam(parameters,", "optimizer = try AdamW(parameters,",
     "FlagWiringTests"),
    ("--no-shuffle ignored",
     "Sources/blitz-tui/TrainingOptions.swift",
     "c.shuffle = !noShuffle", "c.shuffle = true",
     "FlagWiringTests"),
    ("--lr ignored",
     "Sources/blitz-tui/TrainingOptions.swift",
     "c.learningRate = lr", "c.learningRate = 0.001",
     "FlagWiringTests"),
    ("--momentum ignored",
     "Sources/blitz-tui/TrainingOptions.swift",
     "c.momentum = momentum", "c.momentum = 0.9",
     "FlagWiringTests"),
    ("--batch-size ignored",
     "Sources/blitz-tui/ModelOptions.swift",
     "c.batchSize = batchSize", "c.batchSize = 4",
     "FlagWiringTests"),
    ("SGD's weight decay dropped by the trainer",
     "Sources/Trainer/TrainerCore.swift",
     "momentum: configuration.momentum,\n                                    weightDecay: configuration.weightDecay)",
     "momentum: configuration.momentum,\n                                    weightDecay: 0)",
     "FlagWiringTests"),
    ("--steps stops one step late",
     "Sources/Trainer/TrainerCore+Step.swift",
     "step >= limit { finish() }", "step > limit { finish() }",
     "FlagWiringTests|TrainingSessionTests"),
    ("--eval-every evaluates one step late",
     "Sources/Trainer/TrainerCore+Step.swift",
     "if step % configuration.evaluateEvery == 0 { evaluate() }",
     "if (step - 1) % configuration.evaluateEvery == 0 { evaluate() }",
     "FlagWiringTests|CommandLineTests"),
    ("the UI's gradient norm without its square root",
     "Sources/Trainer/TrainerCore+Snapshot.swift",
     "gradNorm: p.grad.map { $0.backendSumOfSquares.squareRoot() }", "gradNorm: p.grad.map { $0.backendSumOfSquares }",
     "ScreenNumbersTests"),
    ("evaluation compares with the neighbouring label",
     "Sources/Trainer/TrainerCore+Evaluation.swift",
     "where predicted[i] == truth[i]", "where predicted[i] == truth[(i + 1) % truth.count]",
     "ScreenNumbersTests"),
    ("the status bar's zero_grad: off loses its count",
     "Sources/TUI/Widgets/StatusBar.swift",
     "accumulated: \\(s.accumulated)", "accumulated: \\(s.step)",
     "TUITests"),
    ("--ascii ignored by the UI",
     "Sources/blitz-tui/TrainCommand.swift",
     "TUIOptions(ascii: ascii ? true : nil,", "TUIOptions(ascii: nil,",
     "asciiFlagDrawsWithASCIIOnly"),
    # The engine and the library.
    ("AccumulateGrad overwrites instead of adding",
     "Sources/Autograd/Engine/Engine.swift",
     "variable.grad = existing.adding(g)", "variable.grad = g.detach()",
     "AccumulationTests"),
    ("mul's backward swaps its inputs",
     "Sources/Autograd/Ops/Arithmetic.swift",
     "[(g * saved[1]).sumTo(aShape), (g * saved[0]).sumTo(bShape)]",
     "[(g * saved[0]).sumTo(aShape), (g * saved[1]).sumTo(bShape)]",
     "GradCheckTests"),
    ("SGD momentum forgets its buffer",
     "Sources/Autograd/Backend/CPU/CPUOptimizers.swift",
     "let b = first ? g : momentum * buf[i] + keep * g", "let b = first ? g : keep * g",
     "OptimTests|CPUBackend"),
    ("Adam without bias correction",
     "Sources/Autograd/Backend/CPU/CPUOptimizers.swift",
     "let stepSize = T(h.lr / correction1)", "let stepSize = T(h.lr)",
     "OptimTests|CPUBackend"),
    ("DataLoader shuffles every epoch the same way",
     "Sources/Autograd/Data/DataLoader.swift",
     "for _ in 0...epoch {", "for _ in 0...0 {",
     "DataLoaderTests"),
    ("safetensors writes float32 as float64's tag",
     "Sources/Autograd/IO/SafetensorsHeader.swift",
     "case .float32: self = .F32", "case .float32: self = .F64",
     "Safetensors"),
    ("DistributedSampler: every rank takes rank 0's share",
     "Sources/Autograd/Data/DistributedSampler.swift",
     "stride(from: rank, to: totalSize, by: replicas)", "stride(from: 0, to: totalSize, by: replicas)",
     "DistributedSampler"),
    ("TensorBoard's masked CRC without its rotation",
     "Sources/TensorBoard/CRC32C.swift",
     "((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8", "crc &+ 0xA282_EAD8",
     "TensorBoard"),
]


def run(command, log):
    with open(log, "a") as f:
        f.write(f"\n$ {' '.join(command)}\n")
        f.flush()
        return subprocess.run(command, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT).returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="run only mutants whose name contains this text")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args()
    mutants = [m for m in MUTANTS if not args.only or args.only in m[0]]
    if args.list:
        for name, path, *_ in mutants:
            print(f"{name:55} {path}")
        return 0
    log = os.path.join(ROOT, ".build", "mutants.log")
    os.makedirs(os.path.dirname(log), exist_ok=True)
    open(log, "w").close()
    print(f"{len(mutants)} mutants; build and test output in {os.path.relpath(log, ROOT)}")
    results = []
    current = {}

    def restore(*_):
        if current:
            with open(current["path"], "w") as f:
                f.write(current["text"])
            current.clear()

    def interrupted(signum, _frame):
        restore()
        print("\ninterrupted: the planted file is restored")
        sys.exit(130)

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    for name, rel, original, planted, tests in mutants:
        path = os.path.join(ROOT, rel)
        text = open(path).read() if os.path.exists(path) else ""
        if text.count(original) != 1:
            verdict = "stale"
        else:
            current.update(path=path, text=text)
            try:
                with open(path, "w") as f:
                    f.write(text.replace(original, planted))
                started = time.time()
                if run(["swift", "build", "--build-tests"], log) != 0:
                    verdict = "invalid"
                else:
                    status = run(["swift", "test", "--skip-build", "--filter", tests], log)
                    verdict = "caught" if status != 0 else "MISSED"
                seconds = time.time() - started
            finally:
                restore()
        results.append((name, verdict))
        print(f"  {verdict:8} {name}" + (f"  ({seconds:.0f} s)" if verdict in ("caught", "MISSED") else ""), flush=True)
    # Leave the tree built as it is, so the next test run does not see a planted bug's objects.
    run(["swift", "build", "--build-tests"], log)
    caught = sum(v == "caught" for _, v in results)
    print(f"{caught} caught, {len(results) - caught} not caught "
          f"({sum(v == 'MISSED' for _, v in results)} missed, {sum(v == 'stale' for _, v in results)} stale, "
          f"{sum(v == 'invalid' for _, v in results)} invalid)")
    return 0 if caught == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
