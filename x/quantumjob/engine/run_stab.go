package engine

import (
	"fmt"
	"math/bits"
	"math/rand/v2"

	"github.com/novacron/novacron/x/quantumjob/engine/compile"
	"github.com/novacron/novacron/x/quantumjob/engine/ir"
	"github.com/novacron/novacron/x/quantumjob/engine/stabilizer"
)

func applyClifford(t *stabilizer.Tableau, o *ir.Op) error {
	seq, ok := compile.CliffordOf(o)
	if !ok {
		return fmt.Errorf("%d:%d: %w: %s", o.Line, o.Col, ErrNotCliff, o.Kind)
	}
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
	return nil
}

func runStabilizer(c *ir.Circuit, o Options, res *Result) error {
	plan := newPlan(c, false)
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
		return stabTrajectories(c, plan, o, res, rng)
	}
	t := stabilizer.New(c.NumQubits)
	exprs := make([]stabilizer.Expr, plan.nclbits)
	for i := range plan.exec {
		op := &plan.exec[i]
		switch op.Type {
		case ir.OpGate:
			if err := applyClifford(t, op); err != nil {
				return err
			}
		case ir.OpMeasure:
			e, _, err := t.Measure(op.Qubits[0], nil)
			if err != nil {
				return err
			}
			exprs[op.Clbit] = e
		case ir.OpReset:
			if err := t.Reset(op.Qubits[0], nil); err != nil {
				return err
			}
		}
	}
	for k, q := range plan.termQ { // virtual read-out of every qubit
		e, _, err := t.Measure(q, nil)
		if err != nil {
			return err
		}
		exprs[plan.termC[k]] = e
	}
	aff := newAffine(exprs, t.NumVars())
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

func stabTrajectories(c *ir.Circuit, plan *measurePlan, o Options, res *Result, rng *rand.Rand) error {
	shots := o.Shots
	if shots == 0 {
		shots = estimateShots
	}
	kf := keyFormatter{regs: plan.regs}
	rnd := func() uint8 { return uint8(rng.Uint64() & 1) }
	counts := map[string]uint64{}
	for s := 0; s < shots; s++ {
		t := stabilizer.New(c.NumQubits)
		cb := make([]uint64, (plan.nclbits+63)/64)
		for i := range plan.exec {
			op := &plan.exec[i]
			if op.Cond != nil && !condHolds(cb, plan.regs, op.Cond) {
				continue
			}
			switch op.Type {
			case ir.OpGate:
				if err := applyClifford(t, op); err != nil {
					return err
				}
			case ir.OpMeasure:
				e, _, err := t.Measure(op.Qubits[0], rnd)
				if err != nil {
					return err
				}
				setBit(cb, op.Clbit, e.Const == 1)
			case ir.OpReset:
				if err := t.Reset(op.Qubits[0], rnd); err != nil {
					return err
				}
			}
		}
		for k, q := range plan.termQ {
			e, _, _ := t.Measure(q, rnd)
			setBit(cb, plan.termC[k], e.Const == 1)
		}
		counts[kf.format(func(b int) bool { return getBit(cb, b) })]++
	}
	setEstimated(res, counts, shots, o.Shots > 0, o.Limits.MaxOutcomes, plan)
	return nil
}
