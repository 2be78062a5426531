// Package algo is the engine's algorithm library: circuit generators plus
// the classical drivers that turn simulation results into answers (Grover,
// QFT, Shor order finding, VQE, QAOA MaxCut, BB84, repetition and Steane
// codes). Everything is deterministic: seeded ChaCha8 randomness, dmath
// transcendental functions, fixed evaluation order.
package algo

import (
	"github.com/novacron/novacron/x/quantumjob/engine/ir"
)

// Builder appends native operations to a circuit.
type Builder struct {
	C *ir.Circuit
}

// NewBuilder starts a circuit with one quantum register "q" and, if nc > 0,
// one classical register "c".
func NewBuilder(nq, nc int) *Builder {
	c := &ir.Circuit{NumQubits: nq, NumClbits: nc, QRegs: []ir.Register{{Name: "q", Size: nq}}}
	if nc > 0 {
		c.CRegs = []ir.Register{{Name: "c", Size: nc}}
	}
	return &Builder{C: c}
}

// Gate appends kind on qubits (first nctrl are controls).
func (b *Builder) Gate(k ir.Kind, nctrl int, params []float64, qubits ...int) *Builder {
	b.C.Ops = append(b.C.Ops, ir.Op{Type: ir.OpGate, Kind: k, NCtrl: nctrl, Params: params, Qubits: qubits})
	return b
}

// H appends a Hadamard on each qubit.
func (b *Builder) H(qs ...int) *Builder {
	for _, q := range qs {
		b.Gate(ir.KH, 0, nil, q)
	}
	return b
}

// X appends a Pauli X on each qubit.
func (b *Builder) X(qs ...int) *Builder {
	for _, q := range qs {
		b.Gate(ir.KX, 0, nil, q)
	}
	return b
}

// CX appends a CNOT.
func (b *Builder) CX(c, t int) *Builder { return b.Gate(ir.KX, 1, nil, c, t) }

// RX, RY, RZ append rotations.
func (b *Builder) RX(theta float64, q int) *Builder { return b.Gate(ir.KRX, 0, []float64{theta}, q) }

// RY appends a Y rotation.
func (b *Builder) RY(theta float64, q int) *Builder { return b.Gate(ir.KRY, 0, []float64{theta}, q) }

// RZ appends a Z rotation.
func (b *Builder) RZ(theta float64, q int) *Builder { return b.Gate(ir.KRZ, 0, []float64{theta}, q) }

// RZZ appends exp(-i theta/2 Z⊗Z).
func (b *Builder) RZZ(theta float64, q0, q1 int) *Builder {
	return b.Gate(ir.KRZZ, 0, []float64{theta}, q0, q1)
}

// CP appends a controlled phase.
func (b *Builder) CP(lambda float64, c, t int) *Builder {
	return b.Gate(ir.KP, 1, []float64{lambda}, c, t)
}

// MCZ appends a multi-controlled Z on all the given qubits (phase -1 on |1..1>).
func (b *Builder) MCZ(qs ...int) *Builder {
	if len(qs) == 1 {
		return b.Gate(ir.KZ, 0, nil, qs[0])
	}
	return b.Gate(ir.KZ, len(qs)-1, nil, qs...)
}

// Swap appends a SWAP.
func (b *Builder) Swap(a, c int) *Builder { return b.Gate(ir.KSwap, 0, nil, a, c) }

// Measure appends measure q -> c.
func (b *Builder) Measure(q, c int) *Builder {
	b.C.Ops = append(b.C.Ops, ir.Op{Type: ir.OpMeasure, Qubits: []int{q}, Clbit: c})
	return b
}

// Perm appends a controlled classical permutation oracle on targets.
func (b *Builder) Perm(ctrls, targets []int, perm []uint32) *Builder {
	qs := append(append([]int(nil), ctrls...), targets...)
	b.C.Ops = append(b.C.Ops, ir.Op{Type: ir.OpGate, Kind: ir.KPerm, NCtrl: len(ctrls), Qubits: qs, Perm: perm})
	return b
}
