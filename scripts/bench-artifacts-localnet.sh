#!/usr/bin/env bash
# Bitswap transfer between two real novacrond processes of a 4-node localnet.
#
#   scripts/bench-artifacts-localnet.sh
#
# Starts a localnet at LOCALNET_PORT_BASE (default 31000) in LOCALNET_DIR (default /tmp/artbench),
# so it does not collide with a developer's localnet; adds a SIZE_MIB (default 100) random file on
# node0 with `novacrond artifacts add` (CID versions in CID_VERSIONS, default "0 1"), then on node3:
#   get        `artifacts get <cid> -o file` (DAG reader + background walk)
#   pin+get    `artifacts pin <cid>` then `artifacts get` from the local store
# verifies the bytes with cmp. Each measurement uses a fresh random file, so node3 always starts
# cold.
# RUNS (default 1) repeats each measurement. The localnet is stopped on exit.
# Build first: make build (uses build/novacrond, or NOVACROND).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
export LOCALNET_PORT_BASE=${LOCALNET_PORT_BASE:-31000}
export LOCALNET_DIR=${LOCALNET_DIR:-/tmp/artbench}
export NOVACROND=${NOVACROND:-$ROOT/build/novacrond}
SIZE_MIB=${SIZE_MIB:-100}
RUNS=${RUNS:-1}
CID_VERSIONS=${CID_VERSIONS:-"0 1"}
BIN=$NOVACROND

[ -x "$BIN" ] || { echo "bench: $BIN not found; run 'make build' first" >&2; exit 1; }
WORK=$(mktemp -d /tmp/artbench-work.XXXXXX)
cleanup() {
  "$ROOT/scripts/localnet.sh" stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

art() { local n=$1; shift; "$BIN" artifacts --home "$LOCALNET_DIR/node$n" "$@"; }
now() { date +%s.%N; }
mibs() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1048576 / s }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "bench: starting a 4-node localnet (port base $LOCALNET_PORT_BASE, dir $LOCALNET_DIR)" >&2
"$ROOT/scripts/localnet.sh" start >"$WORK/localnet.out" 2>&1 || { cat "$WORK/localnet.out" >&2; exit 1; }

# node3 must be connected to node0 over bitswap before we time anything.
id0=$(art 0 id | awk 'NR == 1')
for _ in $(seq 1 60); do
  art 3 peers 2>/dev/null | grep -q "/p2p/$id0 connected" && break
  sleep 1
done
art 3 peers | grep "/p2p/$id0 connected" >&2 || { echo "bench: node3 never connected to node0 ($id0)" >&2; exit 1; }

bytes=$((SIZE_MIB << 20))
echo "bench: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $bytes-byte random files" >&2
printf '| CID version | step (node3) | wall (s) | MiB/s |\n| --- | --- | --- | --- |\n'

# add_new V: a fresh random file on node0 -> its CID. Every measurement fetches a CID node3 has
# never seen (re-fetching a CID that node3 fetched earlier and then garbage-collected can stall
# in bitswap; see "Known issues" in app/artifacts/README.md).
add_new() {
  head -c "$bytes" /dev/urandom >"$WORK/in"
  local t0 t1 cid
  t0=$(now)
  cid=$(art 0 add --progress=false --cid-version "$1" "$WORK/in")
  t1=$(now)
  echo "bench: v$1 add on node0: $cid in $(secs "$t0" "$t1") s" >&2
  echo "$cid"
}

forget() { # keep both stores small between runs
  art 3 unpin "$1" >/dev/null 2>&1 || true
  art 0 unpin "$1" >/dev/null 2>&1 || true
  art 3 gc >/dev/null
  art 0 gc >/dev/null
}

for v in $CID_VERSIONS; do
  for ((r = 1; r <= RUNS; r++)); do
    # get straight from the network
    cid=$(add_new "$v")
    rm -f "$WORK/out"
    t0=$(now)
    art 3 get "$cid" -o "$WORK/out" 2>/dev/null
    t1=$(now)
    cmp "$WORK/in" "$WORK/out" || { echo "bench: get returned different bytes" >&2; exit 1; }
    printf '| %s | get | %s | %s |\n' "$v" "$(secs "$t0" "$t1")" "$(mibs "$bytes" "$(secs "$t0" "$t1")")"
    forget "$cid"

    # pin (fetch the whole DAG) then get from the local store
    cid=$(add_new "$v")
    rm -f "$WORK/out"
    t0=$(now)
    art 3 pin "$cid" >/dev/null
    t1=$(now)
    art 3 get "$cid" -o "$WORK/out" 2>/dev/null
    t2=$(now)
    cmp "$WORK/in" "$WORK/out" || { echo "bench: pin+get returned different bytes" >&2; exit 1; }
    printf '| %s | pin | %s | %s |\n' "$v" "$(secs "$t0" "$t1")" "$(mibs "$bytes" "$(secs "$t0" "$t1")")"
    printf '| %s | then get (local) | %s | %s |\n' "$v" "$(secs "$t1" "$t2")" "$(mibs "$bytes" "$(secs "$t1" "$t2")")"
    printf '| %s | pin+get | %s | %s |\n' "$v" "$(secs "$t0" "$t2")" "$(mibs "$bytes" "$(secs "$t0" "$t2")")"
    forget "$cid"
  done
done
# The chain-pin reconciler ran beside the transfers; show what it said.
grep -h "chain pins" "$LOCALNET_DIR"/node*.log | tail -n 5 >&2 || true
echo "bench: ok (bytes verified with cmp)" >&2
