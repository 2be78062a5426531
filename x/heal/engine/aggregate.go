package engine

import (
	"fmt"
	"sort"
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
	for i, a := range agreed {
		if !quorum {
			res.View[i] = a
			if a.Status == StatusDown {
				res.Health[i] = Down
			}
			steps++
			continue
		}
		h, health, n := aggregateHost(i, a, votes, totalPower)
		res.View[i], res.Health[i] = h, health
		steps += n
	}
	return res, steps, nil
}

func aggregateHost(i int, a Host, votes []Vote, total int64) (Host, Health, uint64) {
	var down, lateOrDown int64
	status := make([]weighted, len(votes))
	rtt := make([]weighted, len(votes))
	seq := make([]weighted, len(votes))
	for k, v := range votes {
		h := v.View[i]
		switch h.Status {
		case StatusDown:
			down += v.Power
			lateOrDown += v.Power
		case StatusLate:
			lateOrDown += v.Power
		}
		status[k] = weighted{uint64(h.Status), v.Power}
		rtt[k] = weighted{uint64(h.RTTBucket), v.Power}
		seq[k] = weighted{h.Seq, v.Power}
	}
	health := Healthy
	switch {
	case down*3 > total*2:
		health = Down
	case lateOrDown*3 > total:
		health = Suspect
	}
	out := Host{Status: Status(median(status)), RTTBucket: uint8(median(rtt)), Seq: max(median(seq), a.Seq)}
	if out.Status == StatusDown {
		out.RTTBucket = 0
	}
	vms, steps := aggregateVMs(i, a.VMs, votes, total)
	out.VMs = vms
	return out, health, steps + uint64(len(votes))
}

// aggregateVMs merges the VMs of every vote for host i: ids in ascending order.
func aggregateVMs(i int, agreed []VM, votes []Vote, total int64) ([]VM, uint64) {
	ids := map[uint64]bool{}
	for _, vm := range agreed {
		ids[vm.ID] = true
	}
	for _, v := range votes {
		for _, vm := range v.View[i].VMs {
			ids[vm.ID] = true
		}
	}
	sorted := make([]uint64, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Slice(sorted, func(x, y int) bool { return sorted[x] < sorted[y] })
	agreedByID := make(map[uint64]VM, len(agreed))
	for _, vm := range agreed {
		agreedByID[vm.ID] = vm
	}
	var out []VM
	var steps uint64
	cursors := make([]int, len(votes)) // each vote's VMs are ascending: walk them in step
	for _, id := range sorted {
		var statePower [maxVMState + 1]int64
		var cpu, mem []weighted
		var reporting int64
		for k, v := range votes {
			vms := v.View[i].VMs
			for cursors[k] < len(vms) && vms[cursors[k]].ID < id {
				cursors[k]++
			}
			st := VMAbsent
			if cursors[k] < len(vms) && vms[cursors[k]].ID == id {
				vm := vms[cursors[k]]
				st = vm.State
				cpu = append(cpu, weighted{vm.CPUMilli, v.Power})
				mem = append(mem, weighted{vm.MemMiB, v.Power})
				reporting += v.Power
			}
			statePower[st] += v.Power
			steps++
		}
		prev, existed := agreedByID[id]
		next := prev
		if !existed {
			next = VM{ID: id, State: VMAbsent}
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
			next.CPUMilli, next.MemMiB = median(cpu), median(mem)
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
	sort.Slice(ws, func(x, y int) bool { return ws[x].value < ws[y].value })
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
