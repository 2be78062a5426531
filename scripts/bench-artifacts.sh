#!/usr/bin/env bash
# `novacrond artifacts add --only-hash` as users run it (the shipped binary,
# build/novacrond from `make build`) against kubo `ipfs add --only-hash -Q` on
# the same random files: wall time, CPU time and peak RSS from GNU time, the
# median of RUNS runs per tool, CID version and size. The CIDs of both tools
# must be identical or the script fails. Prints a markdown table on stdout and
# the machine, date and load on stderr.
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
# each binary costs before it reads a byte. Peak RSS counts the binary's own
# mapped pages, so it depends on how the page cache holds the executable (a
# freshly linked binary can be mapped in 2 MiB folios; see
# app/artifacts/README.md, Benchmarks).
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
  /usr/bin/time -o "$work/t" -f "%e %M %U %S" "$@" >"$work/stdout"
  awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$work/t" >>"$work/m"
  CID=$(tr -d '\n' <"$work/stdout")
}
# median of column $1 of file $2 (upper median for even counts)
median() { sort -n -k"$1","$1" "$2" | awk -v c="$1" '{v[NR]=$c} END {print v[int(NR/2)+1]}'; }
range() { sort -n -k"$1","$1" "$2" | awk -v c="$1" 'NR==1{lo=$c} {hi=$c} END {print lo "-" hi}'; }

# row <label...>: prints the medians of $work/m for one tool and clears it.
row() {
  local wall rss cpu
  wall=$(median 1 "$work/m") rss=$(median 2 "$work/m") cpu=$(median 3 "$work/m")
  printf '| %s | %s | %s | `%s` | %.2f (%s) | %s | %.2f | %.1f (%s) |\n' "$1" "$2" "$3" "$4" "$wall" "$(range 1 "$work/m")" \
    "$(awk -v s="$5" -v w="$wall" 'BEGIN{ if (s == "-") print "-"; else printf "%.0f", s / w }')" \
    "$cpu" "$(awk -v r="$rss" 'BEGIN{printf "%.1f", r / 1024}')" \
    "$(range 2 "$work/m" | awk -F- '{printf "%.1f-%.1f", $1 / 1024, $2 / 1024}')"
  : >"$work/m"
}

echo "bench: $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -sr), $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "bench: $NOVACROND ($("$NOVACROND" version 2>&1)) vs kubo $kubo_version ($KUBO), median of $RUNS runs" >&2

echo "| size | CID version | tool | command | wall s, median (min-max) | MiB/s | CPU user+sys s | peak RSS MiB, median (min-max) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
: >"$work/m"
for _ in $(seq "$RUNS"); do measure "$NOVACROND" version; done
row start-up - novacrond "novacrond version" -
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
