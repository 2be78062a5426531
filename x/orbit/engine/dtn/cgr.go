package dtn

import (
	"errors"
	"sort"
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
// transmit time.
func (p *Plan) route(src, dst, size, t0, expiry int64, busy []int64) (Route, error) {
	n := len(p.Contacts)
	lab := make([]label, n)
	done := make([]bool, n)
	h := &cheap{}
	relax := func(i int, ready int64, hops, prev int) {
		c := p.Contacts[i]
		start := max(ready, c.StartUs)
		if busy != nil {
			start = max(start, busy[i])
		}
		end := start + txUs(size, c.RateBps)
		if end > c.EndUs {
			return
		}
		arr := end + c.OWLTUs
		if arr > expiry {
			return
		}
		l := &lab[i]
		if !l.set || arr < l.arr || (arr == l.arr && hops < l.hops) {
			*l = label{arr: arr, hops: hops, prev: prev, set: true}
			h.push(citem{arr, hops, i})
		}
	}
	for _, i := range p.byFrom[src] {
		relax(i, t0, 1, -1)
	}
	for h.len() > 0 {
		it := h.pop()
		if done[it.idx] || lab[it.idx].arr != it.arr || lab[it.idx].hops != it.hops {
			continue
		}
		done[it.idx] = true
		c := p.Contacts[it.idx]
		if c.To == dst {
			var path []int
			for j := it.idx; j >= 0; j = lab[j].prev {
				path = append(path, j)
			}
			for a, b := 0, len(path)-1; a < b; a, b = a+1, b-1 {
				path[a], path[b] = path[b], path[a]
			}
			return Route{Contacts: path, ArrivalUs: it.arr}, nil
		}
		// Successor contacts from c.To that are still open on arrival.
		for _, j := range p.byFrom[c.To] {
			if !done[j] && p.Contacts[j].EndUs > it.arr && p.Contacts[j].To != c.From {
				relax(j, it.arr, it.hops+1, it.idx)
			}
		}
	}
	return Route{}, ErrNoRoute
}

// CGR finds the earliest-arrival route for a bundle of size bytes created
// at t0 at node src for node dst, expiring at expiry (all us).
func (p *Plan) CGR(src, dst, size, t0, expiry int64) (Route, error) {
	if src == dst {
		return Route{ArrivalUs: t0}, nil
	}
	return p.route(src, dst, size, t0, expiry, nil)
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
		r, err := p.route(b.Src, b.Dst, b.SizeBytes, b.CreatedUs, b.ExpiryUs, busy)
		if err != nil {
			out = append(out, Delivery{ID: b.ID, Reason: "expired"})
			continue
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
	return out
}
