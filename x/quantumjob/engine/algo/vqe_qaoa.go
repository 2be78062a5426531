package algo

import (
	"fmt"

	"github.com/novacron/novacron/x/internal/dmath"
	"github.com/novacron/novacron/x/quantumjob/engine"
	"github.com/novacron/novacron/x/quantumjob/engine/statevec"
)

// PauliTerm is coeff * P where Label is a Pauli string in Qiskit order
// (rightmost character acts on qubit 0).
type PauliTerm struct {
	Coeff float64
	Label string
}

// H2Hamiltonian is the parity-mapped, two-qubit STO-3G H2 Hamiltonian at
// 0.735 Å; H2NuclearRepulsion must be added to get the total energy.
var H2Hamiltonian = []PauliTerm{
	{-1.052373245772859, "II"},
	{0.39793742484318045, "IZ"},
	{-0.39793742484318045, "ZI"},
	{-0.01128010425623538, "ZZ"},
	{0.18093119978423156, "XX"},
}

// H2NuclearRepulsion in Hartree.
const H2NuclearRepulsion = 0.7199689944489797

// Expectation returns <psi|P|psi> for a Pauli string (fixed summation order).
func Expectation(st *statevec.State, label string) (float64, error) {
	n := len(label)
	if n != st.N {
		return 0, fmt.Errorf("label %q has %d qubits, state %d", label, n, st.N)
	}
	var xm, zm, ny int
	for i := 0; i < n; i++ {
		q := n - 1 - i
		switch label[i] {
		case 'I':
		case 'X':
			xm |= 1 << q
		case 'Z':
			zm |= 1 << q
		case 'Y':
			xm |= 1 << q
			zm |= 1 << q
			ny++
		default:
			return 0, fmt.Errorf("bad Pauli %q", label[i])
		}
	}
	// P|i> = i^ny (-1)^{popcount(i & zm)} |i ^ xm>; Y = iXZ
	var re, im float64
	for i, a := range st.Amp {
		b := st.Amp[i^xm]
		// conj(b) * a
		pr := float64(real(b)*real(a)) + float64(imag(b)*imag(a))
		pi := float64(real(b)*imag(a)) - float64(imag(b)*real(a))
		if parity(i&zm) == 1 {
			pr, pi = -pr, -pi
		}
		re += pr
		im += pi
	}
	switch ny % 4 {
	case 1:
		re = -im
	case 2:
		re = -re
	case 3:
		re = im
	}
	return re, nil
}

func parity(x int) int {
	p := 0
	for x != 0 {
		p ^= 1
		x &= x - 1
	}
	return p
}

// Energy returns sum_k c_k <P_k>.
func Energy(st *statevec.State, h []PauliTerm) (float64, error) {
	var e float64
	for _, t := range h {
		v, err := Expectation(st, t.Label)
		if err != nil {
			return 0, err
		}
		e += float64(t.Coeff * v)
	}
	return e, nil
}

// H2Ansatz is a hardware-efficient RY-CX-RY ansatz that reaches every real
// two-qubit state.
func H2Ansatz(theta []float64) *Builder {
	b := NewBuilder(2, 0)
	b.RY(theta[0], 0).RY(theta[1], 1).CX(0, 1).RY(theta[2], 0).RY(theta[3], 1)
	return b
}

// VQEResult holds the optimised energies.
type VQEResult struct {
	Theta            []float64
	Electronic       float64 // Hartree
	Total            float64 // electronic + nuclear repulsion
	TotalNanoHartree int64   // quantised total for on-chain storage
	Evaluations      int
	Sweeps           int
}

// VQE minimises <H> over the ansatz with Rotosolve: each parameter enters a
// single Pauli rotation, so the energy is a sinusoid in it and three
// evaluations give its exact minimiser. Fully deterministic.
func VQE(h []PauliTerm, ansatz func([]float64) *Builder, theta0 []float64, nuclear float64) (VQEResult, error) {
	theta := append([]float64(nil), theta0...)
	res := VQEResult{}
	eval := func(th []float64) (float64, error) {
		res.Evaluations++
		st, err := engine.StateVector(ansatz(th).C, 1)
		if err != nil {
			return 0, err
		}
		return Energy(st, h)
	}
	e, err := eval(theta)
	if err != nil {
		return res, err
	}
	for sweep := 0; sweep < 200; sweep++ {
		res.Sweeps = sweep + 1
		prev := e
		for k := range theta {
			orig := theta[k]
			theta[k] = orig + dmath.Pi/2
			ep, err := eval(theta)
			if err != nil {
				return res, err
			}
			theta[k] = orig - dmath.Pi/2
			em, err := eval(theta)
			if err != nil {
				return res, err
			}
			theta[k] = orig - dmath.Pi/2 - dmath.Atan2(2*e-ep-em, ep-em)
			if e, err = eval(theta); err != nil {
				return res, err
			}
		}
		if prev-e < 1e-14 {
			break
		}
	}
	res.Theta = theta
	res.Electronic = e
	res.Total = e + nuclear
	res.TotalNanoHartree = roundI64(float64(res.Total * 1e9))
	return res, nil
}

func roundI64(x float64) int64 {
	if x < 0 {
		return -int64(-x + 0.5)
	}
	return int64(x + 0.5)
}

// Edge is an undirected graph edge.
type Edge struct{ A, B int }

// QAOAMaxCut builds the p=1 QAOA state for MaxCut: H on all qubits, the
// cost layer exp(-i gamma C) with C = sum (1 - Z_a Z_b)/2 (RZZ(-gamma) per
// edge, up to global phase), then the mixer exp(-i beta sum X) (RX(2 beta)).
func QAOAMaxCut(n int, edges []Edge, gamma, beta float64) *Builder {
	b := NewBuilder(n, 0)
	for q := 0; q < n; q++ {
		b.H(q)
	}
	for _, e := range edges {
		b.RZZ(-gamma, e.A, e.B)
	}
	for q := 0; q < n; q++ {
		b.RX(2*beta, q)
	}
	return b
}

// ExpectedCutRatio returns <C>/|E| for the p=1 QAOA state, exactly from the
// state vector probabilities.
func ExpectedCutRatio(n int, edges []Edge, gamma, beta float64) (float64, error) {
	st, err := engine.StateVector(QAOAMaxCut(n, edges, gamma, beta).C, 1)
	if err != nil {
		return 0, err
	}
	var c float64
	for x, p := range st.Probabilities() {
		cut := 0
		for _, e := range edges {
			if (x>>e.A^x>>e.B)&1 == 1 {
				cut++
			}
		}
		c += float64(p * float64(cut))
	}
	return c / float64(len(edges)), nil
}

// CompleteBipartite returns K_{m,n} with parts 0..m-1 and m..m+n-1.
func CompleteBipartite(m, n int) []Edge {
	var e []Edge
	for a := 0; a < m; a++ {
		for b := 0; b < n; b++ {
			e = append(e, Edge{a, m + b})
		}
	}
	return e
}

// Ring returns the cycle on n vertices.
func Ring(n int) []Edge {
	e := make([]Edge, n)
	for i := range e {
		e[i] = Edge{i, (i + 1) % n}
	}
	return e
}
