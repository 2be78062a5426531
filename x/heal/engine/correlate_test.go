package engine

import (
	"testing"
)

// run drives Correlate over a trace of fleets (one per block, heights from 10, 1 s apart) and
// returns every incident as last seen.
func run(t *testing.T, p CorrelateParams, trace []Fleet) map[uint64]Incident {
	t.Helper()
	all := map[uint64]Incident{}
	var active []Incident
	next := uint64(0)
	for b, f := range trace {
		height, now := int64(10+b), int64(1_000_000+1000*b)
		changed, opened := Correlate(active, f, p, height, now, func() uint64 { next++; return next })
		for _, inc := range append(changed, opened...) {
			all[inc.ID] = inc
		}
		active = active[:0]
		for _, inc := range all {
			if inc.State.Active() {
				active = append(active, inc)
			}
		}
		sortIncidents(active)
	}
	return all
}

func sortIncidents(s []Incident) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].ID < s[j-1].ID; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func host(id, region string, h Health, vms ...FleetVM) FleetHost {
	return FleetHost{ID: id, Region: region, Health: h, VMs: vms}
}

var params = CorrelateParams{RegionMinHosts: 2, RegionMinPercent: 50}

// A host is suspected, then down; its VMs migrate and run elsewhere: one incident, detected at
// the suspicion, resolved when the VMs run again.
func TestHostDownLifecycle(t *testing.T) {
	vm1, vm2 := FleetVM{ID: 1}, FleetVM{ID: 2}
	all := run(t, params, []Fleet{
		{Hosts: []FleetHost{host("h1", "r1", Healthy, vm1, vm2), host("h2", "r1", Healthy)}, Settled: []uint64{1, 2}},
		{Hosts: []FleetHost{host("h1", "r1", Suspect, vm1, vm2), host("h2", "r1", Healthy)}, Settled: []uint64{1, 2}},
		{Hosts: []FleetHost{host("h1", "r1", Down, vm1, vm2), host("h2", "r1", Healthy)}},
		{Hosts: []FleetHost{host("h1", "r1", Down, vm1), host("h2", "r1", Healthy, vm2)}, Settled: []uint64{2}},
		{Hosts: []FleetHost{host("h1", "r1", Down), host("h2", "r1", Healthy, vm1, vm2)}, Settled: []uint64{1, 2}},
		{Hosts: []FleetHost{host("h1", "r1", Down), host("h2", "r1", Healthy, vm1, vm2)}, Settled: []uint64{1, 2}},
		{Hosts: []FleetHost{host("h1", "r1", Healthy), host("h2", "r1", Healthy, vm1, vm2)}, Settled: []uint64{1, 2}},
	})
	if len(all) != 1 {
		t.Fatalf("%d incidents, want one: %+v", len(all), all)
	}
	inc := all[1]
	if inc.Kind != KindHostDown || inc.Subject != "h1" || inc.State != StateResolved {
		t.Fatalf("%+v", inc)
	}
	if inc.OpenedHeight != 11 || inc.RepairedHeight != 14 || inc.RepairedMs-inc.OpenedMs != 3000 || inc.ResolvedHeight != 16 {
		t.Fatalf("opened %d repaired %d (%d ms) resolved %d, want 11, 14 (3000 ms), 16", inc.OpenedHeight, inc.RepairedHeight, inc.RepairedMs-inc.OpenedMs, inc.ResolvedHeight)
	}
	if len(inc.VMs) != 2 {
		t.Fatalf("affected VMs %v", inc.VMs)
	}
}

func TestFalseSuspicionResolves(t *testing.T) {
	all := run(t, params, []Fleet{
		{Hosts: []FleetHost{host("h1", "r1", Suspect, FleetVM{ID: 1})}, Settled: []uint64{1}},
		{Hosts: []FleetHost{host("h1", "r1", Suspect, FleetVM{ID: 1})}, Settled: []uint64{1}},
		{Hosts: []FleetHost{host("h1", "r1", Healthy, FleetVM{ID: 1})}, Settled: []uint64{1}},
	})
	if inc := all[1]; len(all) != 1 || inc.Kind != KindHostSuspect || inc.State != StateResolved || inc.ResolvedHeight != 12 {
		t.Fatalf("%+v", all)
	}
}

// A VM crash on a healthy host opens its own incident once; on a failed host it folds into the
// host's incident.
func TestVMCrashesCorrelate(t *testing.T) {
	crashed := FleetVM{ID: 7, Crashed: true}
	all := run(t, params, []Fleet{
		{Hosts: []FleetHost{host("h1", "r1", Healthy, crashed), host("h2", "r2", Healthy)}},
		{Hosts: []FleetHost{host("h1", "r1", Healthy, crashed), host("h2", "r2", Healthy)}},
		{Hosts: []FleetHost{host("h1", "r1", Healthy, FleetVM{ID: 7}), host("h2", "r2", Down, FleetVM{ID: 8, Crashed: true})}, Settled: []uint64{7}},
	})
	if len(all) != 2 {
		t.Fatalf("%d incidents: %+v", len(all), all)
	}
	if c := all[1]; c.Kind != KindVMCrash || c.Subject != "7" || c.State != StateResolved || c.ResolvedHeight != 12 {
		t.Fatalf("vm crash: %+v", c)
	}
	if d := all[2]; d.Kind != KindHostDown || d.Subject != "h2" || len(d.VMs) != 1 || d.VMs[0] != 8 || d.State != StateOpen {
		t.Fatalf("host down: %+v", d)
	}
}

// Three of four hosts of a region down together: one region incident over three host
// incidents; a single host down elsewhere stays alone.
func TestRegionPartition(t *testing.T) {
	down := Fleet{Hosts: []FleetHost{
		host("a1", "r1", Down, FleetVM{ID: 1}), host("a2", "r1", Down, FleetVM{ID: 2}), host("a3", "r1", Down),
		host("a4", "r1", Healthy), host("b1", "r2", Down, FleetVM{ID: 3}), host("b2", "r2", Healthy), host("b3", "r2", Healthy),
	}}
	healed := Fleet{Hosts: []FleetHost{
		host("a1", "r1", Healthy), host("a2", "r1", Healthy), host("a3", "r1", Healthy),
		host("a4", "r1", Healthy, FleetVM{ID: 1}, FleetVM{ID: 2}), host("b1", "r2", Down, FleetVM{ID: 3}), host("b2", "r2", Healthy), host("b3", "r2", Healthy),
	}, Settled: []uint64{1, 2, 3}}
	all := run(t, params, []Fleet{down, down, healed})
	var region *Incident
	children := 0
	for _, inc := range all {
		switch inc.Kind {
		case KindRegionPartition:
			if region != nil {
				t.Fatal("two region incidents")
			}
			region = &inc
		case KindHostDown:
			if inc.Region == "r1" {
				children++
			}
		}
	}
	if region == nil || region.Subject != "r1" || len(region.Hosts) != 3 || region.State != StateResolved {
		t.Fatalf("region incident %+v", region)
	}
	for _, inc := range all {
		if inc.Kind == KindHostDown && (inc.Region == "r1") != (inc.Parent == region.ID) {
			t.Fatalf("host incident %+v: parent %d, region %d", inc, inc.Parent, region.ID)
		}
		if inc.Subject == "b1" && (inc.State != StateOpen || inc.Repaired()) {
			t.Fatalf("b1 still down with its VM on it, yet %s (repaired at %d)", inc.State, inc.RepairedHeight)
		}
		if inc.Subject == "a3" && (inc.RepairedHeight != 10 || inc.ResolvedHeight != 12) {
			t.Fatalf("a3 (no VMs) repaired at %d, resolved at %d; want 10 and 12", inc.RepairedHeight, inc.ResolvedHeight)
		}
	}
	if children != 3 || len(all) != 5 || region.RepairedHeight != 12 {
		t.Fatalf("%d r1 host incidents, %d in all: %+v", children, len(all), all)
	}
}

func TestCorrelateIsQuietWhenNothingChanges(t *testing.T) {
	f := Fleet{Hosts: []FleetHost{host("h1", "r1", Down, FleetVM{ID: 1})}}
	var n uint64
	_, opened := Correlate(nil, f, params, 1, 1000, func() uint64 { n++; return n })
	changed, again := Correlate(opened, f, params, 2, 2000, func() uint64 { n++; return n })
	if len(changed) != 0 || len(again) != 0 {
		t.Fatalf("the same fleet changed %+v and opened %+v", changed, again)
	}
}
