#!/usr/bin/env bash
# go vet for windows and darwin without cgo: the packages that build
# everywhere must keep building everywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=$(go list ./app/... ./worker/... ./protocol/... 2>/dev/null || true)
[ -n "$pkgs" ] || exit 0
for os in windows darwin; do
  CGO_ENABLED=0 GOOS=$os GOARCH=amd64 go vet $pkgs
done
