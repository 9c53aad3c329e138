#!/usr/bin/env bash
# The GPU check of blitz-tui's CUDA backend, for a CUDA machine that has no Swift toolchain.
#
#   scripts/gpu-check.sh prepare [DIR]   here, with Swift: builds a static blitz-tui
#                                        (swift build -c release --static-swift-stdlib) and puts
#                                        it in DIR (default .build/gpu-check) with the shared
#                                        libraries it needs (OpenBLAS, libgfortran, ...) and a
#                                        copy of this script
#   DIR/gpu-check.sh                     there: runs the check with the binary beside it
#   scripts/gpu-check.sh run [DIR]       the same, naming DIR
#
# The check (under five minutes): the GPU as nvidia-smi sees it, `blitz-tui devices`,
# `blitz-tui selftest --device cuda`, a training step at batch 256 timed on blitz-tui and on
# PyTorch (when python3 with torch is there), and a short table last. The CUDA libraries are
# found at run time; when PyTorch's pip wheels are installed, their nvidia/ folder is added
# to BLITZ_CUDA_PATH. Exit status: 0 when devices and the self-test pass, 1 otherwise.
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

# ms per training step of blitz-tui: (time of N2 steps − time of N1 steps) / (N2 − N1), so
# start-up and data set creation cancel out.
blitz_step_ms() {
    local device="$1" t0 t1 t2
    local args=(train --headless --json --device "$device" --model blitz-net --dataset shapes --batch-size 256)
    t0=$(date +%s.%N)
    timeout 60 "$bin" "${args[@]}" --steps 5 >"$log_dir/train-5.log" 2>&1 || return 1
    t1=$(date +%s.%N)
    timeout 90 "$bin" "${args[@]}" --steps 45 >"$log_dir/train-45.log" 2>&1 || return 1
    t2=$(date +%s.%N)
    # JSON lines with a step number, or it did not train.
    grep -q '"step"' "$log_dir/train-45.log" || { echo "no training output" >>"$log_dir/train-45.log"; return 1; }
    awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.2f", ((c - b) - (b - a)) * 1000 / 40 }'
}

torch_step_ms() {
    timeout 120 python3 - <<'PY'
import time, torch, torch.nn as nn, torch.nn.functional as F
class Net(nn.Module):  # the 60-minute blitz's Net
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5); self.pool = nn.MaxPool2d(2, 2); self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120); self.fc2 = nn.Linear(120, 84); self.fc3 = nn.Linear(84, 10)
    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x))); x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1); x = F.relu(self.fc1(x)); x = F.relu(self.fc2(x)); return self.fc3(x)
torch.backends.cudnn.benchmark = False
dev = torch.device("cuda")
net = Net().to(dev)
opt = torch.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
x = torch.randn(256, 3, 32, 32, device=dev); y = torch.randint(0, 10, (256,), device=dev)
def step():
    opt.zero_grad(); loss = F.cross_entropy(net(x), y); loss.backward(); opt.step()
for _ in range(20): step()
torch.cuda.synchronize(); t = time.perf_counter()
for _ in range(100): step()
torch.cuda.synchronize()
print(f"{(time.perf_counter() - t) * 1000 / 100:.2f}")
PY
}

run() {
    local dir="${1:-$here}"
    bin="$dir/blitz-tui"
    [ -x "$bin" ] || { echo "no blitz-tui in $dir: run 'scripts/gpu-check.sh prepare' on a machine with Swift first"; exit 1; }
    export LD_LIBRARY_PATH="$dir/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    log_dir="$(mktemp -d /tmp/blitz-gpu-check.XXXXXX)"
    [ -f "$dir/BUILD-INFO" ] && cat "$dir/BUILD-INFO"
    echo "glibc here: $(ldd --version 2>/dev/null | head -n 1)"

    local have_torch=no
    if command -v python3 >/dev/null && python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
        have_torch=yes
        local wheels
        wheels="$(python3 -c 'import nvidia, os; print(":".join(p for p in nvidia.__path__ if os.path.isdir(p)))' 2>/dev/null)"
        [ -n "$wheels" ] && export BLITZ_CUDA_PATH="${BLITZ_CUDA_PATH:+$BLITZ_CUDA_PATH:}$wheels"
    fi
    echo "BLITZ_CUDA_PATH=${BLITZ_CUDA_PATH:-(not set)}"
    command -v nvidia-smi >/dev/null && step nvidia-smi 20 nvidia-smi --query-gpu=index,name,memory.total,driver_version,compute_cap --format=csv

    local devices_result selftest_result blitz_ms="-" torch_ms="-" gpus
    # Each result is judged by what the command printed, not only by its exit status.
    if step devices 30 "$bin" devices && gpus="$(grep -c '^cuda:' "$log_dir/devices.log")" && [ "$gpus" -gt 0 ]; then
        devices_result="ok: $gpus GPU(s)"
    else
        devices_result="FAIL: no cuda: line listed; last line: $(tail -n 1 "$log_dir/devices.log")"
    fi
    if step selftest 150 "$bin" selftest --device cuda && grep -qE '^[0-9]+ passed, 0 failed' "$log_dir/selftest.log"; then
        selftest_result="ok: $(grep -E '^[0-9]+ passed, 0 failed' "$log_dir/selftest.log" | tail -n 1)"
    else
        selftest_result="FAIL: $(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log_dir/selftest.log" | tail -n 1)"
        selftest_result="$selftest_result (see $log_dir/selftest.log)"
    fi
    echo
    echo "== training step at batch 256 =="
    blitz_ms="$(blitz_step_ms cuda)" || blitz_ms="not run: $(cat "$log_dir"/train-*.log 2>/dev/null | tail -n 1)"
    if [ "$have_torch" = yes ]; then
        torch_ms="$(torch_step_ms 2>"$log_dir/torch.log")" || torch_ms="not run: $(tail -n 1 "$log_dir/torch.log")"
    else
        torch_ms="not run: no python3 with CUDA torch"
    fi

    echo
    echo "== summary (logs in $log_dir) =="
    printf '%-34s %s\n' "check" "result"
    printf '%-34s %s\n' "blitz-tui devices" "$devices_result"
    printf '%-34s %s\n' "blitz-tui selftest --device cuda" "$selftest_result"
    printf '%-34s %s\n' "blitz-tui step, batch 256 (ms)" "$blitz_ms"
    printf '%-34s %s\n' "PyTorch step, batch 256 (ms)" "$torch_ms"
    [[ "$devices_result" == ok* && "$selftest_result" == ok* ]]
    exit $?
}

case "${1:-}" in
    prepare) shift; prepare "$@" ;;
    run) shift; run "$@" ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" ;;
    *)
        if [ -x "$here/blitz-tui" ]; then
            run "$here"
        else
            sed -n '2,18p' "${BASH_SOURCE[0]}"
            exit 2
        fi
        ;;
esac
