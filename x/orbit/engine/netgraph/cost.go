package netgraph

import (
	"math/bits"

	"github.com/novacron/novacron/x/internal/meter"
)

// Meter stages of network builds, snapshots and routing.
const (
	StageTLEs      = "orbit tle source"
	StageSetup     = "sgp4 setup"
	StageLinks     = "orbit link set-up"
	StagePropagate = "sgp4 propagation"
	StageGraph     = "orbit graph"
	StageRoute     = "orbit routing"
	StageHandoff   = "orbit handoff"
)

// Step prices (a step is about a nanosecond of single-core work; the
// benchmarks in meter_test.go report the measured ns/step, which must stay
// at most ~2.5). Every metered function charges them before the work they
// price; SGP4 prices are in package sgp4 (SetupSteps, PropagateSteps).
const (
	// TLESourceSteps is one satellite's element set obtained: a shell's TLE
	// generated (formatted and parsed back, ~3.3 us) or, charged by the
	// keeper, a TLE set's two lines parsed and checked (~1.3 us). One price
	// for both, so a shell and its own TLEs registered as a TLE set cost the
	// same; a shell's build as a whole (with its SGP4 set-ups) stays under
	// 1 ns/step (BenchmarkMeteredBuildStarlink), and a route over a
	// 20,000-satellite TLE set fits the default query gas limit.
	TLESourceSteps = 3072
	// StationSteps is one ground station: ECEF at build, TEME per snapshot.
	StationSteps = 64
	// ISLSteps is one ISL: its ids checked at build, its length against
	// the limit per snapshot.
	ISLSteps = 16
	// GSLSteps is one (station, satellite) range test of a snapshot.
	GSLSteps = 4
	// EdgeSteps is one link kept: appended, counted and filled into the CSR
	// arrays (both directions).
	EdgeSteps = 24
	// NodeSteps is one node of a graph or a shortest-path tree: CSR offsets,
	// distance, predecessor and settled flags set up.
	NodeSteps = 6
	// PopSteps and PushSteps are one binary-heap pop or push, plus
	// PopLevelSteps or PushLevelSteps per level of the heap (a sift-down
	// compares two children per level, a sift-up one parent; the pops'
	// mispredicted branches dominate Dijkstra).
	PopSteps       = 16
	PopLevelSteps  = 10
	PushSteps      = 8
	PushLevelSteps = 4
	// ScanSteps is one adjacency entry of a settled node examined.
	ScanSteps = 8
	// HopSteps is one node of an extracted path or one entry of a result
	// matrix.
	HopSteps = 4
)

// popSteps and pushSteps price one heap operation on a heap of n entries.
func popSteps(n int) uint64  { return PopSteps + PopLevelSteps*uint64(bits.Len(uint(n))) }
func pushSteps(n int) uint64 { return PushSteps + PushLevelSteps*uint64(bits.Len(uint(n))) }

// buildCharge is one charge of a network build, repeated times times.
type buildCharge struct {
	stage string
	n     uint64
	times uint64
}

// recorder charges a build and records the charges, so that a cached
// network can charge exactly the same sequence again (ChargeBuild): every
// validator then uses the same steps, and fails at the same charge with the
// same error, whether its cache held the network or not.
type recorder struct {
	m   *meter.Meter
	log []buildCharge
}

func (r *recorder) charge(stage string, n uint64) error {
	if err := r.m.Charge(stage, n); err != nil {
		return err
	}
	if k := len(r.log); k > 0 && r.log[k-1].stage == stage && r.log[k-1].n == n {
		r.log[k-1].times++
	} else {
		r.log = append(r.log, buildCharge{stage, n, 1})
	}
	return nil
}

// ChargeBuild charges m the steps the build of n charged, in the same order
// and pieces, without doing the work: a cache of networks calls it on a hit
// so that a hit and a miss use the same steps and fail the same way.
func (n *Network) ChargeBuild(m *meter.Meter) error {
	for _, c := range n.build {
		for i := uint64(0); i < c.times; i++ {
			if err := m.Charge(c.stage, c.n); err != nil {
				return err
			}
		}
	}
	return nil
}

// BuildSteps is the total of the build's charges (what ChargeBuild charges).
func (n *Network) BuildSteps() uint64 {
	var s uint64
	for _, c := range n.build {
		s = meter.Add(s, meter.Mul(c.n, c.times))
	}
	return s
}
