#!/usr/bin/env bash
# The blitz's full recipe on the digits: blitz-net, SGD lr 0.001 momentum 0.9, batch 4, 10 epochs
# (PyTorch reaches 97–98% test accuracy here). Fails unless the last evaluation reaches 95%.
set -euo pipefail
binary=${1:-.build/release/blitz-tui}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$binary" train --json --epochs 10 --seed 0 --eval-every 100000 | tee "$log" | grep test_accuracy
last=$(grep test_accuracy "$log" | tail -n 1 | sed 's/.*"test_accuracy":\([0-9.e-]*\).*/\1/')
python3 - "$last" <<'PY'
import sys
accuracy = float(sys.argv[1])
print(f"final test accuracy: {accuracy * 100:.2f}%")
sys.exit(0 if accuracy >= 0.95 else 1)
PY
