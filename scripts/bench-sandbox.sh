#!/usr/bin/env bash
# Benchmarks of the job sandbox (worker/sandbox): wasm/native CPU-time
# ratios on the project's kernels (C via clang-14 and wasi-libc, Go via
# GOOS=wasip1), suspend latency, start of a ~4 MB Go module cold and
# cached, and the CPU share under a duty cycle. Prints the benchmark lines
# (benchstat can compare runs) and a summary. A few minutes on 2 cores.
#
#   KERNEL_RUNS=3 scripts/bench-sandbox.sh    # more runs per kernel
set -euo pipefail
cd "$(dirname "$0")/.."
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g -Wno-deprecated-declarations}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/sandbox.test" ./worker/sandbox
cd worker/sandbox # the benchmarks build their guests from ./testdata

bench() { "$tmp/sandbox.test" -test.run '^$' -test.bench "$1" -test.benchtime "$2" | tee -a "$tmp/out"; }
bench '^BenchmarkKernels$' "${KERNEL_RUNS:-1}x"
bench '^BenchmarkSuspend$' 300x
bench '^BenchmarkStart$/^cold$' 3x
bench '^BenchmarkStart$/^cached$' 30x
bench '^BenchmarkDutyCycle$' 1x

echo
echo "Summary (CPU time; ratio = wasm in the sandbox / native):"
awk '
function metric(unit,   i) { for (i = 4; i < NF; i++) if ($(i+1) == unit) return $i; return "" }
/^BenchmarkKernels\// {
	split($1, p, "/"); lang = p[2]; k = p[3]; sub(/-[0-9]+$/, "", k)
	r = metric("ratio"); c = metric("ratio-cranelift-canon"); f = metric("ratio-no-nan-canon")
	printf "  %-3s %-8s native %6.2f s  wasm %6.2f s  ratio %5.2f  (Cranelift canonicalising instead %5.2f, no canonicalisation %5.2f)\n", lang, k, metric("native-cpu-s/op"), metric("wasm-cpu-s/op"), r, c, f
	n[lang]++; lr[lang] += log(r); lc[lang] += log(c); lf[lang] += log(f)
	if (r > mx[lang]) mx[lang] = r
}
/^BenchmarkSuspend/ {
	printf "  suspend: CPU use stopped p50 %s ms, p99 %s ms; Suspend returned p50 %s ms, p99 %s ms; CPU used after the call p50 %s ms, p99 %s ms\n", metric("stop-p50-ms"), metric("stop-p99-ms"), metric("call-p50-ms"), metric("call-p99-ms"), metric("cpu-after-p50-ms"), metric("cpu-after-p99-ms")
}
/^BenchmarkStart\/cold/   { printf "  start, cold (compile): %.0f ms wall, %s ms CPU, module %s MB\n", $3 / 1e6, metric("cpu-ms/op"), metric("module-MB") }
/^BenchmarkStart\/cached/ { printf "  start, cached:         %.1f ms wall, %s ms CPU\n", $3 / 1e6, metric("cpu-ms/op") }
/^BenchmarkDutyCycle\//   { split($1, p, "/"); d = p[2]; sub(/-[0-9]+$/, "", d); printf "  duty cycle %s: %s%% of a CPU\n", d, metric("cpu-%") }
END {
	for (l in n) printf "  %-3s geometric mean ratio %.2f, worst %.2f (Cranelift canonicalising instead %.2f, no canonicalisation %.2f)\n", l, exp(lr[l] / n[l]), mx[l], exp(lc[l] / n[l]), exp(lf[l] / n[l])
}' "$tmp/out"
echo "  load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
