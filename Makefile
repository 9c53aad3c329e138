# blitz-tui: `make run` and `make test` are the whole set-up on a fresh machine.
SWIFT ?= swift
PACKAGES := libopenblas-dev libncurses-dev tmux
RELEASE := $(SWIFT) build -c release

.PHONY: deps build run test test-long bench clean

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

# The blitz's full recipe on the digits (10 epochs), checked against PyTorch's accuracy.
test-long: build
	scripts/long-check.sh .build/release/blitz-tui

bench: deps
	$(RELEASE) --product blitz-bench
	.build/release/blitz-bench

clean:
	rm -rf .build
