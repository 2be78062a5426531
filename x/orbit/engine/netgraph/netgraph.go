// Package netgraph builds time-varying satellite network snapshots (+Grid
// ISLs, range-limited ground links) as CSR graphs and routes over them with
// Dijkstra on a binary heap. Ground stations originate and terminate paths
// but never relay. Everything is deterministic: fixed edge order, ties
// broken by node id.
package netgraph

import (
	"errors"
	"fmt"
	"math"

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
}

// Limits reject inputs too large for bounded on-chain work.
const (
	MaxSatellites = 20000
	MaxStations   = 2000
)

// NewNetwork builds the network of a Walker shell over the given stations.
func NewNetwork(sh shell.Shell, stations []geo.GroundStation) (*Network, error) {
	tles, err := sh.TLEs()
	if err != nil {
		return nil, err
	}
	return NewNetworkFromTLEs(tles, sh.PlusGridISLs(), sh.MaxGSLLengthKm(), sh.MaxISLLengthKm(), stations, shell.EpochUnixNano)
}

// NewNetworkFromTLEs builds a network from arbitrary element sets.
func NewNetworkFromTLEs(tles []tle.TLE, isls []shell.ISL, maxGSLKm, maxISLKm float64, stations []geo.GroundStation, epochUnixNano int64) (*Network, error) {
	if len(tles) > MaxSatellites || len(stations) > MaxStations {
		return nil, fmt.Errorf("netgraph: %d satellites / %d stations exceed limits", len(tles), len(stations))
	}
	n := &Network{ISLs: isls, MaxGSLKm: maxGSLKm, MaxISLKm: maxISLKm, Stations: stations, EpochUnixNano: epochUnixNano}
	for i, t := range tles {
		s, err := sgp4.New(t, sgp4.WGS72)
		if err != nil {
			return nil, fmt.Errorf("netgraph: satellite %d: %w", i, err)
		}
		n.Sats = append(n.Sats, s)
	}
	for _, l := range isls {
		if l.A < 0 || l.B < 0 || l.A >= len(tles) || l.B >= len(tles) || l.A == l.B {
			return nil, fmt.Errorf("netgraph: bad ISL %d-%d", l.A, l.B)
		}
	}
	for _, g := range stations {
		n.StationECEF = append(n.StationECEF, geo.WGS72.ECEF(g.LatDeg, g.LonDeg, g.ElevM))
	}
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
	ns, ng := len(n.Sats), len(n.Stations)
	s := &Snapshot{UnixNano: unixNs, NSat: ns, NGS: ng,
		SatPos: make([][3]float64, ns), SatOK: make([]bool, ns), GSPos: make([][3]float64, ng)}
	for i, sat := range n.Sats {
		r, _, err := sat.PropagateUnixNano(unixNs)
		s.SatPos[i], s.SatOK[i] = r, err == nil
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
	return s
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
	nn := s.NSat + s.NGS
	t := &Tree{Src: gs, Dist: make([]float64, nn), Prev: make([]int32, nn)}
	for i := range t.Dist {
		t.Dist[i] = math.Inf(1)
		t.Prev[i] = -1
	}
	if gs < 0 || gs >= s.NGS {
		return t
	}
	src := int32(s.NSat + gs)
	done := make([]bool, nn)
	t.Dist[src] = 0
	h := &heap{d: make([]float64, 0, 256), n: make([]int32, 0, 256)}
	h.push(0, src)
	settledGS := 0
	for len(h.d) > 0 {
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
		for k := s.offsets[u]; k < s.offsets[u+1]; k++ {
			v := s.targets[k]
			if done[v] {
				continue
			}
			nd := d + s.weights[k]
			if nd < t.Dist[v] || (nd == t.Dist[v] && u < t.Prev[v]) {
				t.Dist[v], t.Prev[v] = nd, u
				h.push(nd, v)
			}
		}
	}
	return t
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
	if from < 0 || to < 0 || from >= s.NGS || to >= s.NGS {
		return Path{}, fmt.Errorf("netgraph: ground station out of range")
	}
	t := s.ShortestFrom(from, false)
	return t.PathTo(s, to)
}

// PathTo extracts the path to ground station gs from a tree.
func (t *Tree) PathTo(s *Snapshot, gs int) (Path, error) {
	dst := s.NSat + gs
	if math.IsInf(t.Dist[dst], 1) {
		return Path{}, ErrUnreachable
	}
	var rev []int
	for u := int32(dst); u >= 0; u = t.Prev[u] {
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
	out := make([][]float64, s.NGS)
	for g := 0; g < s.NGS; g++ {
		t := s.ShortestFrom(g, true)
		row := make([]float64, s.NGS)
		for h := 0; h < s.NGS; h++ {
			if h == g {
				continue
			}
			row[h] = 2 * t.Dist[s.NSat+h] / geo.SpeedOfLightKmS * 1e9
		}
		out[g] = row
	}
	return out
}
