# idlenode: a desktop app that lends idle CPU and GPU time to a compute network.
# `make help` lists the targets.

SHELL := /bin/bash
GO ?= go
export CGO_CFLAGS ?= -O2 -g -Wno-deprecated-declarations
BIN := bin

.PHONY: help deps build test test-short bench lint vet-cross run contracts package clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  %-12s %s\n", $$1, $$2}'

deps: ## install the Debian packages the build and tests need (sudo when not root)
	@./scripts/deps.sh

build: deps ## build the binaries into bin/
	$(GO) build -o $(BIN)/ ./cmd/...

test: deps ## run every test with -race, inside a D-Bus session with a real keyring and Xvfb
	@./scripts/test.sh

test-short: ## the fast tests only, without the race detector
	$(GO) test -short ./...

bench: deps ## run the benchmarks (compare runs with benchstat)
	@./scripts/bench.sh

lint: ## go vet here and for windows and darwin
	$(GO) vet ./...
	@$(MAKE) --no-print-directory vet-cross

vet-cross: ## go vet the cgo-free packages for windows and darwin
	@./scripts/vet-cross.sh

run: deps build ## start the local dev network and the node, earning within a minute
	@./scripts/run.sh

contracts: ## recompile the Solidity contracts (solc-js from npm) and regenerate the Go bindings
	@./scripts/contracts.sh

package: deps ## build the .deb and .rpm into dist/ (scripts/package.sh)
	@./scripts/package.sh

clean: ## remove build outputs
	rm -rf $(BIN) dist
