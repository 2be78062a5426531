package netgraph

import (
	"fmt"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/orbit/engine/geo"
)

// HandoffEvent records a change of the satellite serving a ground station.
// From/To are satellite ids, -1 meaning no satellite in range.
type HandoffEvent struct {
	UnixNano   int64
	GS         int
	From, To   int
	DistanceKm float64 // to the new serving satellite
}

// MaxHandoffSteps bounds one handoff scan.
const MaxHandoffSteps = 100000

// Serving returns the in-range satellite nearest to ground station gs
// (ties: lowest id) and its distance, or -1.
func (s *Snapshot) Serving(gs int) (int, float64) {
	best, bestD := -1, 0.0
	nbrs, w := s.Neighbors(s.NSat + gs)
	for k, v := range nbrs {
		if int(v) < s.NSat && (best < 0 || w[k] < bestD || (w[k] == bestD && int(v) < best)) {
			best, bestD = int(v), w[k]
		}
	}
	return best, bestD
}

// servingAt computes the serving satellite without building a full graph,
// charging StationSteps and HopSteps for the instant, then each satellite's
// propagation price plus ISLSteps (its distance) before it.
func (n *Network) servingAt(gs int, unixNs int64, m *meter.Meter) (int, float64, error) {
	if err := m.Charge(StageHandoff, StationSteps+HopSteps); err != nil {
		return 0, 0, err
	}
	p := geo.ECEFToTEME(n.StationECEF[gs], geo.GMST(unixNs))
	best, bestD := -1, 0.0
	for i, sat := range n.Sats {
		if err := m.Charge(StageHandoff, meter.Add(sat.PropagateUnixNanoSteps(unixNs), ISLSteps)); err != nil {
			return 0, 0, err
		}
		r, _, err := sat.PropagateUnixNano(unixNs)
		if err != nil {
			continue
		}
		d := geo.Distance(p, r)
		if d <= n.MaxGSLKm && (best < 0 || d < bestD) {
			best, bestD = i, d
		}
	}
	return best, bestD, nil
}

// Handoffs scans [start, end] every step and reports the serving satellite
// at each step and the events where it changes.
func (n *Network) Handoffs(gs int, startNs, endNs, stepNs int64) ([]int, []HandoffEvent, error) {
	return n.HandoffsMetered(gs, startNs, endNs, stepNs, nil)
}

// HandoffsMetered is Handoffs under the meter m (see servingAt for the
// prices of each instant scanned).
func (n *Network) HandoffsMetered(gs int, startNs, endNs, stepNs int64, m *meter.Meter) ([]int, []HandoffEvent, error) {
	if gs < 0 || gs >= len(n.Stations) {
		return nil, nil, fmt.Errorf("netgraph: ground station %d out of range", gs)
	}
	span := endNs - startNs // negative when it overflows
	if stepNs <= 0 || endNs < startNs || span < 0 || span/stepNs >= MaxHandoffSteps {
		return nil, nil, fmt.Errorf("netgraph: bad handoff window")
	}
	var serving []int
	var events []HandoffEvent
	prev := -2
	// Counted, so that t never overflows near the end of the int64 range.
	for i := int64(0); i <= span/stepNs; i++ {
		t := startNs + i*stepNs
		cur, d, err := n.servingAt(gs, t, m)
		if err != nil {
			return nil, nil, err
		}
		serving = append(serving, cur)
		if prev != -2 && cur != prev {
			events = append(events, HandoffEvent{UnixNano: t, GS: gs, From: prev, To: cur, DistanceKm: d})
		}
		prev = cur
	}
	return serving, events, nil
}

// NextHandoff returns the first handoff after fromNs within horizonNs.
func (n *Network) NextHandoff(gs int, fromNs, horizonNs, stepNs int64) (HandoffEvent, bool, error) {
	return n.NextHandoffMetered(gs, fromNs, horizonNs, stepNs, nil)
}

// NextHandoffMetered is NextHandoff under the meter m: the whole window is
// scanned (HandoffsMetered).
func (n *Network) NextHandoffMetered(gs int, fromNs, horizonNs, stepNs int64, m *meter.Meter) (HandoffEvent, bool, error) {
	_, ev, err := n.HandoffsMetered(gs, fromNs, fromNs+horizonNs, stepNs, m)
	if err != nil || len(ev) == 0 {
		return HandoffEvent{}, false, err
	}
	return ev[0], true, nil
}
