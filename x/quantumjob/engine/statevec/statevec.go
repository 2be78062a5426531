// Package statevec is a complex128 state-vector simulator with deterministic
// kernels: every product is rounded explicitly (no FMA), sums run in a fixed
// order, and the optional parallel path splits independent amplitude pairs
// only, so it returns the same bits as the single-threaded path.
package statevec

import (
	"math"
	"sync"
)

// MaxQubits bounds the state size this package will allocate.
const MaxQubits = 30

// parallelMin is the smallest state for which threads are used.
const parallelMin = 1 << 16

// State is an n-qubit state vector; amplitude index bit q is qubit q.
type State struct {
	N       int
	Amp     []complex128
	Threads int // > 1 enables the (bit-identical) parallel kernels
}

// New returns |0...0> on n qubits.
func New(n int) *State {
	if n < 0 || n > MaxQubits {
		panic("statevec: qubit count out of range")
	}
	a := make([]complex128, 1<<n)
	a[0] = 1
	return &State{N: n, Amp: a}
}

// Clone copies the state.
func (s *State) Clone() *State {
	return &State{N: s.N, Amp: append([]complex128(nil), s.Amp...), Threads: s.Threads}
}

// run splits [0,total) into contiguous chunks processed by fn; chunks touch
// disjoint amplitudes so the result is independent of the split.
func (s *State) run(total int, fn func(lo, hi int)) { s.runAligned(total, 1, fn) }

// runAligned is run with every chunk boundary a multiple of align (a power
// of two dividing total).
func (s *State) runAligned(total, align int, fn func(lo, hi int)) {
	t := s.Threads
	if t <= 1 || len(s.Amp) < parallelMin {
		fn(0, total)
		return
	}
	var wg sync.WaitGroup
	units := total / align
	chunk := (units + t - 1) / t * align
	for lo := 0; lo < total; lo += chunk {
		hi := min(lo+chunk, total)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	wg.Wait()
}

// mat is a 2x2 matrix split into real parts for the kernels.
type mat struct{ ar, ai, br, bi, cr, ci, dr, di float64 }

func split(m [4]complex128) mat {
	return mat{real(m[0]), imag(m[0]), real(m[1]), imag(m[1]), real(m[2]), imag(m[2]), real(m[3]), imag(m[3])}
}

// forPairs calls fn on aligned runs of the amplitude pairs differing in bit
// q, for pair indices [lo, hi): x = Amp[base:base+n], y = x shifted by 1<<q.
func (s *State) forPairs(q int, lo, hi int, fn func(base, n int)) {
	stride := 1 << q
	k := lo
	for k < hi {
		off := k & (stride - 1)
		base := (k>>q)<<(q+1) | off
		n := min(stride-off, hi-k)
		fn(base, n)
		k += n
	}
}

// shortRun is the stride below which pairs are processed as one strided
// call per thread instead of one call per contiguous run.
const shortRun = 64

// runPairs calls fn(off, n, step, blocks) over the pairs differing in bit q:
// blocks of n pairs (x at off + b*step, y 1<<q further), split over threads.
func (s *State) runPairs(q int, fn func(off, n, step, blocks int)) {
	st := 1 << q
	if st < shortRun {
		s.runAligned(len(s.Amp)/2, st, func(lo, hi int) { fn(2*lo, st, 2*st, (hi-lo)/st) })
		return
	}
	s.run(len(s.Amp)/2, func(lo, hi int) {
		s.forPairs(q, lo, hi, func(base, n int) { fn(base, n, 0, 1) })
	})
}

// Apply1 applies a 2x2 matrix to qubit q (uncontrolled).
func (s *State) Apply1(q int, m [4]complex128) {
	mm := split(m)
	k := kernRuns
	// the real kernel skips the zero imaginary products; on q = 0 the
	// complex kernel is kept (it fixes the signs of zero differently)
	if mm.ai == 0 && mm.bi == 0 && mm.ci == 0 && mm.di == 0 && q > 0 {
		k = realKernRuns
	}
	st := 1 << q
	s.runPairs(q, func(off, n, step, blocks int) { k(s.Amp, off, st, n, step, blocks, &mm) })
}

// ApplyDiag1 multiplies amplitudes with bit q clear by d0 and set by d1.
func (s *State) ApplyDiag1(q int, d0, d1 complex128) {
	st := 1 << q
	s.runPairs(q, func(off, n, step, blocks int) {
		if d0 != 1 {
			scaleRuns(s.Amp, off, n, step, blocks, real(d0), imag(d0))
		}
		if d1 != 1 {
			scaleRuns(s.Amp, off+st, n, step, blocks, real(d1), imag(d1))
		}
	})
}

// ApplyX flips qubit q.
func (s *State) ApplyX(q int) {
	st := 1 << q
	s.run(len(s.Amp)/2, func(lo, hi int) {
		s.forPairs(q, lo, hi, func(base, n int) {
			x, y := s.Amp[base:base+n], s.Amp[base+st:base+st+n]
			for i := range x {
				x[i], y[i] = y[i], x[i]
			}
		})
	})
}

// insert spreads k over the bits not in fixed (ascending positions), leaving
// the fixed positions zero.
func insert(k int, fixed []int) int {
	for _, p := range fixed {
		k = (k>>p)<<(p+1) | k&(1<<p-1)
	}
	return k
}

func sortedBits(qs []int) []int {
	out := append([]int(nil), qs...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func maskOf(qs []int) int {
	m := 0
	for _, q := range qs {
		m |= 1 << q
	}
	return m
}

// forRuns visits every index whose fixed bits equal cm (fixed ascending, all
// other bits free) as contiguous runs [i0, i0+n): the bits below the lowest
// fixed bit are free, so insert() is paid once per run.
func (s *State) forRuns(fixed []int, cm int, fn func(i0, n int)) {
	p0 := fixed[0]
	n := 1 << p0
	runs := len(s.Amp) >> len(fixed) >> p0
	s.run(runs, func(lo, hi int) {
		for j := lo; j < hi; j++ {
			fn(insert(j<<p0, fixed)|cm, n)
		}
	})
}

// ApplyC1 applies a 2x2 matrix to target t when all controls are 1.
func (s *State) ApplyC1(ctrls []int, t int, m [4]complex128) {
	if len(ctrls) == 0 {
		s.Apply1(t, m)
		return
	}
	mm := split(m)
	fixed := sortedBits(append(append([]int(nil), ctrls...), t))
	cm := maskOf(ctrls)
	st := 1 << t
	diag := m[1] == 0 && m[2] == 0
	s.forRuns(fixed, cm, func(i0, n int) {
		a := s.Amp
		for i := i0; i < i0+n; i++ {
			j := i | st
			if diag {
				yr, yi := real(a[j]), imag(a[j])
				a[j] = complex(float64(mm.dr*yr)-float64(mm.di*yi), float64(mm.dr*yi)+float64(mm.di*yr))
				if m[0] != 1 {
					xr, xi := real(a[i]), imag(a[i])
					a[i] = complex(float64(mm.ar*xr)-float64(mm.ai*xi), float64(mm.ar*xi)+float64(mm.ai*xr))
				}
				continue
			}
			xr, xi := real(a[i]), imag(a[i])
			yr, yi := real(a[j]), imag(a[j])
			a[i] = complex(float64(mm.ar*xr)-float64(mm.ai*xi)+float64(mm.br*yr)-float64(mm.bi*yi),
				float64(mm.ar*xi)+float64(mm.ai*xr)+float64(mm.br*yi)+float64(mm.bi*yr))
			a[j] = complex(float64(mm.cr*xr)-float64(mm.ci*xi)+float64(mm.dr*yr)-float64(mm.di*yi),
				float64(mm.cr*xi)+float64(mm.ci*xr)+float64(mm.dr*yi)+float64(mm.di*yr))
		}
	})
}

// ApplyCX flips t when all controls are 1.
func (s *State) ApplyCX(ctrls []int, t int) {
	fixed := sortedBits(append(append([]int(nil), ctrls...), t))
	cm := maskOf(ctrls)
	st := 1 << t
	s.forRuns(fixed, cm, func(i0, n int) {
		x, y := s.Amp[i0:i0+n], s.Amp[i0|st:(i0|st)+n]
		for i := range x {
			x[i], y[i] = y[i], x[i]
		}
	})
}

// ApplyPhase multiplies by ph every amplitude whose bits in mask are all 1
// (controlled phase, CZ, CCZ, ...): one diagonal term, whose strided block
// walk (diagBlock) serves low and high qubits alike.
func (s *State) ApplyPhase(qs []int, ph complex128) {
	m := maskOf(qs)
	s.ApplyDiagTerms([]DiagTerm{{Mask: m, Val: m, Re: real(ph), Im: imag(ph)}})
}

// ApplySwap exchanges qubits a and b when all controls are 1.
func (s *State) ApplySwap(ctrls []int, qa, qb int) {
	fixed := sortedBits(append(append([]int(nil), ctrls...), qa, qb))
	cm := maskOf(ctrls)
	sa, sb := 1<<qa, 1<<qb
	s.forRuns(fixed, cm, func(i0, n int) {
		x, y := s.Amp[i0|sa:(i0|sa)+n], s.Amp[i0|sb:(i0|sb)+n]
		for i := range x {
			x[i], y[i] = y[i], x[i]
		}
	})
}

// Apply2 applies a 4x4 matrix (basis bit(q0) | bit(q1)<<1) when all controls are 1.
func (s *State) Apply2(ctrls []int, q0, q1 int, m []complex128) {
	fixed := sortedBits(append(append([]int(nil), ctrls...), q0, q1))
	cm := maskOf(ctrls)
	off := [4]int{0, 1 << q0, 1 << q1, 1<<q0 | 1<<q1}
	var mr, mi [16]float64
	for i := 0; i < 16; i++ {
		mr[i], mi[i] = real(m[i]), imag(m[i])
	}
	s.run(len(s.Amp)>>len(fixed), func(lo, hi int) {
		a := s.Amp
		var vr, vi [4]float64
		for k := lo; k < hi; k++ {
			i := insert(k, fixed) | cm
			for r := 0; r < 4; r++ {
				vr[r], vi[r] = real(a[i|off[r]]), imag(a[i|off[r]])
			}
			for r := 0; r < 4; r++ {
				var sr, si float64
				for c := 0; c < 4; c++ {
					x, y := mr[r*4+c], mi[r*4+c]
					sr += float64(x*vr[c]) - float64(y*vi[c])
					si += float64(x*vi[c]) + float64(y*vr[c])
				}
				a[i|off[r]] = complex(sr, si)
			}
		}
	})
}

// ApplyPerm maps the value v of the target register (targets[0] least
// significant) to perm[v] when all controls are 1; perm must be a bijection
// on [0, 2^len(targets)).
func (s *State) ApplyPerm(ctrls, targets []int, perm []uint32) {
	fixed := sortedBits(append(append([]int(nil), ctrls...), targets...))
	cm := maskOf(ctrls)
	nv := 1 << len(targets)
	offs := make([]int, nv)
	for v := 0; v < nv; v++ {
		for b, t := range targets {
			if v>>b&1 == 1 {
				offs[v] |= 1 << t
			}
		}
	}
	s.run(len(s.Amp)>>len(fixed), func(lo, hi int) {
		a := s.Amp
		tmp := make([]complex128, nv)
		for k := lo; k < hi; k++ {
			i := insert(k, fixed) | cm
			for v := 0; v < nv; v++ {
				tmp[perm[v]] = a[i|offs[v]]
			}
			for v := 0; v < nv; v++ {
				a[i|offs[v]] = tmp[v]
			}
		}
	})
}

// Prob1 returns the probability that qubit q is 1 (fixed summation order).
func (s *State) Prob1(q int) float64 {
	var p float64
	st := 1 << q
	for i := st; i < len(s.Amp); i++ {
		if i&st == 0 {
			i += st - 1
			continue
		}
		r, im := real(s.Amp[i]), imag(s.Amp[i])
		p += float64(r*r) + float64(im*im)
	}
	return p
}

// Collapse projects qubit q onto outcome (0/1) whose probability is p and
// renormalises.
func (s *State) Collapse(q, outcome int, p float64) {
	f := 1 / math.Sqrt(p)
	st := 1 << q
	for i := range s.Amp {
		if (i&st != 0) != (outcome == 1) {
			s.Amp[i] = 0
		} else {
			s.Amp[i] = complex(float64(real(s.Amp[i])*f), float64(imag(s.Amp[i])*f))
		}
	}
}

// Probabilities returns |a_i|^2 for every basis state.
func (s *State) Probabilities() []float64 {
	p := make([]float64, len(s.Amp))
	for i, a := range s.Amp {
		r, im := real(a), imag(a)
		p[i] = float64(r*r) + float64(im*im)
	}
	return p
}

// DiagTerm multiplies by (Re + i Im) every amplitude whose index i has
// i&Mask == Val. A run of diagonal gates (phase, controlled phase, rz, ...)
// is a list of terms in gate order.
type DiagTerm struct {
	Mask, Val int
	Re, Im    float64
}

// ApplyDiagTerms applies the terms in order, block by block: each amplitude
// is multiplied by exactly the factors, in exactly the order and with the same
// rounded arithmetic (scale), as applying the gates one at a time, so the bits
// are identical; only the memory traffic drops from one pass per gate to one
// pass per run.
func (s *State) ApplyDiagTerms(ts []DiagTerm) {
	s.ForBlocks(func(b *Block) { b.ApplyDiagTerms(ts) })
}

// diagBlock scales the amplitudes of a whose index i has i&lm == lv: runs
// of n = 2^(lowest fixed bit) amplitudes, one strided call per segment
// between the two lowest fixed bits.
func diagBlock(a []complex128, lm, lv int, r, im float64) {
	if lm == 0 {
		scaleRuns(a, 0, len(a), 0, 1, r, im)
		return
	}
	n := lm & -lm
	rest := lm &^ n
	seg := len(a)
	if rest != 0 {
		seg = rest & -rest
	}
	for x := 0; x < len(a); x = ((x | rest | (seg - 1)) + 1) &^ rest {
		scaleRuns(a, x|lv&rest|lv&n, n, 2*n, seg/(2*n), r, im)
	}
}

// ApplyXMask flips every qubit in mask (a run of X gates): amplitude i moves
// to i^mask. Pure moves, so the bits equal those of one ApplyX per qubit.
func (s *State) ApplyXMask(mask int) {
	if mask == 0 {
		return
	}
	h := 1
	for h<<1 <= mask {
		h <<= 1
	}
	// pair i (bit h clear) with i^mask (bit h set)
	s.run(len(s.Amp)/2, func(lo, hi int) {
		a := s.Amp
		for k := lo; k < hi; k++ {
			i := (k&^(h-1))<<1 | k&(h-1)
			j := i ^ mask
			a[i], a[j] = a[j], a[i]
		}
	})
}
