// Package netgraph builds time-varying satellite network snapshots (+Grid
// ISLs, range-limited ground links) as CSR graphs and routes over them with
// Dijkstra on a binary heap. Ground stations originate and terminate paths
// but never relay. Everything is deterministic: fixed edge order, ties
// broken by node id.
//
// The *Metered functions run under a work meter (x/internal/meter; nil is
// unmetered) and charge the prices of cost.go before each piece of work;
// the plain functions are the unmetered wrappers.
package netgraph

import (
	"errors"
	"fmt"
	"math"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/orbit/engine/geo"
	"github.com/novacron/novacron/x/orbit/engine/sgp4"
	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/engine/tle"
)

// Network is a constellation plus ground stations.
type Network struct {
	Sats          []*sgp4.Satellite
	ISLs          []shell.ISL
	MaxGSLKm      float64
	MaxISLKm      float64
	Stations      []geo.GroundStation
	StationECEF   [][3]float64
	EpochUnixNano int64 // time origin for offsets

	build []buildCharge // the build's meter charges, for ChargeBuild
}

// Limits reject inputs too large for bounded on-chain work.
const (
	MaxSatellites = 20000
	MaxStations   = 2000
)

// NewNetwork builds the network of a Walker shell over the given stations.
func NewNetwork(sh shell.Shell, stations []geo.GroundStation) (*Network, error) {
	return NewNetworkMetered(sh, stations, nil)
}

// NewNetworkMetered is NewNetwork under the meter m: TLE generation
// (TLESourceSteps per satellite), then the charges of
// NewNetworkFromTLEsMetered.
func NewNetworkMetered(sh shell.Shell, stations []geo.GroundStation, m *meter.Meter) (*Network, error) {
	if err := sh.Validate(); err != nil {
		return nil, err
	}
	if len(stations) > MaxStations {
		return nil, fmt.Errorf("netgraph: %d satellites / %d stations exceed limits", sh.NumSats(), len(stations))
	}
	rec := &recorder{m: m}
	if err := rec.charge(StageTLEs, meter.Mul(uint64(sh.NumSats()), TLESourceSteps)); err != nil {
		return nil, err
	}
	tles, err := sh.TLEs()
	if err != nil {
		return nil, err
	}
	return build(tles, sh.PlusGridISLs(), sh.MaxGSLLengthKm(), sh.MaxISLLengthKm(), stations, shell.EpochUnixNano, rec)
}

// NewNetworkFromTLEs builds a network from arbitrary element sets.
func NewNetworkFromTLEs(tles []tle.TLE, isls []shell.ISL, maxGSLKm, maxISLKm float64, stations []geo.GroundStation, epochUnixNano int64) (*Network, error) {
	return NewNetworkFromTLEsMetered(tles, isls, maxGSLKm, maxISLKm, stations, epochUnixNano, nil)
}

// NewNetworkFromTLEsMetered is NewNetworkFromTLEs under the meter m:
// sgp4.SetupSteps(tle) before each satellite's initialisation, ISLSteps per
// ISL and StationSteps per station. Obtaining the TLEs is the caller's to
// charge (TLESourceSteps per satellite).
func NewNetworkFromTLEsMetered(tles []tle.TLE, isls []shell.ISL, maxGSLKm, maxISLKm float64, stations []geo.GroundStation, epochUnixNano int64, m *meter.Meter) (*Network, error) {
	return build(tles, isls, maxGSLKm, maxISLKm, stations, epochUnixNano, &recorder{m: m})
}

func build(tles []tle.TLE, isls []shell.ISL, maxGSLKm, maxISLKm float64, stations []geo.GroundStation, epochUnixNano int64, rec *recorder) (*Network, error) {
	if len(tles) > MaxSatellites || len(stations) > MaxStations {
		return nil, fmt.Errorf("netgraph: %d satellites / %d stations exceed limits", len(tles), len(stations))
	}
	n := &Network{ISLs: isls, MaxGSLKm: maxGSLKm, MaxISLKm: maxISLKm, Stations: stations, EpochUnixNano: epochUnixNano,
		Sats: make([]*sgp4.Satellite, 0, len(tles))}
	for i, t := range tles {
		if err := rec.charge(StageSetup, sgp4.SetupSteps(t)); err != nil {
			return nil, err
		}
		s, err := sgp4.New(t, sgp4.WGS72)
		if err != nil {
			return nil, fmt.Errorf("netgraph: satellite %d: %w", i, err)
		}
		n.Sats = append(n.Sats, s)
	}
	if err := rec.charge(StageLinks, meter.Mul(uint64(len(isls)), ISLSteps)); err != nil {
		return nil, err
	}
	for _, l := range isls {
		if l.A < 0 || l.B < 0 || l.A >= len(tles) || l.B >= len(tles) || l.A == l.B {
			return nil, fmt.Errorf("netgraph: bad ISL %d-%d", l.A, l.B)
		}
	}
	if err := rec.charge(StageLinks, meter.Mul(uint64(len(stations)), StationSteps)); err != nil {
		return nil, err
	}
	for _, g := range stations {
		n.StationECEF = append(n.StationECEF, geo.WGS72.ECEF(g.LatDeg, g.LonDeg, g.ElevM))
	}
	n.build = rec.log
	return n, nil
}

// Snapshot is the network graph at one instant. Node ids: satellites
// 0..NSat-1, then ground station g at NSat+g (Hypatia's numbering).
type Snapshot struct {
	UnixNano int64
	NSat     int
	NGS      int
	SatPos   [][3]float64 // TEME, km
	SatOK    []bool       // false if SGP4 failed (satellite dropped)
	GSPos    [][3]float64 // TEME, km
	offsets  []int32
	targets  []int32
	weights  []float64 // km
}

// Snapshot computes positions and links at an absolute Unix time.
func (n *Network) Snapshot(unixNs int64) *Snapshot {
	s, _ := n.SnapshotMetered(unixNs, nil) // fails only on a charge
	return s
}

// SnapshotMetered is Snapshot under the meter m: NodeSteps per node,
// PropagateUnixNanoSteps before each satellite's propagation, StationSteps
// per station, ISLSteps per ISL, GSLSteps per station and satellite pair,
// then EdgeSteps per link kept for the CSR arrays.
func (n *Network) SnapshotMetered(unixNs int64, m *meter.Meter) (*Snapshot, error) {
	ns, ng := len(n.Sats), len(n.Stations)
	if err := m.Charge(StageGraph, meter.Mul(uint64(ns+ng), NodeSteps)); err != nil {
		return nil, err
	}
	s := &Snapshot{UnixNano: unixNs, NSat: ns, NGS: ng,
		SatPos: make([][3]float64, ns), SatOK: make([]bool, ns), GSPos: make([][3]float64, ng)}
	for i, sat := range n.Sats {
		if err := m.Charge(StagePropagate, sat.PropagateUnixNanoSteps(unixNs)); err != nil {
			return nil, err
		}
		r, _, err := sat.PropagateUnixNano(unixNs)
		s.SatPos[i], s.SatOK[i] = r, err == nil
	}
	if err := m.Charge(StageGraph, meter.Add(meter.Mul(uint64(ng), StationSteps), meter.Mul(uint64(len(n.ISLs)), ISLSteps))); err != nil {
		return nil, err
	}
	gmst := geo.GMST(unixNs)
	for g := range n.Stations {
		s.GSPos[g] = geo.ECEFToTEME(n.StationECEF[g], gmst)
	}
	type edge struct {
		a, b int32
		w    float64
	}
	edges := make([]edge, 0, len(n.ISLs)+ng*32)
	for _, l := range n.ISLs {
		if !s.SatOK[l.A] || !s.SatOK[l.B] {
			continue
		}
		d := geo.Distance(s.SatPos[l.A], s.SatPos[l.B])
		if d <= n.MaxISLKm {
			edges = append(edges, edge{int32(l.A), int32(l.B), d})
		}
	}
	max2 := float64(n.MaxGSLKm * n.MaxGSLKm)
	for g := 0; g < ng; g++ {
		if err := m.Charge(StageGraph, meter.Mul(uint64(ns), GSLSteps)); err != nil {
			return nil, err
		}
		p := s.GSPos[g]
		for i := 0; i < ns; i++ {
			if !s.SatOK[i] {
				continue
			}
			q := s.SatPos[i]
			dx, dy, dz := q[0]-p[0], q[1]-p[1], q[2]-p[2]
			d2 := float64(dx*dx) + float64(dy*dy) + float64(dz*dz)
			if d2 <= max2 {
				edges = append(edges, edge{int32(ns + g), int32(i), math.Sqrt(d2)})
			}
		}
	}
	nn := ns + ng
	if err := m.Charge(StageGraph, meter.Add(meter.Mul(uint64(len(edges)), EdgeSteps), meter.Mul(uint64(nn+1), NodeSteps))); err != nil {
		return nil, err
	}
	s.offsets = make([]int32, nn+1)
	for _, e := range edges {
		s.offsets[e.a+1]++
		s.offsets[e.b+1]++
	}
	for i := 0; i < nn; i++ {
		s.offsets[i+1] += s.offsets[i]
	}
	fill := make([]int32, nn)
	copy(fill, s.offsets[:nn])
	s.targets = make([]int32, 2*len(edges))
	s.weights = make([]float64, 2*len(edges))
	for _, e := range edges {
		s.targets[fill[e.a]], s.weights[fill[e.a]] = e.b, e.w
		fill[e.a]++
		s.targets[fill[e.b]], s.weights[fill[e.b]] = e.a, e.w
		fill[e.b]++
	}
	return s, nil
}

// NumEdges is the number of undirected links in the snapshot.
func (s *Snapshot) NumEdges() int { return len(s.targets) / 2 }

// Neighbors returns the adjacency of node u (targets and weights in km).
func (s *Snapshot) Neighbors(u int) ([]int32, []float64) {
	a, b := s.offsets[u], s.offsets[u+1]
	return s.targets[a:b], s.weights[a:b]
}

// heap is a binary min-heap keyed by (dist, node).
type heap struct {
	d []float64
	n []int32
}

func (h *heap) less(i, j int) bool {
	return h.d[i] < h.d[j] || (h.d[i] == h.d[j] && h.n[i] < h.n[j])
}

func (h *heap) push(d float64, n int32) {
	h.d, h.n = append(h.d, d), append(h.n, n)
	i := len(h.d) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			break
		}
		h.d[i], h.d[p], h.n[i], h.n[p] = h.d[p], h.d[i], h.n[p], h.n[i]
		i = p
	}
}

func (h *heap) pop() (float64, int32) {
	d, n := h.d[0], h.n[0]
	last := len(h.d) - 1
	h.d[0], h.n[0] = h.d[last], h.n[last]
	h.d, h.n = h.d[:last], h.n[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && h.less(l, m) {
			m = l
		}
		if r < last && h.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		h.d[i], h.d[m], h.n[i], h.n[m] = h.d[m], h.d[i], h.n[m], h.n[i]
		i = m
	}
	return d, n
}

// Tree is a shortest-path tree from one ground station.
type Tree struct {
	Src  int
	Dist []float64 // km, +Inf if unreachable
	Prev []int32
}

// ShortestFrom runs Dijkstra from ground station gs. Other ground stations
// are settled but never expanded (no relaying). It stops once every ground
// station is settled when stopAtStations is set.
func (s *Snapshot) ShortestFrom(gs int, stopAtStations bool) *Tree {
	t, _ := s.ShortestFromMetered(gs, stopAtStations, nil) // fails only on a charge
	return t
}

// ShortestFromMetered is ShortestFrom under the meter m: NodeSteps per node
// for the tree, a heap price before every pop and push (popSteps,
// pushSteps: a base plus a price per level) and ScanSteps per adjacency entry of each
// expanded node.
func (s *Snapshot) ShortestFromMetered(gs int, stopAtStations bool, m *meter.Meter) (*Tree, error) {
	nn := s.NSat + s.NGS
	if err := m.Charge(StageRoute, meter.Mul(uint64(nn), NodeSteps)); err != nil {
		return nil, err
	}
	t := &Tree{Src: gs, Dist: make([]float64, nn), Prev: make([]int32, nn)}
	for i := range t.Dist {
		t.Dist[i] = math.Inf(1)
		t.Prev[i] = -1
	}
	if gs < 0 || gs >= s.NGS {
		return t, nil
	}
	src := int32(s.NSat + gs)
	done := make([]bool, nn)
	t.Dist[src] = 0
	h := &heap{d: make([]float64, 0, 256), n: make([]int32, 0, 256)}
	if err := m.Charge(StageRoute, pushSteps(0)); err != nil {
		return nil, err
	}
	h.push(0, src)
	settledGS := 0
	for len(h.d) > 0 {
		if err := m.Charge(StageRoute, popSteps(len(h.d))); err != nil {
			return nil, err
		}
		d, u := h.pop()
		if done[u] {
			continue
		}
		done[u] = true
		if int(u) >= s.NSat {
			settledGS++
			if stopAtStations && settledGS == s.NGS {
				break
			}
			if u != src {
				continue // ground stations never relay
			}
		}
		if err := m.Charge(StageRoute, uint64(s.offsets[u+1]-s.offsets[u])*ScanSteps); err != nil {
			return nil, err
		}
		for k := s.offsets[u]; k < s.offsets[u+1]; k++ {
			v := s.targets[k]
			if done[v] {
				continue
			}
			nd := d + s.weights[k]
			if nd < t.Dist[v] || (nd == t.Dist[v] && u < t.Prev[v]) {
				if err := m.Charge(StageRoute, pushSteps(len(h.d))); err != nil {
					return nil, err
				}
				t.Dist[v], t.Prev[v] = nd, u
				h.push(nd, v)
			}
		}
	}
	return t, nil
}

// Path is a route between two ground stations.
type Path struct {
	Nodes      []int // Hypatia node ids, source first
	DistanceKm float64
	OneWayNs   float64
	RTTNs      float64
}

// ErrUnreachable means no path exists at this instant.
var ErrUnreachable = errors.New("netgraph: destination unreachable")

// Route returns the shortest path between two ground stations.
func (s *Snapshot) Route(from, to int) (Path, error) {
	return s.RouteMetered(from, to, nil)
}

// RouteMetered is Route under the meter m: ShortestFromMetered, then
// HopSteps per node of the path.
func (s *Snapshot) RouteMetered(from, to int, m *meter.Meter) (Path, error) {
	if from < 0 || to < 0 || from >= s.NGS || to >= s.NGS {
		return Path{}, fmt.Errorf("netgraph: ground station out of range")
	}
	t, err := s.ShortestFromMetered(from, false, m)
	if err != nil {
		return Path{}, err
	}
	return t.pathTo(s, to, m)
}

// PathTo extracts the path to ground station gs from a tree.
func (t *Tree) PathTo(s *Snapshot, gs int) (Path, error) { return t.pathTo(s, gs, nil) }

func (t *Tree) pathTo(s *Snapshot, gs int, m *meter.Meter) (Path, error) {
	dst := s.NSat + gs
	if math.IsInf(t.Dist[dst], 1) {
		return Path{}, ErrUnreachable
	}
	var rev []int
	for u := int32(dst); u >= 0; u = t.Prev[u] {
		if err := m.Charge(StageRoute, 2*HopSteps); err != nil { // walked, then reversed
			return Path{}, err
		}
		rev = append(rev, int(u))
	}
	nodes := make([]int, len(rev))
	for i := range rev {
		nodes[i] = rev[len(rev)-1-i]
	}
	d := t.Dist[dst]
	ow := float64(d / geo.SpeedOfLightKmS * 1e9) // rounded: 2*ow may become ow+ow
	return Path{Nodes: nodes, DistanceKm: d, OneWayNs: ow, RTTNs: 2 * ow}, nil
}

// RTTMatrixNs returns the round-trip times between all ground stations in
// ns (+Inf when unreachable, 0 on the diagonal).
func (s *Snapshot) RTTMatrixNs() [][]float64 {
	out, _ := s.RTTMatrixNsMetered(nil) // fails only on a charge
	return out
}

// RTTMatrixNsMetered is RTTMatrixNs under the meter m: one
// ShortestFromMetered per station and HopSteps per matrix entry.
func (s *Snapshot) RTTMatrixNsMetered(m *meter.Meter) ([][]float64, error) {
	out := make([][]float64, s.NGS)
	for g := 0; g < s.NGS; g++ {
		t, err := s.ShortestFromMetered(g, true, m)
		if err != nil {
			return nil, err
		}
		if err := m.Charge(StageRoute, meter.Mul(uint64(s.NGS), HopSteps)); err != nil {
			return nil, err
		}
		row := make([]float64, s.NGS)
		for h := 0; h < s.NGS; h++ {
			if h == g {
				continue
			}
			row[h] = 2 * t.Dist[s.NSat+h] / geo.SpeedOfLightKmS * 1e9
		}
		out[g] = row
	}
	return out, nil
}
