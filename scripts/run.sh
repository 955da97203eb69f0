#!/usr/bin/env bash
# make run: the local dev network (coordinator, dev chain with the reward
# contracts, a stream of demo jobs) and the node connected to it, with its
# tray and window when a desktop is there. Everything lives in .devnet/;
# delete that folder to start over. Ctrl-C stops it all.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/bin
DEV=$PWD/.devnet
LISTEN=${IDLENODE_DEV_LISTEN:-127.0.0.1:8080}
mkdir -p "$DEV"
chmod 700 "$DEV"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

echo "==> dev network: coordinator on http://$LISTEN with a dev chain and demo jobs (log: $DEV/coordinator.log)"
rm -f "$DEV/coord/network.json"
"$BIN/idlenode-coordinator" serve --dev --demo --demo-replicas 1 --demo-reward 50000000000000000 --listen "$LISTEN" --data "$DEV/coord" >"$DEV/coordinator.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do
  [ -s "$DEV/coord/network.json" ] && grep -q rpc_url "$DEV/coord/network.json" && break
  if ! kill -0 "${pids[0]}" 2>/dev/null; then
    echo "the coordinator stopped:" >&2; tail -20 "$DEV/coordinator.log" >&2; exit 1
  fi
  sleep 0.2
done

NODE=$DEV/node
"$BIN/idlenode" join --home "$NODE" "$DEV/coord/network.json"
# A dev node is not something to start at every login: no autostart entry
# (one left behind would outlive `rm -rf .devnet`).
"$BIN/idlenode" settings --home "$NODE" set autostart off >/dev/null

# The wallet: passphrase in the OS keyring where one runs, else in a file
# beside the dev node (this is a throwaway dev wallet).
# A wallet from an earlier run is kept, and so is its passphrase file.
run_flags=()
if ! "$BIN/idlenode" wallet address --dir "$NODE/wallet" >/dev/null 2>&1; then
  if "$BIN/idlenode" wallet create --dir "$NODE/wallet" 2>/dev/null; then
    rm -f "$DEV/passphrase" # the keyring holds this wallet's passphrase
  else
    if [ ! -f "$DEV/passphrase" ]; then
      (umask 077 && head -c 24 /dev/urandom | base64 >"$DEV/passphrase")
    fi
    "$BIN/idlenode" wallet create --dir "$NODE/wallet" --passphrase-file "$DEV/passphrase"
  fi
fi
[ -f "$DEV/passphrase" ] && run_flags+=(--passphrase-file "$DEV/passphrase")
ADDR=$("$BIN/idlenode" wallet address --dir "$NODE/wallet" | grep -o '0x[0-9a-fA-F]\{40\}' | head -1)
"$BIN/idlenode-coordinator" fund --network "$DEV/coord/network.json" "$ADDR"

# A demo machine should start soon: work after one minute away (instead of
# three); everything else stays as a new install has it.
"$BIN/idlenode" settings --home "$NODE" set idle_minutes 1 >/dev/null

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "==> node: tray icon and window (log: $DEV/node.log). Leave keyboard and mouse alone for a minute to start earning."
  "$BIN/idlenode" run --home "$NODE" "${run_flags[@]}" >"$DEV/node.log" 2>&1 &
  pids+=($!)
  sleep 1
  "$BIN/idlenode" window --home "$NODE" >>"$DEV/node.log" 2>&1 &
  pids+=($!)
else
  echo "==> node: headless (no desktop here; log: $DEV/node.log)"
  "$BIN/idlenode" run --headless --home "$NODE" "${run_flags[@]}" >"$DEV/node.log" 2>&1 &
  pids+=($!)
fi

echo "==> status every 10 s (also: bin/idlenode status --home $NODE; Ctrl-C stops everything)"
while kill -0 "${pids[-1]}" 2>/dev/null; do
  sleep 10
  # One line: "State: working | Why: … | Jobs: … | Earned: …".
  "$BIN/idlenode" status --home "$NODE" 2>/dev/null | grep -E '^(State|Why|Earned|Jobs):' |
    sed -E 's/^([A-Za-z]+): +/\1: /' | paste -sd'|' | sed 's/|/ | /g' || true
done
