"""Sets blitz-bench's JSON lines beside PyTorch's (bench/pytorch_reference.py) and JAX's
(bench/jax_reference.py), with the ratio to each and issue 17's goals. Standard library only.

A file may hold several rounds (`make bench` alternates the programs ROUNDS times): each
workload's figure is then the median over its rounds. JAX's first-call (compile) times are
listed apart, under the table.

usage: python3 bench/compare.py BLITZ.jsonl [PYTORCH.jsonl|-] [JAX.jsonl]
(without a peer's file, or with -, its columns show -)
"""
import json
import statistics
import sys


def at_most(limit, mine, theirs):
    """Whether mine/theirs <= limit; None (not judged) when that peer did not run."""
    return None if theirs is None else mine / theirs <= limit


def both(*verdicts):
    judged = [v for v in verdicts if v is not None]
    return None if not judged else all(judged)


def best_peer(fraction):
    def test(mine, torch, jax):
        peers = [v for v in (torch, jax) if v is not None]
        return None if not peers else mine >= fraction * max(peers)
    return test


# name -> (goal text, test on the (blitz, pytorch, jax) figures; a peer that did not run is None).
# Times: lower is better; GFLOP/s: higher.
GOALS = {
    "scalar_chain_per_op": ("<= 0.07x PyTorch and <= 0.3 us",
                            lambda b, t, j: both(at_most(0.07, b, t), b <= 0.3)),
    "blitz_net_train_step_b4": ("<= 0.2x PyTorch", lambda b, t, j: at_most(0.2, b, t)),
    "blitz_net_train_step_b64": ("<= 0.25x PyTorch, <= 0.2x JAX",
                                 lambda b, t, j: both(at_most(0.25, b, t), at_most(0.2, b, j))),
    "mlp_train_step_b32": ("<= 0.15x PyTorch, <= 0.8x JAX",
                           lambda b, t, j: both(at_most(0.15, b, t), at_most(0.8, b, j))),
    "sgemm_1024_gflops": (">= 0.9x the best peer", best_peer(0.9)),
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
            if "median_us" not in row and "value" not in row:
                continue
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


def first_calls(path):
    """name -> median first-call milliseconds over the rounds (JAX's trace and compile)."""
    seen = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                row = json.loads(line)
                if "first_call_ms" in row:
                    seen.setdefault(row["name"], []).append(row["first_call_ms"])
    return {name: statistics.median(values) for name, values in seen.items()}


def peer_columns(mine, ref):
    if ref is None:
        return f"{'-':>12} {'-':>7}"
    theirs = value(ref)
    ratio = mine / theirs if theirs else float("inf")
    return f"{theirs:>12.3f} {ratio:>7.3f}"


def main():
    if len(sys.argv) not in (2, 3, 4):
        sys.exit("usage: python3 bench/compare.py BLITZ.jsonl [PYTORCH.jsonl|-] [JAX.jsonl]")
    blitz = read(sys.argv[1])
    torch = read(sys.argv[2]) if len(sys.argv) >= 3 and sys.argv[2] != "-" else {}
    jax = read(sys.argv[3]) if len(sys.argv) == 4 else {}
    rounds = max((row["rounds"] for row in blitz.values()), default=0)
    if rounds > 1:
        print(f"medians over {rounds} rounds of each program, run in turn")
    print(f"{'workload':<26} {'blitz':>12} {'pytorch':>12} {'ratio':>7} {'jax':>12} {'ratio':>7} {'unit':>8}  goal")
    for name, row in blitz.items():
        mine = value(row)
        t_row, j_row = torch.get(name), jax.get(name)
        if t_row is None and j_row is None:
            # The raw cblas (OpenBLAS) rows have no peer twin: compare them with the Tensor matmul row.
            tensor_row = blitz.get(name.replace("_raw", ""))
            note = ""
            if tensor_row is not None and name != name.replace("_raw", ""):
                note = f"  matmul/raw OpenBLAS = {value(tensor_row) / mine:.2f}"
            elif name == "tui_overhead":
                note = f"  steps/s with the UI over headless (goal >= 0.95: {'met' if mine >= 0.95 else 'not met'})"
            print(f"{name:<26} {mine:>12.3f} {'-':>12} {'-':>7} {'-':>12} {'-':>7} {unit(row):>8}{note}")
            continue
        goal, test = GOALS.get(name, ("", None))
        verdict = None if test is None else test(mine, t_row and value(t_row), j_row and value(j_row))
        verdict_text = "" if verdict is None else ("met" if verdict else "not met")
        line = f"{name:<26} {mine:>12.3f} {peer_columns(mine, t_row)} {peer_columns(mine, j_row)} {unit(row):>8}"
        print(f"{line}  {goal} {verdict_text}".rstrip())
    if len(sys.argv) == 4:
        compile_ms = first_calls(sys.argv[3])
        if compile_ms:
            print("JAX's first call of each jitted workload (trace, compile, one run), not in the medians:")
            for name, ms in compile_ms.items():
                print(f"  {name:<26} {ms:>10.1f} ms")


if __name__ == "__main__":
    main()
