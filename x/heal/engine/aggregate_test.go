package engine

import (
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

func TestAggregateThresholds(t *testing.T) {
	up := Host{Status: StatusUp, RTTBucket: 2, Seq: 10, VMs: []VM{{ID: 1, State: VMRunning, CPUMilli: 300, MemMiB: 512}}}
	down := Host{Status: StatusDown, Seq: 10, VMs: up.VMs}
	late := up
	late.Status, late.Seq = StatusLate, 11
	agreed := View{up}
	cases := []struct {
		name   string
		views  []Host // one vote of power 1 each; total power 4
		health Health
		status Status
	}{
		{"all up", []Host{up, up, up, up}, Healthy, StatusUp},
		{"one liar says down", []Host{down, up, up, up}, Healthy, StatusUp},
		{"two see it down", []Host{down, down, up, up}, Suspect, StatusUp},
		{"three see it down", []Host{down, down, down, up}, Down, StatusDown},
		{"two late", []Host{late, late, up, up}, Suspect, StatusUp},
		{"one late one down", []Host{late, down, up, up}, Suspect, StatusUp},
		{"three votes, two down", []Host{down, down, up}, Suspect, StatusDown},
		{"only two votes (no quorum)", []Host{down, down}, Healthy, StatusUp},
	}
	for _, c := range cases {
		var votes []Vote
		for _, h := range c.views {
			votes = append(votes, Vote{Power: 1, View: View{h}})
		}
		res, _, err := Aggregate(agreed, votes, 4)
		if err != nil {
			t.Fatal(err)
		}
		if res.Health[0] != c.health || res.View[0].Status != c.status {
			t.Errorf("%s: health %s status %s, want %s %s", c.name, res.Health[0], res.View[0].Status, c.health, c.status)
		}
	}
}

func TestAggregateVMs(t *testing.T) {
	run := VM{ID: 1, State: VMRunning, CPUMilli: 300, MemMiB: 512}
	crash := VM{ID: 1, State: VMCrashed, MemMiB: 512}
	agreed := View{{Status: StatusUp, Seq: 5, VMs: []VM{run}}}
	host := func(seq uint64, vms ...VM) Host { return Host{Status: StatusUp, Seq: seq, VMs: vms} }
	vote := func(h Host) Vote { return Vote{Power: 1, View: View{h}} }

	// two of four report a crash: not enough
	res, _, _ := Aggregate(agreed, []Vote{vote(host(6, crash)), vote(host(6, crash)), vote(host(6, run)), vote(host(6, run))}, 4)
	if got := res.View[0].VMs[0].State; got != VMRunning {
		t.Fatalf("2/4 crashed: %s", got)
	}
	// three of four: crashed
	res, _, _ = Aggregate(agreed, []Vote{vote(host(6, crash)), vote(host(6, crash)), vote(host(6, crash)), vote(host(6, run))}, 4)
	if got := res.View[0].VMs[0]; got.State != VMCrashed || got.CPUMilli != 0 {
		t.Fatalf("3/4 crashed: %+v", got)
	}
	// a VM only a minority reports is not added; one all report is, with the median utilisation
	extra := VM{ID: 9, State: VMRunning, CPUMilli: 100, MemMiB: 64}
	big := VM{ID: 9, State: VMRunning, CPUMilli: 1_000_000, MemMiB: 64}
	res, _, _ = Aggregate(agreed, []Vote{vote(host(6, run, extra)), vote(host(6, run))}, 2)
	if len(res.View[0].VMs) != 1 {
		t.Fatalf("a VM half the power reports was added: %+v", res.View[0].VMs)
	}
	res, _, _ = Aggregate(agreed, []Vote{vote(host(6, run, extra)), vote(host(6, run, extra)), vote(host(6, run, extra)), vote(host(6, run, big))}, 4)
	if got := res.View[0].VMs; len(got) != 2 || got[1] != extra {
		t.Fatalf("VMs %+v, want %+v added with its honest utilisation", got, extra)
	}
	// all report it absent: removed
	res, _, _ = Aggregate(agreed, []Vote{vote(host(6)), vote(host(6)), vote(host(6))}, 3)
	if len(res.View[0].VMs) != 0 {
		t.Fatalf("VMs %+v after every vote dropped it", res.View[0].VMs)
	}
	// the sequence never goes back, and a liar cannot push it
	res, _, _ = Aggregate(agreed, []Vote{vote(host(1000, run)), vote(host(6, run)), vote(host(6, run)), vote(host(4, run))}, 4)
	if got := res.View[0].Seq; got != 6 {
		t.Fatalf("sequence %d, want 6", got)
	}
}

func TestAggregateRejectsBadVotes(t *testing.T) {
	agreed := View{{}, {}}
	for name, votes := range map[string][]Vote{
		"zero power":     {{Power: 0, View: View{{}, {}}}},
		"short view":     {{Power: 1, View: View{{}}}},
		"over the total": {{Power: 3, View: View{{}, {}}}, {Power: 3, View: View{{}, {}}}},
	} {
		if _, _, err := Aggregate(agreed, votes, 5); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		ws   []weighted
		want uint64
	}{
		{[]weighted{{5, 1}}, 5},
		{[]weighted{{1, 1}, {9, 1}}, 1},                    // lower median
		{[]weighted{{1, 1}, {9, 2}}, 9},                    // weighted
		{[]weighted{{7, 10}, {1, 3}, {100, 3}, {2, 3}}, 7}, // cum 3,6,16 ≥ 9.5 at 7
	} {
		if got := median(append([]weighted(nil), c.ws...)); got != c.want {
			t.Errorf("median %v = %d, want %d", c.ws, got, c.want)
		}
	}
}

func genHost(t *rapid.T, label string) Host {
	h := Host{Status: Status(rapid.IntRange(0, 2).Draw(t, label+" status")),
		RTTBucket: uint8(rapid.IntRange(0, MaxRTTBucket).Draw(t, label+" rtt")),
		Seq:       rapid.Uint64Range(0, 1000).Draw(t, label+" seq"), VMs: genVMs(t, label+" vms")}
	if h.Status == StatusDown {
		h.RTTBucket = 0
	}
	return h
}

// When validators holding more than 2/3 of the power report the same view, the result is that
// view, with the health it implies, whatever the others report.
func TestAggregateHonestSupermajority(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 5).Draw(t, "hosts")
		agreed, honest := make(View, n), make(View, n)
		for i := range agreed {
			agreed[i] = genHost(t, "agreed")
			honest[i] = genHost(t, "honest")
			honest[i].Seq = agreed[i].Seq + rapid.Uint64Range(0, 5).Draw(t, "advance")
			if honest[i].Status == StatusDown {
				honest[i].Seq, honest[i].VMs = agreed[i].Seq, agreed[i].VMs
			}
		}
		var votes []Vote
		var honestPower, liarPower int64
		for k := rapid.IntRange(1, 8).Draw(t, "honest validators"); k > 0; k-- {
			p := rapid.Int64Range(1, 100).Draw(t, "power")
			honestPower += p
			votes = append(votes, Vote{Power: p, View: honest})
		}
		for k := rapid.IntRange(0, 8).Draw(t, "liars"); k > 0; k-- {
			p := rapid.Int64Range(1, 100).Draw(t, "liar power")
			if (liarPower+p)*2 >= honestPower { // the liars stay below 1/3 of the total
				break
			}
			liarPower += p
			lie := make(View, n)
			for i := range lie {
				lie[i] = genHost(t, "lie")
			}
			votes = append(votes, Vote{Power: p, View: lie})
		}
		absent := rapid.Int64Range(0, 100).Draw(t, "absent power")
		total := honestPower + liarPower + absent
		if honestPower*3 <= total*2 {
			total = honestPower + liarPower // keep the honest supermajority
		}
		res, _, err := Aggregate(agreed, votes, total)
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range honest {
			want := h
			if want.Status == StatusDown {
				want.RTTBucket = 0
			}
			got := res.View[i]
			if len(got.VMs) == 0 {
				got.VMs = nil
			}
			if len(want.VMs) == 0 {
				want.VMs = nil
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("host %d: agreed %+v, honest %+v", i, got, want)
			}
			wantHealth := Healthy
			switch h.Status {
			case StatusDown:
				wantHealth = Down
			case StatusLate:
				wantHealth = Suspect
			}
			if res.Health[i] != wantHealth {
				t.Fatalf("host %d: health %s, honest say %s", i, res.Health[i], h.Status)
			}
		}
	})
}
