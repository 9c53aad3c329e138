# blitz-tui: `make run` and `make test` are the whole set-up on a fresh machine.
SWIFT ?= swift
PACKAGES := libopenblas-dev libncurses-dev tmux
RELEASE := $(SWIFT) build -c release

.PHONY: deps nvrtc build run test test-long bench clean

NVRTC_DIR := .local/nvrtc

# Installs the system packages that are missing (as root), or says exactly what to run.
deps:
	@missing=""; \
	for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "blitz-tui needs:$$missing"; \
			echo "Run: sudo apt-get install -y$$missing"; \
			exit 1; \
		fi; \
	fi

# libnvrtc from PyPI (no GPU needed), so the tests compile every CUDA kernel with the real NVRTC.
# Never fails: when pip cannot get it, it says why and those tests report that they were skipped.
nvrtc:
	@if ls $(NVRTC_DIR)/nvidia/*/lib/libnvrtc.so* >/dev/null 2>&1; then \
		:; \
	elif ! command -v python3 >/dev/null 2>&1; then \
		echo "nvrtc: python3 is not installed; the NVRTC compile tests will be skipped"; \
	else \
		mkdir -p .local; \
		if python3 -m pip install --quiet --disable-pip-version-check --timeout 20 --retries 1 \
			--target $(NVRTC_DIR) nvidia-cuda-nvrtc >.local/nvrtc-pip.log 2>&1 \
			&& ls $(NVRTC_DIR)/nvidia/*/lib/libnvrtc.so* >/dev/null 2>&1; then \
			echo "nvrtc: installed libnvrtc into $(NVRTC_DIR)"; \
		else \
			echo "nvrtc: pip could not install nvidia-cuda-nvrtc; the NVRTC compile tests will be skipped. pip said:"; \
			grep -v "^WARNING: Running pip as the 'root' user" .local/nvrtc-pip.log | tail -n 5; \
			rm -rf $(NVRTC_DIR); \
		fi; \
	fi

build: deps
	$(RELEASE) --product blitz-tui

run: build
	.build/release/blitz-tui

# Every test, then the blitz's 10-epoch recipe on the digits (the debug binary: no release build).
test: deps nvrtc
	$(SWIFT) build --build-tests
	$(SWIFT) test
	scripts/long-check.sh .build/debug/blitz-tui

# The blitz's full recipe on the digits (10 epochs), checked against PyTorch's accuracy.
test-long: build
	scripts/long-check.sh .build/release/blitz-tui

# blitz-bench's medians; where PyTorch and JAX are importable by $(PYTHON), the same workloads in
# each beside them with the ratios (bench/compare.py). THREADS sets every side's thread count
# (default 2) and, where taskset exists, pins every side to the same first THREADS processors. The
# programs run in turn ROUNDS times (default 3) and each figure is the median over the rounds, so a
# drift in a shared machine's speed lands on all sides instead of on one.
THREADS ?= 2
PYTHON ?= python3
ROUNDS ?= 3
bench: deps
	$(RELEASE) --product blitz-bench
	@rm -f .build/bench-blitz.jsonl .build/bench-pytorch.jsonl .build/bench-jax.jsonl
	@if command -v taskset >/dev/null 2>&1 && [ $(THREADS) -le "$$(nproc)" ]; then pin="taskset -c 0-$$(($(THREADS) - 1))"; else pin=; fi; \
	if $(PYTHON) -c 'import torch' 2>/dev/null; then torch=yes; else torch=; echo "PyTorch is not importable by $(PYTHON)"; fi; \
	if $(PYTHON) -c 'import jax' 2>/dev/null; then jax=yes; else jax=; echo "JAX is not importable by $(PYTHON)"; fi; \
	for round in $$(seq $(ROUNDS)); do \
		echo "round $$round of $(ROUNDS)"; \
		$$pin .build/release/blitz-bench --json --threads $(THREADS) >> .build/bench-blitz.jsonl || exit 1; \
		if [ -n "$$torch" ]; then \
			$$pin $(PYTHON) bench/pytorch_reference.py --threads $(THREADS) >> .build/bench-pytorch.jsonl || exit 1; \
		fi; \
		if [ -n "$$jax" ]; then \
			$$pin $(PYTHON) bench/jax_reference.py --threads $(THREADS) >> .build/bench-jax.jsonl || exit 1; \
		fi; \
	done; \
	peers=; \
	if [ -n "$$torch" ]; then peers=.build/bench-pytorch.jsonl; elif [ -n "$$jax" ]; then peers=-; fi; \
	if [ -n "$$jax" ]; then peers="$$peers .build/bench-jax.jsonl"; fi; \
	$(PYTHON) bench/compare.py .build/bench-blitz.jsonl $$peers

clean:
	rm -rf .build
