package engine_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/vmlifecycle/engine"
)

// latTable is a symmetric latency table (a region to itself is 0), like the params table.
type latTable map[[2]string]int64

func (l latTable) LatencyUs(a, b string) (int64, bool) {
	if a == b {
		return 0, true
	}
	if a > b {
		a, b = b, a
	}
	v, ok := l[[2]string{a, b}]
	return v, ok
}

var testLat = latTable{
	{"eu-central", "eu-west"}: 10_000,
	{"eu-central", "us-east"}: 45_000,
	{"eu-west", "us-east"}:    40_000,
}

func testConfig() engine.Config {
	return engine.Config{
		HostOperators:     []string{"op-a", "op-b"},
		LatencyTableSize:  3,
		MaxCandidates:     32,
		MaxRegionsScanned: 16,
		SpreadWeightPpm:   50_000,
		GasPerRegion:      500,
		GasPerCandidate:   1_500,
	}
}

func rs(cpu, mem, disk uint64, gpus uint32) engine.Resources {
	return engine.Resources{CPUMillis: cpu, MemoryMiB: mem, DiskGiB: disk, GPUs: gpus}
}

func host(id, region string, capacity engine.Resources, labels ...engine.Label) engine.HostSnapshot {
	return engine.HostSnapshot{ID: id, Operator: "op-a", Region: region, Labels: labels, Capacity: capacity,
		Active: true, Status: "HOST_STATUS_ACTIVE"}
}

func hostSet(t *testing.T, hosts ...engine.HostSnapshot) *engine.HostSet {
	t.Helper()
	s, err := engine.NewHostSet(hosts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	ssd  = engine.Label{Key: "ssd", Value: "yes"}
	gold = engine.Label{Key: "tier", Value: "gold"}
	silv = engine.Label{Key: "tier", Value: "silver"}
	gpuL = engine.Label{Key: "gpu", Value: "a100"}
)

func place(t *testing.T, cfg engine.Config, req engine.Request, hosts ...engine.HostSnapshot) engine.Result {
	t.Helper()
	r, err := engine.Place(meter.New(meter.Unlimited), cfg, req, hostSet(t, hosts...))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func winner(r engine.Result) string {
	if r.Winner == nil {
		return ""
	}
	return r.Winner.ID
}

// Every filter's rejection reason, and what Filter charges: the operator check once the host is
// the right one and active, the anti-affinity read only for a host that passed everything else.
func TestFilterReasons(t *testing.T) {
	cfg := testConfig()
	const op = 20 * 2 // StepsPerOperatorCompare × ⌈log2(2 + 1)⌉
	base := func() engine.HostSnapshot {
		h := host("h1", "eu-west", rs(8_000, 16_384, 100, 2), gpuL, ssd, gold)
		h.Used = rs(2_000, 4_096, 10, 1)
		return h
	}
	req := func() engine.Request {
		return engine.Request{Resources: rs(1_000, 1_024, 10, 1), RequiredLabels: []engine.Label{ssd, gold},
			AllowedRegions: []string{"eu-central", "eu-west"}, Exclude: "h0"}
	}
	for _, tc := range []struct {
		name   string
		host   func(*engine.HostSnapshot)
		req    func(*engine.Request)
		reason string
		steps  uint64
	}{
		{"fits", nil, nil, "", op},
		{"fits, anti-affinity read", nil, func(r *engine.Request) { r.AntiAffinityGroup = "g" }, "", op + engine.StepsPerAffinityCheck},
		{"excluded", nil, func(r *engine.Request) { r.Exclude = "h1" }, "current host of the VM", 0},
		{"draining", func(h *engine.HostSnapshot) { h.Active, h.Status = false, "HOST_STATUS_DRAINING" }, nil, "host is HOST_STATUS_DRAINING", 0},
		{"operator", func(h *engine.HostSnapshot) { h.Operator = "op-z" }, nil, "operator op-z not on host_operators", op},
		{"cpu", nil, func(r *engine.Request) { r.Resources.CPUMillis = 6_001 }, "insufficient cpu: free 6000 < 6001 millis", op},
		{"memory", nil, func(r *engine.Request) { r.Resources.MemoryMiB = 20_000 }, "insufficient memory: free 12288 < 20000 MiB", op},
		{"disk", nil, func(r *engine.Request) { r.Resources.DiskGiB = 91 }, "insufficient disk: free 90 < 91 GiB", op},
		{"gpus", nil, func(r *engine.Request) { r.Resources.GPUs = 2 }, "insufficient gpus: free 1 < 2", op},
		{"label missing", nil, func(r *engine.Request) { r.RequiredLabels = []engine.Label{{Key: "nvme", Value: "yes"}} }, "missing label nvme=yes", op},
		{"label value", nil, func(r *engine.Request) { r.RequiredLabels = []engine.Label{ssd, silv} }, "missing label tier=silver", op},
		{"region", nil, func(r *engine.Request) { r.AllowedRegions = []string{"eu-central", "us-east"} }, "region eu-west not allowed", op},
		{"anti-affinity", func(h *engine.HostSnapshot) { h.GroupVMs = 2 }, func(r *engine.Request) { r.AntiAffinityGroup = "g" },
			"anti-affinity: group g already on host", op + engine.StepsPerAffinityCheck},
		{"anti-affinity of another group only matters with a group", func(h *engine.HostSnapshot) { h.GroupVMs = 2 }, nil, "", op},
		// the first failing check decides, in the documented order
		{"excluded before draining", func(h *engine.HostSnapshot) { h.Active, h.Status = false, "HOST_STATUS_DRAINING" },
			func(r *engine.Request) { r.Exclude = "h1" }, "current host of the VM", 0},
		{"cpu before labels", nil, func(r *engine.Request) { r.Resources.CPUMillis = 7_000; r.RequiredLabels = []engine.Label{silv} },
			"insufficient cpu: free 6000 < 7000 millis", op},
	} {
		h, r := base(), req()
		if tc.host != nil {
			tc.host(&h)
		}
		if tc.req != nil {
			tc.req(&r)
		}
		m := meter.New(meter.Unlimited)
		reason, err := engine.Filter(m, cfg, r, h, h.Facts())
		if err != nil || reason != tc.reason || m.Used() != tc.steps {
			t.Errorf("%s: %q, %d steps, %v; want %q, %d steps", tc.name, reason, m.Used(), err, tc.reason, tc.steps)
		}
	}
}

func TestScore(t *testing.T) {
	h := host("h", "r", rs(10_000, 20_000, 100, 0))
	h.Used = rs(2_000, 4_000, 0, 0)
	// free after: 4000/10000, 8000/20000, 50/100 → mean 433333 (integer), gpus skipped (no capacity)
	fit, spread := engine.Score(50_000, h, rs(4_000, 8_000, 50, 0), 2)
	if fit != 1_000_000-433_333 || spread != 100_000 {
		t.Fatalf("fit %d spread %d", fit, spread)
	}
	h.Capacity.GPUs = 4
	fit, _ = engine.Score(50_000, h, rs(4_000, 8_000, 50, 2), 0)
	if fit != 1_000_000-450_000 { // + 2/4 gpus free after
		t.Fatalf("fit with gpus %d", fit)
	}
	if _, spread := engine.Score(1_000_000, h, rs(0, 0, 0, 0), 5_000_000); spread != 1_000_000*1_000_000 {
		t.Fatalf("spread is capped at 1e6 VMs: %d", spread)
	}
	if fit, _ := engine.Score(0, h, h.Free(), 0); fit != 1_000_000 {
		t.Fatalf("a host filled exactly fits perfectly: %d", fit)
	}
}

// Higher score wins, ties go to the smaller host id whatever the walk order, the spread term
// moves the owner away, and Ranked lists the accepted candidates best first.
func TestScoringAndTieBreak(t *testing.T) {
	cfg := testConfig()
	req := engine.Request{Resources: rs(1_000, 1_024, 10, 0)}
	same := []engine.HostSnapshot{
		host("h3", "eu-west", rs(8_000, 16_384, 100, 0)),
		host("h1", "eu-west", rs(8_000, 16_384, 100, 0)),
		host("h2", "us-east", rs(8_000, 16_384, 100, 0)),
	}
	r := place(t, cfg, req, same...)
	if winner(r) != "h1" || len(r.Candidates) != 3 || r.Candidates[0].HostID != "h1" {
		t.Fatalf("tie → smallest id, walked in id order: %+v", r)
	}
	slices.Reverse(same)
	if r2 := place(t, cfg, req, same...); !reflect.DeepEqual(r, r2) {
		t.Fatal("the input order does not matter")
	}
	// the tighter host fits better (walked first too: less free cpu)
	tight := host("h9", "eu-west", rs(4_000, 8_192, 50, 0))
	r = place(t, cfg, req, append(same, tight)...)
	if winner(r) != "h9" || r.Candidates[0].HostID != "h9" {
		t.Fatalf("best fit: %+v", r)
	}
	// three of the owner's VMs on h9 cost 150000: more than its fit advantage
	fitTight, _ := engine.Score(cfg.SpreadWeightPpm, tight, req.Resources, 0)
	fitLoose, _ := engine.Score(cfg.SpreadWeightPpm, same[0], req.Resources, 0)
	if d := fitTight - fitLoose; d <= 0 || d >= 150_000 {
		t.Fatalf("test set-up: fit difference %d", d)
	}
	tight.OwnerVMs = 3
	r = place(t, cfg, req, append(same, tight)...)
	if winner(r) != "h1" {
		t.Fatalf("spread: %+v", r)
	}
	ranked := r.Ranked()
	var ids []string
	for _, c := range ranked {
		ids = append(ids, c.HostID)
	}
	if !slices.Equal(ids, []string{"h1", "h2", "h3", "h9"}) || ranked[3].Spread != 150_000 || ranked[3].Score != ranked[3].Fit-150_000 {
		t.Fatalf("ranked %v %+v", ids, ranked)
	}
	if r.WinningScore != ranked[0].Score || !strings.HasPrefix(r.Summary, "placed on h1 (region eu-west) with score ") {
		t.Fatalf("summary %q", r.Summary)
	}
}

func TestAntiAffinity(t *testing.T) {
	cfg := testConfig()
	req := engine.Request{Resources: rs(1_000, 1_024, 10, 0), AntiAffinityGroup: "web"}
	a := host("a", "eu-west", rs(2_000, 4_096, 100, 0))
	a.GroupVMs = 1
	b := host("b", "eu-west", rs(8_000, 16_384, 100, 0))
	r := place(t, cfg, req, a, b)
	if winner(r) != "b" || r.Candidates[0].RejectReason != "anti-affinity: group web already on host" {
		t.Fatalf("%+v", r)
	}
	req.AntiAffinityGroup = ""
	if r := place(t, cfg, req, a, b); winner(r) != "a" {
		t.Fatalf("without the group the tighter host wins: %+v", r)
	}
	// replicas spread: every host of the group taken → nothing fits
	b.GroupVMs = 1
	req.AntiAffinityGroup = "web"
	if r := place(t, cfg, req, a, b); r.Winner != nil || r.Summary != "no host: 2 candidate(s) in 1 region(s) considered, none fit" {
		t.Fatalf("%+v", r)
	}
}

func regionsOf(r engine.Result) []string {
	var out []string
	for _, o := range r.Regions {
		s := o.Region
		if !o.Searched {
			s += ": " + o.RejectReason
		}
		out = append(out, s)
	}
	return out
}

func TestLatencyBounds(t *testing.T) {
	cfg := testConfig()
	hosts := []engine.HostSnapshot{
		host("c1", "eu-central", rs(8_000, 16_384, 100, 0)),
		host("w1", "eu-west", rs(4_000, 8_192, 100, 0)),
		host("u1", "us-east", rs(4_000, 8_192, 100, 0)),
		host("x1", "ap-south", rs(4_000, 8_192, 100, 0)),
	}
	req := engine.Request{Resources: rs(1_000, 1_024, 10, 0), Latency: testLat,
		MaxLatency: []engine.LatencyBound{{Region: "eu-west", MaxUs: 20_000}}}
	r := place(t, cfg, req, hosts...)
	// the rejected regions first (as the region filter met them), then the searched ones
	want := []string{"ap-south: latency ap-south→eu-west unknown", "us-east: latency us-east→eu-west 40000 µs > 20000 µs", "eu-central", "eu-west"}
	if got := regionsOf(r); !slices.Equal(got, want) {
		t.Fatalf("regions %q", got)
	}
	if winner(r) != "w1" || r.RegionsSearched != 2 {
		t.Fatalf("%+v", r)
	}
	// a bound is inclusive; every bound must hold
	req.MaxLatency = []engine.LatencyBound{{Region: "eu-west", MaxUs: 40_000}, {Region: "eu-central", MaxUs: 45_000}}
	if got := regionsOf(place(t, cfg, req, hosts...)); !slices.Equal(got, []string{"ap-south: latency ap-south→eu-west unknown", "eu-central", "eu-west", "us-east"}) {
		t.Fatalf("regions %q", got)
	}
	// no latency source: every bound is unknown
	req.Latency = nil
	if r := place(t, cfg, req, hosts...); r.Winner != nil || r.RegionsSearched != 0 || len(r.Regions) != 4 {
		t.Fatalf("%+v", r)
	}
	// known regions are capped (byte order), and are also the regions of inactive hosts
	req.Latency = testLat
	cfg.MaxRegionsScanned = 2
	if got := regionsOf(place(t, cfg, req, hosts...)); !slices.Equal(got, []string{"ap-south: latency ap-south→eu-west unknown", "eu-central"}) {
		t.Fatalf("capped regions %q", got)
	}
	// with allowed regions the bounds filter those
	cfg = testConfig()
	req.AllowedRegions = []string{"eu-west", "us-east"}
	req.MaxLatency = []engine.LatencyBound{{Region: "eu-central", MaxUs: 20_000}}
	if got := regionsOf(place(t, cfg, req, hosts...)); !slices.Equal(got, []string{"us-east: latency us-east→eu-central 45000 µs > 20000 µs", "eu-west"}) {
		t.Fatalf("allowed regions %q", got)
	}
}

// Nearest mode: regions by latency to the named one (stable on ties), the first region with a
// feasible host wins even when a farther one scores better, unknown distances reject a region.
func TestNearestRegion(t *testing.T) {
	cfg := testConfig()
	c1 := host("c1", "eu-central", rs(1_000, 1_024, 10, 0)) // a perfect fit, but farther
	w1 := host("w1", "eu-west", rs(64_000, 65_536, 1_000, 0))
	u1 := host("u1", "us-east", rs(1_000, 1_024, 10, 0))
	x1 := host("x1", "ap-south", rs(1_000, 1_024, 10, 0))
	req := engine.Request{Resources: rs(1_000, 1_024, 10, 0), Latency: testLat, Nearest: "eu-west", Exclude: "u1"}
	r := place(t, cfg, req, c1, w1, u1, x1)
	if got := regionsOf(r); !slices.Equal(got, []string{"ap-south: latency ap-south→eu-west unknown", "eu-west"}) || winner(r) != "w1" {
		t.Fatalf("regions %q winner %q", got, winner(r))
	}
	// nothing fits in eu-west → the next nearest, eu-central; us-east is never walked
	w1.Active, w1.Status = false, "HOST_STATUS_DRAINING"
	r = place(t, cfg, req, c1, w1, u1, x1)
	if got := regionsOf(r); !slices.Equal(got, []string{"ap-south: latency ap-south→eu-west unknown", "eu-west", "eu-central"}) || winner(r) != "c1" {
		t.Fatalf("regions %q winner %q", got, winner(r))
	}
	// equal distances keep name order
	lat := latTable{{"a", "z"}: 5, {"b", "z"}: 5, {"c", "z"}: 1}
	req = engine.Request{Resources: rs(1_000, 1_024, 10, 0), Latency: lat, Nearest: "z"}
	r = place(t, cfg, req, host("ha", "a", rs(2_000, 4_096, 100, 0)), host("hb", "b", rs(2_000, 4_096, 100, 0)), host("hc", "c", rs(1_000, 1_024, 10, 1)))
	r2 := place(t, cfg, engine.Request{Resources: rs(1_500, 1_024, 10, 0), Latency: lat, Nearest: "z"},
		host("ha", "a", rs(2_000, 4_096, 100, 0)), host("hb", "b", rs(2_000, 4_096, 100, 0)), host("hc", "c", rs(1_000, 1_024, 10, 1)))
	if winner(r) != "hc" || winner(r2) != "ha" || !slices.Equal(regionsOf(r2), []string{"c", "a"}) {
		t.Fatalf("%q %q %q", winner(r), winner(r2), regionsOf(r2))
	}
}

func TestLabelMatchingAndScopes(t *testing.T) {
	cfg := testConfig()
	hosts := []engine.HostSnapshot{
		host("h1", "eu-west", rs(4_000, 8_192, 100, 0), ssd),
		host("h2", "eu-west", rs(8_000, 16_384, 100, 0), ssd, gold),
		host("h3", "eu-west", rs(8_000, 16_384, 100, 0), ssd, silv),
		host("h4", "eu-west", rs(2_000, 16_384, 100, 0), gold),
		host("g1", "eu-west", rs(8_000, 16_384, 100, 2), gpuL, ssd, gold),
	}
	req := engine.Request{Resources: rs(1_000, 1_024, 10, 0), RequiredLabels: []engine.Label{ssd, gold}}
	r := place(t, cfg, req, hosts...)
	// the scope is the first required label's (ssd): h4 is never visited
	rej := r.Rejected()
	if winner(r) != "h2" || rej["h1"] != "missing label tier=gold" || rej["h3"] != "missing label tier=gold" || len(r.Candidates) != 4 {
		t.Fatalf("%+v", r)
	}
	if s := r.Regions[0].Scope; !s.ByLabel || s.Label != ssd || s.Region != "" || s.GPU {
		t.Fatalf("scope %+v", s)
	}
	// GPUs take precedence over labels for the scope: only GPU hosts are walked
	req.Resources.GPUs = 1
	r = place(t, cfg, req, hosts...)
	if winner(r) != "g1" || len(r.Candidates) != 1 || !r.Regions[0].Scope.GPU {
		t.Fatalf("%+v", r)
	}
	for _, tc := range []struct {
		s    engine.Scope
		h    engine.HostSnapshot
		want bool
	}{
		{engine.Scope{}, hosts[0], true},
		{engine.Scope{Region: "us-east"}, hosts[0], false},
		{engine.Scope{GPU: true}, hosts[0], false},
		{engine.Scope{GPU: true, Region: "eu-west"}, hosts[4], true},
		{engine.Scope{ByLabel: true, Label: gold}, hosts[2], false},
		{engine.Scope{ByLabel: true, Label: silv, Region: "eu-west"}, hosts[2], true},
		{engine.Scope{}, engine.HostSnapshot{ID: "x"}, false}, // inactive hosts are not in the index
	} {
		if got := tc.s.Contains(tc.h); got != tc.want {
			t.Errorf("%+v contains %s: %v", tc.s, tc.h.ID, got)
		}
	}
}

// The candidate quota is shared across regions, split evenly over the regions left, at least one
// per region, unused quota carrying forward.
func TestCandidateQuota(t *testing.T) {
	cfg := testConfig()
	cfg.MaxCandidates = 3
	var hosts []engine.HostSnapshot
	for _, region := range []string{"b", "c", "d"} {
		for i := 0; i < 2; i++ {
			hosts = append(hosts, host(fmt.Sprintf("%s%d", region, i), region, rs(uint64(2_000+i*1_000), 4_096, 100, 0)))
		}
	}
	req := engine.Request{Resources: rs(1_000, 1_024, 10, 0), AllowedRegions: []string{"a", "b", "c", "d", "e"}}
	r := place(t, cfg, req, hosts...)
	// a: 3/5 → 1, empty; b: 3/4 → 1; c: 2/3 → 1; d: 1/2 → 1; e: nothing left
	want := []string{"a", "b", "c", "d", "e: candidate budget exhausted"}
	if got := regionsOf(r); !slices.Equal(got, want) {
		t.Fatalf("regions %q", got)
	}
	var ids []string
	for _, c := range r.Candidates {
		ids = append(ids, c.HostID)
	}
	if !slices.Equal(ids, []string{"b0", "c0", "d0"}) || r.Summary != "placed on b0 (region b) with score 283334 after 3 candidate(s)" {
		t.Fatalf("%v %q", ids, r.Summary)
	}
	cfg.MaxCandidates = 4 // b: 4/4 → 1 ... d: 2/2 → 1 → 1 left for e (empty)
	if r := place(t, cfg, req, hosts...); len(r.Candidates) != 3 || len(r.Regions) != 5 || !r.Regions[4].Searched {
		t.Fatalf("%+v", r)
	}
	cfg.MaxCandidates = 6 // a single region gets the whole quota
	req.AllowedRegions = []string{"b"}
	if r := place(t, cfg, req, hosts...); len(r.Candidates) != 2 {
		t.Fatalf("one region takes the whole quota: %+v", r)
	}
}

type charge struct {
	stage string
	steps uint64
}

// chargeLog lists the charges run makes, in order, by raising the budget one failed charge at a
// time: every prefix budget fails with the typed meter error at the next charge, having used no
// more than its budget. It returns the log and the steps of the whole run.
func chargeLog(t *testing.T, run func(m *meter.Meter) error) ([]charge, uint64) {
	t.Helper()
	var log []charge
	var used uint64
	for budget := uint64(0); ; {
		m := meter.New(budget)
		err := run(m)
		if err == nil {
			return log, m.Used()
		}
		var be *meter.BudgetError
		if !errors.As(err, &be) || !errors.Is(err, meter.ErrBudgetExceeded) || be.Budget != budget || m.Used() > budget || m.Used() != used {
			t.Fatalf("budget %d: %v (used %d, want %d)", budget, err, m.Used(), used)
		}
		log = append(log, charge{be.Stage, be.Need - used})
		used, budget = be.Need, be.Need
		if len(log) > 10_000 {
			t.Fatal("no end")
		}
	}
}

// The exact charges of a placement, in order (the keeper's walk and the engine together), and
// the typed budget error at every one of them.
func TestChargesInOrderAndBudgetExhaustion(t *testing.T) {
	cfg := testConfig()
	cfg.MaxCandidates = 4
	c1 := host("c1", "eu-central", rs(8_000, 16_384, 100, 0), ssd)
	w1 := host("w1", "eu-west", rs(4_000, 16_384, 100, 0), ssd)
	w1.GroupVMs = 1
	w2 := host("w2", "eu-west", rs(8_000, 16_384, 100, 0), ssd)
	set := hostSet(t, c1, w1, w2, host("w3", "eu-west", rs(8_000, 16_384, 100, 0)))
	req := engine.Request{Resources: rs(1_000, 1_024, 10, 0), AllowedRegions: []string{"eu-central", "eu-west"},
		MaxLatency: []engine.LatencyBound{{Region: "us-east", MaxUs: 45_000}}, AntiAffinityGroup: "g",
		RequiredLabels: []engine.Label{ssd}, Latency: testLat}
	full, err := engine.Place(nil, cfg, req, set)
	if err != nil || winner(full) != "c1" {
		t.Fatalf("%+v %v", full, err)
	}
	var last engine.Result
	log, steps := chargeLog(t, func(m *meter.Meter) error {
		var err error
		last, err = engine.Place(m, cfg, req, set)
		if err != nil && last.Summary != err.Error() {
			t.Fatalf("summary %q", last.Summary)
		}
		return err
	})
	region := engine.StepsPerRegion + 500*engine.StepsPerGas
	lookup := engine.StepsPerLatencyLookup + 2*engine.StepsPerTableCompare
	cand := engine.StepsPerCandidate + 1_500*engine.StepsPerGas
	labels := 2 * engine.StepsPerLabel
	op := 2 * engine.StepsPerOperatorCompare
	want := []charge{
		{"region", region}, {"latency lookup", lookup}, {"region", region}, {"latency lookup", lookup},
		{"scope seek", engine.StepsPerScopeSeek},
		{"candidate", cand}, {"candidate labels", labels}, {"operator check", op}, {"anti-affinity", engine.StepsPerAffinityCheck}, {"score", engine.StepsPerScore}, {"ranking", engine.StepsPerRank},
		{"scope seek", engine.StepsPerScopeSeek},
		{"candidate", cand}, {"candidate labels", labels}, {"operator check", op}, {"anti-affinity", engine.StepsPerAffinityCheck},
		{"candidate", cand}, {"candidate labels", labels}, {"operator check", op}, {"anti-affinity", engine.StepsPerAffinityCheck}, {"score", engine.StepsPerScore}, {"ranking", engine.StepsPerRank},
	}
	if !slices.Equal(log, want) {
		t.Fatalf("charges\n%v\nwant\n%v", log, want)
	}
	var sum uint64
	for _, c := range want {
		sum += c.steps
	}
	if steps != sum || !reflect.DeepEqual(last, full) {
		t.Fatalf("steps %d want %d; exact budget result %+v", steps, sum, last)
	}
	// a failed search keeps what it had recorded: one step short, everything but the last ranking
	m := meter.New(steps - 1)
	r, err := engine.Place(m, cfg, req, set)
	if !errors.Is(err, meter.ErrBudgetExceeded) || len(r.Candidates) != 3 || r.Winner != nil ||
		err.Error() != fmt.Sprintf("work budget exceeded: ranking needs %d steps, budget %d", steps, steps-1) {
		t.Fatalf("%+v %v", r, err)
	}

	// nearest mode ranks the regions (n·⌈log2(n+1)⌉ comparisons) after one lookup each
	req = engine.Request{Resources: rs(1_000, 1_024, 10, 0), Nearest: "eu-west", Latency: testLat}
	log, _ = chargeLog(t, func(m *meter.Meter) error { _, err := engine.Place(m, cfg, req, set); return err })
	want = []charge{{"known region", engine.StepsPerRegion}, {"known region", engine.StepsPerRegion},
		{"region", region}, {"latency lookup", lookup}, {"region", region}, {"latency lookup", lookup},
		{"region ranking", engine.StepsPerRegionRank * 2 * 2}, {"scope seek", engine.StepsPerScopeSeek}}
	if !slices.Equal(log[:len(want)], want) {
		t.Fatalf("nearest charges %v", log)
	}
}

func TestEvaluateTarget(t *testing.T) {
	cfg := testConfig()
	h := host("t1", "eu-central", rs(8_000, 16_384, 100, 0), ssd, gold)
	h.OwnerVMs = 1
	req := engine.Request{Resources: rs(1_000, 1_024, 10, 0), RequiredLabels: []engine.Label{ssd},
		MaxLatency: []engine.LatencyBound{{Region: "eu-west", MaxUs: 10_000}}, Latency: testLat, Exclude: "t0"}
	target := engine.StepsPerRegion + engine.StepsPerCandidate + (500+1_500)*engine.StepsPerGas + 3*engine.StepsPerLabel
	if engine.TargetSteps(cfg, req, h) != target {
		t.Fatal(engine.TargetSteps(cfg, req, h))
	}
	log, _ := chargeLog(t, func(m *meter.Meter) error { _, err := engine.EvaluateTarget(m, cfg, req, h, h.Facts()); return err })
	want := []charge{{"target", target}, {"latency lookup", engine.StepsPerLatencyLookup + 2*engine.StepsPerTableCompare},
		{"operator check", 2 * engine.StepsPerOperatorCompare}, {"score", engine.StepsPerScore}}
	if !slices.Equal(log, want) {
		t.Fatalf("charges %v", log)
	}
	r, err := engine.EvaluateTarget(nil, cfg, req, h, h.Facts())
	fit, _ := engine.Score(cfg.SpreadWeightPpm, h, req.Resources, 1)
	if err != nil || winner(r) != "t1" || r.WinningScore != fit-50_000 || len(r.Candidates) != 1 ||
		r.Summary != fmt.Sprintf("placed on requested host t1 with score %d", fit-50_000) {
		t.Fatalf("%+v %v", r, err)
	}
	req.MaxLatency[0].MaxUs = 9_999
	r, _ = engine.EvaluateTarget(nil, cfg, req, h, h.Facts())
	if r.Winner != nil || r.Summary != "target host rejected: latency eu-central→eu-west 10000 µs > 9999 µs" || r.Candidates[0].Accepted {
		t.Fatalf("%+v", r)
	}
	req.MaxLatency = nil
	req.Exclude = "t1"
	if r, _ = engine.EvaluateTarget(nil, cfg, req, h, h.Facts()); r.Summary != "target host rejected: current host of the VM" {
		t.Fatalf("%+v", r)
	}
	// out of budget: no candidate, the error as summary
	if r, err = engine.EvaluateTarget(meter.New(target-1), cfg, req, h, h.Facts()); !errors.Is(err, meter.ErrBudgetExceeded) || len(r.Candidates) != 0 || r.Summary != err.Error() {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestHostSet(t *testing.T) {
	d := host("d", "b-region", rs(1_000, 1_024, 10, 0))
	d.Active = false
	set := hostSet(t, host("z", "a-region", rs(2_000, 1_024, 10, 0)), host("y", "c-region", rs(4_000, 1_024, 10, 0)),
		host("x", "a-region", rs(2_000, 1_024, 10, 0)), d)
	m := meter.New(meter.Unlimited)
	regions, err := set.KnownRegions(m, 16)
	if err != nil || !slices.Equal(regions, []string{"a-region", "b-region", "c-region"}) || m.Used() != 3*engine.StepsPerRegion {
		t.Fatalf("%v %v %d", regions, err, m.Used())
	}
	if regions, _ := set.KnownRegions(nil, 0); !slices.Equal(regions, []string{"a-region"}) {
		t.Fatalf("max 0 still reads one: %v", regions)
	}
	var seen []string
	m = meter.New(meter.Unlimited)
	err = set.Walk(m, engine.WalkSpec{MinFreeCPU: 1_500, CandidateSteps: 7}, func(h engine.HostSnapshot) (bool, error) {
		seen = append(seen, h.ID)
		return false, nil
	})
	if err != nil || !slices.Equal(seen, []string{"x", "z", "y"}) || m.Used() != engine.StepsPerScopeSeek+3*7 {
		t.Fatalf("walk %v %v %d", seen, err, m.Used())
	}
	seen = nil
	_ = set.Walk(nil, engine.WalkSpec{}, func(h engine.HostSnapshot) (bool, error) { seen = append(seen, h.ID); return len(seen) == 2, nil })
	if !slices.Equal(seen, []string{"x", "z"}) {
		t.Fatalf("stop: %v", seen)
	}
	boom := errors.New("boom")
	if err := set.Walk(nil, engine.WalkSpec{}, func(engine.HostSnapshot) (bool, error) { return false, boom }); err != boom {
		t.Fatal(err)
	}
	if _, err := engine.NewHostSet([]engine.HostSnapshot{d, d}); err == nil {
		t.Fatal("duplicate ids")
	}
}
