package algo

import (
	"errors"
	"sort"

	"github.com/novacron/novacron/x/quantumjob/engine"
)

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func powmod(a, e, n uint64) uint64 {
	r := uint64(1) % n
	a %= n
	for e > 0 {
		if e&1 == 1 {
			r = r * a % n
		}
		a = a * a % n
		e >>= 1
	}
	return r
}

// OrderFinding builds the phase-estimation circuit for the order of a mod N:
// t counting qubits (0..t-1) in superposition control U^(2^j)|y> = |a^(2^j) y
// mod N> on an L-qubit work register initialised to |1>, then QFT† on the
// counting register. Modular multiplication is a controlled permutation
// oracle (exact, reversible), so the circuit size is t oracles plus O(t^2).
func OrderFinding(N, a uint64) (*Builder, int, int) {
	L := 0
	for uint64(1)<<L < N {
		L++
	}
	t := 2 * L
	b := NewBuilder(t+L, 0)
	count := make([]int, t)
	work := make([]int, L)
	for i := range count {
		count[i] = i
	}
	for i := range work {
		work[i] = t + i
	}
	b.H(count...)
	b.X(work[0])
	for j := 0; j < t; j++ {
		m := powmod(a, uint64(1)<<j, N)
		perm := make([]uint32, 1<<L)
		for v := range perm {
			if uint64(v) < N {
				perm[v] = uint32(uint64(v) * m % N)
			} else {
				perm[v] = uint32(v)
			}
		}
		b.Perm([]int{count[j]}, work, perm)
	}
	InverseQFT(b, count)
	return b, t, L
}

// ShorResult is the outcome of order finding and factor extraction.
type ShorResult struct {
	Order   uint64
	Factors [2]uint64
	Peaks   []uint64 // counting-register outcomes used, most probable first
}

// convergentDenominators returns the denominators of the continued-fraction
// convergents of y/2^t that are below N.
func convergentDenominators(y uint64, t int, N uint64) []uint64 {
	num, den := y, uint64(1)<<t
	var out []uint64
	h0, h1 := uint64(1), uint64(0) // denominators k_{-2}, k_{-1}
	for den != 0 {
		q := num / den
		num, den = den, num-q*den
		h0, h1 = h1, q*h1+h0
		if h1 >= N {
			break
		}
		out = append(out, h1)
	}
	return out
}

// Shor finds the order r of a mod N by simulating order finding and reading
// the peaks of the counting register (most probable first), then derives
// the factors gcd(a^(r/2) +- 1, N).
func Shor(N, a uint64) (ShorResult, error) {
	var res ShorResult
	if g := gcd(a, N); g != 1 {
		return res, errors.New("a shares a factor with N")
	}
	b, t, _ := OrderFinding(N, a)
	st, err := engine.StateVector(b.C, 1)
	if err != nil {
		return res, err
	}
	// marginal over the counting register, quantised
	p := make([]uint64, 1<<t)
	probs := st.Probabilities()
	for i, x := range probs {
		p[i&(1<<t-1)] += engine.Quantise(x)
	}
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return p[idx[i]] > p[idx[j]] })
	r := uint64(1)
	for _, y := range idx {
		if p[y] < engine.ProbScale/1000 {
			break
		}
		res.Peaks = append(res.Peaks, uint64(y))
		for _, d := range convergentDenominators(uint64(y), t, N) {
			if d > 0 && powmod(a, d, N) == 1 {
				r = r / gcd(r, d) * d // lcm of the orders seen
				break
			}
		}
		if r > 1 && powmod(a, r, N) == 1 {
			// keep the smallest order consistent with all peaks so far
			for _, d := range divisors(r) {
				if powmod(a, d, N) == 1 {
					r = d
					break
				}
			}
		}
		if len(res.Peaks) >= 8 {
			break
		}
	}
	if r <= 1 || powmod(a, r, N) != 1 {
		return res, errors.New("order not found")
	}
	res.Order = r
	if r%2 == 1 {
		return res, errors.New("odd order: choose another a")
	}
	h := powmod(a, r/2, N)
	if h == N-1 {
		return res, errors.New("a^(r/2) = -1 mod N: choose another a")
	}
	f1, f2 := gcd(h+N-1, N), gcd(h+1, N)
	if f1 > f2 {
		f1, f2 = f2, f1
	}
	res.Factors = [2]uint64{f1, f2}
	return res, nil
}

func divisors(r uint64) []uint64 {
	var d []uint64
	for i := uint64(1); i <= r; i++ {
		if r%i == 0 {
			d = append(d, i)
		}
	}
	return d
}
