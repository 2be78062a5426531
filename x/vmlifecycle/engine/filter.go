package engine

import (
	"fmt"
	"math/bits"
	"sort"

	"github.com/novacron/novacron/x/internal/meter"
)

const ppm = 1_000_000

// Score is the fit and spread of a host that passed the filters, for a VM of demand req whose
// owner has ownerVMs VMs on the host. score = fit − spread, higher is better.
//
//	fit    = 1e6 − mean over dimensions with capacity > 0 of (free_after·1e6 / capacity)
//	spread = spreadWeightPpm × min(ownerVMs, 1e6)
func Score(spreadWeightPpm int64, h HostSnapshot, req Resources, ownerVMs uint64) (fit, spread int64) {
	after := h.Free().Sub(req)
	var sum, dims int64
	add := func(free, capacity uint64) {
		if capacity == 0 {
			return
		}
		sum += int64(free * ppm / capacity) // free ≤ capacity ≤ 2^40 on chain, so no overflow
		dims++
	}
	add(after.CPUMillis, h.Capacity.CPUMillis)
	add(after.MemoryMiB, h.Capacity.MemoryMiB)
	add(after.DiskGiB, h.Capacity.DiskGiB)
	add(uint64(after.GPUs), uint64(h.Capacity.GPUs))
	if dims > 0 { // a registered host has cpu and memory, so always on chain
		fit = ppm - sum/dims
	}
	spread = spreadWeightPpm * int64(min(ownerVMs, 1_000_000))
	return fit, spread
}

// hasLabels reports whether have (sorted by key) holds every label of want (sorted by key),
// else the first missing one.
func hasLabels(have, want []Label) (Label, bool) {
	i := 0
	for _, w := range want {
		for i < len(have) && have[i].Key < w.Key {
			i++
		}
		if i == len(have) || have[i].Key != w.Key || have[i].Value != w.Value {
			return w, false
		}
	}
	return Label{}, true
}

// LabelSteps is the charge (StageLabels) for comparing h's labels with the required ones.
func LabelSteps(req Request, h HostSnapshot) uint64 {
	return StepsPerLabel * (uint64(len(h.Labels)) + uint64(len(req.RequiredLabels)))
}

// Filter returns "" when h can take the request, else the reason it cannot. It charges the
// operator check (StageOperator) and, when the request has an anti-affinity group and the host
// passed every other filter, the anti-affinity read (StageAntiAffinity) before asking facts.
// The caller charged the candidate and its labels (LabelSteps).
func Filter(m *meter.Meter, cfg Config, req Request, h HostSnapshot, facts Facts) (string, error) {
	r := req.Resources
	free := h.Free()
	switch {
	case h.ID == req.Exclude:
		return "current host of the VM", nil
	case !h.Active:
		return "host is " + h.Status, nil
	}
	if err := m.Charge(StageOperator, StepsPerOperatorCompare*uint64(bits.Len(uint(len(cfg.HostOperators))))); err != nil {
		return "", err
	}
	switch {
	case !cfg.isHostOperator(h.Operator):
		return fmt.Sprintf("operator %s not on host_operators", h.Operator), nil
	case free.CPUMillis < r.CPUMillis:
		return fmt.Sprintf("insufficient cpu: free %d < %d millis", free.CPUMillis, r.CPUMillis), nil
	case free.MemoryMiB < r.MemoryMiB:
		return fmt.Sprintf("insufficient memory: free %d < %d MiB", free.MemoryMiB, r.MemoryMiB), nil
	case free.DiskGiB < r.DiskGiB:
		return fmt.Sprintf("insufficient disk: free %d < %d GiB", free.DiskGiB, r.DiskGiB), nil
	case free.GPUs < r.GPUs:
		return fmt.Sprintf("insufficient gpus: free %d < %d", free.GPUs, r.GPUs), nil
	}
	if l, ok := hasLabels(h.Labels, req.RequiredLabels); !ok {
		return fmt.Sprintf("missing label %s=%s", l.Key, l.Value), nil
	}
	if regions := req.AllowedRegions; len(regions) > 0 {
		i := sort.SearchStrings(regions, h.Region)
		if i == len(regions) || regions[i] != h.Region {
			return fmt.Sprintf("region %s not allowed", h.Region), nil
		}
	}
	if g := req.AntiAffinityGroup; g != "" {
		if err := m.Charge(StageAntiAffinity, StepsPerAffinityCheck); err != nil {
			return "", err
		}
		has, err := facts.GroupOnHost(h.ID)
		if err != nil {
			return "", err
		}
		if has {
			return fmt.Sprintf("anti-affinity: group %s already on host", g), nil
		}
	}
	return "", nil
}

// LatencySteps is the charge of one latency lookup: a flat part (a provider such as x/orbit's
// reads its snapshot) and the binary search of the params table.
func LatencySteps(cfg Config) uint64 {
	return StepsPerLatencyLookup + StepsPerTableCompare*uint64(bits.Len(uint(cfg.LatencyTableSize)))
}

func lookup(req Request, from, to string) (int64, bool) {
	if req.Latency == nil {
		return 0, false
	}
	return req.Latency.LatencyUs(from, to)
}

// RegionLatencyOK checks the request's latency bounds from region ("" = all hold), charging
// each lookup (StageLatency) before it is made.
func RegionLatencyOK(m *meter.Meter, cfg Config, req Request, region string) (string, error) {
	for _, b := range req.MaxLatency {
		if err := m.Charge(StageLatency, LatencySteps(cfg)); err != nil {
			return "", err
		}
		lat, ok := lookup(req, region, b.Region)
		if !ok {
			return fmt.Sprintf("latency %s→%s unknown", region, b.Region), nil
		}
		if lat > b.MaxUs {
			return fmt.Sprintf("latency %s→%s %d µs > %d µs", region, b.Region, lat, b.MaxUs), nil
		}
	}
	return "", nil
}

// RegionSteps is the charge (StageRegion) of one candidate region, surcharge included.
func RegionSteps(cfg Config) uint64 {
	return meter.Add(StepsPerRegion, meter.Mul(cfg.GasPerRegion, StepsPerGas))
}

// CandidateSteps is the charge (StageCandidate) of one host visited, surcharge included.
func CandidateSteps(cfg Config) uint64 {
	return meter.Add(StepsPerCandidate, meter.Mul(cfg.GasPerCandidate, StepsPerGas))
}

// candidateRegions returns the ordered regions to search ([""] = the global pass) and records
// the rejected ones in res.
func candidateRegions(m *meter.Meter, cfg Config, req Request, hosts Hosts, res *Result) ([]string, error) {
	var regions []string
	switch {
	case len(req.AllowedRegions) > 0:
		regions = req.AllowedRegions
	case len(req.MaxLatency) > 0 || req.Nearest != "":
		var err error
		if regions, err = hosts.KnownRegions(m, cfg.MaxRegionsScanned); err != nil {
			return nil, err
		}
	default:
		return []string{""}, nil
	}
	type ranked struct {
		region string
		lat    int64
	}
	var ok []ranked
	for _, r := range regions {
		if err := m.Charge(StageRegion, RegionSteps(cfg)); err != nil {
			return nil, err
		}
		reason, err := RegionLatencyOK(m, cfg, req, r)
		if err != nil {
			return nil, err
		}
		var lat int64
		if reason == "" && req.Nearest != "" {
			if err := m.Charge(StageLatency, LatencySteps(cfg)); err != nil {
				return nil, err
			}
			l, known := lookup(req, r, req.Nearest)
			if !known {
				reason = fmt.Sprintf("latency %s→%s unknown", r, req.Nearest)
			}
			lat = l
		}
		if reason != "" {
			res.Regions = append(res.Regions, RegionOutcome{Region: r, RejectReason: reason})
			continue
		}
		ok = append(ok, ranked{r, lat})
	}
	// regions is sorted by name; a stable sort by latency keeps name order for ties (and without
	// a nearest region every latency is 0, so there is nothing to sort).
	if req.Nearest != "" && len(ok) > 1 {
		n := uint64(len(ok))
		if err := m.Charge(StageRegionRanking, meter.Mul(StepsPerRegionRank, meter.Mul(n, uint64(bits.Len64(n))))); err != nil {
			return nil, err
		}
		sort.SliceStable(ok, func(i, j int) bool { return ok[i].lat < ok[j].lat })
	}
	out := make([]string, len(ok))
	for i, r := range ok {
		out[i] = r.region
	}
	return out, nil
}
