package engine

import (
	"cmp"
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/quantumjob/engine/compile"
	"github.com/novacron/novacron/x/quantumjob/engine/ir"
	"github.com/novacron/novacron/x/quantumjob/engine/statevec"
)

// pruneEps drops measurement branches whose probability is below the
// quantisation resolution (rounding noise of impossible outcomes).
const pruneEps = 1e-13

// estimateShots is used to estimate probabilities by sampling when exact
// enumeration is out of bounds and the caller asked for no shots.
const estimateShots = 1024

var errBranches = errors.New("branch bound exceeded")

type kernel uint8

const (
	kGeneric kernel = iota
	kDiag
	kFlip
	kCtrl1
	kCX
	kPhase
	kSwap
	kTwo
	kPerm
	kDiagRun // consecutive unconditional diagonal gates, applied blockwise
	kXMask   // consecutive unconditional X gates on distinct qubits
	kSegment // consecutive block-local ops, applied block by block
	kOther   // measure/reset
)

type execOp struct {
	op    *ir.Op
	k     kernel
	m     [4]complex128
	m2    []complex128
	ph    complex128
	ctrl  []int
	diag  []statevec.DiagTerm // kDiagRun
	table bool                // kDiagRun: apply as one table (ApplyDiagTable)
	mask  int                 // kXMask
	seg   []execOp            // kSegment
	steps uint64              // meter price of one application
}

// kernelSteps is the meter price of applying e to a state of amp
// amplitudes (measurements and resets are priced by svMeasureSteps).
func (e *execOp) kernelSteps(amp uint64) uint64 {
	switch e.k {
	case kOther:
		return 0
	case kTwo:
		return meter.Mul(2, amp) + opSteps
	case kDiagRun: // a table build can cost a pass per term
		return meter.Add(meter.Mul(uint64(len(e.diag)), amp), opSteps)
	case kSegment:
		var s uint64
		for i := range e.seg {
			s = meter.Add(s, e.seg[i].kernelSteps(amp))
		}
		return s
	}
	return amp + opSteps
}

// diagTerms returns the diagonal terms that reproduce e (the same factors on
// the same amplitudes as its single-gate kernel), or ok=false when e is not
// an unconditional diagonal gate.
func (e *execOp) diagTerms() (ts []statevec.DiagTerm, ok bool) {
	o := e.op
	if o.Type != ir.OpGate || o.Cond != nil {
		return nil, false
	}
	term := func(mask, val int, f complex128) statevec.DiagTerm {
		return statevec.DiagTerm{Mask: mask, Val: val, Re: real(f), Im: imag(f)}
	}
	switch e.k {
	case kDiag: // ApplyDiag1
		q := 1 << o.Targets()[0]
		if e.m[0] != 1 {
			ts = append(ts, term(q, 0, e.m[0]))
		}
		if e.m[3] != 1 {
			ts = append(ts, term(q, q, e.m[3]))
		}
		return ts, true
	case kPhase: // ApplyPhase
		m := 0
		for _, q := range o.Qubits {
			m |= 1 << q
		}
		return append(ts, term(m, m, e.ph)), true
	case kCtrl1: // ApplyC1, diagonal path
		if e.m[1] != 0 || e.m[2] != 0 || len(e.ctrl) == 0 {
			return nil, false
		}
		cm := 0
		for _, q := range e.ctrl {
			cm |= 1 << q
		}
		st := 1 << o.Targets()[0]
		ts = append(ts, term(cm|st, cm|st, e.m[3]))
		if e.m[0] != 1 {
			ts = append(ts, term(cm|st, cm, e.m[0]))
		}
		return ts, true
	}
	return nil, false
}

// relabelSwaps drops the unconditional, uncontrolled SWAPs after the last
// mid-circuit measurement or reset by exchanging the two qubits' labels
// instead of moving amplitudes: later ops are rewritten onto the physical
// qubits, and perm[q] is where logical qubit q ends up (the read-out goes
// through it). Pure relabelling, so every amplitude is bit-identical; only
// measurement sums depend on index order, and none follow.
func relabelSwaps(ops []ir.Op, n int) ([]ir.Op, []int) {
	perm := make([]int, n)
	for q := range perm {
		perm[q] = q
	}
	from := 0
	for i := range ops {
		if ops[i].Type == ir.OpMeasure || ops[i].Type == ir.OpReset {
			from = i + 1
		}
	}
	out := append(make([]ir.Op, 0, len(ops)), ops[:from]...)
	for _, o := range ops[from:] {
		if o.Type == ir.OpGate && o.Cond == nil && o.Kind == ir.KSwap && o.NCtrl == 0 {
			a, b := o.Qubits[0], o.Qubits[1]
			perm[a], perm[b] = perm[b], perm[a]
			continue
		}
		qs := make([]int, len(o.Qubits))
		for i, q := range o.Qubits {
			qs[i] = perm[q]
		}
		o.Qubits = qs
		out = append(out, o)
	}
	return out, perm
}

// xFlushOp carries the synthetic X-frame flushes: an unconditional gate.
var xFlushOp = &ir.Op{Type: ir.OpGate}

// fuseRuns makes two rewrites, each bit-identical to running the ops one by
// one (every amplitude receives the same factors in the same order; moves
// are pure):
//   - Unconditional X gates are not applied but kept in a pending mask (a
//     Pauli-X frame). A later diagonal gate is conjugated through it (its
//     terms' values flipped on the pending bits), ops on other qubits
//     commute, and an op touching a pending qubit first flushes the whole
//     mask as one kXMask pass; so does any measurement or reset, whose
//     probability sum runs in index order. The mask left at the end is
//     returned: the read-out applies it to the indices.
//   - Runs of consecutive unconditional diagonal gates become one kDiagRun
//     (applied blockwise, one memory pass per run).
//
// With tables, a run whose terms touch at least two amplitudes per
// amplitude is applied as one diagonal table (statevec.ApplyDiagTable):
// far fewer multiplies, but the factors are grouped differently, so that
// one rewrite is deterministic without being bit-identical to gate by gate.
func fuseRuns(ops []execOp, n int, tables bool) (out []execOp, xmask int) {
	out = ops[:0:0]
	var first *execOp // the run's first gate; gates counts them
	gates := 0
	var terms []statevec.DiagTerm
	conj := false
	flush := func() {
		if gates == 1 && !conj {
			out = append(out, *first)
		} else if gates > 0 {
			out = append(out, execOp{op: first.op, k: kDiagRun, diag: terms,
				table: tables && statevec.DiagTableWorthIt(n, terms)})
		}
		first, gates, terms, conj = nil, 0, nil, false
	}
	for i := range ops {
		e := &ops[i]
		o := e.op
		if e.k == kFlip && o.Cond == nil && o.Type == ir.OpGate {
			xmask ^= 1 << o.Targets()[0]
			continue
		}
		if ts, ok := e.diagTerms(); ok {
			for k := range ts {
				if f := xmask & ts[k].Mask; f != 0 {
					ts[k].Val ^= f
					conj = true
				}
			}
			if gates == 0 {
				first = e
			}
			gates++
			terms = append(terms, ts...)
			continue
		}
		flush()
		if o.Type == ir.OpGate || o.Type == ir.OpMeasure || o.Type == ir.OpReset {
			touched := 0
			for _, q := range o.Qubits {
				touched |= 1 << q
			}
			if xmask&touched != 0 || (xmask != 0 && o.Type != ir.OpGate) {
				out = append(out, execOp{op: xFlushOp, k: kXMask, mask: xmask})
				xmask = 0
			}
		}
		out = append(out, *e)
	}
	flush()
	return out, xmask
}

func prepare(o *ir.Op) (execOp, error) {
	e := execOp{op: o, k: kOther}
	if o.Type != ir.OpGate {
		return e, nil
	}
	e.ctrl = o.Controls()
	var err error
	switch o.Kind {
	case ir.KMat2:
		e.k, e.m2 = kTwo, o.Mat
	case ir.KPerm:
		e.k = kPerm
	case ir.KSwap:
		e.k = kSwap
	case ir.KRXX, ir.KRYY, ir.KRZZ:
		var m [16]complex128
		m, err = ir.Matrix2(o.Kind, o.Params)
		e.k, e.m2 = kTwo, m[:]
	default:
		e.k = kGeneric
		if o.Kind == ir.KMat1 {
			copy(e.m[:], o.Mat)
		} else if e.m, err = ir.Matrix1(o.Kind, o.Params); err != nil {
			break
		}
		switch {
		case o.NCtrl > 0 && o.Kind == ir.KX:
			e.k = kCX
		case o.NCtrl > 0 && e.m[0] == 1 && e.m[1] == 0 && e.m[2] == 0:
			e.k, e.ph = kPhase, e.m[3]
		case o.NCtrl > 0:
			e.k = kCtrl1
		case e.m[1] == 0 && e.m[2] == 0:
			e.k = kDiag
		case e.m[0] == 0 && e.m[3] == 0 && e.m[1] == 1 && e.m[2] == 1:
			e.k = kFlip
		}
	}
	if err != nil {
		return e, fmt.Errorf("%d:%d: %w", o.Line, o.Col, err)
	}
	return e, nil
}

func (e *execOp) apply(st *statevec.State) {
	o := e.op
	t := o.Targets()
	switch e.k {
	case kGeneric:
		st.Apply1(t[0], e.m)
	case kDiag:
		st.ApplyDiag1(t[0], e.m[0], e.m[3])
	case kFlip:
		st.ApplyX(t[0])
	case kCtrl1:
		st.ApplyC1(e.ctrl, t[0], e.m)
	case kCX:
		st.ApplyCX(e.ctrl, t[0])
	case kPhase:
		st.ApplyPhase(o.Qubits, e.ph)
	case kSwap:
		st.ApplySwap(e.ctrl, t[0], t[1])
	case kTwo:
		st.Apply2(e.ctrl, t[0], t[1], e.m2)
	case kPerm:
		st.ApplyPerm(e.ctrl, t, o.Perm)
	case kDiagRun:
		if e.table {
			st.ApplyDiagTable(e.diag)
		} else {
			st.ApplyDiagTerms(e.diag)
		}
	case kXMask:
		st.ApplyXMask(e.mask)
	case kSegment:
		st.ForBlocks(func(b *statevec.Block) {
			for i := range e.seg {
				e.seg[i].applyBlock(b)
			}
		})
	}
}

// blockLocal reports whether e can be applied block by block
// (statevec.Block): an unconditional gate on qubits inside a block, or a
// diagonal run (its terms test the bits above the block against the block).
func (e *execOp) blockLocal() bool {
	o := e.op
	if o.Cond != nil || o.Type != ir.OpGate {
		return false
	}
	switch e.k {
	case kDiagRun:
		return true
	case kXMask:
		return e.mask < 1<<statevec.BlockBits
	case kOther, kSegment:
		return false
	}
	for _, q := range o.Qubits {
		if q >= statevec.BlockBits {
			return false
		}
	}
	return true
}

func (e *execOp) applyBlock(b *statevec.Block) {
	switch {
	case e.k == kDiagRun && e.table:
		b.ApplyDiagTable(e.diag)
	case e.k == kDiagRun:
		b.ApplyDiagTerms(e.diag)
	default:
		e.apply(&b.State)
	}
}

// maxSegmentTables bounds the diagonal-table runs in one segment: each
// keeps a 2^13-amplitude table (128 KiB) per thread while the segment runs.
const maxSegmentTables = 8

// fuseSegments replaces every run of two or more consecutive block-local ops
// by one kSegment op: one pass over memory per segment instead of one per
// op, with the same bits (see statevec.Block). States of one block or less
// gain nothing. A segment holds at most maxSegmentTables table runs.
func fuseSegments(ops []execOp, n int) []execOp {
	if n <= statevec.BlockBits {
		return ops
	}
	out := ops[:0:0]
	for i := 0; i < len(ops); {
		j, tables := i, 0
		for j < len(ops) && ops[j].blockLocal() {
			if ops[j].table {
				if tables == maxSegmentTables {
					break
				}
				tables++
			}
			j++
		}
		if j-i >= 2 {
			out = append(out, execOp{op: xFlushOp, k: kSegment, seg: ops[i:j]})
			i = j
			continue
		}
		out = append(out, ops[i])
		i++
	}
	return out
}

// classical bit helpers
func getBit(cb []uint64, i int) bool { return cb[i/64]>>(i%64)&1 == 1 }
func setBit(cb []uint64, i int, v bool) {
	if v {
		cb[i/64] |= 1 << (i % 64)
	} else {
		cb[i/64] &^= 1 << (i % 64)
	}
}

// condHolds compares a register with c.Value a word at a time (condSteps
// prices it so): bits from 64 up must all be zero.
func condHolds(cb []uint64, regs []ir.Register, c *ir.Cond) bool {
	r := regs[c.CReg]
	var v uint64
	for b := 0; b < r.Size; {
		i := r.Offset + b
		take := min(64-i%64, r.Size-b)
		w := cb[i/64] >> (i % 64)
		if take < 64 {
			w &= 1<<take - 1
		}
		if b >= 64 || w>>(64-b) != 0 {
			if w != 0 {
				return false
			}
		} else {
			v |= w << b
		}
		b += take
	}
	return v == c.Value
}

// measurePlan is the shared view of a circuit's classical outputs.
type measurePlan struct {
	regs    []ir.Register
	nclbits int
	exec    []ir.Op // ops to execute (terminal measurements removed)
	termQ   []int   // terminal measured qubits
	termC   []int   // their clbits
	termIdx []int   // clbit -> index into termQ, or -1
	virtual bool    // no measurement in the circuit: all qubits are read
}

func newPlan(c *ir.Circuit, dropTerminal bool) *measurePlan {
	p := &measurePlan{regs: c.CRegs, nclbits: c.NumClbits}
	measured := false
	for i := range c.Ops {
		if c.Ops[i].Type == ir.OpMeasure {
			measured = true
		}
	}
	if !measured {
		// no measurement: report every qubit, highest leftmost
		p.virtual = true
		p.regs = []ir.Register{{Name: "q", Offset: 0, Size: c.NumQubits}}
		p.nclbits = c.NumQubits
		for q := 0; q < c.NumQubits; q++ {
			p.termQ = append(p.termQ, q)
			p.termC = append(p.termC, q)
		}
		p.exec = c.Ops
	} else if dropTerminal {
		term, _ := terminalMeasures(c)
		for i := range c.Ops {
			if term[i] {
				p.termQ = append(p.termQ, c.Ops[i].Qubits[0])
				p.termC = append(p.termC, c.Ops[i].Clbit)
				continue
			}
			p.exec = append(p.exec, c.Ops[i])
		}
	} else {
		p.exec = c.Ops
	}
	p.termIdx = make([]int, p.nclbits)
	for i := range p.termIdx {
		p.termIdx[i] = -1
	}
	for k, b := range p.termC {
		p.termIdx[b] = k
	}
	return p
}

type svLeaf struct {
	cb   []uint64
	w    float64
	marg []float64
	cum  []uint64
}

type svRunner struct {
	n        int
	plan     *measurePlan
	ops      []execOp
	lim      Limits
	threads  int
	leaves   []svLeaf
	rng      *rand.Rand // trajectory mode when non-nil
	tkey     string     // trajectory result
	fmt      keyFormatter
	fusedOps int
	perm     []int // logical qubit -> physical bit after relabelled swaps (nil: identity)
	xout     int   // X frame still pending at the end: stored index = true index ^ xout
	m        *meter.Meter
	amp      uint64 // passSteps(n): the price of one pass over the state
	klen     uint64 // outcome key length
}

func (r *svRunner) charge(n uint64) error { return r.m.Charge(StageStateVector, n) }

// newPath charges one path's fixed work: its state (or clone), marginal,
// draw and key.
func (r *svRunner) newPath() error { return r.charge(svPathSteps(r.amp, r.klen)) }

func runStateVector(c *ir.Circuit, o Options, res *Result, m *meter.Meter) error {
	if c.NumQubits > statevec.MaxQubits {
		return fmt.Errorf("%w: %d qubits", ErrTooLarge, c.NumQubits)
	}
	r, err := newSVRunner(c, o, rewriteAll, m)
	if err != nil {
		return err
	}
	if err := r.newPath(); err != nil {
		return err
	}
	plan := r.plan
	res.FusedOps = r.fusedOps
	res.Measured = !plan.virtual
	rng := rand.New(rand.NewChaCha8(o.Seed))
	st := statevec.New(r.n)
	st.Threads = r.threads
	err = r.exec(0, st, make([]uint64, (plan.nclbits+63)/64), 1)
	if errors.Is(err, errBranches) {
		return r.trajectories(o, res, rng)
	}
	if err != nil {
		return err
	}
	res.ProbabilitiesExact = true
	if err := r.listProbabilities(res); err != nil {
		return err
	}
	if o.Shots > 0 {
		return r.sample(o.Shots, rng, res)
	}
	return nil
}

// rewriteLevel selects the runner's rewrites of the fused ops.
type rewriteLevel int

const (
	rewriteNone  rewriteLevel = iota // op by op (reference for tests)
	rewriteExact                     // swap relabelling, X frame, diagonal runs, segments: bit-identical
	rewriteAll                       // plus diagonal tables (what runs)
)

// newSVRunner compiles the ops to kernels with the given rewrites, under m.
func newSVRunner(c *ir.Circuit, o Options, rewrite rewriteLevel, m *meter.Meter) (*svRunner, error) {
	plan := newPlan(c, true)
	var prep uint64
	for i := range plan.exec {
		prep = meter.Add(prep, prepSteps(&plan.exec[i]))
	}
	if err := m.Charge(StageStateVector, prep); err != nil {
		return nil, err
	}
	fused, err := compile.Fuse(plan.exec, c.NumQubits)
	if err != nil {
		return nil, err
	}
	r := &svRunner{n: c.NumQubits, plan: plan, lim: o.Limits, threads: o.Threads,
		fmt: keyFormatter{regs: plan.regs}, fusedOps: len(fused), m: m,
		amp: passSteps(c.NumQubits), klen: keyLen(plan.regs)}
	if rewrite > rewriteNone {
		fused, r.perm = relabelSwaps(fused, c.NumQubits)
	}
	r.ops = make([]execOp, len(fused))
	for i := range fused {
		if r.ops[i], err = prepare(&fused[i]); err != nil {
			return nil, err
		}
	}
	if rewrite > rewriteNone {
		r.ops, r.xout = fuseRuns(r.ops, c.NumQubits, rewrite == rewriteAll)
		r.ops = fuseSegments(r.ops, c.NumQubits)
	}
	for i := range r.ops {
		r.ops[i].steps = r.ops[i].kernelSteps(r.amp)
	}
	return r, nil
}

func (r *svRunner) exec(i int, st *statevec.State, cb []uint64, w float64) error {
	regs := r.plan.regs
	for ; i < len(r.ops); i++ {
		e := &r.ops[i]
		o := e.op
		if o.Cond != nil {
			if err := r.charge(condSteps(o.Cond, regs)); err != nil {
				return err
			}
			if !condHolds(cb, regs, o.Cond) {
				continue
			}
		}
		if o.Type == ir.OpOpaque {
			return fmt.Errorf("%d:%d: %w: %s", o.Line, o.Col, ErrOpaque, o.Name)
		}
		if e.k != kOther {
			if err := r.charge(e.steps); err != nil {
				return err
			}
			e.apply(st)
			continue
		}
		if o.Type != ir.OpMeasure && o.Type != ir.OpReset {
			continue
		}
		if err := r.charge(svMeasureSteps(r.amp, len(cb))); err != nil {
			return err
		}
		q := o.Qubits[0]
		p1 := st.Prob1(q)
		p0 := 1 - p1
		out := 0
		if r.rng != nil {
			if r.rng.Float64() < p1 {
				out = 1
			}
		} else {
			has0, has1 := p0 > pruneEps, p1 > pruneEps
			if has0 && has1 {
				if len(r.leaves)+1 >= r.lim.MaxBranches || (len(r.leaves)+2)<<r.n > r.lim.MaxBranchAmplitudes {
					return errBranches
				}
				if err := r.newPath(); err != nil {
					return err
				}
				st1 := st.Clone()
				cb1 := slices.Clone(cb)
				r.outcome(o, st1, cb1, 1, p1)
				if err := r.exec(i+1, st1, cb1, float64(w*p1)); err != nil {
					return err
				}
				w = float64(w * p0)
			} else if has1 {
				out = 1
			}
		}
		p := p0
		if out == 1 {
			p = p1
		}
		r.outcome(o, st, cb, out, p)
	}
	marg := marginal(st, r.plan.termQ, r.perm, r.xout)
	if r.rng != nil {
		r.tkey = r.key(cb, sampleFloat(marg, r.rng))
		return nil
	}
	r.leaves = append(r.leaves, svLeaf{cb: cb, w: w, marg: marg})
	return nil
}

func (r *svRunner) outcome(o *ir.Op, st *statevec.State, cb []uint64, out int, p float64) {
	q := o.Qubits[0]
	if p <= 0 {
		p = 1 // impossible branch chosen only by a zero-probability draw; keep the state finite
	}
	st.Collapse(q, out, p)
	if o.Type == ir.OpMeasure {
		setBit(cb, o.Clbit, out == 1)
	} else if out == 1 {
		st.ApplyX(q)
	}
}

func sampleFloat(p []float64, rng *rand.Rand) int {
	var tot float64
	for _, x := range p {
		tot += x
	}
	u := float64(rng.Float64() * tot)
	var acc float64
	last := 0
	for i, x := range p {
		if x == 0 {
			continue
		}
		acc += x
		last = i
		if u < acc {
			return i
		}
	}
	return last
}

// bitTables maps an index byte by byte: for qubit k at position pos[k], the
// result's bit k is the index's bit pos[k] (or the reverse direction with
// inverse=true: result bit pos[k] = index bit k).
func bitTables(n int, pos []int, inverse bool) [][256]int {
	tab := make([][256]int, (n+7)/8)
	for k, p := range pos {
		from, to := p, k
		if inverse {
			from, to = k, p
		}
		for v := 0; v < 256; v++ {
			if v>>(from%8)&1 == 1 {
				tab[from/8][v] |= 1 << to
			}
		}
	}
	return tab
}

func lookup(tab [][256]int, i int) int {
	x := 0
	for b := range tab {
		x |= tab[b][(i>>(8*b))&255]
	}
	return x
}

// marginal sums |a|^2 over the qubits not read out; result index bit k is
// logical qubit qs[k]. Logical qubit q lives on physical bit perm[q] (nil:
// identity) and the amplitude of physical index P is stored at P^xm. Sums
// run in logical index order, as they would with the swaps and X gates
// applied, so the result is bit-identical to that.
func marginal(st *statevec.State, qs, perm []int, xm int) []float64 {
	n := st.N
	ident := len(qs) == n && xm == 0
	for k, q := range qs {
		if q != k || (perm != nil && perm[q] != q) {
			ident = false
		}
	}
	if ident {
		return st.Probabilities()
	}
	out := make([]float64, 1<<len(qs))
	if len(qs) == n {
		phys := make([]int, len(qs))
		for k, q := range qs {
			phys[k] = q
			if perm != nil {
				phys[k] = perm[q]
			}
		}
		// a permutation: every outcome is one amplitude, so the order is free
		tab := bitTables(n, phys, false)
		if n < 8 {
			for i, a := range st.Amp {
				re, im := real(a), imag(a)
				if p := float64(re*re) + float64(im*im); p != 0 {
					out[lookup(tab, i^xm)] = p
				}
			}
			return out
		}
		// 256 amplitudes share every index byte but the lowest
		low := &tab[0]
		for i0 := 0; i0 < len(st.Amp); i0 += 256 {
			hi := lookup(tab[1:], (i0^xm)>>8)
			for l, a := range st.Amp[i0 : i0+256] {
				re, im := real(a), imag(a)
				if p := float64(re*re) + float64(im*im); p != 0 {
					out[hi|low[(l^xm)&255]] = p
				}
			}
		}
		return out
	}
	tab := bitTables(n, qs, false)
	var toPhys [][256]int
	if perm != nil {
		toPhys = bitTables(n, perm, true)
	}
	for l := range st.Amp {
		i := l
		if perm != nil {
			i = lookup(toPhys, l)
		}
		a := st.Amp[i^xm]
		re, im := real(a), imag(a)
		p := float64(re*re) + float64(im*im)
		if p == 0 {
			continue
		}
		out[lookup(tab, l)] += p
	}
	return out
}

func (r *svRunner) key(cb []uint64, v int) string {
	ti := r.plan.termIdx
	return r.fmt.format(func(b int) bool {
		if k := ti[b]; k >= 0 {
			return v>>k&1 == 1
		}
		return getBit(cb, b)
	})
}

// clbitValue returns the classical bits of (cb, v) as an integer (bit b =
// clbit b). Registers occupy consecutive clbits in declaration order, so
// Qiskit key order equals numeric order of this value.
func (r *svRunner) clbitValue(cb []uint64, v int) uint64 {
	x := uint64(0)
	if len(cb) > 0 {
		x = cb[0]
	}
	for k, b := range r.plan.termC {
		x = x&^(1<<b) | uint64(v>>k&1)<<b
	}
	return x
}

// entries is the number of leaf outcomes the read-out goes through.
func (r *svRunner) entries() uint64 {
	var e uint64
	for i := range r.leaves {
		e = meter.Add(e, uint64(len(r.leaves[i].marg)))
	}
	return e
}

func (r *svRunner) listProbabilities(res *Result) error {
	if err := r.m.Charge(StageReadout, distSteps(r.entries(), r.klen, r.lim.MaxOutcomes, r.plan.nclbits > 64)); err != nil {
		return err
	}
	res.dist = r.distribution()
	res.Probabilities, res.ProbabilitiesTruncated = res.dist.list(r.lim.MaxOutcomes)
	return nil
}

// distribution builds the full quantised distribution of the enumerated
// leaves: dense (or sparse) over the read-out qubits for one final state,
// sparse by clbit value when several leaves must be summed, keyed by string
// beyond 64 clbits.
func (r *svRunner) distribution() *distribution {
	regs, ncl := r.plan.regs, r.plan.nclbits
	if len(r.leaves) == 1 && ncl <= 64 {
		l := &r.leaves[0]
		q := make([]uint64, len(l.marg))
		for v, p := range l.marg {
			q[v] = Quantise(float64(l.w * p))
		}
		return newDenseDist(regs, ncl, r.clbitValue(l.cb, 0), r.plan.termC, q)
	}
	if ncl <= 64 {
		// every leaf's outcomes by clbit value; a stable sort keeps the leaf
		// order within one value, so each sum runs in the same order as ever
		type xp struct {
			x uint64
			p float64
		}
		var all []xp
		for li := range r.leaves {
			l := &r.leaves[li]
			for v, p := range l.marg {
				if c := float64(l.w * p); c >= 1e-15 {
					all = append(all, xp{r.clbitValue(l.cb, v), c})
				}
			}
		}
		slices.SortStableFunc(all, func(a, b xp) int { return cmp.Compare(a.x, b.x) })
		d := &distribution{form: FormSparse, regs: regs, nclbits: ncl}
		for i := 0; i < len(all); {
			j, s := i, 0.0
			for ; j < len(all) && all[j].x == all[i].x; j++ {
				s += all[j].p
			}
			if q := Quantise(s); q > 0 {
				d.xs = append(d.xs, all[i].x)
				d.vals = append(d.vals, q)
			}
			i = j
		}
		return d
	}
	agg := map[string]float64{}
	for li := range r.leaves {
		l := &r.leaves[li]
		for v, p := range l.marg {
			if c := float64(l.w * p); c >= 1e-15 {
				agg[r.key(l.cb, v)] += c
			}
		}
	}
	return &distribution{form: FormKeyed, regs: regs, nclbits: ncl, keyed: entriesFromFloat(agg)}
}

func entriesFromFloat(agg map[string]float64) []Entry {
	out := make([]Entry, 0, len(agg))
	for k, p := range agg {
		if q := Quantise(p); q > 0 {
			out = append(out, Entry{Key: k, Value: q})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func entriesFromCounts(m map[string]uint64) []Entry {
	out := make([]Entry, 0, len(m))
	for k, v := range m {
		out = append(out, Entry{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func cumulative(p []float64) []uint64 {
	c := make([]uint64, len(p))
	var acc uint64
	for i, x := range p {
		acc += Quantise(x)
		c[i] = acc
	}
	return c
}

// pick returns the first index whose cumulative weight exceeds u.
func pick(cum []uint64, u uint64) int {
	return sort.Search(len(cum), func(i int) bool { return cum[i] > u })
}

// sample draws shots from the quantised exact distribution: a leaf by its
// weight, then an outcome by the leaf's marginal (integers only).
func (r *svRunner) sample(shots int, rng *rand.Rand, res *Result) error {
	if err := r.m.Charge(StageReadout, shotSteps(uint64(shots), r.entries(), r.klen)); err != nil {
		return err
	}
	lw := make([]float64, len(r.leaves))
	for i := range r.leaves {
		lw[i] = r.leaves[i].w
	}
	lcum := cumulative(lw)
	counts := map[string]uint64{}
	for s := 0; s < shots; s++ {
		li := 0
		if len(r.leaves) > 1 {
			li = pick(lcum, rng.Uint64N(lcum[len(lcum)-1]))
		}
		l := &r.leaves[li]
		if l.cum == nil {
			l.cum = cumulative(l.marg)
		}
		tot := l.cum[len(l.cum)-1]
		v := 0
		if tot > 0 {
			v = pick(l.cum, rng.Uint64N(tot))
		}
		counts[r.key(l.cb, v)]++
	}
	res.Counts = entriesFromCounts(counts)
	return nil
}

// trajectories re-simulates the circuit once per shot, drawing every
// measurement outcome; probabilities are then estimated from the counts.
func (r *svRunner) trajectories(o Options, res *Result, rng *rand.Rand) error {
	shots := o.Shots
	if shots == 0 {
		shots = estimateShots
	}
	r.rng = rng
	r.leaves = nil
	counts := map[string]uint64{}
	for s := 0; s < shots; s++ {
		if err := r.newPath(); err != nil {
			return err
		}
		st := statevec.New(r.n)
		st.Threads = r.threads
		if err := r.exec(0, st, make([]uint64, (r.plan.nclbits+63)/64), 1); err != nil {
			return err
		}
		counts[r.tkey]++
	}
	if err := r.m.Charge(StageReadout, estimatedSteps(uint64(shots), r.klen)); err != nil {
		return err
	}
	setEstimated(res, counts, shots, o.Shots > 0, r.lim.MaxOutcomes, r.plan)
	return nil
}

func setEstimated(res *Result, counts map[string]uint64, shots int, report bool, maxOut int, plan *measurePlan) {
	res.ProbabilitiesExact = false
	es := entriesFromCounts(counts)
	d := &distribution{form: FormKeyed, regs: plan.regs, nclbits: plan.nclbits, keyed: make([]Entry, 0, len(es))}
	for _, e := range es {
		// exact integer division: count/shots in ProbScale units, rounded
		hi, lo := bits.Mul64(e.Value, ProbScale)
		lo, c := bits.Add64(lo, uint64(shots)/2, 0)
		q, _ := bits.Div64(hi+c, lo, uint64(shots))
		d.keyed = append(d.keyed, Entry{Key: e.Key, Value: q})
	}
	res.dist = d
	res.Probabilities, res.ProbabilitiesTruncated = d.list(maxOut)
	if report {
		res.Counts = es
	}
}
