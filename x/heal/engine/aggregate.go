package engine

import (
	"cmp"
	"fmt"
	"slices"
)

// Vote is one validator's evidence in a block: its voting power and the full view it reported
// (Apply of its observations to the agreed view). Validators whose extension is missing, does
// not verify, or whose heal section does not fit the agreed view have no Vote: their power
// counts in the total but supports nothing.
type Vote struct {
	Power int64
	View  View
}

// Health is the chain's verdict on a host.
type Health uint8

const (
	Healthy Health = 0
	Suspect Health = 1 // more than 1/3 of the power saw it late or down
	Down    Health = 2 // more than 2/3 of the power saw it down
)

func (h Health) String() string {
	switch h {
	case Healthy:
		return "healthy"
	case Suspect:
		return "suspect"
	case Down:
		return "down"
	}
	return fmt.Sprintf("health(%d)", uint8(h))
}

// Result is what the votes of a block agree on.
type Result struct {
	View   View     // the next agreed view (the base of the next block's observations)
	Health []Health // attested health per host
}

// Aggregate applies the agreement rule to the votes of one block (totalPower: the whole
// validator set's). Per host:
//   - health: Down when the power that saw it down is more than 2/3 of the total, Suspect when
//     the power that saw it late or down is more than 1/3, else Healthy;
//   - status, RTT bucket and agent sequence: the power-weighted median of the votes (a voter
//     that saw the host down keeps the agreed sequence and VMs), which validators holding less
//     than half the power cannot move outside the honest values; a VM's utilisation: the median
//     of the votes that report the VM, when they hold more than 2/3 of the total power;
//   - a VM's state (and its presence): changes only when more than 2/3 of the total power
//     reports the same new state.
//
// When the votes hold 2/3 of the total power or less, nothing changes: the view stays and the
// health is what the view says of status alone (Down stays Down). The work is
// O(hosts × votes × (1 + VMs) × log votes); steps returns it for the caller's meter.
func Aggregate(agreed View, votes []Vote, totalPower int64) (Result, uint64, error) {
	var present int64
	for _, v := range votes {
		if v.Power <= 0 || len(v.View) != len(agreed) {
			return Result{}, 0, fmt.Errorf("heal: vote of power %d over %d hosts, %d tracked", v.Power, len(v.View), len(agreed))
		}
		present += v.Power
	}
	if present > totalPower {
		return Result{}, 0, fmt.Errorf("heal: votes of power %d, total %d", present, totalPower)
	}
	res := Result{View: make(View, len(agreed)), Health: make([]Health, len(agreed))}
	var steps uint64
	quorum := present*3 > totalPower*2
	var sc scratch
	for i, a := range agreed {
		if !quorum {
			res.View[i] = a
			if a.Status == StatusDown {
				res.Health[i] = Down
			}
			steps++
			continue
		}
		h, health, n := aggregateHost(i, a, votes, totalPower, &sc)
		res.View[i], res.Health[i] = h, health
		steps += n
	}
	return res, steps, nil
}

// scratch holds the buffers of one aggregation, reused across hosts.
type scratch struct {
	status, rtt, seq, cpu, mem []weighted
	ids                        []uint64
	cursors                    []int
}

func aggregateHost(i int, a Host, votes []Vote, total int64, sc *scratch) (Host, Health, uint64) {
	var down, lateOrDown int64
	sc.status, sc.rtt, sc.seq = sc.status[:0], sc.rtt[:0], sc.seq[:0]
	for _, v := range votes {
		h := v.View[i]
		switch h.Status {
		case StatusDown:
			down += v.Power
			lateOrDown += v.Power
		case StatusLate:
			lateOrDown += v.Power
		}
		sc.status = append(sc.status, weighted{uint64(h.Status), v.Power})
		sc.rtt = append(sc.rtt, weighted{uint64(h.RTTBucket), v.Power})
		sc.seq = append(sc.seq, weighted{h.Seq, v.Power})
	}
	health := Healthy
	switch {
	case down*3 > total*2:
		health = Down
	case lateOrDown*3 > total:
		health = Suspect
	}
	out := Host{Status: Status(median(sc.status)), RTTBucket: uint8(median(sc.rtt)), Seq: max(median(sc.seq), a.Seq)}
	if out.Status == StatusDown {
		out.RTTBucket = 0
	}
	vms, steps := aggregateVMs(i, a.VMs, votes, total, sc)
	out.VMs = vms
	return out, health, steps + uint64(len(votes))
}

// aggregateVMs merges the VMs of every vote for host i, in ascending id. Every VM list is
// ascending, so each is walked once with a cursor.
func aggregateVMs(i int, agreed []VM, votes []Vote, total int64, sc *scratch) ([]VM, uint64) {
	sc.ids = sc.ids[:0]
	for _, vm := range agreed {
		sc.ids = append(sc.ids, vm.ID)
	}
	for _, v := range votes {
		for _, vm := range v.View[i].VMs {
			sc.ids = append(sc.ids, vm.ID)
		}
	}
	slices.Sort(sc.ids)
	sc.ids = slices.Compact(sc.ids)
	sc.cursors = append(sc.cursors[:0], make([]int, len(votes))...)
	var out []VM
	steps := uint64(len(sc.ids))
	ac := 0
	for _, id := range sc.ids {
		var statePower [maxVMState + 1]int64
		var reporting int64
		sc.cpu, sc.mem = sc.cpu[:0], sc.mem[:0]
		for k, v := range votes {
			vms := v.View[i].VMs
			for sc.cursors[k] < len(vms) && vms[sc.cursors[k]].ID < id {
				sc.cursors[k]++
			}
			st := VMAbsent
			if c := sc.cursors[k]; c < len(vms) && vms[c].ID == id {
				st = vms[c].State
				sc.cpu = append(sc.cpu, weighted{vms[c].CPUMilli, v.Power})
				sc.mem = append(sc.mem, weighted{vms[c].MemMiB, v.Power})
				reporting += v.Power
			}
			statePower[st] += v.Power
			steps++
		}
		for ac < len(agreed) && agreed[ac].ID < id {
			ac++
		}
		next := VM{ID: id, State: VMAbsent}
		if ac < len(agreed) && agreed[ac].ID == id {
			next = agreed[ac]
		}
		for st, p := range statePower {
			if p*3 > total*2 {
				next.State = VMState(st)
			}
		}
		if next.State == VMAbsent {
			continue
		}
		if reporting*3 > total*2 { // else a minority would choose the median
			next.CPUMilli, next.MemMiB = median(sc.cpu), median(sc.mem)
		}
		out = append(out, next)
	}
	return out, steps
}

type weighted struct {
	value uint64
	power int64
}

// median is the power-weighted lower median: the smallest value whose cumulative power is at
// least half of the total. Less than half of the power cannot move it outside the values of
// the rest. Ties between equal values are irrelevant; the sort is by value alone.
func median(ws []weighted) uint64 {
	slices.SortFunc(ws, func(x, y weighted) int { return cmp.Compare(x.value, y.value) })
	var total, cum int64
	for _, w := range ws {
		total += w.power
	}
	for _, w := range ws {
		cum += w.power
		if cum*2 >= total {
			return w.value
		}
	}
	return 0
}
