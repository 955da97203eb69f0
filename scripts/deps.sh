#!/usr/bin/env bash
# Installs the Debian packages that building and testing idlenode need,
# only those that are missing, with sudo when not root. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  build-essential pkg-config git ca-certificates
  libgl1-mesa-dev xorg-dev libxss-dev                 # fyne (cgo, GL, X11) and X11 idle time
  xvfb x11-utils xdotool imagemagick                  # real windows and screenshots in tests
  dbus dbus-x11 gnome-keyring libsecret-tools         # a real Secret Service for the keyring
  clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32 # C -> wasm32-wasi kernels for benchmarks
  postgresql                                          # the coordinator's PostgreSQL store, tested against a real server
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go. Go 1.21 or newer fetches the toolchain go.mod names by itself. Debian 12
# packages only Go 1.19, which cannot: use it once to download the official
# toolchain from the Go module proxy (module golang.org/toolchain) into
# /usr/local/go, and link it into /usr/local/bin.
go_ok() {
  command -v go >/dev/null 2>&1 || return 1
  local v minor
  v=$(go env GOVERSION 2>/dev/null || true) # go1.19.8
  minor=$(echo "$v" | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
  [ -n "$minor" ] && [ "$minor" -ge 21 ]
}
if ! go_ok; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  want=$(awk '/^go /{print $2; exit}' go.mod)
  arch=$(dpkg --print-architecture)
  if [ ! -x /usr/lib/go-1.19/bin/go ]; then
    echo "deps: installing Debian's Go to fetch Go $want"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends golang-go >/dev/null
  fi
  boot=$(ls -d /usr/lib/go-1.*/bin/go | sort -V | tail -1)
  tmp=$(mktemp -d)
  echo "deps: fetching the Go $want toolchain"
  dir=$(cd "$tmp" && GOMODCACHE="$tmp/mod" GOFLAGS=-modcacherw GOTOOLCHAIN=local "$boot" mod download -json \
    "golang.org/toolchain@v0.0.1-go$want.linux-$arch" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  if [ -z "$dir" ] || [ ! -f "$dir/bin/go" ]; then
    echo "deps: could not fetch Go $want; install Go 1.21 or newer and run again" >&2
    exit 1
  fi
  $SUDO rm -rf /usr/local/go
  $SUDO cp -r "$dir" /usr/local/go
  $SUDO chmod -R u+w,a+rX /usr/local/go
  $SUDO chmod +x /usr/local/go/bin/* /usr/local/go/pkg/tool/*/*
  $SUDO ln -sf /usr/local/go/bin/go /usr/local/bin/go
  $SUDO ln -sf /usr/local/go/bin/gofmt /usr/local/bin/gofmt
  rm -rf "$tmp"
  hash -r
  go version
fi
