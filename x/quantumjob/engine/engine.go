// Package engine is NovaCron's pure, deterministic quantum job engine:
// OpenQASM 2.0 in, integer results out. It imports nothing from the Cosmos
// SDK; the x/quantumjob keeper meters it with EstimateCost and calls Run.
//
// Determinism: all floating point goes through explicit float64 rounding and
// the dmath package (no FMA, no stdlib transcendental assembly); sums run in
// a fixed order; randomness comes only from ChaCha8 seeded by the caller; and
// every probability is quantised to an integer number of parts per 10^12
// (ProbScale) before it leaves the engine.
package engine

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/quantumjob/engine/compile"
	"github.com/novacron/novacron/x/quantumjob/engine/ir"
	"github.com/novacron/novacron/x/quantumjob/engine/qasm"
	"github.com/novacron/novacron/x/quantumjob/engine/statevec"
)

// ProbScale is the unit of quantised probabilities: parts per 10^12.
const ProbScale uint64 = 1_000_000_000_000

// Backend selects the simulator.
type Backend string

// Backends.
const (
	BackendAuto        Backend = "auto"
	BackendStateVector Backend = "statevector"
	BackendStabilizer  Backend = "stabilizer"
)

// ParseBackend validates a backend name ("" means auto).
func ParseBackend(s string) (Backend, error) {
	switch Backend(s) {
	case "", BackendAuto:
		return BackendAuto, nil
	case BackendStateVector, BackendStabilizer:
		return Backend(s), nil
	}
	return "", fmt.Errorf("unknown backend %q (want auto, statevector or stabilizer)", s)
}

// Limits are the hard caps of one run.
type Limits struct {
	Parse                qasm.Limits
	MaxQubitsStateVector int
	MaxQubitsStabilizer  int
	MaxGates             int // gate count after parsing (before optimisation)
	MaxShots             int
	MaxBranches          int    // leaves of exact mid-circuit measurement enumeration
	MaxBranchAmplitudes  int    // leaves x 2^n bound for that enumeration
	MaxOutcomes          int    // probability entries listed
	MaxCost              uint64 // 0: unlimited
}

// ChainBudget is the chain's default block cost budget in steps: the most
// work one job can be granted (x/quantumjob's block_cost_budget), and the
// CLI's default --budget. At the measured <= 2.5 ns per step
// (BenchmarkAdversarial) it is well under a second of one core.
const ChainBudget = 250_000_000

// ChainLimits are the consensus defaults (governance may lower them).
func ChainLimits() Limits {
	p := qasm.DefaultLimits()
	p.MaxSourceBytes = 1 << 20
	p.MaxQubits = 5000
	p.MaxClbits = 5000
	p.MaxOps = 500_000
	return Limits{Parse: p, MaxQubitsStateVector: 24, MaxQubitsStabilizer: 5000, MaxGates: 500_000,
		MaxShots: 1 << 16, MaxBranches: 256, MaxBranchAmplitudes: 1 << 25, MaxOutcomes: 1 << 12}
}

// DefaultLimits are the off-chain (CLI) defaults.
func DefaultLimits() Limits {
	return Limits{Parse: qasm.DefaultLimits(), MaxQubitsStateVector: 28, MaxQubitsStabilizer: 10000,
		MaxGates: 2_000_000, MaxShots: 1 << 24, MaxBranches: 4096, MaxBranchAmplitudes: 1 << 28, MaxOutcomes: 1 << 20}
}

// Options configure one run.
type Options struct {
	Shots      int
	Seed       [32]byte
	Backend    Backend
	Limits     Limits
	Threads    int  // > 1: parallel state-vector kernels (same bits; off-chain only)
	NoOptimize bool // skip the peephole passes
	// Budget is the work budget in steps (cost units) of the whole run:
	// parsing, compilation, simulation and read-out. 0 means unlimited.
	Budget uint64
}

// Entry is a keyed integer: a quantised probability or a shot count.
type Entry struct {
	Key   string
	Value uint64
}

// Result is everything a run produces, as integers.
type Result struct {
	Backend       Backend
	Qubits        int
	Clbits        int
	GatesBefore   int
	DepthBefore   int
	GatesAfter    int
	DepthAfter    int
	FusedOps      int // kernel launches after fusion (state vector)
	Measured      bool
	Probabilities []Entry // sorted by key; Value in ProbScale units; zeros omitted
	// ProbabilitiesExact is false when probabilities were estimated from
	// shots (branch enumeration bound exceeded, or conditionals on the
	// stabilizer backend).
	ProbabilitiesExact     bool
	ProbabilitiesTruncated bool // more than MaxOutcomes non-zero entries: list omitted
	Shots                  int
	Counts                 []Entry // sorted by key
	Cost                   uint64  // planning steps + the simulation's cost estimate
	Steps                  uint64  // steps the meter counted (always <= the budget)

	// dist is the full quantised distribution (never truncated), encoded by
	// ArtifactBytes; Probabilities is its listing when it fits MaxOutcomes.
	dist *distribution
}

// Errors.
var (
	ErrTooLarge  = errors.New("circuit exceeds limits")
	ErrNotCliff  = errors.New("circuit is not Clifford; the stabilizer backend cannot run it")
	ErrOpaque    = errors.New("opaque gate cannot be executed")
	ErrBadOption = errors.New("bad option")
	// ErrParamRange: an angle that is not finite or beyond ±2^28.
	ErrParamRange = ir.ErrParamRange
	// ErrBudget is meter.ErrBudgetExceeded: the work budget ran out.
	ErrBudget = meter.ErrBudgetExceeded
)

// DeriveSeed is the on-chain shot seed: sha256 over a domain tag, the chain
// id (length-prefixed), the block height and the job id.
func DeriveSeed(chainID string, height int64, jobID uint64) [32]byte {
	h := sha256.New()
	h.Write([]byte("novacron/quantumjob/shots/v1"))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(len(chainID)))
	h.Write(b[:])
	h.Write([]byte(chainID))
	binary.BigEndian.PutUint64(b[:], uint64(height))
	h.Write(b[:])
	binary.BigEndian.PutUint64(b[:], jobID)
	h.Write(b[:])
	var s [32]byte
	copy(s[:], h.Sum(nil))
	return s
}

// SeedFromUint64 is the seed for a user-supplied number (CLI --seed).
func SeedFromUint64(v uint64) [32]byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return sha256.Sum256(append([]byte("novacron/quantumjob/seed/v1"), b[:]...))
}

// Parse parses QASM with the given limits, unmetered.
func Parse(src string, lim Limits) (*ir.Circuit, error) {
	return qasm.ParseWithLimits(src, lim.Parse)
}

func newMeter(budget uint64) *meter.Meter {
	if budget == 0 {
		budget = meter.Unlimited
	}
	return meter.New(budget)
}

// ChooseBackend resolves auto: Clifford circuits without conditionals (or
// too wide for the state vector) go to the stabilizer backend.
func ChooseBackend(c *ir.Circuit, want Backend, lim Limits) (Backend, error) {
	cliff := compile.IsClifford(c)
	switch want {
	case BackendStateVector:
		if c.NumQubits > lim.MaxQubitsStateVector {
			return "", fmt.Errorf("%w: %d qubits > %d for the state vector", ErrTooLarge, c.NumQubits, lim.MaxQubitsStateVector)
		}
		return want, nil
	case BackendStabilizer:
		if !cliff {
			return "", ErrNotCliff
		}
		if c.NumQubits > lim.MaxQubitsStabilizer {
			return "", fmt.Errorf("%w: %d qubits > %d for the stabilizer", ErrTooLarge, c.NumQubits, lim.MaxQubitsStabilizer)
		}
		return want, nil
	}
	hasCond := false
	for i := range c.Ops {
		if c.Ops[i].Cond != nil {
			hasCond = true
		}
	}
	if cliff && (!hasCond || c.NumQubits > lim.MaxQubitsStateVector) {
		return ChooseBackend(c, BackendStabilizer, lim)
	}
	return ChooseBackend(c, BackendStateVector, lim)
}

// Run parses, compiles and simulates a QASM program under o.Budget.
func Run(src string, o Options) (*Result, error) {
	m := newMeter(o.Budget)
	c, err := qasm.ParseMetered(src, o.Limits.Parse, m)
	if err != nil {
		return nil, err
	}
	return runCircuit(c, o, m)
}

// RunCircuit compiles and simulates a parsed circuit under o.Budget.
func RunCircuit(c *ir.Circuit, o Options) (*Result, error) {
	return runCircuit(c, o, newMeter(o.Budget))
}

// plan is what planning decides before any simulation.
type plan struct {
	cr   *compile.Result
	be   Backend
	cost uint64 // planning steps so far + the simulation estimate
}

// planCircuit is the part of a run shared by EstimateSource (CheckTx and
// the Msg server) and Run (EndBlock): compile, check limits, choose the
// backend and estimate the simulation, all metered. Its steps are exact and
// identical in both, so the estimate only has to bound the simulation.
func planCircuit(c *ir.Circuit, backend Backend, shots int, lim Limits, noOptimize bool, m *meter.Meter) (*plan, error) {
	if shots < 0 || shots > lim.MaxShots {
		return nil, fmt.Errorf("%w: shots %d outside [0, %d]", ErrBadOption, shots, lim.MaxShots)
	}
	cr, err := compile.CompileMetered(c, !noOptimize, m)
	if err != nil {
		return nil, err
	}
	if cr.Before.Gates > lim.MaxGates {
		return nil, fmt.Errorf("%w: %d gates > %d", ErrTooLarge, cr.Before.Gates, lim.MaxGates)
	}
	// four linear passes over the compiled ops (the opaque and angle checks,
	// ChooseBackend's Clifford and condition scans, EstimateCost's plan), plus
	// one over the parsed ops kept as margin (it is part of every job's cost)
	if err := m.Charge(compile.StageCompile, meter.Add(meter.Mul(4, compile.PassSteps(cr.Circuit.Ops)), compile.PassSteps(c.Ops))); err != nil {
		return nil, err
	}
	for i := range cr.Circuit.Ops {
		op := &cr.Circuit.Ops[i]
		if op.Type == ir.OpOpaque {
			return nil, fmt.Errorf("%d:%d: %w: %s", op.Line, op.Col, ErrOpaque, op.Name)
		}
		for _, v := range op.Params {
			if !ir.ParamInRange(v) {
				return nil, fmt.Errorf("%d:%d: %w: %v", op.Line, op.Col, ErrParamRange, v)
			}
		}
	}
	be, err := ChooseBackend(cr.Circuit, backend, lim)
	if err != nil {
		return nil, err
	}
	pl := &plan{cr: cr, be: be, cost: meter.Add(m.Used(), EstimateCost(cr.Circuit, be, shots, lim))}
	if lim.MaxCost > 0 && pl.cost > lim.MaxCost {
		return pl, fmt.Errorf("%w: cost %d > %d", ErrTooLarge, pl.cost, lim.MaxCost)
	}
	return pl, nil
}

func runCircuit(c *ir.Circuit, o Options, m *meter.Meter) (*Result, error) {
	pl, err := planCircuit(c, o.Backend, o.Shots, o.Limits, o.NoOptimize, m)
	if err != nil {
		return nil, err
	}
	cr := pl.cr
	res := &Result{Backend: pl.be, Qubits: c.NumQubits, Clbits: c.NumClbits,
		GatesBefore: cr.Before.Gates, DepthBefore: cr.Before.Depth,
		GatesAfter: cr.After.Gates, DepthAfter: cr.After.Depth, Shots: o.Shots, Cost: pl.cost}
	if pl.be == BackendStabilizer {
		err = runStabilizer(cr.Circuit, o, res, m)
	} else {
		err = runStateVector(cr.Circuit, o, res, m)
	}
	if err != nil {
		return nil, err
	}
	res.Steps = m.Used()
	return res, nil
}

// terminalMeasures marks measurements whose qubit is never used again, whose
// clbit is never rewritten and whose register is never read by a later
// condition: those can be read from the final state without branching. It
// also returns the number of non-terminal measurements and resets.
func terminalMeasures(c *ir.Circuit) ([]bool, int) {
	term := make([]bool, len(c.Ops))
	usedQ := make([]bool, c.NumQubits)
	written := make([]bool, c.NumClbits)
	read := make([]bool, len(c.CRegs))
	regOf := make([]int, c.NumClbits)
	for ri, r := range c.CRegs {
		for b := r.Offset; b < r.Offset+r.Size; b++ {
			regOf[b] = ri
		}
	}
	nonTerm := 0
	for i := len(c.Ops) - 1; i >= 0; i-- {
		o := &c.Ops[i]
		switch o.Type {
		case ir.OpBarrier:
			continue
		case ir.OpMeasure:
			q, b := o.Qubits[0], o.Clbit
			if o.Cond == nil && !usedQ[q] && !written[b] && !read[regOf[b]] {
				term[i] = true
			} else {
				nonTerm++
			}
			written[b] = true
		case ir.OpReset:
			nonTerm++
		}
		for _, q := range o.Qubits {
			usedQ[q] = true
		}
		if o.Cond != nil {
			read[o.Cond.CReg] = true
		}
	}
	return term, nonTerm
}

// keyFormatter renders classical bits the way Qiskit's get_counts prints
// them: registers in reverse declaration order separated by spaces, each
// with its highest bit leftmost.
type keyFormatter struct {
	regs []ir.Register
	buf  []byte
}

func (f *keyFormatter) format(bit func(i int) bool) string {
	f.buf = f.buf[:0]
	for ri := len(f.regs) - 1; ri >= 0; ri-- {
		r := f.regs[ri]
		if ri != len(f.regs)-1 {
			f.buf = append(f.buf, ' ')
		}
		for b := r.Offset + r.Size - 1; b >= r.Offset; b-- {
			if bit(b) {
				f.buf = append(f.buf, '1')
			} else {
				f.buf = append(f.buf, '0')
			}
		}
	}
	return string(f.buf)
}

// formatValue renders clbits given as an integer (bit b = clbit b).
func (f *keyFormatter) formatValue(x uint64) string {
	f.buf = f.buf[:0]
	for ri := len(f.regs) - 1; ri >= 0; ri-- {
		r := f.regs[ri]
		if ri != len(f.regs)-1 {
			f.buf = append(f.buf, ' ')
		}
		for b := r.Offset + r.Size - 1; b >= r.Offset; b-- {
			f.buf = append(f.buf, '0'+byte(x>>b&1))
		}
	}
	return string(f.buf)
}

// bitWords[v] is v as 8 ASCII binary digits, highest bit first, packed
// little-endian so one 8-byte store writes them.
var bitWords = func() (t [256]uint64) {
	for v := range t {
		for k := 0; k < 8; k++ {
			t[v] |= uint64('0'+byte(v>>(7-k)&1)) << (8 * k)
		}
	}
	return t
}()

// keyWriter appends fixed-length keys (formatValue of clbit values) to one
// strings.Builder, whose buffer the keys then slice: one allocation, not
// zeroed first and not copied into the string, instead of one per key.
// Keys are assembled in a small chunk and appended a chunk at a time.
type keyWriter struct {
	ops   []keyOp
	klen  int
	sb    strings.Builder
	chunk [keyChunk + 8]byte // 8 bytes of slack for the last 8-byte store
	used  int
	f     *keyFormatter
}

// keyOp writes one space (space) or up to 8 digits: the byte
// (v>>sh)<<pre&255 as binary digits, 8 bytes stored at off of which the
// first 8-pre are kept (later ops overwrite the rest).
type keyOp struct {
	off     int
	sh, pre uint8
	space   bool
}

// keyChunk is the chunk size; longer keys go through formatValue.
const keyChunk = 4096

// newKeyWriter prepares n keys in f's layout.
func (f *keyFormatter) newKeyWriter(n int) *keyWriter {
	w := &keyWriter{klen: len(f.regs) - 1, f: f}
	for _, r := range f.regs {
		w.klen += r.Size
	}
	w.klen = max(w.klen, 0)
	w.sb.Grow(n * w.klen)
	off := 0
	for ri := len(f.regs) - 1; ri >= 0; ri-- {
		r := f.regs[ri]
		if ri != len(f.regs)-1 {
			w.ops = append(w.ops, keyOp{off: off, space: true})
			off++
		}
		b := r.Offset + r.Size - 1 // highest clbit, printed first
		for ; b-7 >= r.Offset; b -= 8 {
			w.ops = append(w.ops, keyOp{off: off, sh: uint8(b - 7)})
			off += 8
		}
		if d := b - r.Offset + 1; d > 0 { // the lowest 1-7 digits
			w.ops = append(w.ops, keyOp{off: off, sh: uint8(r.Offset), pre: uint8(8 - d)})
			off += d
		}
	}
	return w
}

// put appends the key of clbit value v (keys are put in order).
func (w *keyWriter) put(v uint64) {
	if w.klen > keyChunk {
		w.sb.WriteString(w.f.formatValue(v))
		return
	}
	if w.used+w.klen > keyChunk {
		w.flush()
	}
	w.write(w.chunk[w.used:w.used+w.klen+8], v)
	w.used += w.klen
}

// putNonZero puts the key of base|v for every v whose dense[v] is not zero;
// a single register is done in one loop without a call per key (QFT-20
// lists 2^20 keys).
func (w *keyWriter) putNonZero(base uint64, dense []uint64) {
	if len(w.f.regs) != 1 || w.klen < 8 || w.klen > keyChunk {
		for v, p := range dense {
			if p != 0 {
				w.put(base | uint64(v))
			}
		}
		return
	}
	// One register: the 256 values sharing their bits above the lowest 8
	// digits share the key up to its last 8 characters, so the prefix is
	// built once per 256 and copied a word at a time.
	off := uint(w.f.regs[0].Offset)
	pre := w.klen - 8
	var tmpl [keyChunk + 8]byte
	last := ^uint64(0)
	for v, p := range dense {
		if p == 0 {
			continue
		}
		x := base | uint64(v)
		if hi := x >> (off + 8); hi != last {
			w.write(tmpl[:w.klen+8], x)
			last = hi
		}
		if w.used+w.klen > keyChunk {
			w.flush()
		}
		k := w.chunk[w.used : w.used+w.klen+8]
		for i := 0; i < pre; i += 8 {
			binary.LittleEndian.PutUint64(k[i:], binary.LittleEndian.Uint64(tmpl[i:]))
		}
		binary.LittleEndian.PutUint64(k[pre:], bitWords[x>>(off&63)&255])
		w.used += w.klen
	}
}

// write stores the key of v at the start of k (len(k) = klen + 8 slack).
func (w *keyWriter) write(k []byte, v uint64) {
	for _, op := range w.ops {
		if op.space {
			k[op.off] = ' '
			continue
		}
		binary.LittleEndian.PutUint64(k[op.off:], bitWords[(v>>(op.sh&63))<<(op.pre&7)&255])
	}
}

func (w *keyWriter) flush() {
	w.sb.Write(w.chunk[:w.used])
	w.used = 0
}

// keys returns all keys as one string; key i is [i*klen, (i+1)*klen).
func (w *keyWriter) keys() string {
	w.flush()
	return w.sb.String()
}

// setKeys sets es[i].Key = formatValue(xs[i]) for every i.
func (f *keyFormatter) setKeys(es []Entry, xs []uint64) {
	w := f.newKeyWriter(len(es))
	for i := range es {
		w.put(xs[i])
	}
	all := w.keys()
	for i := range es {
		es[i].Key = all[i*w.klen : (i+1)*w.klen]
	}
}

// Quantise converts a probability to ProbScale units (round half up).
func Quantise(p float64) uint64 {
	if !(p > 0) {
		return 0
	}
	if p >= 1 {
		return ProbScale
	}
	return uint64(float64(p*float64(ProbScale)) + 0.5)
}

// FormatProb renders a quantised probability as a decimal string.
func FormatProb(v uint64) string {
	if v >= ProbScale {
		return "1"
	}
	s := fmt.Sprintf("0.%012d", v)
	for s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s == "0." {
		return "0"
	}
	return s
}

// StateVector simulates a measurement-free circuit (after lowering and
// fusion) and returns the final state, for expectation values computed by
// drivers such as VQE and QAOA. Callers must quantise what they publish.
func StateVector(c *ir.Circuit, threads int) (*statevec.State, error) {
	if c.NumQubits > statevec.MaxQubits {
		return nil, fmt.Errorf("%w: %d qubits", ErrTooLarge, c.NumQubits)
	}
	low := compile.Lower(c)
	for i := range low.Ops {
		if low.Ops[i].Type != ir.OpGate && low.Ops[i].Type != ir.OpBarrier {
			return nil, fmt.Errorf("StateVector: circuit must be unitary (op %d)", i)
		}
	}
	fused, err := compile.Fuse(low.Ops, c.NumQubits)
	if err != nil {
		return nil, err
	}
	st := statevec.New(c.NumQubits)
	st.Threads = threads
	for i := range fused {
		e, err := prepare(&fused[i])
		if err != nil {
			return nil, err
		}
		e.apply(st)
	}
	return st, nil
}

// Estimate is what CheckTx needs before accepting a job: the resolved
// backend, sizes, and the cost in steps (cost units).
type Estimate struct {
	Backend Backend
	Qubits  int
	Clbits  int
	Gates   int
	// PlanSteps are the steps parsing and planning really took (metered);
	// Cost is PlanSteps plus the simulation's estimate: the budget a run
	// of the job needs.
	PlanSteps uint64
	Cost      uint64
}

// EstimateSource parses and plans src under lim and the given step budget
// (0: unlimited) and returns the cost (no simulation). It fails for anything
// Run would reject up front: parse errors, oversize circuits, non-Clifford
// circuits on the stabilizer, opaque gates, shots or cost over the limits,
// and a planning budget that runs out (ErrBudget).
func EstimateSource(src string, backend Backend, shots int, lim Limits, budget uint64) (Estimate, error) {
	m := newMeter(budget)
	c, err := qasm.ParseMetered(src, lim.Parse, m)
	if err != nil {
		return Estimate{PlanSteps: m.Used()}, err
	}
	pl, err := planCircuit(c, backend, shots, lim, false, m)
	if pl == nil {
		return Estimate{PlanSteps: m.Used()}, err
	}
	return Estimate{Backend: pl.be, Qubits: c.NumQubits, Clbits: c.NumClbits, Gates: pl.cr.Before.Gates,
		PlanSteps: m.Used(), Cost: pl.cost}, err
}
