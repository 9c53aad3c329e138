"""Sets blitz-bench's JSON lines beside PyTorch's (bench/pytorch_reference.py) with the ratio
and issue 7's goal for each workload. Standard library only.

A file may hold several rounds (`make bench` alternates the two programs ROUNDS times): each
workload's figure is then the median over its rounds.

usage: python3 bench/compare.py BLITZ.jsonl [PYTORCH.jsonl]
(without PyTorch's file, blitz-bench's rows alone)
"""
import json
import statistics
import sys

# name -> (goal text, test on the ratio blitz/pytorch). Times: lower is better; GFLOP/s: higher.
GOALS = {
    "scalar_chain_per_op": ("<= 0.1x", lambda r: r <= 0.1),
    "blitz_net_train_step_b4": ("<= 0.4x", lambda r: r <= 0.4),
    "blitz_net_train_step_b64": ("<= 0.6x", lambda r: r <= 0.6),
    "mlp_train_step_b32": ("<= 0.3x", lambda r: r <= 0.3),
}


def read(path):
    """name -> {"name", "median_us" or "value": the median over rounds, "rounds": how many}."""
    rounds = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            row = json.loads(line)
            rounds.setdefault(row["name"], []).append(row)
    rows = {}
    for name, seen in rounds.items():
        key = "median_us" if "median_us" in seen[0] else "value"
        rows[name] = {"name": name, key: statistics.median(r[key] for r in seen), "rounds": len(seen)}
    return rows


def value(row):
    return row["median_us"] if "median_us" in row else row["value"]


def unit(row):
    if "median_us" in row:
        return "us"
    return "x" if row.get("name") == "tui_overhead" else "GFLOP/s"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: python3 bench/compare.py BLITZ.jsonl [PYTORCH.jsonl]")
    blitz = read(sys.argv[1])
    torch = read(sys.argv[2]) if len(sys.argv) == 3 else {}
    rounds = max((row["rounds"] for row in blitz.values()), default=0)
    if rounds > 1:
        print(f"medians over {rounds} rounds of each program, run in turn")
    print(f"{'workload':<26} {'blitz':>12} {'pytorch':>12} {'unit':>8} {'ratio':>8}  goal")
    for name, row in blitz.items():
        mine = value(row)
        ref = torch.get(name)
        if ref is None:
            # The raw cblas rows have no PyTorch twin: compare them with the Tensor matmul row.
            tensor_row = blitz.get(name.replace("_raw", ""))
            note = ""
            if tensor_row is not None and name != name.replace("_raw", ""):
                note = f"  matmul/raw = {value(tensor_row) / mine:.2f} (goal >= 0.90)"
            elif name == "tui_overhead":
                note = f"  steps/s with the UI over headless (goal >= 0.95: {'met' if mine >= 0.95 else 'not met'})"
            print(f"{name:<26} {mine:>12.3f} {'-':>12} {unit(row):>8} {'-':>8}{note}")
            continue
        theirs = value(ref)
        ratio = mine / theirs if theirs else float("inf")
        goal, met = GOALS.get(name, ("", None))
        verdict = "" if met is None else ("met" if met(ratio) else "not met")
        print(f"{name:<26} {mine:>12.3f} {theirs:>12.3f} {unit(row):>8} {ratio:>8.3f}  {goal} {verdict}".rstrip())


if __name__ == "__main__":
    main()
