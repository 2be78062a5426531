package engine

import (
	"math"
	"math/bits"

	"github.com/novacron/novacron/x/internal/dmath"
	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/quantumjob/engine/compile"
	"github.com/novacron/novacron/x/quantumjob/engine/ir"
)

// Meter stages of the simulators.
const (
	StageStateVector = "statevector"
	StageStabilizer  = "stabilizer"
	StageReadout     = "readout"
)

// Step prices. A step is about one amplitude update (state vector) or one
// 64-bit tableau word operation (stabilizer); the runners charge these
// before each piece of work and EstimateCost adds the same prices up over
// the worst case, so a job's measured steps never exceed its cost.
const (
	opSteps  = 16 // per op visited: dispatch and bookkeeping
	keySteps = 64 // per outcome key built, counted or hashed, beyond its length
)

// passSteps prices one pass of a kernel over 2^n amplitudes: a quarter of
// a step per amplitude, since the vectorised kernels update one in ~0.3 ns
// (BenchmarkQFT20) and a step is meant to be about a nanosecond.
func passSteps(n int) uint64 { return max(meter.Pow2(n)>>2, 1) }

// paramSteps prices evaluating an op's matrix from its angles (Fuse, then
// prepare: a few Sin/Cos per angle each). Angles from HugeLimit up may need
// the exact big-float reduction.
func paramSteps(ps []float64) uint64 {
	var s uint64
	for _, p := range ps {
		if math.Abs(p) >= dmath.HugeLimit || p != p {
			s = meter.Add(s, 2*dmath.BigReductionSteps)
		} else {
			s += 16
		}
	}
	return s
}

// prepSteps prices building one op's kernel: the plan's copy, fusion, the swap relabelling,
// the matrix and the diagonal-run rewrite each copy or allocate per op (a cold run spends
// ~0.5 µs per op there: scripts/bench-adversarial.sh, cond_wide_creg).
func prepSteps(o *ir.Op) uint64 {
	return meter.Add(uint64(256+len(o.Qubits)+2*len(o.Mat)), paramSteps(o.Params))
}

// condSteps prices one evaluation of a condition: one step per word of the
// register (condHolds reads it word by word).
func condSteps(c *ir.Cond, regs []ir.Register) uint64 {
	if c == nil {
		return 0
	}
	return 1 + uint64(regs[c.CReg].Size/64)
}

// keyLen is the length of an outcome key of the given registers.
func keyLen(regs []ir.Register) uint64 {
	n := max(len(regs)-1, 0)
	for _, r := range regs {
		n += r.Size
	}
	return uint64(n)
}

// sortSteps prices sorting n keys of length klen (comparisons of up to
// klen bytes, 16 bytes per step).
func sortSteps(n, klen uint64) uint64 {
	return meter.Mul(meter.Mul(n, uint64(bits.Len64(n))+1), 1+klen/16)
}

// svMeasureSteps prices a mid-circuit measurement or reset: probability,
// branch clone, collapse and the reset's flip, each a scalar pass over the
// state (four times a vectorised kernel's price: BenchmarkAdversarial,
// branch_bomb).
func svMeasureSteps(pass uint64, clwords int) uint64 {
	return meter.Add(meter.Mul(16, pass), uint64(opSteps+clwords))
}

// svPathSteps prices one path of the state-vector run (an enumeration leaf
// or a trajectory) beyond its ops: the fresh state, the marginal over the
// read-out qubits, a trajectory's draw and its key.
func svPathSteps(pass, klen uint64) uint64 {
	return meter.Add(meter.Mul(16, pass), klen+keySteps+opSteps)
}

// distSteps prices building and listing the quantised distribution of e
// leaf entries: quantising, sorting by clbit value, and keys for at most
// limit entries (for all of them when keys > 64 clbits must be hashed).
func distSteps(e, klen uint64, limit int, keyedAll bool) uint64 {
	keyed := min(e, uint64(max(limit, 0)))
	if keyedAll {
		keyed = e
	}
	return meter.Add(meter.Mul(e, 8+2*uint64(bits.Len64(e))), meter.Mul(keyed, klen+keySteps))
}

// shotSteps prices drawing shots from an exact distribution of e entries:
// the cumulative tables, a binary search, key and count per shot, and
// sorting the counts.
func shotSteps(shots, e, klen uint64) uint64 {
	per := klen + keySteps + uint64(bits.Len64(e))
	return meter.Add(meter.Add(e, meter.Mul(shots, per)), sortSteps(shots, klen))
}

// estimatedSteps prices turning t trajectory keys into estimated
// probabilities (setEstimated).
func estimatedSteps(t, klen uint64) uint64 {
	return meter.Add(sortSteps(t, klen), meter.Mul(t, klen+keySteps))
}

// Stabilizer prices in tableau words: wn words per half column.
func stabGateSteps(wn uint64) uint64 { return 6*wn + 4 }

func stabNewSteps(n, wn uint64) uint64 {
	return meter.Add(meter.Mul(4*n, wn), n+opSteps)
}

// stabMeasureSteps prices a measurement with v symbolic variables: the
// pivot search, the row sums over n columns, the sign and variable rows.
func stabMeasureSteps(n, wn, v uint64) uint64 {
	return meter.Add(meter.Mul(n, 2*wn+6), meter.Add(meter.Mul(v+2, wn+1), wn+opSteps))
}

func stabResetSteps(n, wn, v uint64) uint64 {
	return meter.Add(stabMeasureSteps(n, wn, v), meter.Mul(v+1, wn))
}

// cliffordSteps prices one gate on the tableau (CZ and CY are three
// primitives each).
func cliffordSteps(seq []compile.CliffordGate, wn uint64) uint64 {
	var p uint64
	for _, g := range seq {
		if g.Ctrl >= 0 && g.Kind != ir.KX {
			p += 3
		} else {
			p++
		}
	}
	return meter.Add(meter.Mul(p, stabGateSteps(wn)), opSteps)
}

// affineSteps prices newAffine with v variables over ncl clbits: the
// column build, and Gaussian elimination against a basis of at most
// min(v, ncl) vectors of nw words.
func affineSteps(v, ncl uint64) uint64 {
	nw := (ncl + 63) / 64
	build := meter.Add(meter.Mul(ncl, v/64+2), meter.Mul(v, nw))
	elim := meter.Mul(v, meter.Add(3*nw+2, meter.Mul(2*min(v, ncl), nw+1)))
	return meter.Add(build, elim)
}

// affineListSteps prices listing an affine distribution of rank r (only
// when its 2^r outcomes fit limit).
func affineListSteps(r uint64, nw, klen uint64, limit int) uint64 {
	if r >= 63 || uint64(1)<<r > uint64(max(limit, 0)) {
		return 1
	}
	e := uint64(1) << r
	return meter.Add(meter.Mul(e, nw+2*(klen+keySteps)), sortSteps(e, klen))
}

// affineShotSteps prices drawing shots from an affine distribution of rank r.
func affineShotSteps(shots, r, nw, klen uint64) uint64 {
	return meter.Add(meter.Mul(shots, meter.Add(meter.Mul(r+1, nw+1), klen+keySteps)), sortSteps(shots, klen))
}

// EstimateCost is the step bound of simulating the compiled circuit c on
// backend: the sum, over the worst case, of every price the runner charges
// (see the prices above). With k non-terminal measurements and resets the
// state vector enumerates at most B = min(2^k, MaxBranches) paths, or, when
// that can exceed the branch bounds, those plus one trajectory per shot
// (1024 without shots). The stabilizer runs once, or once per shot with
// `if`; its measurements are priced with every variable they can meet.
// Planning steps come on top (planCircuit).
func EstimateCost(c *ir.Circuit, backend Backend, shots int, lim Limits) uint64 {
	traj := uint64(estimateShots)
	if shots > 0 {
		traj = uint64(shots)
	}
	if backend == BackendStabilizer {
		return estimateStabilizer(c, shots, traj, lim)
	}
	return estimateStateVector(c, shots, traj, lim)
}

func estimateStateVector(c *ir.Circuit, shots int, traj uint64, lim Limits) uint64 {
	n := c.NumQubits
	amp := passSteps(n)
	plan := newPlan(c, true) // the runner's plan: terminal measurements are read, not run
	klen := keyLen(plan.regs)
	clw := (plan.nclbits + 63) / 64
	var prep, path uint64
	k := 0 // non-terminal measurements and resets: the branch points
	for i := range plan.exec {
		o := &plan.exec[i]
		switch o.Type {
		case ir.OpBarrier: // prepared (then dropped by fusion), never run
			prep = meter.Add(prep, prepSteps(o))
			continue
		case ir.OpMeasure, ir.OpReset:
			k++
			path = meter.Add(path, svMeasureSteps(amp, clw))
		default:
			// any kernel a gate becomes (a fused product, a diagonal run's
			// two terms, a two-qubit matrix, an X frame flush it caused)
			path = meter.Add(path, meter.Mul(2, amp)+opSteps)
		}
		prep = meter.Add(prep, prepSteps(o))
		path = meter.Add(path, condSteps(o.Cond, plan.regs))
	}
	path = meter.Add(path, svPathSteps(amp, klen))
	mb := uint64(max(lim.MaxBranches, 1))
	b := mb
	if k < 62 && uint64(1)<<k < b {
		b = uint64(1) << k
	}
	hit := k >= 62 || uint64(1)<<k > mb || meter.Mul(meter.Pow2(min(k, 62)), meter.Pow2(n)) > uint64(max(lim.MaxBranchAmplitudes, 0))
	paths := b
	if hit {
		paths = meter.Add(b, traj)
	}
	e := meter.Mul(b, meter.Pow2(len(plan.termQ)))
	u := meter.Add(prep, meter.Mul(paths, path))
	u = meter.Add(u, distSteps(e, klen, lim.MaxOutcomes, plan.nclbits > 64))
	if shots > 0 {
		u = meter.Add(u, shotSteps(uint64(shots), e, klen))
	}
	if hit {
		u = meter.Add(u, estimatedSteps(traj, klen))
	}
	return u
}

func estimateStabilizer(c *ir.Circuit, shots int, traj uint64, lim Limits) uint64 {
	n := uint64(c.NumQubits)
	wn := (n + 63) / 64
	plan := newPlan(c, false)
	klen := keyLen(plan.regs)
	ncl := uint64(plan.nclbits)
	hasCond := false
	vmax := uint64(len(plan.termQ)) // each measurement or reset makes at most one variable
	for i := range plan.exec {
		o := &plan.exec[i]
		hasCond = hasCond || o.Cond != nil
		if o.Type == ir.OpMeasure || o.Type == ir.OpReset {
			vmax++
		}
	}
	if hasCond {
		vmax = 0 // trajectories draw concrete bits: no variables
	}
	path := stabNewSteps(n, wn)
	for i := range plan.exec {
		o := &plan.exec[i]
		path = meter.Add(path, condSteps(o.Cond, plan.regs))
		switch o.Type {
		case ir.OpGate:
			seq, _ := compile.CliffordOf(o)
			path = meter.Add(path, cliffordSteps(seq, wn))
		case ir.OpMeasure:
			path = meter.Add(path, stabMeasureSteps(n, wn, vmax))
		case ir.OpReset:
			path = meter.Add(path, stabResetSteps(n, wn, vmax))
		default:
			path += opSteps
		}
	}
	path = meter.Add(path, meter.Mul(uint64(len(plan.termQ)), stabMeasureSteps(n, wn, vmax)))
	if hasCond {
		path = meter.Add(path, klen+keySteps)
		return meter.Add(meter.Mul(traj, path), estimatedSteps(traj, klen))
	}
	nw := (ncl + 63) / 64
	r := min(vmax, ncl)
	// the listing is priced only when 2^rank fits MaxOutcomes: bound it by
	// the largest rank that fits
	rl := min(r, uint64(bits.Len64(uint64(max(lim.MaxOutcomes, 1)))-1))
	u := meter.Add(path, affineSteps(vmax, ncl))
	u = meter.Add(u, affineListSteps(rl, nw, klen, lim.MaxOutcomes))
	if shots > 0 {
		u = meter.Add(u, affineShotSteps(uint64(shots), r, nw, klen))
	}
	return u
}
