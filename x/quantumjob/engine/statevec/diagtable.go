package statevec

import "slices"

// BlockBits is the log2 of the block (in amplitudes) that runs of ops are
// applied to before moving on: 2^13 amplitudes = 128 KiB, resident in L2
// while every op of the run passes over it. It is also part of the
// definition of ApplyDiagTable's result (which terms count as constant for
// a block), so changing it changes amplitude bits: consensus-critical.
const BlockBits = 13

// Block is one block of a state: Amp[Base : Base+2^N] of the whole state,
// itself a State of N = min(whole N, BlockBits) qubits, single-threaded.
// Ops whose qubits are all below N act on it exactly as on the whole state
// (every kernel computes each amplitude from its own pair or group), so a
// run of such ops applied block by block gives the same bits as op by op,
// with one memory pass instead of one per op.
type Block struct {
	State
	Base int

	key  []int
	tabs map[*DiagTerm]*diagTab // ApplyDiagTable's tables, by run
}

// diagTab is a run's table for the blocks whose applicable terms are key.
type diagTab struct {
	tab []complex128
	key []int
}

// ForBlocks calls fn on every block, in order within each thread's share.
func (s *State) ForBlocks(fn func(b *Block)) {
	bb := min(s.N, BlockBits)
	bs := 1 << bb
	s.run(len(s.Amp)>>bb, func(lo, hi int) {
		b := &Block{State: State{N: bb}}
		for blk := lo; blk < hi; blk++ {
			b.Base = blk << bb
			b.Amp = s.Amp[b.Base : b.Base+bs]
			fn(b)
		}
	})
}

// ApplyDiagTerms applies the terms to the block in order, each amplitude
// receiving exactly the factors (and roundings) of the single-gate kernels.
func (b *Block) ApplyDiagTerms(ts []DiagTerm) {
	bs := len(b.Amp)
	for ti := range ts {
		t := &ts[ti]
		hm := t.Mask &^ (bs - 1)
		if b.Base&hm != t.Val&hm {
			continue
		}
		diagBlock(b.Amp, t.Mask&(bs-1), t.Val&(bs-1), t.Re, t.Im)
	}
}

// ApplyDiagTable applies a run of diagonal terms as one diagonal matrix, in
// 2^b-amplitude blocks (b = min(N, BlockBits)):
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
	s.ForBlocks(func(b *Block) { b.ApplyDiagTable(ts) })
}

// ApplyDiagTable is State.ApplyDiagTable on one block; each run's table is
// kept for the next block while its applicable terms stay the same.
func (b *Block) ApplyDiagTable(ts []DiagTerm) {
	bs := len(b.Amp)
	b.key = b.key[:0]
	var cr, ci float64
	hasC := false
	for ti := range ts {
		t := &ts[ti]
		hm := t.Mask &^ (bs - 1)
		if b.Base&hm != t.Val&hm {
			continue
		}
		if t.Mask&(bs-1) != 0 {
			b.key = append(b.key, ti)
			continue
		}
		if hasC {
			cr, ci = float64(cr*t.Re)-float64(ci*t.Im), float64(cr*t.Im)+float64(ci*t.Re)
		} else {
			cr, ci, hasC = t.Re, t.Im, true
		}
	}
	if len(b.key) > 0 {
		if b.tabs == nil {
			b.tabs = map[*DiagTerm]*diagTab{}
		}
		dt := b.tabs[&ts[0]]
		if dt == nil {
			dt = &diagTab{tab: make([]complex128, bs)}
			b.tabs[&ts[0]] = dt
		}
		if dt.key == nil || !slices.Equal(b.key, dt.key) {
			for i := range dt.tab {
				dt.tab[i] = 1
			}
			for _, ti := range b.key {
				t := &ts[ti]
				diagBlock(dt.tab, t.Mask&(bs-1), t.Val&(bs-1), t.Re, t.Im)
			}
			dt.key = append(dt.key[:0:0], b.key...)
		}
		mulRuns(b.Amp, dt.tab)
	}
	if hasC {
		scaleRuns(b.Amp, 0, bs, 0, 1, cr, ci)
	}
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
