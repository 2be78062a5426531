package statevec

import "slices"

// tableBlockBits is the log2 of the block ApplyDiagTable works on. It is
// part of the definition of ApplyDiagTable's result (which terms count as
// constant for a block), so changing it changes amplitude bits: treat it as
// consensus-critical.
const tableBlockBits = 13

// ApplyDiagTable applies a run of diagonal terms as one diagonal matrix, in
// 2^b-amplitude blocks (b = min(N, tableBlockBits)):
//
//   - a term whose mask lies wholly above the block is constant over it; the
//     constant terms that hold multiply, in term order, to C (the first
//     factor itself, then C*f for each next one);
//   - the other terms that can hold in the block (their mask bits above the
//     block match) form a table T over the block: start from 1 and multiply
//     each entry their factors hold for, in term order (the scale kernel);
//   - every amplitude of the block becomes a*T[x], then that times C.
//
// Blocks with no applicable term are not touched. The factors are grouped
// differently than gate by gate (ApplyDiagTerms), so low bits differ from
// it; the definition above fixes them. Cost: one or two multiplies per
// amplitude plus a table build whenever the applicable set changes between
// blocks, instead of one multiply per term per amplitude it applies to.
func (s *State) ApplyDiagTable(ts []DiagTerm) {
	bb := min(s.N, tableBlockBits)
	bs := 1 << bb
	s.run(len(s.Amp)>>bb, func(lo, hi int) {
		tab := make([]complex128, bs)
		var key, built []int
		haveTab := false
		for blk := lo; blk < hi; blk++ {
			base := blk << bb
			key = key[:0]
			var cr, ci float64
			hasC := false
			for ti := range ts {
				t := &ts[ti]
				hm := t.Mask &^ (bs - 1)
				if base&hm != t.Val&hm {
					continue
				}
				if t.Mask&(bs-1) != 0 {
					key = append(key, ti)
					continue
				}
				if hasC {
					cr, ci = float64(cr*t.Re)-float64(ci*t.Im), float64(cr*t.Im)+float64(ci*t.Re)
				} else {
					cr, ci, hasC = t.Re, t.Im, true
				}
			}
			a := s.Amp[base : base+bs]
			if len(key) > 0 {
				if !haveTab || !slices.Equal(key, built) {
					for i := range tab {
						tab[i] = 1
					}
					for _, ti := range key {
						t := &ts[ti]
						diagBlock(tab, t.Mask&(bs-1), t.Val&(bs-1), t.Re, t.Im)
					}
					built = append(built[:0], key...)
					haveTab = true
				}
				mulRuns(a, tab)
			}
			if hasC {
				scaleRuns(a, 0, bs, 0, 1, cr, ci)
			}
		}
	})
}

// DiagTableWorthIt reports whether ApplyDiagTable does less work than
// ApplyDiagTerms on an n-qubit state: the terms touch at least two
// amplitudes per amplitude in all. It depends only on the terms, so the
// choice (and hence the bits) is the same on every machine.
func DiagTableWorthIt(n int, ts []DiagTerm) bool {
	touched := 0
	for _, t := range ts {
		m := t.Mask & (1<<n - 1)
		c := n
		for ; m != 0; m &= m - 1 {
			c--
		}
		touched += 1 << c
	}
	return touched >= 2<<n
}
