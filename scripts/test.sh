#!/usr/bin/env bash
# Runs the whole test suite the way CI does: a private D-Bus session with an
# unlocked gnome-keyring (a real Secret Service for go-keyring) and an Xvfb
# display for the window tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g -Wno-deprecated-declarations}"

tmp=$(mktemp -d)
trap 'kill ${XVFB_PID:-} 2>/dev/null || true; rm -rf "$tmp"' EXIT
# Xvfb picks a free display itself and writes its number to fd 3.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp -noreset 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 1 100); do [ -s "$tmp/display" ] && break; sleep 0.1; done
[ -s "$tmp/display" ] || { echo "test: Xvfb did not start" >&2; cat "$tmp/xvfb.log" >&2; exit 1; }
display=":$(cat "$tmp/display")"
export DISPLAY="$display"
export XDG_DATA_HOME="$tmp/data" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

./scripts/vet-cross.sh

dbus-run-session -- bash -c '
  set -euo pipefail
  echo -n test-keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  go test -race -timeout 20m "$@" ./...
' test "$@"
