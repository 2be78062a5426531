// Package engine is the pure orbit engine behind x/orbit: deterministic
// SGP4/SDP4, Walker shells, ground stations, ISL/GSL routing, handoffs, DTN
// contact graph routing and Earth-Mars light time. It imports nothing from
// the Cosmos SDK. This file is the facade the keeper uses: every value that
// leaves it is an integer (mm, mm/s, us, ms) so it can go into state.
//
// The *Metered functions run under a deterministic work meter
// (x/internal/meter, nil = unmetered): they charge the step prices of
// netgraph, sgp4 and dtn before the work and fail with a *meter.BudgetError
// (errors.Is(err, meter.ErrBudgetExceeded)) once the budget would be passed.
package engine

import (
	_ "embed"
	"fmt"
	"math"
	"strings"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/orbit/engine/geo"
	"github.com/novacron/novacron/x/orbit/engine/netgraph"
	"github.com/novacron/novacron/x/orbit/engine/planets"
	"github.com/novacron/novacron/x/orbit/engine/sgp4"
	"github.com/novacron/novacron/x/orbit/engine/shell"
)

//go:embed data/ground_stations_top100.txt
var top100 string

// DefaultGroundStations returns Hypatia's top-100 cities (gid = line index).
func DefaultGroundStations() []geo.GroundStation {
	gs, err := geo.ParseGroundStations(strings.NewReader(top100))
	if err != nil {
		panic("engine: embedded ground stations: " + err.Error()) // build-time data
	}
	return gs
}

// NewShellNetwork builds a preset or custom shell over the stations.
func NewShellNetwork(sh shell.Shell, stations []geo.GroundStation) (*netgraph.Network, error) {
	return netgraph.NewNetwork(sh, stations)
}

// NewShellNetworkMetered is NewShellNetwork under the meter m
// (netgraph.NewNetworkMetered).
func NewShellNetworkMetered(sh shell.Shell, stations []geo.GroundStation, m *meter.Meter) (*netgraph.Network, error) {
	return netgraph.NewNetworkMetered(sh, stations, m)
}

// LatencyMatrix is the integer snapshot the keeper stores: RTTUs[i*N+j] is
// the round-trip time in microseconds between stations i and j, -1 when
// unreachable, 0 on the diagonal.
type LatencyMatrix struct {
	UnixNano int64
	N        int
	RTTUs    []int64
}

// At returns the RTT between stations i and j in microseconds.
func (m LatencyMatrix) At(i, j int) int64 { return m.RTTUs[i*m.N+j] }

// QuantiseUs rounds nanoseconds to whole microseconds (half up); +Inf and
// NaN map to -1 (unreachable).
func QuantiseUs(ns float64) int64 {
	if math.IsInf(ns, 0) || math.IsNaN(ns) || ns < 0 {
		return -1
	}
	return int64(math.Floor(ns/1000 + 0.5))
}

// ComputeLatencyMatrix routes all station pairs at an absolute Unix time.
func ComputeLatencyMatrix(n *netgraph.Network, unixNs int64) LatencyMatrix {
	m, _ := ComputeLatencyMatrixMetered(n, unixNs, nil) // fails only on a charge
	return m
}

// ComputeLatencyMatrixMetered is ComputeLatencyMatrix under the meter mt:
// the snapshot, one Dijkstra per station, and netgraph.HopSteps per entry
// quantised.
func ComputeLatencyMatrixMetered(n *netgraph.Network, unixNs int64, mt *meter.Meter) (LatencyMatrix, error) {
	s, err := n.SnapshotMetered(unixNs, mt)
	if err != nil {
		return LatencyMatrix{}, err
	}
	rtt, err := s.RTTMatrixNsMetered(mt)
	if err != nil {
		return LatencyMatrix{}, err
	}
	if err := mt.Charge(netgraph.StageRoute, meter.Mul(uint64(s.NGS)*uint64(s.NGS), netgraph.HopSteps)); err != nil {
		return LatencyMatrix{}, err
	}
	m := LatencyMatrix{UnixNano: unixNs, N: s.NGS, RTTUs: make([]int64, s.NGS*s.NGS)}
	for i := range rtt {
		for j := range rtt[i] {
			m.RTTUs[i*m.N+j] = QuantiseUs(rtt[i][j])
		}
	}
	return m, nil
}

// PathUs is a quantised route between two stations.
type PathUs struct {
	Nodes    []int // Hypatia node ids (satellites, then NSat+gid)
	OneWayUs int64
	RTTUs    int64
	LengthMM int64
}

// Route computes the path between two stations at a Unix time.
func Route(n *netgraph.Network, unixNs int64, from, to int) (PathUs, error) {
	return RouteMetered(n, unixNs, from, to, nil)
}

// RouteMetered is Route under the meter m: the snapshot and one Dijkstra. A
// budget error is a *meter.BudgetError, never netgraph.ErrUnreachable.
func RouteMetered(n *netgraph.Network, unixNs int64, from, to int, m *meter.Meter) (PathUs, error) {
	s, err := n.SnapshotMetered(unixNs, m)
	if err != nil {
		return PathUs{}, err
	}
	p, err := s.RouteMetered(from, to, m)
	if err != nil {
		return PathUs{}, err
	}
	return PathUs{Nodes: p.Nodes, OneWayUs: QuantiseUs(p.OneWayNs), RTTUs: QuantiseUs(p.RTTNs),
		LengthMM: int64(math.Floor(float64(p.DistanceKm*1e6) + 0.5))}, nil
}

// SatelliteStateMM returns a satellite's TEME state in mm and mm/s.
func SatelliteStateMM(n *netgraph.Network, sat int, unixNs int64) (sgp4.StateMM, error) {
	return SatelliteStateMMMetered(n, sat, unixNs, nil)
}

// SatelliteStateMMMetered is SatelliteStateMM under the meter m: the
// satellite's propagation price (sgp4.PropagateUnixNanoSteps).
func SatelliteStateMMMetered(n *netgraph.Network, sat int, unixNs int64, m *meter.Meter) (sgp4.StateMM, error) {
	if sat < 0 || sat >= len(n.Sats) {
		return sgp4.StateMM{}, fmt.Errorf("engine: satellite %d out of range", sat)
	}
	if err := m.Charge(netgraph.StagePropagate, n.Sats[sat].PropagateUnixNanoSteps(unixNs)); err != nil {
		return sgp4.StateMM{}, err
	}
	r, v, err := n.Sats[sat].PropagateUnixNano(unixNs)
	if err != nil {
		return sgp4.StateMM{}, err
	}
	return sgp4.Quantise(r, v), nil
}

// FibreRTTUs is the great-circle fibre round trip at c/1.47.
func FibreRTTUs(a, b geo.GroundStation) int64 {
	return QuantiseUs(2 * geo.FibreOneWayNs(a.LatDeg, a.LonDeg, b.LatDeg, b.LonDeg))
}

// EarthMarsLightTimeMs is the one-way Earth-Mars light time (JPL Table 1).
func EarthMarsLightTimeMs(unixNs int64) int64 { return planets.EarthMarsLightTimeMs(unixNs) }

// Cost model. One unit is roughly 10 ns of single-core work on the
// reference machine (see README); constants are rounded up from the
// benchmarks. The estimate only rejects oversized work early (EndBlock's
// max_snapshot_cost); gas and the bound on the work come from the meter of
// the *Metered functions.
const (
	CostPerPropagation = 40  // SGP4 near-earth ~0.35 us
	CostPerLinkCheck   = 1   // ground-satellite range test ~5 ns
	CostPerEdgeRelax   = 3   // Dijkstra relax incl. heap work
	CostPerISL         = 2   // ISL length
	CostPerContactScan = 1   // CGR contact relaxation
	CostBase           = 500 // allocation, hashing of the result
)

// EstimateSnapshotCost prices one all-pairs latency snapshot.
func EstimateSnapshotCost(numSats, numStations, numISLs int) uint64 {
	s, g, l := uint64(numSats), uint64(numStations), uint64(numISLs)
	// Dijkstra from every station touches every ISL twice plus its links.
	edges := 2*l + g*16
	return CostBase + s*CostPerPropagation + s*g*CostPerLinkCheck + l*CostPerISL +
		g*(edges+s+g)*CostPerEdgeRelax
}

// EstimateRouteCost prices a single pair query (one Dijkstra).
func EstimateRouteCost(numSats, numStations, numISLs int) uint64 {
	s, g, l := uint64(numSats), uint64(numStations), uint64(numISLs)
	return CostBase + s*CostPerPropagation + s*g*CostPerLinkCheck + l*CostPerISL +
		(2*l+g*16+s+g)*CostPerEdgeRelax
}

// EstimateCGRCost prices a CGR query over a plan of numContacts contacts
// among numNodes nodes (each contact relaxes the contacts of its end node).
func EstimateCGRCost(numContacts, numNodes int) uint64 {
	c, n := uint64(numContacts), uint64(max(numNodes, 1))
	return CostBase + c*(c/n+1)*CostPerContactScan
}
