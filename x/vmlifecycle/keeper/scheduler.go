package keeper

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"sort"

	"cosmossdk.io/collections"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/internal/meter"
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
// (shared across regions, unused quota carries forward).
//
// Metering: the whole search runs under a step meter (x/internal/meter, prices and budget in
// types/scheduler_meter.go). Every region, latency lookup, scope seek, scanned index entry, label,
// operator comparison, anti-affinity read, score and ranking comparison is charged before it is
// done, plus the governance surcharges Params.GasPerRegion / Params.GasPerCandidate (in steps:
// × SchedulerStepsPerGas); the store's per-access gas is off inside the search (the prices include
// the reads). Running out is ErrSchedulerBudget; the steps used are charged as gas when the search
// ends, whatever its outcome.
//
// Complexity per placement: O(R·log N + K) store operations, N = hosts, R = candidate regions
// (≤ Params.MaxRegionsScanned), K = Params.MaxCandidates; steps (and gas) are O(R + K),
// independent of N.
//
// Filter: free memory/disk/gpus, required labels, anti-affinity (owner, group) not on the host,
// host ACTIVE, its operator still on Params.HostOperators, not the excluded (current) host;
// latency bounds are checked per region.
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

// filterHost returns "" when h can take the VM, else the reason it cannot. The caller charged the
// candidate and its labels; the operator check and the anti-affinity read are charged here.
func (k Keeper) filterHost(ctx context.Context, m *meter.Meter, p types.Params, req placeRequest, h types.Host) (string, error) {
	r := req.vm.Resources
	free := h.Free()
	switch {
	case h.Id == req.exclude:
		return "current host of the VM", nil
	case h.Status != types.HOST_STATUS_ACTIVE:
		return "host is " + h.Status.String(), nil
	}
	if err := m.Charge("operator check", types.StepsPerOperatorCompare*uint64(bits.Len(uint(len(p.HostOperators))))); err != nil {
		return "", err
	}
	switch {
	case !p.IsHostOperator(h.Operator):
		return fmt.Sprintf("operator %s not on host_operators", h.Operator), nil
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
		if err := m.Charge("anti-affinity", types.StepsPerAffinityCheck); err != nil {
			return "", err
		}
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

// latencyPrice is the charge of one latency lookup: a flat part (a provider such as x/orbit's
// reads its snapshot) and the binary search of the params table.
func latencyPrice(p types.Params) uint64 {
	return types.StepsPerLatencyLookup + types.StepsPerTableCompare*uint64(bits.Len(uint(len(p.RegionLatencies))))
}

// regionLatencyOK checks the VM's latency bounds for a region ("" = all hold), charging each lookup.
func (k Keeper) regionLatencyOK(ctx context.Context, m *meter.Meter, p types.Params, vm types.VM, region string) (string, error) {
	for _, b := range vm.Constraints.MaxLatency {
		if err := m.Charge("latency lookup", latencyPrice(p)); err != nil {
			return "", err
		}
		lat, ok := k.latency.LatencyUs(ctx, region, b.Region)
		if !ok {
			return fmt.Sprintf("latency %s→%s unknown", region, b.Region), nil
		}
		if lat > b.MaxUs {
			return fmt.Sprintf("latency %s→%s %d µs > %d µs", region, b.Region, lat, b.MaxUs), nil
		}
	}
	return "", nil
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

// knownRegions lists up to max regions that have hosts, in byte order, charging each one read.
func (k Keeper) knownRegions(ctx context.Context, m *meter.Meter, max uint32) ([]string, error) {
	var out []string
	err := k.RegionHosts.Walk(ctx, nil, func(r string, _ uint64) (bool, error) {
		if err := m.Charge("known region", types.StepsPerRegion); err != nil {
			return true, err
		}
		out = append(out, r)
		return uint32(len(out)) >= max, nil
	})
	return out, err
}

// candidateRegions returns the ordered region list to scan ([""] = global) and records rejected regions.
func (k Keeper) candidateRegions(ctx context.Context, m *meter.Meter, p types.Params, req placeRequest, ex *types.Explanation) ([]string, error) {
	c := req.vm.Constraints
	var regions []string
	switch {
	case len(c.AllowedRegions) > 0:
		regions = c.AllowedRegions
	case len(c.MaxLatency) > 0 || req.nearest != "":
		var err error
		if regions, err = k.knownRegions(ctx, m, p.MaxRegionsScanned); err != nil {
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
		if err := m.Charge("region", meter.Add(types.StepsPerRegion, meter.Mul(p.GasPerRegion, types.SchedulerStepsPerGas))); err != nil {
			return nil, err
		}
		reason, err := k.regionLatencyOK(ctx, m, p, req.vm, r)
		if err != nil {
			return nil, err
		}
		var lat int64
		if reason == "" && req.nearest != "" {
			if err := m.Charge("latency lookup", latencyPrice(p)); err != nil {
				return nil, err
			}
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
	// regions is already sorted by name; a stable sort by latency keeps name order for ties (and
	// without a nearest region every latency is 0, so there is nothing to sort).
	if req.nearest != "" && len(ok) > 1 {
		n := uint64(len(ok))
		if err := m.Charge("region ranking", meter.Mul(types.StepsPerRegionRank, meter.Mul(n, uint64(bits.Len64(n))))); err != nil {
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

// maxPlacementSteps and endBlockSchedulerSteps are types.MaxPlacementSteps and
// types.EndBlockSchedulerSteps; tests lower them (export_test.go).
var (
	maxPlacementSteps      = types.MaxPlacementSteps
	endBlockSchedulerSteps = types.EndBlockSchedulerSteps
)

// endBlockMeterKey carries EndBlock's scheduling meter: every placement EndBlock runs (pending
// retries, drain migrations, due operations, rule actions) draws from one per-block budget.
type endBlockMeterKey struct{}

func withEndBlockMeter(ctx sdk.Context) sdk.Context {
	return ctx.WithValue(endBlockMeterKey{}, meter.New(endBlockSchedulerSteps))
}

// endBlockMeter is the block's scheduling meter inside EndBlock, nil elsewhere.
func endBlockMeter(ctx context.Context) *meter.Meter {
	m, _ := ctx.Value(endBlockMeterKey{}).(*meter.Meter)
	return m
}

// endBlockSchedulingLeft reports whether EndBlock may still start work that can need a full
// placement (false once less than maxPlacementSteps of the block's budget is left).
func endBlockSchedulingLeft(ctx context.Context) bool {
	m := endBlockMeter(ctx)
	return m == nil || m.Remaining() >= maxPlacementSteps
}

// placementBudget is what one placement may use, at most maxPlacementSteps: in EndBlock what is
// left of the block's scheduling budget, elsewhere the steps the gas left pays for.
func placementBudget(ctx sdk.Context) uint64 {
	if bm := endBlockMeter(ctx); bm != nil {
		return min(bm.Remaining(), maxPlacementSteps)
	}
	return min(meter.Mul(ctx.GasMeter().GasRemaining(), types.SchedulerStepsPerGas), maxPlacementSteps)
}

// StepsGas converts scheduler steps into gas, rounded up.
func StepsGas(steps uint64) uint64 {
	return steps/types.SchedulerStepsPerGas + min(steps%types.SchedulerStepsPerGas, 1)
}

// searchParamsKey carries the params the search was started with, so that the params-table
// latency provider answers from them instead of reading and decoding the params per lookup.
type searchParamsKey struct{}

// metered runs one search under a fresh step meter on a context whose store reads are not charged
// per access (the step prices include them), then charges the steps used as gas to ctx's meter. The
// charge never exceeds the gas that was left: the budget is at most remaining × steps-per-gas.
// A *meter.BudgetError from the search becomes ErrSchedulerBudget.
func (k Keeper) metered(ctx context.Context, p *types.Params, vmID uint64, search func(sctx sdk.Context, m *meter.Meter) error) (steps, gasCharged uint64, err error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	gm := sdkCtx.GasMeter()
	m := meter.New(placementBudget(sdkCtx))
	sctx := sdkCtx.WithGasMeter(storetypes.NewInfiniteGasMeter()).WithValue(searchParamsKey{}, p)
	err = search(sctx, m)
	if bm := endBlockMeter(ctx); bm != nil {
		_ = bm.Charge("end-block scheduling", m.Used()) // fits: the budget was at most what was left
	}
	gasCharged = StepsGas(m.Used())
	gm.ConsumeGas(gasCharged, "vmlifecycle scheduler steps")
	if errors.Is(err, meter.ErrBudgetExceeded) {
		err = types.ErrSchedulerBudget.Wrapf("placing vm %d: %v", vmID, err)
	}
	return m.Used(), gasCharged, err
}

// schedule runs filter → score → tie-break and returns the winner (nil if none) and the explanation.
// A search that runs out of budget returns ErrSchedulerBudget (the explanation's summary says so).
func (k Keeper) schedule(ctx context.Context, p types.Params, req placeRequest) (*types.Host, types.Explanation, error) {
	winner, ex, _, err := k.scheduleSteps(ctx, p, req)
	return winner, ex, err
}

// scheduleSteps is schedule that also returns the steps used.
func (k Keeper) scheduleSteps(ctx context.Context, p types.Params, req placeRequest) (*types.Host, types.Explanation, uint64, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	ex := types.Explanation{VmId: req.vm.Id, Height: sdkCtx.BlockHeight(), Kind: req.kind}
	var best *candidateResult
	var regions []string
	steps, gas, err := k.metered(ctx, &p, req.vm.Id, func(sctx sdk.Context, m *meter.Meter) error {
		var err error
		if regions, err = k.candidateRegions(sctx, m, p, req, &ex); err != nil {
			return err
		}
		best, err = k.searchRegions(sctx, m, p, req, regions, &ex)
		return err
	})
	ex.GasCharged = gas
	if err != nil {
		ex.Summary = err.Error()
		return nil, ex, steps, err
	}
	if best == nil {
		ex.Summary = fmt.Sprintf("no host: %d candidate(s) in %d region(s) considered, none fit", len(ex.Candidates), len(regions))
		return nil, ex, steps, nil
	}
	ex.WinnerHostId = best.host.Id
	ex.WinningScore = best.score
	ex.Summary = fmt.Sprintf("placed on %s (region %s) with score %d after %d candidate(s)",
		best.host.Id, best.host.Region, best.score, len(ex.Candidates))
	return &best.host, ex, steps, nil
}

// searchRegions walks each region's index scope under the shared candidate quota.
func (k Keeper) searchRegions(ctx context.Context, m *meter.Meter, p types.Params, req placeRequest, regions []string, ex *types.Explanation) (*candidateResult, error) {
	remaining := int(p.MaxCandidates)
	candidatePrice := meter.Add(types.StepsPerCandidate, meter.Mul(p.GasPerCandidate, types.SchedulerStepsPerGas))
	required := uint64(len(req.vm.Constraints.RequiredLabels))
	var best *candidateResult
	for i, region := range regions {
		if remaining == 0 {
			ex.Regions = append(ex.Regions, types.RegionExplanation{Region: region, RejectReason: "candidate budget exhausted"})
			continue
		}
		quota := max(remaining/(len(regions)-i), 1)
		scope := scopeFor(req.vm, region)
		ex.Regions = append(ex.Regions, types.RegionExplanation{Region: region, Scope: scope})
		if err := m.Charge("scope seek", types.StepsPerScopeSeek); err != nil {
			return nil, err
		}
		used := 0
		var walkErr error
		err := k.HostIndex.Walk(ctx, scopeRange{scope, req.vm.Resources.CpuMillis}, func(key collections.Triple[string, uint64, string]) (bool, error) {
			if walkErr = m.Charge("candidate", candidatePrice); walkErr != nil {
				return true, nil
			}
			used++
			h, err := k.getHost(ctx, key.K3())
			if err != nil {
				walkErr = err
				return true, nil
			}
			if walkErr = m.Charge("candidate labels", types.StepsPerLabel*(uint64(len(h.Labels))+required)); walkErr != nil {
				return true, nil
			}
			cand := types.CandidateExplanation{HostId: h.Id, Region: h.Region}
			reason, err := k.filterHost(ctx, m, p, req, h)
			if err != nil {
				walkErr = err
				return true, nil
			}
			if reason != "" {
				cand.RejectReason = reason
				ex.Candidates = append(ex.Candidates, cand)
				return used >= quota, nil
			}
			if walkErr = m.Charge("score", types.StepsPerScore); walkErr != nil {
				return true, nil
			}
			same, err := k.OwnerOnHost.Get(ctx, collections.Join(h.Id, req.owner))
			if err != nil && !errors.Is(err, collections.ErrNotFound) {
				walkErr = err
				return true, nil
			}
			fit, spread := scoreHost(p, h, req.vm.Resources, same)
			cand.Accepted, cand.FitScore, cand.SpreadPenalty, cand.Score = true, fit, spread, fit-spread
			ex.Candidates = append(ex.Candidates, cand)
			if walkErr = m.Charge("ranking", types.StepsPerRank); walkErr != nil {
				return true, nil
			}
			if best == nil || cand.Score > best.score || (cand.Score == best.score && h.Id < best.host.Id) {
				best = &candidateResult{host: h, score: cand.Score}
			}
			return used >= quota, nil
		})
		if err == nil {
			err = walkErr
		}
		if err != nil {
			return nil, err
		}
		remaining -= used
		// nearest-region mode stops at the first (nearest) region with a feasible host.
		if req.nearest != "" && best != nil {
			break
		}
	}
	return best, nil
}

// evaluateTarget explains a placement on one named host (MsgMigrateVM with target_host_id), metered
// like a search over one region and one candidate.
func (k Keeper) evaluateTarget(ctx context.Context, p types.Params, req placeRequest, h types.Host) (bool, types.Explanation, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	ex := types.Explanation{VmId: req.vm.Id, Height: sdkCtx.BlockHeight(), Kind: req.kind}
	cand := types.CandidateExplanation{HostId: h.Id, Region: h.Region}
	var reason string
	_, gas, err := k.metered(ctx, &p, req.vm.Id, func(sctx sdk.Context, m *meter.Meter) error {
		price := meter.Add(meter.Add(types.StepsPerRegion, types.StepsPerCandidate),
			meter.Mul(p.GasPerRegion+p.GasPerCandidate, types.SchedulerStepsPerGas))
		price = meter.Add(price, types.StepsPerLabel*(uint64(len(h.Labels))+uint64(len(req.vm.Constraints.RequiredLabels))))
		if err := m.Charge("target", price); err != nil {
			return err
		}
		var err error
		if reason, err = k.regionLatencyOK(sctx, m, p, req.vm, h.Region); err != nil || reason != "" {
			return err
		}
		if reason, err = k.filterHost(sctx, m, p, req, h); err != nil || reason != "" {
			return err
		}
		if err := m.Charge("score", types.StepsPerScore); err != nil {
			return err
		}
		same, err := k.OwnerOnHost.Get(sctx, collections.Join(h.Id, req.owner))
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return err
		}
		fit, spread := scoreHost(p, h, req.vm.Resources, same)
		cand.Accepted, cand.FitScore, cand.SpreadPenalty, cand.Score = true, fit, spread, fit-spread
		return nil
	})
	ex.GasCharged = gas
	if err != nil {
		ex.Summary = err.Error()
		return false, ex, err
	}
	if reason != "" {
		cand.RejectReason = reason
		ex.Candidates = append(ex.Candidates, cand)
		ex.Summary = "target host rejected: " + reason
		return false, ex, nil
	}
	ex.Candidates = append(ex.Candidates, cand)
	ex.WinnerHostId, ex.WinningScore = h.Id, cand.Score
	ex.Summary = fmt.Sprintf("placed on requested host %s with score %d", h.Id, cand.Score)
	return true, ex, nil
}
