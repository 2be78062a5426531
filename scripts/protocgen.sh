#!/usr/bin/env bash
# Regenerates gogoproto Go code and grpc-gateway handlers for proto/novacron/**.
# Offline: plugins come from go.mod's tool directives, dependency protos from the Go module cache.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v protoc >/dev/null || { echo "protoc not found: apt-get install -y protobuf-compiler" >&2; exit 1; }

modpath() { go list -m -f '{{.Dir}}' "$1"; }
go mod download github.com/cosmos/cosmos-sdk github.com/cosmos/gogoproto github.com/cosmos/cosmos-proto github.com/grpc-ecosystem/grpc-gateway
SDK=$(modpath github.com/cosmos/cosmos-sdk)
GOGO=$(modpath github.com/cosmos/gogoproto)
CPROTO=$(modpath github.com/cosmos/cosmos-proto)
GW=$(modpath github.com/grpc-ecosystem/grpc-gateway)

bin=$(mktemp -d)
out=$(mktemp -d)
trap 'rm -rf "$bin" "$out"' EXIT
go build -o "$bin/protoc-gen-gocosmos" github.com/cosmos/gogoproto/protoc-gen-gocosmos
go build -o "$bin/protoc-gen-grpc-gateway" github.com/grpc-ecosystem/grpc-gateway/protoc-gen-grpc-gateway

includes=(-I proto -I "$SDK/proto" -I "$GOGO" -I "$CPROTO/proto" -I "$GW/third_party/googleapis")
for dir in $(find proto/novacron -name '*.proto' -exec dirname {} \; | sort -u); do
  files=$(find "$dir" -maxdepth 1 -name '*.proto' | sort)
  protoc "${includes[@]}" \
    --plugin=protoc-gen-gocosmos="$bin/protoc-gen-gocosmos" \
    --plugin=protoc-gen-grpc-gateway="$bin/protoc-gen-grpc-gateway" \
    --gocosmos_out=plugins=grpc,Mgoogle/protobuf/any.proto=github.com/cosmos/gogoproto/types/any:"$out" \
    --grpc-gateway_out=logtostderr=true,allow_colon_final_segments=true:"$out" \
    $files
done
cp -r "$out/github.com/novacron/novacron/." ./
echo "generated: $(find "$out" -name '*.go' | wc -l) files"
