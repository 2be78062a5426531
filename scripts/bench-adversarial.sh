#!/usr/bin/env bash
# Wall time per metered step of the shipped binary on the quantum adversarial corpus:
# `novacrond quantum run --chain-limits --budget B` on every file, best of N runs. A run that
# stops at its budget counted B steps; one rejected by a limit before any work is marked so.
# ns/step is net of the process start-up (the best time of a one-gate circuit, printed first).
#   scripts/bench-adversarial.sh [N=3] [BUDGET=250000000]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${NOVACROND:-build/novacrond}
N=${1:-3}
BUDGET=${2:-250000000}
[ -x "$BIN" ] || { echo "bench-adversarial: build $BIN first (make build)" >&2; exit 1; }
tiny=$(mktemp --suffix .qasm); trap 'rm -f "$tiny"' EXIT
printf 'OPENQASM 2.0;\nqreg q[1];\nU(0,0,0) q[0];\n' >"$tiny"
base=""
for _ in $(seq "$N"); do
  s=$(date +%s%N); "$BIN" quantum run "$tiny" >/dev/null; e=$(( ($(date +%s%N) - s) / 1000 ))
  if [ -z "$base" ] || [ "$e" -lt "$base" ]; then base=$e; fi
done
echo "start-up (one-gate circuit): $((base / 1000)) ms"
printf '%-28s %12s %10s %8s  %s\n' file steps ms ns/step outcome
for f in x/quantumjob/engine/testdata/adversarial/*.qasm; do
  best=""
  for _ in $(seq "$N"); do
    s=$(date +%s%N)
    if out=$("$BIN" quantum run "$f" --chain-limits --shots 1024 --budget "$BUDGET" -o json 2>&1); then
      steps=$(echo "$out" | jq -r .steps); what=ok
    elif echo "$out" | grep -q "work budget exceeded"; then
      steps=$BUDGET; what="stopped at budget"
    else
      steps=0; what="rejected: $(echo "$out" | sed 's/^Error: [^:]*: //' | cut -c1-60)"
    fi
    e=$(( ($(date +%s%N) - s) / 1000 ))
    if [ -z "$best" ] || [ "$e" -lt "$best" ]; then best=$e; fi
  done
  if [ "$steps" -gt 0 ]; then ns=$(awk -v us="$best" -v b="$base" -v st="$steps" 'BEGIN{printf "%.2f", (us-b)*1000/st}'); else ns=-; fi
  printf '%-28s %12s %10s %8s  %s\n' "$(basename "$f")" "$steps" "$((best / 1000))" "$ns" "$what"
done
