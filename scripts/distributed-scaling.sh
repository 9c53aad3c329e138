#!/bin/sh
# Steps per second of blitz-net training on the digits: one process at batch 64 (one and two
# threads), DataParallel with two CPU replicas at batch 64, and mpirun -np 2 at batch 32 per
# rank (the same 64 samples a step) and 64 per rank. Each configuration runs SHORT and LONG
# steps ROUNDS times, interleaved with the others; the figure is (LONG − SHORT) steps over the
# difference of the fastest times, so start-up and MPI_Init are not counted and another
# program's load (which only ever adds time) counts as little as it can.
# Usage: scripts/distributed-scaling.sh [BINARY]
set -eu
BIN=${1:-.build/release/blitz-tui}
ROUNDS=${ROUNDS:-5}
SHORT=${SHORT:-20}
LONG=${LONG:-220}
export OMPI_MCA_btl_vader_single_copy_mechanism=none
# On a machine shared with other work, a rank bound to a core, spinning while it waits for the
# other, takes the time the other needs: --bind-to none and mpi_yield_when_idle (docs/distributed.md).
MPIRUN="mpirun --allow-run-as-root --oversubscribe --mca btl self,vader ${MPI_FLAGS---bind-to none --mca mpi_yield_when_idle 1}"
COMMON="train --json --seed 1 --eval-every 1000000000 --no-shuffle"

configuration() {  # the command of configuration $1, without --steps
    case $1 in
    1) echo "$BIN $COMMON --batch-size 64 --threads 1" ;;
    2) echo "$BIN $COMMON --batch-size 64 --threads 2" ;;
    3) echo "$BIN $COMMON --batch-size 64 --threads 1 --data-parallel 2" ;;
    4) echo "$MPIRUN -np 2 $BIN $COMMON --distributed --batch-size 32 --threads 1" ;;
    5) echo "$MPIRUN -np 2 $BIN $COMMON --distributed --batch-size 64 --threads 1" ;;
    esac
}
label() {
    case $1 in
    1) echo "1 process, batch 64, 1 thread" ;;
    2) echo "1 process, batch 64, 2 threads" ;;
    3) echo "1 process, --data-parallel 2 (CPU), batch 64, 1 thread" ;;
    4) echo "mpirun -np 2, batch 32 per rank (64 a step), 1 thread each" ;;
    5) echo "mpirun -np 2, batch 64 per rank (128 a step), 1 thread each" ;;
    esac
}

seconds() {
    start=$(date +%s.%N)
    $1 >/dev/null 2>&1
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

results=$(mktemp)
for round in $(seq "$ROUNDS"); do
    for c in 1 2 3 4 5; do
        echo "$c short $(seconds "$(configuration $c) --steps $SHORT")" >> "$results"
        echo "$c long $(seconds "$(configuration $c) --steps $LONG")" >> "$results"
    done
done
for c in 1 2 3 4 5; do
    short=$(awk -v c="$c" '$1 == c && $2 == "short" { print $3 }' "$results" | sort -g | head -n 1)
    long=$(awk -v c="$c" '$1 == c && $2 == "long" { print $3 }' "$results" | sort -g | head -n 1)
    printf '%-62s %6.1f steps/s  (%d steps in %.2f s)\n' "$(label $c)" "$(echo "($LONG - $SHORT) / ($long - $short)" | bc -l)" \
        "$((LONG - SHORT))" "$(echo "$long - $short" | bc -l)"
done
rm -f "$results"
