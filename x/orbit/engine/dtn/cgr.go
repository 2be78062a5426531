package dtn

import (
	"errors"
	"sort"

	"github.com/novacron/novacron/x/internal/meter"
)

// Route is a contact path with its delivery time.
type Route struct {
	Contacts  []int // indices into Plan.Contacts
	ArrivalUs int64
}

// ErrNoRoute means no contact sequence delivers the bundle before expiry.
var ErrNoRoute = errors.New("dtn: no route before expiry")

// txUs is the transmission time of size bytes at rate bytes/s, rounded up.
func txUs(size, rate int64) int64 {
	if size <= 0 {
		return 0
	}
	// size*1e6 may overflow for huge bundles; split the division.
	q, r := size/rate, size%rate
	return q*1e6 + (r*1e6+rate-1)/rate
}

type label struct {
	arr  int64
	hops int
	prev int
	set  bool
}

// route runs Dijkstra over contacts (earliest arrival; ties: fewer hops,
// then lower contact index). busy, if non-nil, is each contact's next free
// transmit time. Under the meter m it charges LabelSteps per contact, a
// heap price before every pop and push, ScanSteps per successor examined
// plus RelaxSteps per relaxation (charged for the whole successor list
// before scanning it) and HopSteps per contact of the route.
func (p *Plan) route(src, dst, size, t0, expiry int64, busy []int64, m *meter.Meter) (Route, error) {
	n := len(p.Contacts)
	if err := m.Charge(StageCGR, meter.Mul(uint64(n), LabelSteps)); err != nil {
		return Route{}, err
	}
	lab := make([]label, n)
	done := make([]bool, n)
	h := &cheap{}
	relax := func(i int, ready int64, hops, prev int) error {
		c := p.Contacts[i]
		start := max(ready, c.StartUs)
		if busy != nil {
			start = max(start, busy[i])
		}
		end := start + txUs(size, c.RateBps)
		if end > c.EndUs {
			return nil
		}
		arr := end + c.OWLTUs
		if arr > expiry {
			return nil
		}
		l := &lab[i]
		if !l.set || arr < l.arr || (arr == l.arr && hops < l.hops) {
			if err := m.Charge(StageCGR, heapSteps(PushSteps, h.len())); err != nil {
				return err
			}
			*l = label{arr: arr, hops: hops, prev: prev, set: true}
			h.push(citem{arr, hops, i})
		}
		return nil
	}
	first := p.byFrom[src]
	if err := m.Charge(StageCGR, meter.Mul(uint64(len(first)), ScanSteps+RelaxSteps)); err != nil {
		return Route{}, err
	}
	for _, i := range first {
		if err := relax(i, t0, 1, -1); err != nil {
			return Route{}, err
		}
	}
	for h.len() > 0 {
		if err := m.Charge(StageCGR, heapSteps(PopSteps, h.len())); err != nil {
			return Route{}, err
		}
		it := h.pop()
		if done[it.idx] || lab[it.idx].arr != it.arr || lab[it.idx].hops != it.hops {
			continue
		}
		done[it.idx] = true
		c := p.Contacts[it.idx]
		if c.To == dst {
			var path []int
			for j := it.idx; j >= 0; j = lab[j].prev {
				if err := m.Charge(StageCGR, HopSteps); err != nil {
					return Route{}, err
				}
				path = append(path, j)
			}
			for a, b := 0, len(path)-1; a < b; a, b = a+1, b-1 {
				path[a], path[b] = path[b], path[a]
			}
			return Route{Contacts: path, ArrivalUs: it.arr}, nil
		}
		// Successor contacts from c.To that are still open on arrival.
		next := p.byFrom[c.To]
		if err := m.Charge(StageCGR, meter.Mul(uint64(len(next)), ScanSteps+RelaxSteps)); err != nil {
			return Route{}, err
		}
		for _, j := range next {
			if !done[j] && p.Contacts[j].EndUs > it.arr && p.Contacts[j].To != c.From {
				if err := relax(j, it.arr, it.hops+1, it.idx); err != nil {
					return Route{}, err
				}
			}
		}
	}
	return Route{}, ErrNoRoute
}

// CGR finds the earliest-arrival route for a bundle of size bytes created
// at t0 at node src for node dst, expiring at expiry (all us).
func (p *Plan) CGR(src, dst, size, t0, expiry int64) (Route, error) {
	return p.CGRMetered(src, dst, size, t0, expiry, nil)
}

// CGRMetered is CGR under the meter m (see route for the prices). A budget
// error is a *meter.BudgetError, never ErrNoRoute.
func (p *Plan) CGRMetered(src, dst, size, t0, expiry int64, m *meter.Meter) (Route, error) {
	if src == dst {
		return Route{ArrivalUs: t0}, nil
	}
	return p.route(src, dst, size, t0, expiry, nil, m)
}

type citem struct {
	arr  int64
	hops int
	idx  int
}

type cheap struct{ a []citem }

func (h *cheap) len() int { return len(h.a) }

func cless(x, y citem) bool {
	if x.arr != y.arr {
		return x.arr < y.arr
	}
	if x.hops != y.hops {
		return x.hops < y.hops
	}
	return x.idx < y.idx
}

func (h *cheap) push(x citem) {
	h.a = append(h.a, x)
	i := len(h.a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !cless(h.a[i], h.a[p]) {
			break
		}
		h.a[i], h.a[p] = h.a[p], h.a[i]
		i = p
	}
}

func (h *cheap) pop() citem {
	top := h.a[0]
	last := len(h.a) - 1
	h.a[0] = h.a[last]
	h.a = h.a[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < last && cless(h.a[l], h.a[m]) {
			m = l
		}
		if r < last && cless(h.a[r], h.a[m]) {
			m = r
		}
		if m == i {
			break
		}
		h.a[i], h.a[m] = h.a[m], h.a[i]
		i = m
	}
	return top
}

// Bundle is a message to deliver.
type Bundle struct {
	ID        int64
	Src, Dst  int64
	SizeBytes int64
	CreatedUs int64
	ExpiryUs  int64 // absolute
}

// Delivery is the fate of one bundle.
type Delivery struct {
	ID        int64
	Delivered bool
	ArrivalUs int64
	Contacts  []int
	Reason    string // "delivered" or "expired"
}

// Simulate delivers bundles store-and-forward in (creation, id) order.
// Each contact transmits one bundle at a time (FIFO by creation), bundles
// wait in storage between contacts, and a bundle that cannot arrive before
// its expiry is dropped as expired.
func (p *Plan) Simulate(bundles []Bundle) []Delivery {
	out, _ := p.SimulateMetered(bundles, nil) // fails only on a charge
	return out
}

// SimulateMetered is Simulate under the meter m: the sort of the bundles
// (priced like the contact sort), then per bundle its route (see route) and
// HopSteps per contact reserved. A budget error stops the simulation.
func (p *Plan) SimulateMetered(bundles []Bundle, m *meter.Meter) ([]Delivery, error) {
	if err := m.Charge(StageSimulate, sortSteps(len(bundles))); err != nil {
		return nil, err
	}
	order := append([]Bundle(nil), bundles...)
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].CreatedUs != order[j].CreatedUs {
			return order[i].CreatedUs < order[j].CreatedUs
		}
		return order[i].ID < order[j].ID
	})
	busy := make([]int64, len(p.Contacts))
	out := make([]Delivery, 0, len(order))
	for _, b := range order {
		if b.Src == b.Dst {
			out = append(out, Delivery{ID: b.ID, Delivered: true, ArrivalUs: b.CreatedUs, Reason: "delivered"})
			continue
		}
		r, err := p.route(b.Src, b.Dst, b.SizeBytes, b.CreatedUs, b.ExpiryUs, busy, m)
		if err != nil && !errors.Is(err, ErrNoRoute) {
			return nil, err
		}
		if err != nil {
			out = append(out, Delivery{ID: b.ID, Reason: "expired"})
			continue
		}
		if err := m.Charge(StageSimulate, meter.Mul(uint64(len(r.Contacts)), HopSteps)); err != nil {
			return nil, err
		}
		// Reserve the transmitter of every contact on the path.
		ready := b.CreatedUs
		for _, i := range r.Contacts {
			c := p.Contacts[i]
			start := max(ready, c.StartUs, busy[i])
			end := start + txUs(b.SizeBytes, c.RateBps)
			busy[i] = end
			ready = end + c.OWLTUs
		}
		out = append(out, Delivery{ID: b.ID, Delivered: true, ArrivalUs: r.ArrivalUs, Contacts: r.Contacts, Reason: "delivered"})
	}
	return out, nil
}
