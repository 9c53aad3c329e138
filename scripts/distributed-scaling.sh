#!/bin/sh
# Steps per second of blitz-net training on the digits at batch 64: one process, DataParallel
# with two CPU replicas, and mpirun -np 2 (per-rank batch 32, the same global batch; and 64).
# Each figure is (long − short) steps over the time difference of two runs, so start-up and
# MPI_Init are not counted; ROUNDS rounds, the median shown. Usage: scripts/distributed-scaling.sh [BINARY]
set -eu
BIN=${1:-.build/release/blitz-tui}
ROUNDS=${ROUNDS:-3}
SHORT=${SHORT:-50}
LONG=${LONG:-250}
export OMPI_MCA_btl_vader_single_copy_mechanism=none
# On a machine shared with other work, a rank bound to a core, spinning while it waits for the
# other, takes the time the other needs: --bind-to none and mpi_yield_when_idle (docs/distributed.md).
MPIRUN="mpirun --allow-run-as-root --oversubscribe --mca btl self,vader ${MPI_FLAGS---bind-to none --mca mpi_yield_when_idle 1}"

seconds() {  # seconds a command takes
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

rate() {  # label, then the command without --steps
    label=$1
    shift
    rates=""
    for _ in $(seq "$ROUNDS"); do
        short=$(seconds "$@" --steps "$SHORT")
        long=$(seconds "$@" --steps "$LONG")
        rates="$rates $(echo "($LONG - $SHORT) / ($long - $short)" | bc -l)"
    done
    median=$(printf '%s\n' $rates | sort -g | sed -n "$(( (ROUNDS + 1) / 2 ))p")
    printf '%-52s %7.1f steps/s   (rounds:%s)\n' "$label" "$median" "$(printf ' %.0f' $rates)"
}

COMMON="train --json --seed 1 --eval-every 1000000000"
rate "1 process, batch 64, 1 thread"                  "$BIN" $COMMON --batch-size 64 --threads 1
rate "1 process, batch 64, 2 threads"                 "$BIN" $COMMON --batch-size 64 --threads 2
rate "1 process, --data-parallel 2, batch 64, 1 thread" "$BIN" $COMMON --batch-size 64 --threads 1 --data-parallel 2
rate "mpirun -np 2, batch 32 per rank (64 a step)"   $MPIRUN -np 2 "$BIN" $COMMON --distributed --batch-size 32 --threads 1
rate "mpirun -np 2, batch 64 per rank (128 a step)"  $MPIRUN -np 2 "$BIN" $COMMON --distributed --batch-size 64 --threads 1
