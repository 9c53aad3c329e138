# blitz-tui: `make run` and `make test` are the whole set-up on a fresh machine.
SWIFT ?= swift
PACKAGES := libopenblas-dev libncurses-dev tmux
RELEASE := $(SWIFT) build -c release

.PHONY: deps build run test bench clean

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

build: deps
	$(RELEASE) --product blitz-tui

run: build
	.build/release/blitz-tui

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

# blitz-bench's medians; where PyTorch is importable, the same workloads in PyTorch beside them
# with the ratio (bench/compare.py). THREADS sets both sides' thread count (default 2).
THREADS ?= 2
PYTHON ?= python3
bench: deps
	$(RELEASE) --product blitz-bench
	.build/release/blitz-bench --json --threads $(THREADS) > .build/bench-blitz.jsonl
	@if $(PYTHON) -c 'import torch' 2>/dev/null; then \
		$(PYTHON) bench/pytorch_reference.py --threads $(THREADS) > .build/bench-pytorch.jsonl && \
		$(PYTHON) bench/compare.py .build/bench-blitz.jsonl .build/bench-pytorch.jsonl; \
	else \
		echo "PyTorch is not importable by $(PYTHON): blitz-bench alone"; \
		$(PYTHON) bench/compare.py .build/bench-blitz.jsonl; \
	fi

clean:
	rm -rf .build
