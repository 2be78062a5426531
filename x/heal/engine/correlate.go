package engine

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
)

// IncidentKind is what went wrong.
type IncidentKind uint8

const (
	KindHostDown         IncidentKind = 1
	KindHostSuspect      IncidentKind = 2
	KindVMCrash          IncidentKind = 3
	KindVMStuck          IncidentKind = 4
	KindRegionPartition  IncidentKind = 5
	KindCapacityForecast IncidentKind = 6
)

func (k IncidentKind) String() string {
	switch k {
	case KindHostDown:
		return "host-down"
	case KindHostSuspect:
		return "host-suspect"
	case KindVMCrash:
		return "vm-crash"
	case KindVMStuck:
		return "vm-stuck"
	case KindRegionPartition:
		return "region-partition"
	case KindCapacityForecast:
		return "capacity-forecast"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// IncidentState is where an incident is in its life.
type IncidentState uint8

const (
	StateOpen       IncidentState = 1
	StateMitigating IncidentState = 2 // a remediation step is under way
	StateResolved   IncidentState = 3
	StateEscalated  IncidentState = 4 // no automatic remedy left: the one human alert
)

func (s IncidentState) String() string {
	switch s {
	case StateOpen:
		return "open"
	case StateMitigating:
		return "mitigating"
	case StateResolved:
		return "resolved"
	case StateEscalated:
		return "escalated"
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// Active reports whether the incident still waits for its resolution.
func (s IncidentState) Active() bool {
	return s == StateOpen || s == StateMitigating || s == StateEscalated
}

// Incident is one correlated failure. (Kind, Subject) identifies it while it is active, so a
// failure that goes on is never opened twice.
type Incident struct {
	ID      uint64
	Kind    IncidentKind
	Subject string // host id, region, or VM id in decimal
	Region  string
	Parent  uint64   // the region incident this host incident belongs to, 0 if none
	Hosts   []string // ascending
	VMs     []uint64 // affected VMs, ascending
	State   IncidentState
	// Detection, repair (every affected VM settled: the MTTR's end) and resolution (repaired
	// and the cause gone: a down host back or removed), in height and block time (ms).
	OpenedHeight, OpenedMs     int64
	RepairedHeight, RepairedMs int64
	ResolvedHeight, ResolvedMs int64
}

// Repaired reports whether every affected VM has been settled.
func (inc Incident) Repaired() bool { return inc.RepairedHeight > 0 }

// Fleet is what correlation looks at in one block: every tracked host with its attested health
// and the VMs x/vmlifecycle has on it, and the VMs that need no repair.
type Fleet struct {
	Hosts []FleetHost // ascending ID
	// Settled: ids of the VMs that need no repair, ascending: RUNNING anywhere, or stopped or
	// deleted by their owner.
	Settled []uint64
}

// FleetHost is one host in a Fleet.
type FleetHost struct {
	ID     string
	Region string
	Health Health
	VMs    []FleetVM // ascending ID
}

// FleetVM is one VM placed on a host and what is wrong with it, if anything.
type FleetVM struct {
	ID      uint64
	Crashed bool // attested crashed, or crash-looping (x/vmlifecycle's FAILED within the window)
	Stuck   bool // SCHEDULED or MIGRATING past the stuck timeout
}

// CorrelateParams bound the region rule.
type CorrelateParams struct {
	RegionMinHosts   int   // hosts of one region down together that make a region incident (≥ 2)
	RegionMinPercent int64 // and at least this share of the region's hosts, in percent
}

// Correlate turns one block's fleet into incident changes: it returns the incidents it changed
// (state, kind, parent or affected VMs) and those it opened, ids from nextID in opening order.
// active holds the incidents not yet resolved. Rules, in order:
//   - a host Down: its active host-suspect incident becomes host-down (detected at the
//     suspicion), else a host-down incident opens; its VMs are the affected ones, and crashes of
//     VMs on it fold into it instead of opening their own;
//   - a host Suspect without an active host incident: host-suspect opens;
//   - a host Healthy again: its host-suspect incident resolves (nothing to repair);
//   - a crashed (stuck) VM on a host that is not failing: vm-crash (vm-stuck) opens, once;
//   - RegionMinHosts or more hosts of a region with active host-down incidents, being at least
//     RegionMinPercent of its hosts: a region-partition incident opens (once) and becomes their
//     parent;
//   - a host-down, vm-crash or vm-stuck incident is repaired when every affected VM is settled
//     (running again anywhere, as remediation migrates them, or stopped or deleted by its
//     owner) and none is left on a down host; it resolves once repaired and its host is no
//     longer Down (or removed), so a host that stays down is never reported twice; a region
//     incident is repaired and resolved when all its children are.
func Correlate(active []Incident, fleet Fleet, p CorrelateParams, height, nowMs int64, nextID func() uint64) (changed, opened []Incident) {
	byKey := map[string]int{} // (kind, subject) → index in incs
	incs := make([]Incident, len(active))
	copy(incs, active)
	for i, inc := range incs {
		incs[i].Hosts = slices.Clone(inc.Hosts)
		incs[i].VMs = slices.Clone(inc.VMs)
		byKey[key(inc.Kind, inc.Subject)] = i
	}
	touched := map[int]bool{}
	open := func(inc Incident) int {
		inc.ID, inc.State, inc.OpenedHeight, inc.OpenedMs = nextID(), StateOpen, height, nowMs
		incs = append(incs, inc)
		i := len(incs) - 1
		byKey[key(inc.Kind, inc.Subject)] = i
		touched[i] = true
		return i
	}
	find := func(k IncidentKind, subject string) (int, bool) {
		i, ok := byKey[key(k, subject)]
		return i, ok && incs[i].State.Active()
	}
	settled := func(id uint64) bool { _, ok := slices.BinarySearch(fleet.Settled, id); return ok }

	hostDownIn := map[string][]int{} // region → host-down incidents (active)
	hostsIn := map[string]int{}
	for _, h := range fleet.Hosts {
		hostsIn[h.Region]++
		vmIDs := make([]uint64, 0, len(h.VMs))
		for _, vm := range h.VMs {
			vmIDs = append(vmIDs, vm.ID)
		}
		switch h.Health {
		case Down:
			i, ok := find(KindHostDown, h.ID)
			if !ok {
				if s, sok := find(KindHostSuspect, h.ID); sok {
					i, ok = s, true
					incs[i].Kind = KindHostDown
					delete(byKey, key(KindHostSuspect, h.ID))
					byKey[key(KindHostDown, h.ID)] = i
					touched[i] = true
				}
			}
			if !ok {
				i = open(Incident{Kind: KindHostDown, Subject: h.ID, Region: h.Region, Hosts: []string{h.ID}})
			}
			if merged := union(incs[i].VMs, vmIDs); len(merged) != len(incs[i].VMs) {
				incs[i].VMs = merged
				touched[i] = true
			}
			hostDownIn[h.Region] = append(hostDownIn[h.Region], i)
			continue
		case Suspect:
			if _, ok := find(KindHostDown, h.ID); !ok {
				if _, ok := find(KindHostSuspect, h.ID); !ok {
					open(Incident{Kind: KindHostSuspect, Subject: h.ID, Region: h.Region, Hosts: []string{h.ID}, VMs: vmIDs})
				}
			}
			continue
		case Healthy:
			if i, ok := find(KindHostSuspect, h.ID); ok {
				resolve(&incs[i], height, nowMs)
				touched[i] = true
			}
		}
		if _, failing := find(KindHostDown, h.ID); failing {
			continue
		}
		for _, vm := range h.VMs {
			subject := strconv.FormatUint(vm.ID, 10)
			if vm.Crashed {
				if _, ok := find(KindVMCrash, subject); !ok {
					open(Incident{Kind: KindVMCrash, Subject: subject, Region: h.Region, Hosts: []string{h.ID}, VMs: []uint64{vm.ID}})
				}
			}
			if vm.Stuck {
				if _, ok := find(KindVMStuck, subject); !ok {
					open(Incident{Kind: KindVMStuck, Subject: subject, Region: h.Region, Hosts: []string{h.ID}, VMs: []uint64{vm.ID}})
				}
			}
		}
	}
	// host-down incidents still active whose host left the fleet (deregistered) count in their region too
	for i, inc := range incs {
		if inc.Kind == KindHostDown && inc.State.Active() && !slices.ContainsFunc(fleet.Hosts, func(h FleetHost) bool { return h.ID == inc.Subject }) {
			hostDownIn[inc.Region] = append(hostDownIn[inc.Region], i)
		}
	}
	regions := make([]string, 0, len(hostDownIn))
	for r := range hostDownIn {
		regions = append(regions, r)
	}
	slices.Sort(regions)
	for _, r := range regions {
		children := hostDownIn[r]
		if len(children) < max(p.RegionMinHosts, 2) || int64(len(children))*100 < p.RegionMinPercent*int64(hostsIn[r]) {
			continue
		}
		ri, ok := find(KindRegionPartition, r)
		if !ok {
			ri = open(Incident{Kind: KindRegionPartition, Subject: r, Region: r})
		}
		for _, c := range children {
			if incs[c].Parent != incs[ri].ID {
				incs[c].Parent = incs[ri].ID
				touched[c] = true
			}
			hosts, vms := union(incs[ri].Hosts, incs[c].Hosts), union(incs[ri].VMs, incs[c].VMs)
			if len(hosts) != len(incs[ri].Hosts) || len(vms) != len(incs[ri].VMs) {
				incs[ri].Hosts, incs[ri].VMs = hosts, vms
				touched[ri] = true
			}
		}
	}
	// repair and resolution
	health := map[string]Health{}
	vmsOn := map[string]int{}
	for _, h := range fleet.Hosts {
		health[h.ID] = h.Health
		vmsOn[h.ID] = len(h.VMs)
	}
	for i := range incs {
		inc := &incs[i]
		if !inc.State.Active() || inc.Kind == KindRegionPartition || inc.Kind == KindHostSuspect || inc.Kind == KindCapacityForecast {
			continue
		}
		hostDown := inc.Kind == KindHostDown && health[inc.Subject] == Down // (a removed host is not)
		if !inc.Repaired() && !slices.ContainsFunc(inc.VMs, func(id uint64) bool { return !settled(id) }) &&
			!(hostDown && vmsOn[inc.Subject] > 0) { // VMs still on the failed host are not repaired
			inc.RepairedHeight, inc.RepairedMs = height, nowMs
			touched[i] = true
		}
		if inc.Repaired() && !hostDown {
			resolve(inc, height, nowMs)
			touched[i] = true
		}
	}
	for i := range incs {
		inc := &incs[i]
		if inc.Kind != KindRegionPartition || !inc.State.Active() || len(inc.Hosts) == 0 {
			continue
		}
		repaired, resolved := true, true
		for _, c := range incs {
			if c.Parent == inc.ID {
				repaired = repaired && c.Repaired()
				resolved = resolved && !c.State.Active()
			}
		}
		if repaired && !inc.Repaired() {
			inc.RepairedHeight, inc.RepairedMs = height, nowMs
			touched[i] = true
		}
		if resolved {
			resolve(inc, height, nowMs)
			touched[i] = true
		}
	}
	idx := make([]int, 0, len(touched))
	for i := range touched {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	for _, i := range idx {
		if i < len(active) {
			changed = append(changed, incs[i])
		} else {
			opened = append(opened, incs[i])
		}
	}
	slices.SortFunc(opened, func(a, b Incident) int { return cmp.Compare(a.ID, b.ID) })
	return changed, opened
}

func key(k IncidentKind, subject string) string { return string(rune(k)) + subject }

func resolve(inc *Incident, height, nowMs int64) {
	inc.State, inc.ResolvedHeight, inc.ResolvedMs = StateResolved, height, nowMs
}

// union merges two ascending lists without repeats.
func union[T cmp.Ordered](a, b []T) []T {
	out := make([]T, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}
