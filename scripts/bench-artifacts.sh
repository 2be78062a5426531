#!/usr/bin/env bash
# `novacrond artifacts add --only-hash` as users run it (the shipped binary,
# build/novacrond from `make build`) against kubo `ipfs add --only-hash -Q` on
# the same random files: wall time, CPU time and peak RSS from GNU time, the
# median of RUNS runs per tool, CID version and size. The CIDs of both tools
# must be identical or the script fails. Prints a markdown table on stdout,
# then the machine, date and load and the issue-11 criteria (met or not) on
# stderr.
#
#   make build && scripts/bench-artifacts.sh
#
#   NOVACROND  binary to measure (default build/novacrond; not rebuilt here)
#   SIZES_MIB  file sizes in MiB (default "256 1024")
#   CID_VERSIONS (default "0 1")
#   RUNS       runs per cell, median kept (default 5)
#   BENCH_DIR  where the input files go (default a temp dir under /tmp)
#
# The first rows ("start-up") are `novacrond version` and `ipfs version`: what
# each binary costs before it reads a byte; when novacrond-node is next to
# $NOVACROND, its `version` too (the node binary novacrond hands its other
# commands to, i.e. what every command cost before the split). Wall time is
# taken around GNU time with bash's EPOCHREALTIME (ms resolution; GNU time's
# own %e has 10 ms). Peak RSS counts the binary's own mapped pages, so it
# depends on how the page cache holds the executable (a freshly linked binary
# can be mapped in 2 MiB folios; see app/artifacts/README.md, Benchmarks).
set -euo pipefail
cd "$(dirname "$0")/.."

NOVACROND=${NOVACROND:-build/novacrond}
SIZES_MIB=${SIZES_MIB:-${SIZE_MIB:-256 1024}}
CID_VERSIONS=${CID_VERSIONS:-"0 1"}
RUNS=${RUNS:-5}
[[ -x /usr/bin/time ]] || { echo "bench: needs GNU time: apt-get install time" >&2; exit 1; }
[[ -x $NOVACROND ]] || { echo "bench: $NOVACROND not found; run 'make build' first" >&2; exit 1; }

KUBO=$(scripts/build-kubo.sh)
work=$(mktemp -d "${BENCH_DIR:-/tmp}/bench-artifacts.XXXXXX")
trap 'rm -rf "$work"' EXIT
export IPFS_PATH="$work/kubo-repo"
"$KUBO" init --profile=test --empty-repo >/dev/null
kubo_version=$("$KUBO" version | awk '{print $3}')

# measure <cmd...>: one run under GNU time; appends "wall rss_kb cpu" to $work/m
# and sets CID to the command's stdout.
measure() {
  local t0=$EPOCHREALTIME t1
  /usr/bin/time -o "$work/t" -f "%M %U %S" "$@" >"$work/stdout"
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" '{printf "%.3f %s %.2f\n", b - a, $1, $2 + $3}' "$work/t" >>"$work/m"
  CID=$(tr -d '\n' <"$work/stdout")
}
# median of column $1 of file $2 (upper median for even counts)
median() { sort -n -k"$1","$1" "$2" | awk -v c="$1" '{v[NR]=$c} END {print v[int(NR/2)+1]}'; }
range() { sort -n -k"$1","$1" "$2" | awk -v c="$1" 'NR==1{lo=$c} {hi=$c} END {print lo "-" hi}'; }

# row <size> <cid> <tool> <command> <MiB|->: prints the medians of $work/m for one
# tool and clears it; keeps them in WALL[key] and RSS[key] (MiB), key "tool size cid".
declare -A WALL RSS
row() {
  local wall rss cpu
  wall=$(median 1 "$work/m") rss=$(median 2 "$work/m") cpu=$(median 3 "$work/m")
  printf '| %s | %s | %s | `%s` | %.3f (%s) | %s | %.2f | %.1f (%s) |\n' "$1" "$2" "$3" "$4" "$wall" "$(range 1 "$work/m")" \
    "$(awk -v s="$5" -v w="$wall" 'BEGIN{ if (s == "-") print "-"; else printf "%.0f", s / w }')" \
    "$cpu" "$(awk -v r="$rss" 'BEGIN{printf "%.1f", r / 1024}')" \
    "$(range 2 "$work/m" | awk -F- '{printf "%.1f-%.1f", $1 / 1024, $2 / 1024}')"
  WALL["${3%% *} $1 $2"]=$wall
  RSS["${3%% *} $1 $2"]=$(awk -v r="$rss" 'BEGIN{printf "%.1f", r / 1024}')
  : >"$work/m"
}

# check <description> <awk condition on a, b>: prints "met" or "NOT met" for one criterion.
FAILED=0
check() {
  if awk -v a="$2" -v b="$3" "BEGIN{exit !($4)}"; then
    echo "bench: met:     $1 ($2 vs $3)" >&2
  else
    echo "bench: NOT met: $1 ($2 vs $3)" >&2
    FAILED=1
  fi
}

echo "bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -sr), $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "bench: $NOVACROND ($("$NOVACROND" version 2>&1)) vs kubo $kubo_version ($KUBO), median of $RUNS runs" >&2

echo "| size | CID version | tool | command | wall s, median (min-max) | MiB/s | CPU user+sys s | peak RSS MiB, median (min-max) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
: >"$work/m"
for _ in $(seq "$RUNS"); do measure "$NOVACROND" version; done
row start-up - novacrond "novacrond version" -
node="$(dirname "$NOVACROND")/novacrond-node"
if [[ -x $node ]]; then
  for _ in $(seq "$RUNS"); do measure "$node" version; done
  row start-up - novacrond-node "novacrond-node version" -
fi
for _ in $(seq "$RUNS"); do measure "$KUBO" version; done
row start-up - "kubo $kubo_version" "ipfs version" -

for mib in $SIZES_MIB; do
  file="$work/in-$mib"
  echo "bench: writing $mib MiB of random data" >&2
  head -c $((mib << 20)) /dev/urandom >"$file"
  cat "$file" >/dev/null # both tools read from the page cache
  for v in $CID_VERSIONS; do
    : >"$work/ours" && : >"$work/kubo"
    # Alternate the tools run by run so load from other work hits both alike.
    for _ in $(seq "$RUNS"); do
      : >"$work/m"; measure "$NOVACROND" artifacts add --only-hash --cid-version "$v" "$file"
      cat "$work/m" >>"$work/ours"; ours=$CID
      : >"$work/m"; measure "$KUBO" add --only-hash -Q --cid-version "$v" "$file"
      cat "$work/m" >>"$work/kubo"; kubo=$CID
      [[ $ours == "$kubo" ]] || { echo "bench: CID mismatch ${mib} MiB v$v: novacrond $ours, kubo $kubo" >&2; exit 1; }
    done
    echo "bench: ${mib} MiB v$v: $ours (identical in both tools)" >&2
    cp "$work/ours" "$work/m"
    row "$mib MiB" "$v" novacrond "novacrond artifacts add --only-hash --cid-version $v" "$mib"
    cp "$work/kubo" "$work/m"
    row "$mib MiB" "$v" "kubo $kubo_version" "ipfs add --only-hash -Q --cid-version $v" "$mib"
  done
  rm -f "$file"
done
echo "bench: done, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# The criteria of issue 11 on the medians above.
check "novacrond version under 50 ms wall" "${WALL[novacrond start-up -]}" 0.050 'a < b'
check "novacrond version under 60 MB (57.2 MiB) peak RSS" "${RSS[novacrond start-up -]}" 57.2 'a < b'
for mib in $SIZES_MIB; do
  for v in $CID_VERSIONS; do
    check "$mib MiB CIDv$v: novacrond wall s <= kubo" "${WALL[novacrond $mib MiB $v]}" "${WALL[kubo $mib MiB $v]}" 'a <= b'
    check "$mib MiB CIDv$v: novacrond peak RSS MiB <= kubo" "${RSS[novacrond $mib MiB $v]}" "${RSS[kubo $mib MiB $v]}" 'a <= b'
  done
done
exit "$FAILED"
