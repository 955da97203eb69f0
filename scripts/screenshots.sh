#!/bin/sh
# screenshots.sh OUTDIR: start the real binaries under Xvfb, a headless node
# service and one window per tab, and save a PNG of each tab into OUTDIR.
# Needs Xvfb, xdotool and imagemagick; runs itself under dbus-run-session
# when no session bus is set (fyne otherwise starts a bus that outlives it).
# IDLENODE_BIN names a built idlenode (with idlenode-window beside it);
# without it both are built.
set -eu
out=${1:?usage: scripts/screenshots.sh OUTDIR}
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
	exec dbus-run-session -- "$0" "$@"
fi
mkdir -p "$out"
tmp=$(mktemp -d)
bin=${IDLENODE_BIN:-}
if [ -z "$bin" ]; then
	CGO_CFLAGS="-O2 -g -Wno-deprecated-declarations" go build -o "$tmp/" ./cmd/idlenode ./cmd/idlenode-window
	bin=$tmp/idlenode
fi
# Xvfb picks a free display itself and writes its number to fd 3.
Xvfb -displayfd 3 -screen 0 900x700x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
i=0
until [ -s "$tmp/display" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then echo "screenshots: Xvfb did not start:" >&2; cat "$tmp/xvfb.log" >&2; exit 1; fi
	sleep 0.1
done
disp=":$(cat "$tmp/display")"
svc=""
cleanup() {
	[ -n "$svc" ] && kill "$svc" 2>/dev/null && wait "$svc" 2>/dev/null
	kill "$xvfb" 2>/dev/null
	wait "$xvfb" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export DISPLAY="$disp"
export XDG_CONFIG_HOME="$tmp/xdg-config" XDG_CACHE_HOME="$tmp/xdg-cache"
home="$tmp/node"
"$bin" run --headless --home "$home" >"$tmp/service.log" 2>&1 &
svc=$!
i=0
until [ -S "$home/node.sock" ]; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then echo "screenshots: the service did not start:" >&2; cat "$tmp/service.log" >&2; exit 1; fi
	sleep 0.1
done
for tab in ${TABS:-firstrun dashboard settings wallet activity}; do
	"$bin" window --home "$home" --tab "$tab" >"$tmp/window-$tab.log" 2>&1 &
	win=$!
	if ! timeout 20 xdotool search --sync --onlyvisible --name '^idlenode$' >/dev/null; then
		echo "screenshots: no window for $tab:" >&2; cat "$tmp/window-$tab.log" >&2; exit 1
	fi
	sleep "${SETTLE:-3}" # let the stream and the wallet answer, and the charts fill
	import -window root "$out/$tab.png"
	kill "$win"
	# The window exits within its grace (5 s) after a signal; should it
	# not, keep its goroutine dump beside the screenshots and go on.
	i=0
	while kill -0 "$win" 2>/dev/null && [ $i -lt 80 ]; do i=$((i + 1)); sleep 0.1; done
	if kill -0 "$win" 2>/dev/null; then
		kill -QUIT "$win" 2>/dev/null; sleep 1
		cp "$tmp/window-$tab.log" "$out/window-$tab-stuck.log" 2>/dev/null || true
		echo "screenshots: the $tab window did not exit on SIGTERM; its dump is in $out/window-$tab-stuck.log" >&2
		kill -9 "$win" 2>/dev/null || true
	fi
	wait "$win" 2>/dev/null || true
	echo "screenshots: $out/$tab.png"
done
