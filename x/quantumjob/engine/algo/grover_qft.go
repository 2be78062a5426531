package algo

import (
	"github.com/novacron/novacron/x/internal/dmath"
	"github.com/novacron/novacron/x/quantumjob/engine"
)

// GroverIterations is floor(pi/4 * sqrt(2^n)).
func GroverIterations(n int) int {
	return int(float64(dmath.Pi / 4 * dmath.Sqrt(float64(uint64(1)<<n))))
}

// Grover returns the search circuit for one marked item over n qubits with
// k iterations of oracle (phase flip of |marked>) and diffusion.
func Grover(n int, marked uint64, k int) *Builder {
	b := NewBuilder(n, 0)
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	b.H(all...)
	for it := 0; it < k; it++ {
		for q := 0; q < n; q++ { // oracle: map |marked> to |1..1>, flip, map back
			if marked>>q&1 == 0 {
				b.X(q)
			}
		}
		b.MCZ(all...)
		for q := 0; q < n; q++ {
			if marked>>q&1 == 0 {
				b.X(q)
			}
		}
		b.H(all...).X(all...) // diffusion 2|s><s| - I (up to global phase)
		b.MCZ(all...)
		b.X(all...).H(all...)
	}
	return b
}

// GroverResult is the outcome of a Grover search.
type GroverResult struct {
	Iterations int
	Found      uint64 // most probable basis state
	SuccessPPT uint64 // probability of the marked item, parts per 10^12
}

// GroverSearch runs Grover with the optimal iteration count.
func GroverSearch(n int, marked uint64) (GroverResult, error) {
	k := GroverIterations(n)
	st, err := engine.StateVector(Grover(n, marked, k).C, 1)
	if err != nil {
		return GroverResult{}, err
	}
	p := st.Probabilities()
	best := 0
	for i := range p {
		if p[i] > p[best] {
			best = i
		}
	}
	return GroverResult{Iterations: k, Found: uint64(best), SuccessPPT: engine.Quantise(p[marked])}, nil
}

// QFT appends the quantum Fourier transform on qubits qs (qs[0] least
// significant), with the final swaps.
func QFT(b *Builder, qs []int) {
	n := len(qs)
	for j := n - 1; j >= 0; j-- {
		b.H(qs[j])
		for k := j - 1; k >= 0; k-- {
			b.CP(dmath.Pi/float64(uint64(1)<<(j-k)), qs[k], qs[j])
		}
	}
	for i := 0; i < n/2; i++ {
		b.Swap(qs[i], qs[n-1-i])
	}
}

// InverseQFT appends QFT†.
func InverseQFT(b *Builder, qs []int) {
	n := len(qs)
	for i := 0; i < n/2; i++ {
		b.Swap(qs[i], qs[n-1-i])
	}
	for j := 0; j < n; j++ {
		for k := 0; k < j; k++ {
			b.CP(-dmath.Pi/float64(uint64(1)<<(j-k)), qs[k], qs[j])
		}
		b.H(qs[j])
	}
}

// QFTCircuit prepares basis state |x> on n qubits and applies the QFT.
func QFTCircuit(n int, x uint64) *Builder {
	b := NewBuilder(n, 0)
	qs := make([]int, n)
	for i := range qs {
		qs[i] = i
		if x>>i&1 == 1 {
			b.X(i)
		}
	}
	QFT(b, qs)
	return b
}
