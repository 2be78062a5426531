#!/usr/bin/env bash
# Prints an OpenQASM 2.0 QFT on N qubits (default 20) applied to |0..0>.
n=${1:-20}
echo 'OPENQASM 2.0;'
echo 'include "qelib1.inc";'
echo "qreg q[$n];"
for ((j = n - 1; j >= 0; j--)); do
	echo "h q[$j];"
	for ((k = j - 1; k >= 0; k--)); do
		echo "cu1(pi/$((1 << (j - k)))) q[$k],q[$j];"
	done
done
for ((i = 0; i < n / 2; i++)); do
	echo "swap q[$i],q[$((n - 1 - i))];"
done
