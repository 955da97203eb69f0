#!/usr/bin/env bash
# make bench: the project's benchmarks. Each line of output is benchstat
# input; save two runs and compare them with
#   go run golang.org/x/perf/cmd/benchstat@latest old.txt new.txt
# BENCH_OUT=file keeps a copy.
set -euo pipefail
cd "$(dirname "$0")/.."
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g -Wno-deprecated-declarations}"
out=${BENCH_OUT:-/dev/null}
{
  # Node core: policy decision cost, input-to-stop latency (p50/p99 ms).
  go test -run '^$' -bench . -benchmem -count 3 ./app/ ./app/policy/ ./app/idle/ ./ui/...
  # Coordinator: round trips per second, lease latency, replication factor.
  go test -run '^$' -bench . -benchmem -count 1 ./coordinator/...
  # Wallet: gas and time of claim, stake, unstake, withdraw on the dev chain.
  go test -run '^$' -bench . -benchmem -count 1 ./wallet/ ./contracts/...
  # Sandbox: rewriting a 4 MB Go module before it compiles (MB/s).
  go test -run '^$' -bench . -benchmem -count 3 ./worker/sandbox/instrument/
} | tee "$out"
# Sandbox: wasm/native ratios on the kernels, suspend latency, start times.
./scripts/bench-sandbox.sh | tee -a "$out"
