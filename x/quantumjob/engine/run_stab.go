package engine

import (
	"fmt"
	"math/bits"
	"math/rand/v2"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/quantumjob/engine/compile"
	"github.com/novacron/novacron/x/quantumjob/engine/ir"
	"github.com/novacron/novacron/x/quantumjob/engine/stabilizer"
)

// stabRun is one stabilizer run's meter and sizes.
type stabRun struct {
	m      *meter.Meter
	n, wn  uint64
	klen   uint64
	nclbit uint64
}

func (s *stabRun) charge(n uint64) error { return s.m.Charge(StageStabilizer, n) }

func (s *stabRun) measure(t *stabilizer.Tableau, q int, rnd func() uint8) (stabilizer.Expr, error) {
	if err := s.charge(stabMeasureSteps(s.n, s.wn, uint64(t.NumVars()))); err != nil {
		return stabilizer.Expr{}, err
	}
	e, _, err := t.Measure(q, rnd)
	return e, err
}

func (s *stabRun) reset(t *stabilizer.Tableau, q int, rnd func() uint8) error {
	if err := s.charge(stabResetSteps(s.n, s.wn, uint64(t.NumVars()))); err != nil {
		return err
	}
	return t.Reset(q, rnd)
}

func (s *stabRun) newTableau() (*stabilizer.Tableau, error) {
	if err := s.charge(stabNewSteps(s.n, s.wn)); err != nil {
		return nil, err
	}
	return stabilizer.New(int(s.n)), nil
}

func (s *stabRun) gate(t *stabilizer.Tableau, o *ir.Op) error {
	seq, ok := compile.CliffordOf(o)
	if !ok {
		return fmt.Errorf("%d:%d: %w: %s", o.Line, o.Col, ErrNotCliff, o.Kind)
	}
	if err := s.charge(cliffordSteps(seq, s.wn)); err != nil {
		return err
	}
	applyClifford(t, seq)
	return nil
}

func applyClifford(t *stabilizer.Tableau, seq []compile.CliffordGate) {
	for _, g := range seq {
		if g.Ctrl >= 0 {
			switch g.Kind {
			case ir.KX:
				t.CX(g.Ctrl, g.Q)
			case ir.KY:
				t.CY(g.Ctrl, g.Q)
			case ir.KZ:
				t.CZ(g.Ctrl, g.Q)
			}
			continue
		}
		switch g.Kind {
		case ir.KH:
			t.H(g.Q)
		case ir.KS:
			t.S(g.Q)
		case ir.KSdg:
			t.Sdg(g.Q)
		case ir.KX:
			t.X(g.Q)
		case ir.KY:
			t.Y(g.Q)
		case ir.KZ:
			t.Z(g.Q)
		case ir.KSwap:
			t.Swap(g.Q, g.Q2)
		}
	}
}

func runStabilizer(c *ir.Circuit, o Options, res *Result, m *meter.Meter) error {
	plan := newPlan(c, false)
	n := uint64(c.NumQubits)
	sr := &stabRun{m: m, n: n, wn: (n + 63) / 64, klen: keyLen(plan.regs), nclbit: uint64(plan.nclbits)}
	res.Measured = !plan.virtual
	res.FusedOps = len(plan.exec)
	rng := rand.New(rand.NewChaCha8(o.Seed))
	hasCond := false
	for i := range plan.exec {
		if plan.exec[i].Cond != nil {
			hasCond = true
		}
	}
	if hasCond {
		return stabTrajectories(sr, plan, o, res, rng)
	}
	t, err := sr.newTableau()
	if err != nil {
		return err
	}
	exprs := make([]stabilizer.Expr, plan.nclbits)
	for i := range plan.exec {
		op := &plan.exec[i]
		switch op.Type {
		case ir.OpGate:
			if err := sr.gate(t, op); err != nil {
				return err
			}
		case ir.OpMeasure:
			e, err := sr.measure(t, op.Qubits[0], nil)
			if err != nil {
				return err
			}
			exprs[op.Clbit] = e
		case ir.OpReset:
			if err := sr.reset(t, op.Qubits[0], nil); err != nil {
				return err
			}
		default:
			if err := sr.charge(opSteps); err != nil {
				return err
			}
		}
	}
	for k, q := range plan.termQ { // virtual read-out of every qubit
		e, err := sr.measure(t, q, nil)
		if err != nil {
			return err
		}
		exprs[plan.termC[k]] = e
	}
	v := uint64(t.NumVars())
	if err := sr.charge(affineSteps(v, sr.nclbit)); err != nil {
		return err
	}
	aff := newAffine(exprs, t.NumVars())
	nw := (sr.nclbit + 63) / 64
	rank := uint64(len(aff.basis))
	if err := m.Charge(StageReadout, affineListSteps(rank, nw, sr.klen, o.Limits.MaxOutcomes)); err != nil {
		return err
	}
	res.ProbabilitiesExact = true
	kf := keyFormatter{regs: plan.regs}
	r := len(aff.basis)
	var p uint64
	if r < 64 {
		p = (ProbScale + (uint64(1)<<r)/2) >> r
	}
	res.dist = &distribution{form: FormAffine, regs: plan.regs, nclbits: plan.nclbits, c0: aff.c0, basis: aff.basis, p: p}
	res.Probabilities, res.ProbabilitiesTruncated = res.dist.list(o.Limits.MaxOutcomes)
	if o.Shots > 0 {
		if err := m.Charge(StageReadout, affineShotSteps(uint64(o.Shots), rank, nw, sr.klen)); err != nil {
			return err
		}
		counts := map[string]uint64{}
		cur := make([]uint64, len(aff.c0))
		for s := 0; s < o.Shots; s++ {
			copy(cur, aff.c0)
			var w uint64
			for i, b := range aff.basis {
				if i%64 == 0 {
					w = rng.Uint64()
				}
				if w>>(i%64)&1 == 1 {
					xorInto(cur, b)
				}
			}
			counts[kf.format(func(b int) bool { return getBit(cur, b) })]++
		}
		res.Counts = entriesFromCounts(counts)
	}
	return nil
}

func slicesClone(a []uint64) []uint64 { return append([]uint64(nil), a...) }

func xorInto(dst, src []uint64) {
	for i := range dst {
		dst[i] ^= src[i]
	}
}

func sortEntries(e []Entry) {
	m := map[string]uint64{}
	for _, x := range e {
		m[x.Key] = x.Value
	}
	copy(e, entriesFromCounts(m))
}

// affine is the set of classical outcomes {c0 + span(basis)} over GF(2).
type affine struct {
	c0    []uint64
	basis [][]uint64
}

func newAffine(exprs []stabilizer.Expr, nvars int) *affine {
	nw := (len(exprs) + 63) / 64
	a := &affine{c0: make([]uint64, nw)}
	cols := make([][]uint64, nvars) // per variable, the clbits it flips
	for b, e := range exprs {
		if e.Const == 1 {
			a.c0[b/64] |= 1 << (b % 64)
		}
		for wi, w := range e.Vars {
			for w != 0 {
				v := wi*64 + bits.TrailingZeros64(w)
				w &= w - 1
				if cols[v] == nil {
					cols[v] = make([]uint64, nw)
				}
				cols[v][b/64] |= 1 << (b % 64)
			}
		}
	}
	// Gaussian elimination keeping basis vectors with distinct pivots
	var pivots []int
	for _, col := range cols {
		if col == nil {
			continue
		}
		v := slicesClone(col)
		for i, b := range a.basis {
			if getBit(v, pivots[i]) {
				xorInto(v, b)
			}
		}
		p := -1
		for wi, w := range v {
			if w != 0 {
				p = wi*64 + bits.TrailingZeros64(w)
				break
			}
		}
		if p < 0 {
			continue
		}
		for i, b := range a.basis { // keep the basis fully reduced
			if getBit(b, p) {
				xorInto(a.basis[i], v)
			}
		}
		a.basis = append(a.basis, v)
		pivots = append(pivots, p)
	}
	return a
}

func stabTrajectories(sr *stabRun, plan *measurePlan, o Options, res *Result, rng *rand.Rand) error {
	shots := o.Shots
	if shots == 0 {
		shots = estimateShots
	}
	kf := keyFormatter{regs: plan.regs}
	rnd := func() uint8 { return uint8(rng.Uint64() & 1) }
	counts := map[string]uint64{}
	for s := 0; s < shots; s++ {
		t, err := sr.newTableau()
		if err != nil {
			return err
		}
		cb := make([]uint64, (plan.nclbits+63)/64)
		for i := range plan.exec {
			op := &plan.exec[i]
			if op.Cond != nil {
				if err := sr.charge(condSteps(op.Cond, plan.regs)); err != nil {
					return err
				}
				if !condHolds(cb, plan.regs, op.Cond) {
					continue
				}
			}
			switch op.Type {
			case ir.OpGate:
				if err := sr.gate(t, op); err != nil {
					return err
				}
			case ir.OpMeasure:
				e, err := sr.measure(t, op.Qubits[0], rnd)
				if err != nil {
					return err
				}
				setBit(cb, op.Clbit, e.Const == 1)
			case ir.OpReset:
				if err := sr.reset(t, op.Qubits[0], rnd); err != nil {
					return err
				}
			default:
				if err := sr.charge(opSteps); err != nil {
					return err
				}
			}
		}
		for k, q := range plan.termQ {
			e, err := sr.measure(t, q, rnd)
			if err != nil {
				return err
			}
			setBit(cb, plan.termC[k], e.Const == 1)
		}
		if err := sr.charge(sr.klen + keySteps); err != nil {
			return err
		}
		counts[kf.format(func(b int) bool { return getBit(cb, b) })]++
	}
	if err := sr.m.Charge(StageReadout, estimatedSteps(uint64(shots), sr.klen)); err != nil {
		return err
	}
	setEstimated(res, counts, shots, o.Shots > 0, o.Limits.MaxOutcomes, plan)
	return nil
}
