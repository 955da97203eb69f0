#!/usr/bin/env bash
# Installs the Debian packages that building and testing idlenode need,
# only those that are missing, with sudo when not root. Safe to run again.
set -euo pipefail

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

if ! command -v go >/dev/null 2>&1; then
  echo "deps: Go is not installed. Install Go 1.21 or newer (it fetches the toolchain go.mod names) and run again." >&2
  exit 1
fi
