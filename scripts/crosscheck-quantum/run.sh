#!/usr/bin/env bash
# Cross-checks the NovaCron quantum engine against the independent npm
# simulator quantum-circuit (version pinned in package.json / package-lock.json):
#   1. npm ci
#   2. node probs.js on every QASMBench small circuit without if/reset
#      (hhl_n10 takes ~6 minutes in quantum-circuit: included with CROSSCHECK_ALL=1)
#   3. go test -run CrossCheck against the fresh reference
# Flags: --update rewrites the committed reference used by offline `go test`;
#        --bench also times QFT-20 end to end in quantum-circuit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${NOVACRON_SHARED:-$(cd "$root/.." && pwd)/shared}
small="$shared/testdata/qasmbench/small"
update=0
bench=0
for a in "$@"; do
	case $a in
	--update) update=1 ;;
	--bench) bench=1 ;;
	*)
		echo "usage: $0 [--update] [--bench]" >&2
		exit 2
		;;
	esac
done

cd "$here"
npm ci --no-audit --no-fund --loglevel=error

files=()
for f in "$small"/*.qasm; do
	if grep -qE '^\s*if\s*\(|^\s*reset\b' "$f"; then
		continue
	fi
	if [ "$(basename "$f")" = hhl_n10.qasm ] && [ "${CROSSCHECK_ALL:-0}" != 1 ]; then
		continue
	fi
	files+=("$f")
done
out=$(mktemp)
trap 'rm -f "$out" "$out.qasm"' EXIT
echo "== quantum-circuit: ${#files[@]} circuits"
node --no-warnings probs.js "${files[@]}" >"$out"

echo "== comparing with the engine"
cd "$root"
NOVACRON_SHARED="$shared" NOVACRON_CROSSCHECK_JSON="$out" go test -count=1 -run CrossCheck -v ./x/quantumjob/engine/ | grep -E 'max diff|^(ok|FAIL|---)'

if [ $update = 1 ]; then
	cp "$out" "$root/x/quantumjob/engine/testdata/crosscheck/quantum-circuit-0.9.250.json"
	echo "== reference updated"
fi
if [ $bench = 1 ]; then
	"$here/qft.sh" 20 >"$out.qasm"
	echo "== QFT-20 in quantum-circuit (run_ms: run() only; total_ms: import + run + probabilities):"
	(cd "$here" && node --no-warnings probs.js "$out.qasm" | grep -o '"\(run\|total\)_ms": *[0-9]*')
	echo "== QFT-20 in the engine:"
	go test -run XXX -bench 'QFT20$|QFT20Simulate' -count 5 ./x/quantumjob/engine/ | grep Benchmark
fi
