#!/usr/bin/env bash
# Golden determinism check (docs/ARCHITECTURE.md, Determinism rule 4): the pure engines' golden tests
# (go test -run Golden) must pass, with the same pinned digests, under
#   1. the default build
#   2. GODEBUG=cpu.fma=off
#   3. GOAMD64=v3 (the compiler may emit FMA for unrounded x*y+z)
#   4. GOARCH=arm64 under qemu-user-static (FMA fusion is always on there)
#   5. -tags purego (amd64 without the assembly kernels: the Go loops they
#      must match bit for bit)
#   6. NOVACRON_NO_AVX512=1 (the AVX kernels where the CPU would use the
#      AVX-512 ones)
# Installs qemu-user-static with apt-get when it is missing (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."

candidates=(./x/internal/dmath ./x/quantumjob/engine ./x/orbit/engine)
pkgs=()
for d in "${candidates[@]}"; do
	if [ -d "$d" ] && [ -n "$(find "$d" -name '*_test.go' -print -quit)" ]; then
		pkgs+=("$d/...")
	fi
done
if [ ${#pkgs[@]} -eq 0 ]; then
	echo "test-determinism: no engine packages found" >&2
	exit 1
fi

ensure_qemu() {
	if command -v qemu-aarch64-static >/dev/null 2>&1; then
		return
	fi
	echo "== installing qemu-user-static"
	local sudo=""
	if [ "$(id -u)" != 0 ]; then
		sudo="sudo"
	fi
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq qemu-user-static >/dev/null
}

failed=0
run() {
	local name=$1
	shift
	echo "== determinism: $name"
	if ! env "$@" go test -count=1 -run Golden "${pkgs[@]}"; then
		echo "!! determinism: $name FAILED" >&2
		failed=1
	fi
}

run default
run "GODEBUG=cpu.fma=off" GODEBUG=cpu.fma=off
run "-tags purego" GOFLAGS=-tags=purego
run "NOVACRON_NO_AVX512=1" NOVACRON_NO_AVX512=1

if [ "$(go env GOHOSTARCH)" = amd64 ]; then
	if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && grep -qw bmi2 /proc/cpuinfo; then
		run "GOAMD64=v3" GOAMD64=v3
	else
		echo "!! this CPU cannot run GOAMD64=v3 binaries" >&2
		failed=1
	fi
fi

ensure_qemu
echo "== determinism: GOARCH=arm64 (qemu-aarch64-static)"
if ! CGO_ENABLED=0 GOARCH=arm64 go test -count=1 -exec qemu-aarch64-static -run Golden "${pkgs[@]}"; then
	echo "!! determinism: arm64 FAILED" >&2
	failed=1
fi

if [ $failed -ne 0 ]; then
	echo "test-determinism: FAILED" >&2
	exit 1
fi
echo "test-determinism: all six configurations agree"
