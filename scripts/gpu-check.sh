#!/usr/bin/env bash
# The GPU check of blitz-tui's CUDA backend, for a CUDA machine that has no Swift toolchain.
#
#   scripts/gpu-check.sh prepare [DIR]   here, with Swift: builds a static blitz-tui
#                                        (swift build -c release --static-swift-stdlib) and puts
#                                        it in DIR (default .build/gpu-check) with the shared
#                                        libraries it needs (OpenBLAS, libgfortran, ...) and a
#                                        copy of this script, then packs DIR into DIR.tar.xz
#   DIR/gpu-check.sh                     there: runs the check with the binary beside it
#   scripts/gpu-check.sh run DIR|FILE    the same, naming DIR or the packed DIR.tar.xz (unpacked
#                                        into a temporary folder first)
#   scripts/gpu-check.sh parity DIR|FILE [cpu|cuda]   only the parity check against PyTorch
#
# The check (under five minutes): the GPU as nvidia-smi sees it, `blitz-tui devices`,
# `blitz-tui selftest --device cuda` (its last row times the training step at batch 256 in one
# process: the median step within an epoch), the same step in PyTorch, and a parity check: the
# same initial weights (a safetensors file PyTorch writes, loaded with --init), the same batches
# (a CIFAR-10-format file in order, --no-shuffle), SGD with momentum for PARITY_STEPS steps on
# both, every loss and the final weights compared within 1e-4. A short table comes last.
# The CUDA libraries are found at run time; when PyTorch's pip wheels are installed, their
# nvidia/ folder is added to BLITZ_CUDA_PATH. The bundled libraries (lib/) are put on
# LD_LIBRARY_PATH for blitz-tui's command lines only, so python3 and torch load their own.
# Exit status: 0 when devices, the self-test and (where PyTorch runs) the parity check pass.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

prepare() {
    local dir="${1:-.build/gpu-check}"
    local root
    root="$(cd "$here/.." && pwd)"
    cd "$root" || exit 1
    echo "== building a static blitz-tui (release) =="
    swift build -c release --static-swift-stdlib --product blitz-tui || exit 1
    local bin
    bin="$(swift build -c release --static-swift-stdlib --show-bin-path)/blitz-tui"
    mkdir -p "$dir/lib"
    cp "$bin" "$dir/blitz-tui"
    # Without its debug symbols the bundle stays well under 64 MiB (27 → 15 MB).
    command -v strip >/dev/null && strip "$dir/blitz-tui"
    cp "$here/gpu-check.sh" "$dir/gpu-check.sh"
    # Every shared library it loads except glibc's own (present on any Linux) goes in lib/.
    ldd "$bin" | awk '/=> \// { print $3 }' | while read -r lib; do
        case "$(basename "$lib")" in
            libc.so*|libm.so*|libdl.so*|libpthread.so*|librt.so*|libresolv.so*|ld-linux*) ;;
            *) cp -L "$lib" "$dir/lib/" ;;
        esac
    done
    # OpenBLAS is loaded at run time (dlopen, after choosing its kernels), so ldd does not list it.
    local blas
    blas="$(ldconfig -p 2>/dev/null | awk '/libopenblas\.so\.0 .*x86-64/ { print $NF; exit }')"
    [ -n "$blas" ] && cp -L "$blas" "$dir/lib/libopenblas.so.0"
    # And what those need in turn (OpenBLAS: libgfortran, libquadmath).
    for lib in "$dir"/lib/*; do
        ldd "$lib" 2>/dev/null | awk '/=> \// { print $3 }' | while read -r dep; do
            case "$(basename "$dep")" in
                libc.so*|libm.so*|libdl.so*|libpthread.so*|librt.so*|libresolv.so*|ld-linux*) ;;
                *) [ -e "$dir/lib/$(basename "$dep")" ] || cp -L "$dep" "$dir/lib/" ;;
            esac
        done
    done
    local glibc
    glibc="$(objdump -T "$dir/blitz-tui" "$dir"/lib/* 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)"
    {
        echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
        echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -srm)"
        echo "needs: ${glibc:-GLIBC (unknown)} or newer"
    } > "$dir/BUILD-INFO"
    echo "== prepared $dir ($(du -sh "$dir" | cut -f1)) =="
    cat "$dir/BUILD-INFO"
    ls -l "$dir" "$dir/lib"
    # Packed, so the bundle travels well under a 64 MiB limit (OpenBLAS alone is 36 MB).
    local packed="$dir.tar.xz"
    tar -C "$(dirname "$dir")" -cf - "$(basename "$dir")" | xz -T0 -6 > "$packed.tmp" && mv "$packed.tmp" "$packed" || exit 1
    echo "== packed $packed ($(du -h "$packed" | cut -f1)); there: scripts/gpu-check.sh run $packed =="
}

# A packed bundle is unpacked into a temporary folder; a folder is used as it is.
bundle_dir() {
    local source="$1"
    if [ -f "$source" ]; then
        local into
        into="$(mktemp -d /tmp/blitz-gpu-bundle.XXXXXX)"
        tar -C "$into" -xJf "$source" || { echo "could not unpack $source" >&2; return 1; }
        local inner
        inner="$(find "$into" -mindepth 2 -maxdepth 2 -name blitz-tui -type f | head -n 1)"
        [ -n "$inner" ] || { echo "$source holds no blitz-tui" >&2; return 1; }
        dirname "$inner"
    else
        echo "$source"
    fi
}

# Runs a command with a time limit, its output to $log_dir/NAME.log and on screen.
step() {
    local name="$1" limit="$2"
    shift 2
    echo
    echo "== $name: $* =="
    timeout --signal=KILL "$limit" "$@" 2>&1 | tee "$log_dir/$name.log"
    return "${PIPESTATUS[0]}"
}

# blitz-tui's training step at batch 256, from the self-test's last row: the median time of
# the steps of one process that stay inside an epoch (not its first, nor its partial last one).
# Each step uploads its batch and reads its loss back, as training does.
blitz_step_ms() {
    grep -E 'time blitz-net step' "$log_dir/selftest.log" | grep -oE 'median [0-9.]+' | grep -oE '[0-9.]+' | tail -n 1
}

# PyTorch's step on the same GPU, timed two ways, each the median of 100 steps after 20 of
# warm-up: "like blitz-tui" uploads a new batch from host memory and reads loss.item() every
# step (what blitz-tui's loop does); "resident" reuses one batch on the GPU and never waits.
torch_step_ms() {
    BLITZ_SCRIPTS="$here" timeout 180 python3 - "$log_dir" <<'PY'
import os, statistics, sys, time, torch, torch.nn.functional as F
sys.path.insert(0, os.environ["BLITZ_SCRIPTS"])
from blitz_net import Net  # the 60-minute blitz's Net, shared with the fixture scripts
torch.backends.cudnn.benchmark = False
dev = torch.device("cuda")
net = Net().to(dev)
opt = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
host = [(torch.randn(256, 3, 32, 32), torch.randint(0, 10, (256,))) for _ in range(8)]
def like_blitz(i):
    x, y = host[i % len(host)]
    x, y = x.to(dev), y.to(dev)
    opt.zero_grad()
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    opt.step()
    return loss.item()
xr, yr = host[0][0].to(dev), host[0][1].to(dev)
def resident(i):
    opt.zero_grad()
    loss = F.cross_entropy(net(xr), yr)
    loss.backward()
    opt.step()
def median_ms(step):
    for i in range(20):
        step(i)
    torch.cuda.synchronize()
    times = []
    for i in range(100):
        t = time.perf_counter()
        step(i)
        torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000
print(f"{median_ms(like_blitz):.3f} {median_ms(resident):.3f}")
PY
}

# The parity check's PyTorch side. `make WORK STEPS BATCH` writes the data (a CIFAR-10-format
# data_batch_1.bin of STEPS·BATCH random records, in order, and a small test_batch.bin) and the
# initial weights (init.safetensors, PyTorch's own initialisation, seed 0). `compare WORK STEPS
# BATCH DEVICE` trains PyTorch's Net on DEVICE from those weights on those batches with SGD
# (lr 0.01, momentum 0.9), then compares every loss of blitz-tui's JSON lines (relative error)
# and every final weight of its --save file (absolute error) within 1e-4. Neither side needs
# numpy or the safetensors package: the format is written and read here.
parity_python() {
    BLITZ_SCRIPTS="$here" python3 - "$@" <<'PY'
import json, os, struct, sys, torch, torch.nn.functional as F
mode, work, steps, batch = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, os.environ["BLITZ_SCRIPTS"])
from blitz_net import Net  # the 60-minute blitz's Net, shared with the fixture scripts
def save(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = bytes(t.detach().cpu().float().contiguous().reshape(-1).view(torch.uint8).tolist())
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
def load(path):
    raw = open(path, "rb").read()
    size = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + size])
    body = raw[8 + size:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", f"{name}: {info['dtype']}"
        a, b = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(body[a:b]), dtype=torch.float32).reshape(info["shape"])
    return out
def records(count, generator):
    labels = torch.randint(0, 10, (count, 1), generator=generator, dtype=torch.uint8)
    pixels = torch.randint(0, 256, (count, 3 * 32 * 32), generator=generator, dtype=torch.uint8)
    return bytes(torch.cat([labels, pixels], 1).reshape(-1).tolist())
def batches(path):
    raw = torch.frombuffer(bytearray(open(path, "rb").read()), dtype=torch.uint8).reshape(-1, 3073)
    x = (raw[:, 1:].float() / 255 - 0.5) / 0.5
    return x.reshape(-1, 3, 32, 32), raw[:, 0].long()
if mode == "make":
    generator = torch.Generator().manual_seed(0)
    open(f"{work}/data/data_batch_1.bin", "wb").write(records(steps * batch, generator))
    open(f"{work}/data/test_batch.bin", "wb").write(records(batch, generator))
    torch.manual_seed(0)
    save(f"{work}/init.safetensors", Net().state_dict())
    sys.exit(0)
device = torch.device(sys.argv[5])
torch.backends.cudnn.allow_tf32 = False      # TF32 convolutions are cuDNN's default: not float32
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.deterministic = True
net = Net()
net.load_state_dict(load(f"{work}/init.safetensors"))
net.to(device)
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
x, y = batches(f"{work}/data/data_batch_1.bin")
losses = []
for i in range(steps):
    opt.zero_grad()
    loss = F.cross_entropy(net(x[i * batch:(i + 1) * batch].to(device)), y[i * batch:(i + 1) * batch].to(device))
    loss.backward()
    opt.step()
    losses.append(loss.item())
theirs = [json.loads(line)["loss"] for line in open(f"{work}/blitz.jsonl") if '"loss"' in line]
if len(theirs) != steps:
    print(f"FAIL: blitz-tui reported {len(theirs)} losses, {steps} expected")
    sys.exit(1)
loss_error = max(abs(a - b) / max(abs(b), 1e-12) for a, b in zip(theirs, losses))
final = load(f"{work}/blitz.safetensors")
mine = {k: v.detach().cpu() for k, v in net.state_dict().items()}
missing = sorted(set(mine) ^ set(final))
if missing:
    print(f"FAIL: parameters differ: {missing}")
    sys.exit(1)
weight_error = max((final[k] - mine[k]).abs().max().item() for k in mine)
ok = loss_error < 1e-4 and weight_error < 1e-4
print(f"{'ok' if ok else 'FAIL'}: {steps} losses max rel err {loss_error:.2e}, final weights max abs err "
      f"{weight_error:.2e} (PyTorch {torch.__version__} on {device}; first loss {losses[0]:.6f}, last {losses[-1]:.6f})")
sys.exit(0 if ok else 1)
PY
}

# The parity check on DEVICE (cuda, or cpu to try the check itself on a machine without a GPU).
parity() {
    local device="$1" steps="${PARITY_STEPS:-20}" batch="${PARITY_BATCH:-64}" work="$log_dir/parity"
    mkdir -p "$work/data"
    parity_python make "$work" "$steps" "$batch" || { echo "FAIL: PyTorch could not write the data and weights"; return 1; }
    if ! timeout 120 "${blitz[@]}" train --headless --json --device "$device" --model blitz-net \
            --dataset "cifar10:$work/data" --no-shuffle --init "$work/init.safetensors" --steps "$steps" \
            --batch-size "$batch" --optimizer sgd --lr 0.01 --momentum 0.9 --seed 0 --eval-every 1000000 \
            --save "$work/blitz.safetensors" >"$work/blitz.jsonl" 2>"$work/blitz.err"; then
        echo "FAIL: blitz-tui did not train: $(tail -n 1 "$work/blitz.err")"
        return 1
    fi
    parity_python compare "$work" "$steps" "$batch" "$device"
}

# Why python3 cannot run the PyTorch side ("" when it can, on `device`).
torch_problem() {
    local device="$1"
    command -v python3 >/dev/null || { echo "no python3"; return; }
    local why
    why="$(python3 -c "import torch; assert '$device' == 'cpu' or torch.cuda.is_available(), 'torch.cuda.is_available() is False'" 2>&1 | tail -n 1)"
    echo "$why"
}

run() {
    local dir
    dir="$(bundle_dir "${1:-$here}")" || exit 1
    bin="$dir/blitz-tui"
    [ -x "$bin" ] || { echo "no blitz-tui in $dir: run 'scripts/gpu-check.sh prepare' on a machine with Swift first"; exit 1; }
    # The bundle's libraries for blitz-tui alone: exported for the whole script they would come
    # first for python3 too, and an older libstdc++ there stops torch from importing.
    blitz=(env "LD_LIBRARY_PATH=$dir/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$bin")
    log_dir="$(mktemp -d /tmp/blitz-gpu-check.XXXXXX)"
    [ -f "$dir/BUILD-INFO" ] && cat "$dir/BUILD-INFO"
    echo "glibc here: $(ldd --version 2>/dev/null | head -n 1)"

    local torch_why
    torch_why="$(torch_problem cuda)"
    if [ -z "$torch_why" ]; then
        local wheels
        wheels="$(python3 -c 'import nvidia, os; print(":".join(p for p in nvidia.__path__ if os.path.isdir(p)))' 2>/dev/null)"
        [ -n "$wheels" ] && export BLITZ_CUDA_PATH="${BLITZ_CUDA_PATH:+$BLITZ_CUDA_PATH:}$wheels"
    fi
    echo "PyTorch: ${torch_why:-importable, with CUDA}"
    echo "BLITZ_CUDA_PATH=${BLITZ_CUDA_PATH:-(not set)}"
    command -v nvidia-smi >/dev/null && step nvidia-smi 20 nvidia-smi --query-gpu=index,name,memory.total,driver_version,compute_cap --format=csv

    local devices_result selftest_result parity_result blitz_ms torch_ms="-" torch_resident="-" gpus
    # Each result is judged by what the command printed, not only by its exit status.
    if step devices 30 "${blitz[@]}" devices && gpus="$(grep -c '^cuda:' "$log_dir/devices.log")" && [ "$gpus" -gt 0 ]; then
        devices_result="ok: $gpus GPU(s)"
    else
        devices_result="FAIL: no cuda: line listed; last line: $(tail -n 1 "$log_dir/devices.log")"
    fi
    if step selftest 180 "${blitz[@]}" selftest --device cuda && grep -qE '^[0-9]+ passed, 0 failed' "$log_dir/selftest.log"; then
        selftest_result="ok: $(grep -E '^[0-9]+ passed, 0 failed' "$log_dir/selftest.log" | tail -n 1)"
    else
        selftest_result="FAIL: $(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log_dir/selftest.log" | tail -n 1)"
        selftest_result="$selftest_result (see $log_dir/selftest.log)"
    fi
    blitz_ms="$(blitz_step_ms)"
    [ -n "$blitz_ms" ] || blitz_ms="not measured: no timing row in the self-test"
    echo
    echo "== PyTorch's training step at batch 256, and the parity check =="
    if [ -z "$torch_why" ]; then
        local both
        if both="$(torch_step_ms 2>"$log_dir/torch.log")"; then
            torch_ms="${both% *}"
            torch_resident="${both#* }"
        else
            torch_ms="not run: $(tail -n 1 "$log_dir/torch.log")"
        fi
        parity_result="$(parity cuda 2>&1 | tail -n 1)"
    else
        torch_ms="not run: $torch_why"
        parity_result="not run: $torch_why"
    fi

    echo
    echo "== summary (logs in $log_dir) =="
    printf '%-44s %s\n' "check" "result"
    printf '%-44s %s\n' "blitz-tui devices" "$devices_result"
    printf '%-44s %s\n' "blitz-tui selftest --device cuda" "$selftest_result"
    printf '%-44s %s\n' "parity with PyTorch (same weights, batches)" "$parity_result"
    printf '%-44s %s\n' "blitz-tui step, batch 256 (ms, median)" "$blitz_ms"
    printf '%-44s %s\n' "PyTorch step, upload + loss.item() (ms)" "$torch_ms"
    printf '%-44s %s\n' "PyTorch step, resident batch (ms)" "$torch_resident"
    echo "Like with like: blitz-tui's step and PyTorch's 'upload + loss.item()' step both copy a"
    echo "batch to the GPU and read the loss back; the resident figure is PyTorch without either."
    # The parity check counts where PyTorch can run it; without PyTorch it says why.
    [[ "$devices_result" == ok* && "$selftest_result" == ok* && ( "$parity_result" == ok* || -n "$torch_why" ) ]]
    exit $?
}

# The parity check alone: scripts/gpu-check.sh parity DIR|FILE [cpu|cuda].
parity_only() {
    local dir device="${2:-cuda}"
    dir="$(bundle_dir "${1:-$here}")" || exit 1
    bin="$dir/blitz-tui"
    [ -x "$bin" ] || { echo "no blitz-tui in $dir"; exit 1; }
    blitz=(env "LD_LIBRARY_PATH=$dir/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$bin")
    log_dir="$(mktemp -d /tmp/blitz-gpu-parity.XXXXXX)"
    local why
    why="$(torch_problem "$device")"
    [ -z "$why" ] || { echo "not run: $why"; exit 1; }
    parity "$device"
}

case "${1:-}" in
    prepare) shift; prepare "$@" ;;
    run) shift; run "$@" ;;
    parity) shift; parity_only "$@" ;;
    -h|--help) sed -n '2,26p' "${BASH_SOURCE[0]}" ;;
    *)
        if [ -x "$here/blitz-tui" ]; then
            run "$here"
        else
            sed -n '2,26p' "${BASH_SOURCE[0]}"
            exit 2
        fi
        ;;
esac
