package keeper

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// Scheduler
//
// A placement never scans every host. ACTIVE hosts are indexed in HostIndex under
// (scope, free cpu_millis, host id); a placement picks one scope per candidate region
// (GPU scope if the VM needs GPUs, else the scope of its first required label, else the plain
// region scope, or the global scope when the VM has no region constraint), seeks to
// free cpu ≥ requested cpu and walks upward in free-cpu order, so the first candidates are the
// tightest CPU fits. At most Params.MaxCandidates index entries are evaluated per placement
// (shared across regions, unused quota carries forward), each charged Params.GasPerCandidate
// before it is read; regions are charged Params.GasPerRegion before their latency check.
//
// Complexity per placement: O(R·log N + K) store operations, N = hosts, R = candidate regions
// (≤ Params.MaxRegionsScanned), K = Params.MaxCandidates; gas is O(R + K), independent of N
// apart from the IAVL seek depth.
//
// Filter: free memory/disk/gpus, required labels, anti-affinity (owner, group) not on the host,
// host ACTIVE, not the excluded (current) host; latency bounds are checked per region.
// Score (integers, higher is better):
//
//	fit    = 1e6 − mean over dimensions with capacity > 0 of (free_after·1e6 / capacity)
//	spread = SpreadWeightPpm × (VMs of the same owner already on the host)
//	score  = fit − spread;  ties → smaller host id.

// placeRequest describes one placement.
type placeRequest struct {
	vm      types.VM
	owner   sdk.AccAddress
	exclude string
	// nearest, when set, orders regions by latency from it and places in the nearest region that fits.
	nearest string
	kind    string
}

type candidateResult struct {
	host  types.Host
	score int64
}

const ppm = 1_000_000

// scoreHost computes fit and spread for a host that passed the filters.
func scoreHost(p types.Params, h types.Host, req types.Resources, sameOwner uint64) (fit, spread int64) {
	after := h.Free().Sub(req)
	var sum, dims int64
	add := func(free, capacity uint64) {
		if capacity == 0 {
			return
		}
		sum += int64(free * ppm / capacity) // free ≤ capacity ≤ 2^40 so no overflow
		dims++
	}
	add(after.CpuMillis, h.Capacity.CpuMillis)
	add(after.MemoryMib, h.Capacity.MemoryMib)
	add(after.DiskGib, h.Capacity.DiskGib)
	add(uint64(after.Gpus), uint64(h.Capacity.Gpus))
	fit = ppm - sum/dims
	spread = p.SpreadWeightPpm * int64(min(sameOwner, 1_000_000))
	return fit, spread
}

// filterHost returns "" when h can take the VM, else the reason it cannot.
func (k Keeper) filterHost(ctx context.Context, req placeRequest, h types.Host) (string, error) {
	r := req.vm.Resources
	free := h.Free()
	switch {
	case h.Id == req.exclude:
		return "current host of the VM", nil
	case h.Status != types.HOST_STATUS_ACTIVE:
		return "host is " + h.Status.String(), nil
	case free.CpuMillis < r.CpuMillis:
		return fmt.Sprintf("insufficient cpu: free %d < %d millis", free.CpuMillis, r.CpuMillis), nil
	case free.MemoryMib < r.MemoryMib:
		return fmt.Sprintf("insufficient memory: free %d < %d MiB", free.MemoryMib, r.MemoryMib), nil
	case free.DiskGib < r.DiskGib:
		return fmt.Sprintf("insufficient disk: free %d < %d GiB", free.DiskGib, r.DiskGib), nil
	case free.Gpus < r.Gpus:
		return fmt.Sprintf("insufficient gpus: free %d < %d", free.Gpus, r.Gpus), nil
	}
	if l, ok := types.HasLabels(h.Labels, req.vm.Constraints.RequiredLabels); !ok {
		return fmt.Sprintf("missing label %s=%s", l.Key, l.Value), nil
	}
	if regions := req.vm.Constraints.AllowedRegions; len(regions) > 0 {
		i := sort.SearchStrings(regions, h.Region)
		if i == len(regions) || regions[i] != h.Region {
			return fmt.Sprintf("region %s not allowed", h.Region), nil
		}
	}
	if g := req.vm.Constraints.AntiAffinityGroup; g != "" {
		has, err := k.GroupOnHost.Has(ctx, collections.Join3(req.owner, g, h.Id))
		if err != nil {
			return "", err
		}
		if has {
			return fmt.Sprintf("anti-affinity: group %s already on host", g), nil
		}
	}
	return "", nil
}

// regionLatencyOK checks the VM's latency bounds for a region.
func (k Keeper) regionLatencyOK(ctx context.Context, vm types.VM, region string) string {
	for _, b := range vm.Constraints.MaxLatency {
		lat, ok := k.latency.LatencyUs(ctx, region, b.Region)
		if !ok {
			return fmt.Sprintf("latency %s→%s unknown", region, b.Region)
		}
		if lat > b.MaxUs {
			return fmt.Sprintf("latency %s→%s %d µs > %d µs", region, b.Region, lat, b.MaxUs)
		}
	}
	return ""
}

// scopeFor picks the index scope of a region ("" region = global).
func scopeFor(vm types.VM, region string) string {
	switch {
	case vm.Resources.Gpus > 0 && region == "":
		return types.ScopeGPU()
	case vm.Resources.Gpus > 0:
		return types.ScopeRegionGPU(region)
	case len(vm.Constraints.RequiredLabels) > 0 && region == "":
		return types.ScopeLabel(vm.Constraints.RequiredLabels[0])
	case len(vm.Constraints.RequiredLabels) > 0:
		return types.ScopeRegionLabel(region, vm.Constraints.RequiredLabels[0])
	case region == "":
		return types.ScopeGlobal()
	default:
		return types.ScopeRegion(region)
	}
}

// scopeRange walks one scope from free cpu ≥ minFree upward.
type scopeRange struct {
	scope   string
	minFree uint64
}

func (r scopeRange) RangeValues() (start, end *collections.RangeKey[collections.Triple[string, uint64, string]], order collections.Order, err error) {
	return collections.RangeKeyExact(collections.TripleSuperPrefix[string, uint64, string](r.scope, r.minFree)),
		collections.RangeKeyPrefixEnd(collections.TriplePrefix[string, uint64, string](r.scope)),
		collections.OrderAscending, nil
}

// knownRegions lists up to max regions that have hosts, in byte order.
func (k Keeper) knownRegions(ctx context.Context, max uint32) ([]string, error) {
	var out []string
	err := k.RegionHosts.Walk(ctx, nil, func(r string, _ uint64) (bool, error) {
		out = append(out, r)
		return uint32(len(out)) >= max, nil
	})
	return out, err
}

// candidateRegions returns the ordered region list to scan ([""] = global) and records rejected regions.
func (k Keeper) candidateRegions(ctx context.Context, p types.Params, req placeRequest, ex *types.Explanation) ([]string, error) {
	gas := sdk.UnwrapSDKContext(ctx).GasMeter()
	c := req.vm.Constraints
	var regions []string
	switch {
	case len(c.AllowedRegions) > 0:
		regions = c.AllowedRegions
	case len(c.MaxLatency) > 0 || req.nearest != "":
		var err error
		if regions, err = k.knownRegions(ctx, p.MaxRegionsScanned); err != nil {
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
		gas.ConsumeGas(p.GasPerRegion, "vmlifecycle scheduler region")
		reason := k.regionLatencyOK(ctx, req.vm, r)
		var lat int64
		if reason == "" && req.nearest != "" {
			l, known := k.latency.LatencyUs(ctx, r, req.nearest)
			if !known {
				reason = fmt.Sprintf("latency %s→%s unknown", r, req.nearest)
			}
			lat = l
		}
		if reason != "" {
			ex.Regions = append(ex.Regions, types.RegionExplanation{Region: r, RejectReason: reason})
			continue
		}
		ok = append(ok, ranked{r, lat})
	}
	// regions is already sorted by name; a stable sort by latency keeps name order for ties.
	sort.SliceStable(ok, func(i, j int) bool { return ok[i].lat < ok[j].lat })
	out := make([]string, len(ok))
	for i, r := range ok {
		out[i] = r.region
	}
	return out, nil
}

// schedule runs filter → score → tie-break and returns the winner (nil if none) and the explanation.
func (k Keeper) schedule(ctx context.Context, p types.Params, req placeRequest) (*types.Host, types.Explanation, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	gas := sdkCtx.GasMeter()
	gasStart := gas.GasConsumed()
	ex := types.Explanation{VmId: req.vm.Id, Height: sdkCtx.BlockHeight(), Kind: req.kind}
	regions, err := k.candidateRegions(ctx, p, req, &ex)
	if err != nil {
		return nil, ex, err
	}
	remaining := int(p.MaxCandidates)
	var best *candidateResult
	for i, region := range regions {
		if remaining == 0 {
			ex.Regions = append(ex.Regions, types.RegionExplanation{Region: region, RejectReason: "candidate budget exhausted"})
			continue
		}
		quota := max(remaining/(len(regions)-i), 1)
		scope := scopeFor(req.vm, region)
		ex.Regions = append(ex.Regions, types.RegionExplanation{Region: region, Scope: scope})
		used := 0
		var walkErr error
		err := k.HostIndex.Walk(ctx, scopeRange{scope, req.vm.Resources.CpuMillis}, func(key collections.Triple[string, uint64, string]) (bool, error) {
			if used >= quota {
				return true, nil
			}
			gas.ConsumeGas(p.GasPerCandidate, "vmlifecycle scheduler candidate")
			used++
			h, err := k.getHost(ctx, key.K3())
			if err != nil {
				walkErr = err
				return true, nil
			}
			cand := types.CandidateExplanation{HostId: h.Id, Region: h.Region}
			reason, err := k.filterHost(ctx, req, h)
			if err != nil {
				walkErr = err
				return true, nil
			}
			if reason != "" {
				cand.RejectReason = reason
				ex.Candidates = append(ex.Candidates, cand)
				return false, nil
			}
			same, err := k.OwnerOnHost.Get(ctx, collections.Join(h.Id, req.owner))
			if err != nil && !errors.Is(err, collections.ErrNotFound) {
				walkErr = err
				return true, nil
			}
			fit, spread := scoreHost(p, h, req.vm.Resources, same)
			cand.Accepted, cand.FitScore, cand.SpreadPenalty, cand.Score = true, fit, spread, fit-spread
			ex.Candidates = append(ex.Candidates, cand)
			if best == nil || cand.Score > best.score || (cand.Score == best.score && h.Id < best.host.Id) {
				best = &candidateResult{host: h, score: cand.Score}
			}
			return false, nil
		})
		if err == nil {
			err = walkErr
		}
		if err != nil {
			return nil, ex, err
		}
		remaining -= used
		// nearest-region mode stops at the first (nearest) region with a feasible host.
		if req.nearest != "" && best != nil {
			break
		}
	}
	ex.GasCharged = gas.GasConsumed() - gasStart
	if best == nil {
		ex.Summary = fmt.Sprintf("no host: %d candidate(s) in %d region(s) considered, none fit", len(ex.Candidates), len(regions))
		return nil, ex, nil
	}
	ex.WinnerHostId = best.host.Id
	ex.WinningScore = best.score
	ex.Summary = fmt.Sprintf("placed on %s (region %s) with score %d after %d candidate(s)",
		best.host.Id, best.host.Region, best.score, len(ex.Candidates))
	return &best.host, ex, nil
}

// evaluateTarget explains a placement on one named host (MsgMigrateVM with target_host_id).
func (k Keeper) evaluateTarget(ctx context.Context, p types.Params, req placeRequest, h types.Host) (bool, types.Explanation, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	gas := sdkCtx.GasMeter()
	gasStart := gas.GasConsumed()
	ex := types.Explanation{VmId: req.vm.Id, Height: sdkCtx.BlockHeight(), Kind: req.kind}
	gas.ConsumeGas(p.GasPerRegion+p.GasPerCandidate, "vmlifecycle scheduler target")
	cand := types.CandidateExplanation{HostId: h.Id, Region: h.Region}
	reason := k.regionLatencyOK(ctx, req.vm, h.Region)
	if reason == "" {
		var err error
		if reason, err = k.filterHost(ctx, req, h); err != nil {
			return false, ex, err
		}
	}
	if reason != "" {
		cand.RejectReason = reason
		ex.Candidates = append(ex.Candidates, cand)
		ex.Summary = "target host rejected: " + reason
		ex.GasCharged = gas.GasConsumed() - gasStart
		return false, ex, nil
	}
	same, err := k.OwnerOnHost.Get(ctx, collections.Join(h.Id, req.owner))
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return false, ex, err
	}
	fit, spread := scoreHost(p, h, req.vm.Resources, same)
	cand.Accepted, cand.FitScore, cand.SpreadPenalty, cand.Score = true, fit, spread, fit-spread
	ex.Candidates = append(ex.Candidates, cand)
	ex.WinnerHostId, ex.WinningScore = h.Id, cand.Score
	ex.Summary = fmt.Sprintf("placed on requested host %s with score %d", h.Id, cand.Score)
	ex.GasCharged = gas.GasConsumed() - gasStart
	return true, ex, nil
}
