package engine_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/vmlifecycle/engine"
)

// bruteForce is the placement rule stated directly over every host, with a candidate quota
// that never binds: the feasible hosts of the usable regions, the best by (score desc, id asc);
// in nearest mode the best of the nearest usable region (by latency, then name) that has one.
// It returns the winner ("" none), its score, and the feasible hosts of the regions a search
// walks (nearest mode: up to the winning region).
func bruteForce(cfg engine.Config, req engine.Request, hosts []engine.HostSnapshot) (string, int64, []string) {
	lat := func(a, b string) (int64, bool) {
		if req.Latency == nil {
			return 0, false
		}
		return req.Latency.LatencyUs(a, b)
	}
	usable := func(region string) (int64, bool) {
		for _, b := range req.MaxLatency {
			if l, ok := lat(region, b.Region); !ok || l > b.MaxUs {
				return 0, false
			}
		}
		if req.Nearest == "" {
			return 0, true
		}
		return lat(region, req.Nearest)
	}
	has := func(h engine.HostSnapshot, l engine.Label) bool { return slices.Contains(h.Labels, l) }
	feasible := func(h engine.HostSnapshot) bool {
		free := engine.Resources{CPUMillis: h.Capacity.CPUMillis - h.Used.CPUMillis, MemoryMiB: h.Capacity.MemoryMiB - h.Used.MemoryMiB,
			DiskGiB: h.Capacity.DiskGiB - h.Used.DiskGiB, GPUs: h.Capacity.GPUs - h.Used.GPUs}
		ok := h.Active && h.ID != req.Exclude && slices.Contains(cfg.HostOperators, h.Operator) &&
			free.CPUMillis >= req.Resources.CPUMillis && free.MemoryMiB >= req.Resources.MemoryMiB &&
			free.DiskGiB >= req.Resources.DiskGiB && free.GPUs >= req.Resources.GPUs &&
			(len(req.AllowedRegions) == 0 || slices.Contains(req.AllowedRegions, h.Region)) &&
			(req.AntiAffinityGroup == "" || h.GroupVMs == 0)
		for _, l := range req.RequiredLabels {
			ok = ok && has(h, l)
		}
		return ok
	}
	score := func(h engine.HostSnapshot) int64 {
		var sum, n int64
		for _, d := range [][2]uint64{
			{h.Capacity.CPUMillis - h.Used.CPUMillis - req.Resources.CPUMillis, h.Capacity.CPUMillis},
			{h.Capacity.MemoryMiB - h.Used.MemoryMiB - req.Resources.MemoryMiB, h.Capacity.MemoryMiB},
			{h.Capacity.DiskGiB - h.Used.DiskGiB - req.Resources.DiskGiB, h.Capacity.DiskGiB},
			{uint64(h.Capacity.GPUs - h.Used.GPUs - req.Resources.GPUs), uint64(h.Capacity.GPUs)},
		} {
			if d[1] > 0 {
				sum += int64(d[0] * 1_000_000 / d[1])
				n++
			}
		}
		return 1_000_000 - sum/n - cfg.SpreadWeightPpm*int64(min(h.OwnerVMs, 1_000_000))
	}
	best := func(region *string) (string, int64, []string) {
		id, s := "", int64(0)
		var all []string
		for _, h := range hosts {
			if (region != nil && h.Region != *region) || !feasible(h) {
				continue
			}
			all = append(all, h.ID)
			if sc := score(h); id == "" || sc > s || (sc == s && h.ID < id) {
				id, s = h.ID, sc
			}
		}
		return id, s, all
	}
	var regions []string
	switch {
	case len(req.AllowedRegions) > 0:
		regions = req.AllowedRegions
	case len(req.MaxLatency) > 0 || req.Nearest != "":
		seen := map[string]bool{}
		for _, h := range hosts {
			if !seen[h.Region] {
				seen[h.Region] = true
				regions = append(regions, h.Region)
			}
		}
		sort.Strings(regions)
		regions = regions[:min(len(regions), max(int(cfg.MaxRegionsScanned), 1))]
	default:
		return best(nil)
	}
	type rl struct {
		r string
		l int64
	}
	var ok []rl
	for _, r := range regions {
		if l, good := usable(r); good {
			ok = append(ok, rl{r, l})
		}
	}
	sort.SliceStable(ok, func(i, j int) bool { return ok[i].l < ok[j].l })
	id, s := "", int64(0)
	var walked []string
	for _, r := range ok {
		w, ws, all := best(&r.r)
		walked = append(walked, all...)
		if w != "" && (id == "" || ws > s || (ws == s && w < id)) {
			id, s = w, ws
		}
		if req.Nearest != "" && id != "" {
			break
		}
	}
	return id, s, walked
}

func randomCase(rng *rand.Rand) (engine.Config, engine.Request, []engine.HostSnapshot) {
	regions := []string{"ap", "eu", "sa", "us"}
	labels := []engine.Label{gpuL, ssd, gold, silv}
	pick := func() []engine.Label {
		var ls []engine.Label
		for _, l := range labels { // sorted by key; one value per key
			if rng.IntN(3) == 0 && (len(ls) == 0 || ls[len(ls)-1].Key != l.Key) {
				ls = append(ls, l)
			}
		}
		return ls
	}
	lat := latTable{}
	for i, a := range regions {
		for _, b := range regions[i+1:] {
			if rng.IntN(5) != 0 {
				lat[[2]string{a, b}] = int64(rng.IntN(8)) * 10_000
			}
		}
	}
	cfg := engine.Config{
		HostOperators:     []string{"op-a", "op-b"},
		LatencyTableSize:  len(lat),
		MaxCandidates:     1024, // never binds: ≥ 1024/4 per region > every host
		MaxRegionsScanned: uint32(rng.IntN(5)),
		SpreadWeightPpm:   int64(rng.IntN(4)) * 40_000,
		GasPerRegion:      uint64(rng.IntN(1000)),
		GasPerCandidate:   uint64(rng.IntN(2000)),
	}
	n := rng.IntN(30)
	hosts := make([]engine.HostSnapshot, n)
	for i := range hosts {
		c := rs(uint64(1+rng.IntN(8))*2_000, uint64(1+rng.IntN(8))*4_096, uint64(rng.IntN(3))*100, uint32(rng.IntN(3)))
		u := rs(uint64(rng.IntN(int(c.CPUMillis)+1)), uint64(rng.IntN(int(c.MemoryMiB)+1)), uint64(rng.IntN(int(c.DiskGiB)+1)), uint32(rng.IntN(int(c.GPUs)+1)))
		h := host(fmt.Sprintf("h%03d", i*7%97), regions[rng.IntN(len(regions))], c, pick()...) // distinct ids, not in walk order
		h.Used = u
		h.Operator = []string{"op-a", "op-b", "op-c"}[rng.IntN(3)]
		if rng.IntN(6) == 0 {
			h.Active, h.Status = false, "HOST_STATUS_DRAINING"
		}
		h.GroupVMs = uint64(rng.IntN(4) / 3)
		h.OwnerVMs = uint64(rng.IntN(4))
		hosts[i] = h
	}
	req := engine.Request{Resources: rs(uint64(rng.IntN(8))*1_000, uint64(rng.IntN(8))*2_048, uint64(rng.IntN(3))*30, uint32(rng.IntN(4)/2)), Latency: lat}
	if rng.IntN(3) == 0 {
		for _, r := range regions {
			if rng.IntN(2) == 0 {
				req.AllowedRegions = append(req.AllowedRegions, r)
			}
		}
	}
	if rng.IntN(2) == 0 {
		req.RequiredLabels = pick()
	}
	if rng.IntN(2) == 0 {
		req.AntiAffinityGroup = "g"
	}
	for i := rng.IntN(3); i > 0; i-- {
		req.MaxLatency = append(req.MaxLatency, engine.LatencyBound{Region: regions[rng.IntN(len(regions))], MaxUs: int64(rng.IntN(8)) * 10_000})
	}
	if rng.IntN(4) == 0 {
		req.Nearest = regions[rng.IntN(len(regions))]
	}
	if n > 0 && rng.IntN(3) == 0 {
		req.Exclude = hosts[rng.IntN(n)].ID
	}
	return cfg, req, hosts
}

// The engine's choice equals the brute-force rule over random host sets, the accepted candidates
// are exactly the feasible hosts of the regions walked, every rejection is of an infeasible host
// with a reason, and the metered search gives the unmetered result under exactly its steps and
// the typed budget error one step short.
func TestRandomAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewChaCha8([32]byte{42}))
	placed := 0
	for i := 0; i < 3_000; i++ {
		cfg, req, hosts := randomCase(rng)
		set := hostSet(t, hosts...)
		r, err := engine.Place(nil, cfg, req, set)
		if err != nil {
			t.Fatal(err)
		}
		wantID, wantScore, feasible := bruteForce(cfg, req, hosts)
		if winner(r) != wantID || (wantID != "" && r.WinningScore != wantScore) {
			t.Fatalf("case %d: engine %q (%d), brute force %q (%d)\nreq %+v\nhosts %+v\nresult %+v", i, winner(r), r.WinningScore, wantID, wantScore, req, hosts, r)
		}
		var accepted []string
		for _, c := range r.Candidates {
			if c.Accepted {
				accepted = append(accepted, c.HostID)
			} else if c.RejectReason == "" || slices.Contains(feasible, c.HostID) {
				t.Fatalf("case %d: %+v", i, c)
			}
		}
		slices.Sort(accepted)
		slices.Sort(feasible)
		if !slices.Equal(accepted, feasible) {
			t.Fatalf("case %d: accepted %v, feasible %v", i, accepted, feasible)
		}
		if wantID != "" {
			placed++
			if rk := r.Ranked(); rk[0].HostID != wantID {
				t.Fatalf("case %d: ranked %+v", i, rk)
			}
		}

		m := meter.New(meter.Unlimited)
		rm, err := engine.Place(m, cfg, req, set)
		steps := m.Used()
		if err != nil || !reflect.DeepEqual(rm, r) {
			t.Fatalf("case %d: metered differs: %v", i, err)
		}
		m = meter.New(steps)
		if re, err := engine.Place(m, cfg, req, set); err != nil || m.Used() != steps || !reflect.DeepEqual(re, r) {
			t.Fatalf("case %d: exact budget: %v", i, err)
		}
		if steps > 0 {
			m = meter.New(steps - 1)
			_, err := engine.Place(m, cfg, req, set)
			var be *meter.BudgetError
			if !errors.As(err, &be) || be.Budget != steps-1 || m.Used() > steps-1 {
				t.Fatalf("case %d: one step short: %v", i, err)
			}
		}
	}
	if placed < 300 {
		t.Fatalf("only %d placements: the generator is too strict", placed)
	}
	t.Logf("%d of 3000 placed", placed)
}
