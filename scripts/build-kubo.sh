#!/usr/bin/env bash
# Builds kubo (the reference IPFS daemon) from the Go module proxy, for interop
# tests and benchmarks. `go install github.com/ipfs/kubo/cmd/ipfs@VERSION` fails
# because kubo's go.mod replaces go-libp2p with a fork the proxy refuses, so we
# build from the downloaded module with that replace dropped.
#
# Prints the path of the binary on stdout. Reuses a cached binary.
#   KUBO_VERSION     (default v0.43.1)
#   KUBO_LIBP2P      go-libp2p version to require instead (default v0.50.0)
#   NOVACRON_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/novacron)
set -euo pipefail

KUBO_VERSION=${KUBO_VERSION:-v0.43.1}
KUBO_LIBP2P=${KUBO_LIBP2P:-v0.50.0}
CACHE=${NOVACRON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/novacron}
OUT_DIR="$CACHE/kubo-$KUBO_VERSION"
BIN="$OUT_DIR/ipfs"

if [[ -x "$BIN" && "${FORCE:-0}" != 1 ]]; then
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { echo "build-kubo: go not found" >&2; exit 1; }

dir=$(GOFLAGS=-mod=mod go mod download -json "github.com/ipfs/kubo@$KUBO_VERSION" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[[ -d "$dir" ]] || { echo "build-kubo: module download failed" >&2; exit 1; }

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$dir/." "$work/src"
chmod -R u+w "$work/src"
cd "$work/src"

# Drop the fork replace and require a released go-libp2p that accepts the
# quic-go/webtransport-go versions kubo requires.
go mod edit -dropreplace github.com/libp2p/go-libp2p
go mod edit -require "github.com/libp2p/go-libp2p@$KUBO_LIBP2P"
echo "build-kubo: building kubo $KUBO_VERSION with go-libp2p $KUBO_LIBP2P (takes minutes)" >&2
GOFLAGS=-mod=mod go mod tidy >&2
mkdir -p "$OUT_DIR"
GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath -o "$BIN.tmp" ./cmd/ipfs >&2
mv "$BIN.tmp" "$BIN"
"$BIN" version >&2
echo "$BIN"
