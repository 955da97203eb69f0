#!/usr/bin/env bash
# Build the Linux packages (.deb and .rpm) of idlenode into dist/.
#
#   ./scripts/package.sh                 # both, version from git describe
#   VERSION=1.2.0 ./scripts/package.sh   # an explicit version
#   PACKAGERS=deb ./scripts/package.sh   # only the .deb
#
# Needs Go and a C compiler (cgo) with the GL/X11 headers (make deps);
# nfpm comes through `go run`, so nothing else is downloaded but Go modules.
set -euo pipefail

cd "$(dirname "$0")/.."

# nfpm v2.46 and later need modules that not every Go module mirror serves;
# v2.45.2 is the newest whose dependencies all resolve here.
NFPM_VERSION=${NFPM_VERSION:-v2.45.2}
PACKAGERS=${PACKAGERS:-deb rpm}
export CGO_CFLAGS=${CGO_CFLAGS:-"-O2 -g -Wno-deprecated-declarations"}
export MAINTAINER=${MAINTAINER:-"idlenode developers <packaging@idlenode.invalid>"}
export GOARCH=${GOARCH:-$(go env GOARCH)}

die() {
	echo "package: $*" >&2
	exit 1
}

# version prints a Debian and RPM version made from $VERSION or git describe:
# v1.2.3 -> 1.2.3, 1.2.3-rc1 -> 1.2.3~rc1 (sorts before 1.2.3),
# 1.2.3-4-gabc1234 -> 1.2.3+git4.gabc1234, and with no tag at all
# 0.0.0~git20261125042900.abc1234 (commit time in UTC). A dirty tree adds
# "dirty".
version() {
	local raw=${VERSION:-} dirty="" tagged=1 v
	if [ -z "$raw" ]; then
		git rev-parse --git-dir >/dev/null 2>&1 || die "not a git checkout: set VERSION"
		raw=$(git describe --tags --always --dirty)
		git describe --tags >/dev/null 2>&1 || tagged=""
	fi
	raw=${raw#v}
	if [[ $raw == *-dirty ]]; then
		dirty=1
		raw=${raw%-dirty}
	fi
	if [ -z "$tagged" ]; then # no tag yet: describe gave the commit's hash
		v="0.0.0~git$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S).$raw"
	elif [[ $raw =~ ^[0-9] ]]; then
		v=$(sed -E -e 's/-([0-9]+)-g([0-9a-f]+)$/+git\1.g\2/' -e 's/-/~/g' <<<"$raw")
	else
		die "version \"$raw\" does not start with a digit: set VERSION (e.g. VERSION=1.2.0)"
	fi
	if [ -n "$dirty" ]; then
		if [[ $v == *+* ]]; then v="$v.dirty"; else v="$v+dirty"; fi
	fi
	[[ $v =~ ^[0-9][A-Za-z0-9.+~]*$ ]] || die "version \"$v\" is not a valid package version"
	echo "$v"
}

VERSION=$(version)
export VERSION
export STAGE=dist/stage
rm -rf "$STAGE"
mkdir -p "$STAGE/bin"

echo "package: building the binaries ($VERSION, linux/$GOARCH)"
GOOS=linux go build -trimpath -ldflags "-s -w -X github.com/idlenode/idlenode/internal/buildinfo.Version=$VERSION" -o "$STAGE/bin/" ./cmd/...
for b in idlenode idlenode-coordinator idlectl; do
	[ -x "$STAGE/bin/$b" ] || die "$b was not built"
done
if [ ! -x "$STAGE/bin/idlenode-window" ]; then
	echo "package: note: no idlenode-window binary (cmd/idlenode-window is missing); packaging without it"
fi

# The newest glibc symbol version the binaries use: the package's lower
# bound on libc6 / glibc.
GLIBC_MIN=2.34
if command -v objdump >/dev/null 2>&1; then
	GLIBC_MIN=$(objdump -T "$STAGE"/bin/* 2>/dev/null | grep -oE 'GLIBC_[0-9]+(\.[0-9]+)+' |
		sed 's/GLIBC_//' | sort -uV | tail -n 1)
	[ -n "$GLIBC_MIN" ] || die "found no glibc symbol versions in the binaries"
fi
export GLIBC_MIN

mkdir -p dist
for p in $PACKAGERS; do
	echo "package: nfpm $NFPM_VERSION: $p"
	go run "github.com/goreleaser/nfpm/v2/cmd/nfpm@$NFPM_VERSION" pkg \
		--packager "$p" --config packaging/nfpm.yaml --target dist/
done

echo "package: done:"
for p in $PACKAGERS; do
	case $p in
	deb) f="dist/idlenode_${VERSION}-1_${GOARCH}.deb" ;;
	*) f=$(ls -t dist/idlenode*."$p" 2>/dev/null | head -n 1) ;;
	esac
	[ -f "$f" ] || die "expected $f from nfpm"
	printf '  %s (%s)\n' "$f" "$(du -h "$f" | cut -f1)"
done
