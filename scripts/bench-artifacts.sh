#!/usr/bin/env bash
# Compares CID computation of `novacrond artifacts add --only-hash` (built
# here as app/artifacts/internal/artifactscli) with kubo `ipfs add
# --only-hash` on the same file in the same run: wall time, throughput and
# peak RSS (GNU time -v). Prints a markdown table.
#   SIZE_MIB  file size (default 1024)
#   RUNS      runs per tool and CID version, best time kept (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MIB=${SIZE_MIB:-1024}
RUNS=${RUNS:-3}
[[ -x /usr/bin/time ]] || { echo "bench: needs GNU time: apt-get install time" >&2; exit 1; }

KUBO=$(scripts/build-kubo.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/artifactscli" ./app/artifacts/internal/artifactscli
export IPFS_PATH="$work/kubo-repo"
"$KUBO" init --profile=test --empty-repo >/dev/null

file="$work/input.bin"
echo "bench: writing ${SIZE_MIB} MiB of random data" >&2
head -c $((SIZE_MIB << 20)) /dev/urandom >"$file"
cat "$file" >/dev/null # warm the page cache for both tools

# measure <cmd...>: one run under GNU time; sets CID, SECS, CPU, RSS_KB.
measure() {
  local out
  out=$( { /usr/bin/time -v "$@" >"$work/stdout"; } 2>&1 )
  SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' <<<"$out")
  CPU=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' <<<"$out")
  RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' <<<"$out")
  CID=$(tr -d '\n' <"$work/stdout")
}
lt() { awk -v a="$1" -v b="$2" 'BEGIN{exit !(a < b)}'; }

echo "| CID version | tool | best wall (s) | MiB/s | CPU user+sys (s) | peak RSS (MiB) |"
echo "| --- | --- | --- | --- | --- | --- |"
for v in 0 1; do
  # Alternate the tools so machine load hits both alike; keep the best run
  # (and the largest RSS).
  os=999999 oc=0 orss=0 ks=999999 kc=0 krss=0
  for _ in $(seq "$RUNS"); do
    measure "$work/artifactscli" add --only-hash --cid-version "$v" "$file"
    ours_cid=$CID
    if lt "$SECS" "$os"; then os=$SECS oc=$CPU; fi
    ((RSS_KB > orss)) && orss=$RSS_KB
    measure "$KUBO" add --only-hash -Q --cid-version "$v" "$file"
    kubo_cid=$CID
    if lt "$SECS" "$ks"; then ks=$SECS kc=$CPU; fi
    ((RSS_KB > krss)) && krss=$RSS_KB
    [[ $ours_cid == "$kubo_cid" ]] || { echo "bench: CID mismatch v$v: $ours_cid vs $kubo_cid" >&2; exit 1; }
  done
  for row in "novacrond:$os:$oc:$orss" "kubo v0.43.1:$ks:$kc:$krss"; do
    IFS=: read -r tool s c rss <<<"$row"
    awk -v v="$v" -v t="$tool" -v s="$s" -v c="$c" -v r="$rss" -v m="$SIZE_MIB" \
      'BEGIN{printf "| %s | %s | %.2f | %.0f | %.2f | %.1f |\n", v, t, s, m/s, c, r/1024}'
  done
  echo "CID v$v: $ours_cid (identical in both tools)" >&2
  awk -v a="$os" -v b="$ks" -v v="$v" 'BEGIN{printf "ratio v%s (kubo wall / ours): %.2f\n", v, b/a}' >&2
done
