#!/usr/bin/env bash
# End-to-end numbers of the worker (issue 6), on this machine:
#  - Mandelbrot SIZE² in TILES tiles through the network (a coordinator and
#    one node using every core, 1 replica) against the same tiles computed
#    natively with the same parallelism: the overhead ratio;
#  - time from "idle" to the first job running;
#  - time from "busy" (owner's pause) to jobs stopped, over N pauses.
# Usage: scripts/bench-e2e.sh [SIZE] [TILES]   (binaries from bin/: make build;
# KEEP=1 keeps the work folder with the logs)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-2048}
TILES=${2:-64}
BIN=$PWD/bin
W=$(mktemp -d /tmp/idlenode-bench-XXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null; rm -rf "$W"' EXIT
PORT=$((20000 + RANDOM % 10000))
URL=http://127.0.0.1:$PORT
ms() { date +%s%3N; }

"$BIN/idlenode-coordinator" serve --listen 127.0.0.1:$PORT --data "$W/coord" --sync NORMAL --log-level warn 2>"$W/coord.log" &
until [ -s "$W/coord/network.json" ]; do sleep 0.1; done
echo -n "bench passphrase" >"$W/pass"
N="$W/node"
"$BIN/idlenode" join --home "$N" "$W/coord/network.json" >/dev/null
"$BIN/idlenode" wallet create --dir "$N/wallet" --passphrase-file "$W/pass" >/dev/null
for kv in "idle_minutes 0" "max_cpu_other_percent 100" "cores_percent 100"; do
  "$BIN/idlenode" settings --home "$N" set $kv >/dev/null
done
"$BIN/idlenode" pause --home "$N" >/dev/null 2>&1 || true
env -u DISPLAY "$BIN/idlenode" run --headless --home "$N" --passphrase-file "$W/pass" 2>"$W/node.log" &
until "$BIN/idlenode" status --home "$N" >/dev/null 2>&1; do sleep 0.1; done
"$BIN/idlenode" pause --home "$N" >/dev/null

# Build the tile module once, and warm the node's compile cache and login.
"$BIN/idlectl" --coordinator "$URL" mandelbrot --size 64 --tiles 1 --replicas 1 -o "$W/warm.png" >/dev/null 2>&1 &
warm=$!
sleep 1
t0=$(ms)
"$BIN/idlenode" resume --home "$N" >/dev/null
until grep -q "Job started" "$W/node.log"; do sleep 0.01; done
t1=$(ms)
wait $warm
echo "idle -> first job running: $((t1 - t0)) ms (includes signing in to the coordinator)"

t0=$(ms)
"$BIN/idlectl" --coordinator "$URL" mandelbrot --size "$SIZE" --tiles "$TILES" --replicas 1 -o "$W/net.png" >/dev/null
t1=$(ms)
net=$((t1 - t0))

go build -o "$W/tile" ./examples/mandelbrot/tile
cores=$(nproc)
k=$(awk -v n="$TILES" 'BEGIN{print int(sqrt(n)+0.5)}')
side=$((SIZE / k))
t0=$(ms)
for ty in $(seq 0 $((k - 1))); do for tx in $(seq 0 $((k - 1))); do
  echo "$SIZE $((tx * side)) $((ty * side)) $side $side 255"
done; done | xargs -P "$cores" -n 6 sh -c '"$0" "$@" >/dev/null' "$W/tile"
t1=$(ms)
native=$((t1 - t0))
echo "mandelbrot ${SIZE}x${SIZE} in $TILES tiles: network $net ms, native ($cores in parallel) $native ms, ratio $(awk -v a=$net -v b=$native 'BEGIN{printf "%.2f", a/b}')"

# Busy -> stopped: pause while a long job runs, read the worker's yield latency.
"$BIN/idlectl" --coordinator "$URL" mandelbrot --size 4096 --tiles 4 --replicas 1 -o "$W/big.png" >/dev/null 2>&1 &
for i in $(seq 1 20); do
  until "$BIN/idlenode" status --home "$N" | grep -q "running"; do sleep 0.05; done
  "$BIN/idlenode" pause --home "$N" >/dev/null
  "$BIN/idlenode" resume --home "$N" >/dev/null
done
"$BIN/idlenode" status --home "$N" | grep -E '^Yield:' | sed 's/^/busy -> jobs stopped: /'
