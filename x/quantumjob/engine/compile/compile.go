// Package compile lowers parsed circuits to the engine's native gate set,
// optimises them with commutation-aware peephole passes, classifies Clifford
// circuits and fuses gates for the state-vector backend.
package compile

import (
	"math"

	"github.com/novacron/novacron/x/internal/dmath"
	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/quantumjob/engine/ir"
)

// StageCompile is the meter stage of lowering and the peephole passes.
const StageCompile = "compile"

// angleTol decides when an angle is treated as an exact multiple of a period
// (identity removal, Clifford recognition); a fixed constant keeps it
// deterministic.
const angleTol = 1e-12

// scanLimit bounds how far back the peephole looks for a partner gate.
const scanLimit = 64

// Result is a compiled circuit with size metrics before and after.
type Result struct {
	Circuit *ir.Circuit
	Before  ir.Stats
	After   ir.Stats
}

// Compile lowers and (unless optimise is false) optimises c, unmetered.
func Compile(c *ir.Circuit, optimise bool) *Result {
	r, _ := CompileMetered(c, optimise, nil)
	return r
}

// PassSteps is the meter price of one linear pass over ops, by op, qubit
// and parameter (measured: BenchmarkAdversarial in the engine package).
func PassSteps(ops []ir.Op) uint64 {
	n := 32 * uint64(len(ops))
	for i := range ops {
		n += 8 * uint64(len(ops[i].Qubits)+len(ops[i].Params))
	}
	return n
}

// CompileMetered is Compile under a meter: the statistics and lowering
// passes are charged as linear passes, the peephole pass by the entries it
// really scans.
func CompileMetered(c *ir.Circuit, optimise bool, m *meter.Meter) (*Result, error) {
	if err := m.Charge(StageCompile, meter.Mul(8, PassSteps(c.Ops))); err != nil { // stats, lower (new ops), stats
		return nil, err
	}
	r := &Result{Before: c.ComputeStats()}
	out := Lower(c)
	if optimise {
		var err error
		if out, err = OptimizeMetered(out, m); err != nil {
			return nil, err
		}
	}
	r.Circuit = out
	r.After = out.ComputeStats()
	return r, nil
}

// nearMultiple reports whether a is within angleTol of k*period, returning k.
func nearMultiple(a, period float64) (int64, bool) {
	k := math.Round(a / period)
	if math.Abs(a-float64(k*period)) > angleTol || math.Abs(k) > 1<<40 {
		return 0, false
	}
	return int64(k), true
}

func isZeroAngle(a, period float64) bool {
	_, ok := nearMultiple(a, period)
	return ok
}

// Lower maps every gate to the canonical native form: identities dropped,
// uncontrolled Z-rotations and phase gates become P (global phase dropped),
// controlled Z/S/T become controlled P, and u3 with theta=0 becomes P.
func Lower(c *ir.Circuit) *ir.Circuit {
	out := *c
	out.Ops = make([]ir.Op, 0, len(c.Ops))
	for _, o := range c.Ops {
		if o.Type != ir.OpGate {
			out.Ops = append(out.Ops, o)
			continue
		}
		o = lowerGate(o)
		if o.Kind == ir.KI {
			continue
		}
		out.Ops = append(out.Ops, o)
	}
	return &out
}

func phaseOf(k ir.Kind) (float64, bool) {
	switch k {
	case ir.KZ:
		return dmath.Pi, true
	case ir.KS:
		return dmath.Pi / 2, true
	case ir.KSdg:
		return -dmath.Pi / 2, true
	case ir.KT:
		return dmath.Pi / 4, true
	case ir.KTdg:
		return -dmath.Pi / 4, true
	}
	return 0, false
}

func lowerGate(o ir.Op) ir.Op {
	if ph, ok := phaseOf(o.Kind); ok {
		o.Kind, o.Params = ir.KP, []float64{ph}
	}
	switch o.Kind {
	case ir.KRZ:
		if o.NCtrl == 0 {
			o.Kind = ir.KP
		}
	case ir.KU3:
		if len(o.Params) == 4 && o.Params[3] == 0 {
			o.Params = o.Params[:3]
		}
		if o.NCtrl == 0 && len(o.Params) >= 3 && o.Params[0] == 0 {
			o.Kind, o.Params = ir.KP, []float64{o.Params[1] + o.Params[2]}
		}
	}
	if isIdentity(&o) {
		o.Kind = ir.KI
	}
	return o
}

// isIdentity reports gates equal to the identity (up to global phase when
// uncontrolled).
func isIdentity(o *ir.Op) bool {
	switch o.Kind {
	case ir.KI:
		return true
	case ir.KP:
		return isZeroAngle(o.Params[0], 2*dmath.Pi)
	case ir.KRX, ir.KRY, ir.KRZ, ir.KRXX, ir.KRYY, ir.KRZZ:
		if o.NCtrl == 0 {
			return isZeroAngle(o.Params[0], 2*dmath.Pi)
		}
		return isZeroAngle(o.Params[0], 4*dmath.Pi)
	}
	return false
}

// basis classifies how an op acts on one of its qubits.
type basis uint8

const (
	bGeneral basis = iota
	bZ
	bX
)

func mergeable(o *ir.Op) bool {
	return o.Type == ir.OpGate && o.Cond == nil && o.Kind != ir.KMat1 && o.Kind != ir.KMat2 && o.Kind != ir.KPerm
}

func basisOn(o *ir.Op, q int) basis {
	if !mergeable(o) {
		return bGeneral
	}
	for i, x := range o.Qubits {
		if x != q {
			continue
		}
		if i < o.NCtrl || o.Kind.Diagonal() {
			return bZ
		}
		if o.Kind.XDiagonal() {
			return bX
		}
		return bGeneral
	}
	return bGeneral
}

// commutes is a sufficient test: on every shared qubit both ops are diagonal
// in the same basis (Z or X), so they live in a commutative algebra.
func commutes(a, b *ir.Op) bool {
	for _, q := range a.Qubits {
		shared := false
		for _, r := range b.Qubits {
			if r == q {
				shared = true
				break
			}
		}
		if !shared {
			continue
		}
		ta, tb := basisOn(a, q), basisOn(b, q)
		if ta == bGeneral || ta != tb {
			return false
		}
	}
	return true
}

func symmetricTargets(k ir.Kind) bool {
	return k == ir.KSwap || k == ir.KRXX || k == ir.KRYY || k == ir.KRZZ
}

func sameSet(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// sameWires reports whether a and b act identically placed.
func sameWires(a, b *ir.Op) bool {
	if a.NCtrl != b.NCtrl || len(a.Qubits) != len(b.Qubits) {
		return false
	}
	if a.Kind == ir.KP && b.Kind == ir.KP { // controlled phase is symmetric in all its qubits
		return sameSet(a.Qubits, b.Qubits)
	}
	if !sameSet(a.Controls(), b.Controls()) {
		return false
	}
	ta, tb := a.Targets(), b.Targets()
	if symmetricTargets(a.Kind) {
		return sameSet(ta, tb)
	}
	for i := range ta {
		if ta[i] != tb[i] {
			return false
		}
	}
	return true
}

func selfInverse(k ir.Kind) bool {
	switch k {
	case ir.KX, ir.KY, ir.KZ, ir.KH, ir.KSwap:
		return true
	}
	return false
}

func inversePair(a, b ir.Kind) bool {
	switch {
	case a == ir.KS && b == ir.KSdg, a == ir.KSdg && b == ir.KS,
		a == ir.KT && b == ir.KTdg, a == ir.KTdg && b == ir.KT,
		a == ir.KSX && b == ir.KSXdg, a == ir.KSXdg && b == ir.KSX:
		return true
	}
	return false
}

func rotation(k ir.Kind) bool {
	switch k {
	case ir.KRX, ir.KRY, ir.KRZ, ir.KP, ir.KRXX, ir.KRYY, ir.KRZZ:
		return true
	}
	return false
}

type action int

const (
	none action = iota
	cancel
	merge
)

// combine decides whether earlier op h and later op g (on the same wires)
// cancel or merge.
func combine(h, g *ir.Op) (action, ir.Op) {
	if !sameWires(h, g) {
		return none, ir.Op{}
	}
	if h.Kind == g.Kind && selfInverse(h.Kind) {
		return cancel, ir.Op{}
	}
	if inversePair(h.Kind, g.Kind) {
		return cancel, ir.Op{}
	}
	if h.Kind == g.Kind && rotation(h.Kind) {
		m := *h
		m.Params = []float64{h.Params[0] + g.Params[0]}
		if isIdentity(&m) {
			return cancel, ir.Op{}
		}
		return merge, m
	}
	return none, ir.Op{}
}

// Optimize runs the peephole passes: cancel adjacent inverses, merge
// rotations about the same axis, drop identities, all while commuting
// through ops that are diagonal in the same basis on shared qubits.
func Optimize(c *ir.Circuit) *ir.Circuit {
	out, _ := OptimizeMetered(c, nil)
	return out
}

// OptimizeMetered is Optimize under a meter, charging every wire entry it
// scans (with the qubit pairs its commutation test compares) and every entry
// it moves. A cancelled op leaves the wire lists at once, so later scans
// never walk over dead entries: 2^19 self-cancelling gates on one qubit cost
// 2^19 short scans, not 2^36 steps over their corpses.
func OptimizeMetered(c *ir.Circuit, m *meter.Meter) (*ir.Circuit, error) {
	out := make([]ir.Op, 0, len(c.Ops))
	alive := make([]bool, 0, len(c.Ops))
	wires := make([][]int, c.NumQubits) // live op indices per qubit, in order
	var merr error
	charge := func(n uint64) bool {
		if merr == nil {
			merr = m.Charge(StageCompile, n)
		}
		return merr == nil
	}
	kill := func(j int) {
		alive[j] = false
		for _, q := range out[j].Qubits {
			w := wires[q]
			k := len(w) - 1
			for k >= 0 && w[k] != j {
				k--
			}
			if k < 0 || !charge(uint64(len(w)-k)) {
				continue
			}
			wires[q] = append(w[:k], w[k+1:]...)
		}
	}
	scanSteps := func(h, g *ir.Op) uint64 { return 1 + uint64(len(h.Qubits)*len(g.Qubits)) }
	push := func(o ir.Op) {
		i := len(out)
		out = append(out, o)
		alive = append(alive, true)
		for _, q := range o.Qubits {
			wires[q] = append(wires[q], i)
		}
	}
	// blockedAfter reports whether a live op after index j on qubit q fails
	// to commute with g.
	blockedAfter := func(q, j int, g *ir.Op) bool {
		w := wires[q]
		steps := 0
		for k := len(w) - 1; k >= 0 && w[k] > j; k-- {
			if steps++; steps > scanLimit || !charge(scanSteps(&out[w[k]], g)) || !commutes(&out[w[k]], g) {
				return true
			}
		}
		return false
	}
	for _, g := range c.Ops {
		if !charge(1 + uint64(len(g.Qubits))) {
			return nil, merr
		}
		if !mergeable(&g) || len(g.Qubits) == 0 {
			push(g)
			continue
		}
		q0 := g.Qubits[0]
		w := wires[q0]
		steps := 0
		done := false
		for k := len(w) - 1; k >= 0; k-- {
			j := w[k]
			if steps++; steps > scanLimit || !charge(scanSteps(&out[j], &g)) {
				break
			}
			h := &out[j]
			if act, m := combine(h, &g); act != none {
				ok := true
				for _, q := range g.Qubits[1:] {
					if blockedAfter(q, j, &g) {
						ok = false
						break
					}
				}
				if ok {
					if act == cancel {
						kill(j)
					} else {
						*h = m
					}
					done = true
					break
				}
			}
			if !commutes(h, &g) {
				break
			}
		}
		if merr != nil {
			return nil, merr
		}
		if !done {
			push(g)
		}
	}
	if !charge(uint64(len(out))) {
		return nil, merr
	}
	res := *c
	res.Ops = make([]ir.Op, 0, len(out))
	for i, o := range out {
		if alive[i] {
			res.Ops = append(res.Ops, o)
		}
	}
	return &res, nil
}
