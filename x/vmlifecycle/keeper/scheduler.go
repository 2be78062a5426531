package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/vmlifecycle/engine"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// Scheduler
//
// Filtering, scoring and ranking are the pure engine's (x/vmlifecycle/engine: engine.Place and
// engine.EvaluateTarget on engine.HostSnapshot values); the keeper supplies the hosts and pays
// for the search. A placement never scans every host. ACTIVE hosts are indexed in HostIndex
// under (scope, free cpu_millis, host id); the engine picks one scope per candidate region
// (GPU scope if the VM needs GPUs, else the scope of its first required label, else the plain
// region scope, or the global scope when the VM has no region constraint) and indexHosts.Walk
// seeks to free cpu ≥ requested cpu and walks upward in free-cpu order, reading each host and
// converting it to a snapshot as it goes, so the first candidates are the tightest CPU fits. At
// most Params.MaxCandidates index entries are evaluated per placement (shared across regions,
// unused quota carries forward).
//
// Metering: the whole search runs under a step meter (x/internal/meter, prices in
// engine/prices.go, budgets in types/scheduler_meter.go). The keeper charges the index work
// (known regions read from RegionHosts, scope seeks, each scanned index entry before its host is
// read); the engine charges every region, latency lookup, label, operator comparison,
// anti-affinity read, score and ranking comparison before it is done, the anti-affinity and
// spread reads happening through indexHosts only for the hosts that get that far. The
// governance surcharges Params.GasPerRegion / Params.GasPerCandidate are in the region and
// candidate prices (× SchedulerStepsPerGas); the store's per-access gas is off inside the search
// (the prices include the reads). Running out is ErrSchedulerBudget; the steps used are charged
// as gas when the search ends, whatever its outcome.
//
// Complexity per placement: O(R·log N + K) store operations, N = hosts, R = candidate regions
// (≤ Params.MaxRegionsScanned), K = Params.MaxCandidates; steps (and gas) are O(R + K),
// independent of N.

// placeRequest describes one placement.
type placeRequest struct {
	vm      types.VM
	owner   sdk.AccAddress
	exclude string
	// nearest, when set, orders regions by latency from it and places in the nearest region that fits.
	nearest string
	kind    string
}

// EngineConfig is the scheduler's view of the params.
func EngineConfig(p types.Params) engine.Config {
	return engine.Config{
		HostOperators:     p.HostOperators,
		LatencyTableSize:  len(p.RegionLatencies),
		MaxCandidates:     p.MaxCandidates,
		MaxRegionsScanned: p.MaxRegionsScanned,
		SpreadWeightPpm:   p.SpreadWeightPpm,
		GasPerRegion:      p.GasPerRegion,
		GasPerCandidate:   p.GasPerCandidate,
	}
}

// EngineResources converts resources.
func EngineResources(r types.Resources) engine.Resources {
	return engine.Resources{CPUMillis: r.CpuMillis, MemoryMiB: r.MemoryMib, DiskGiB: r.DiskGib, GPUs: r.Gpus}
}

func engineLabels(ls []types.Label) []engine.Label {
	if len(ls) == 0 {
		return nil
	}
	out := make([]engine.Label, len(ls))
	for i, l := range ls {
		out[i] = engine.Label{Key: l.Key, Value: l.Value}
	}
	return out
}

// EngineHost is the snapshot of a stored host (GroupVMs and OwnerVMs, which depend on the
// request's owner, left zero: the keeper reads them per host when the engine asks).
func EngineHost(h types.Host) engine.HostSnapshot {
	return engine.HostSnapshot{
		ID:       h.Id,
		Operator: h.Operator,
		Region:   h.Region,
		Labels:   engineLabels(h.Labels),
		Capacity: EngineResources(h.Capacity),
		Used:     EngineResources(h.Allocated),
		Active:   h.Status == types.HOST_STATUS_ACTIVE,
		Status:   h.Status.String(),
	}
}

// EngineRequest is the engine's request for placing vm: not on exclude, in nearest mode when
// nearest is set, latencies from lat.
func EngineRequest(vm types.VM, exclude, nearest string, lat engine.Latency) engine.Request {
	c := vm.Constraints
	req := engine.Request{
		Resources:         EngineResources(vm.Resources),
		AllowedRegions:    c.AllowedRegions,
		RequiredLabels:    engineLabels(c.RequiredLabels),
		AntiAffinityGroup: c.AntiAffinityGroup,
		Exclude:           exclude,
		Nearest:           nearest,
		Latency:           lat,
	}
	for _, b := range c.MaxLatency {
		req.MaxLatency = append(req.MaxLatency, engine.LatencyBound{Region: b.Region, MaxUs: b.MaxUs})
	}
	return req
}

// EngineLatency is lp answering at ctx.
func EngineLatency(ctx context.Context, lp types.LatencyProvider) engine.Latency {
	return ctxLatency{ctx, lp}
}

type ctxLatency struct {
	ctx context.Context
	lp  types.LatencyProvider
}

func (l ctxLatency) LatencyUs(from, to string) (int64, bool) { return l.lp.LatencyUs(l.ctx, from, to) }

func (k Keeper) engineRequest(ctx context.Context, req placeRequest) engine.Request {
	return EngineRequest(req.vm, req.exclude, req.nearest, EngineLatency(ctx, k.latency))
}

// scopeKey is the HostIndex scope of an engine scope.
func scopeKey(s engine.Scope) string {
	l := types.Label{Key: s.Label.Key, Value: s.Label.Value}
	switch {
	case s.GPU && s.Region == "":
		return types.ScopeGPU()
	case s.GPU:
		return types.ScopeRegionGPU(s.Region)
	case s.ByLabel && s.Region == "":
		return types.ScopeLabel(l)
	case s.ByLabel:
		return types.ScopeRegionLabel(s.Region, l)
	case s.Region == "":
		return types.ScopeGlobal()
	default:
		return types.ScopeRegion(s.Region)
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

// indexHosts is the engine's Hosts over the store, for one request's owner and anti-affinity
// group: the known regions from RegionHosts, scope walks over HostIndex, the facts from
// GroupOnHost and OwnerOnHost. It charges the index work; the engine charges the rest.
type indexHosts struct {
	k     Keeper
	ctx   context.Context
	owner sdk.AccAddress
	group string
}

func (k Keeper) indexHosts(ctx context.Context, req placeRequest) indexHosts {
	return indexHosts{k: k, ctx: ctx, owner: req.owner, group: req.vm.Constraints.AntiAffinityGroup}
}

// KnownRegions lists up to max regions that have hosts, in byte order, charging each one read.
func (s indexHosts) KnownRegions(m *meter.Meter, max uint32) ([]string, error) {
	var out []string
	err := s.k.RegionHosts.Walk(s.ctx, nil, func(r string, _ uint64) (bool, error) {
		if err := m.Charge(engine.StageKnownRegion, engine.StepsPerRegion); err != nil {
			return true, err
		}
		out = append(out, r)
		return uint32(len(out)) >= max, nil
	})
	return out, err
}

// Walk seeks w's scope and hands each host to visit as a snapshot, charging the seek and each
// entry before its host is read.
func (s indexHosts) Walk(m *meter.Meter, w engine.WalkSpec, visit engine.Visit) error {
	if err := m.Charge(engine.StageScopeSeek, engine.StepsPerScopeSeek); err != nil {
		return err
	}
	var walkErr error
	err := s.k.Hosts.Indexes.Placement.Walk(s.ctx, scopeRange{scopeKey(w.Scope), w.MinFreeCPU}, func(key collections.Triple[string, uint64, string]) (bool, error) {
		if walkErr = m.Charge(engine.StageCandidate, w.CandidateSteps); walkErr != nil {
			return true, nil
		}
		h, err := s.k.getHost(s.ctx, key.K3())
		if err != nil {
			walkErr = err
			return true, nil
		}
		stop, err := visit(EngineHost(h))
		if err != nil {
			walkErr = err
			return true, nil
		}
		return stop, nil
	})
	if err == nil {
		err = walkErr
	}
	return err
}

// GroupOnHost is the anti-affinity read (owner, group, host).
func (s indexHosts) GroupOnHost(hostID string) (bool, error) {
	return s.k.GroupOnHost.Has(s.ctx, collections.Join3(s.owner, s.group, hostID))
}

// OwnerVMs is the spread read (host, owner).
func (s indexHosts) OwnerVMs(hostID string) (uint64, error) {
	n, err := s.k.OwnerOnHost.Get(s.ctx, collections.Join(hostID, s.owner))
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return 0, err
	}
	return n, nil
}

// explain copies an engine result into ex (regions, candidates; the winner and summary are the
// caller's).
func explain(ex *types.Explanation, r engine.Result) {
	for _, o := range r.Regions {
		e := types.RegionExplanation{Region: o.Region, RejectReason: o.RejectReason}
		if o.Searched {
			e.Scope = scopeKey(o.Scope)
		}
		ex.Regions = append(ex.Regions, e)
	}
	for _, c := range r.Candidates {
		ex.Candidates = append(ex.Candidates, types.CandidateExplanation{HostId: c.HostID, Region: c.Region,
			Accepted: c.Accepted, RejectReason: c.RejectReason, Score: c.Score, FitScore: c.Fit, SpreadPenalty: c.Spread})
	}
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
	return meter.GasFor(steps, types.SchedulerStepsPerGas)
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
	var res engine.Result
	var winner *types.Host
	steps, gas, err := k.metered(ctx, &p, req.vm.Id, func(sctx sdk.Context, m *meter.Meter) error {
		var err error
		if res, err = engine.Place(m, EngineConfig(p), k.engineRequest(sctx, req), k.indexHosts(sctx, req)); err != nil || res.Winner == nil {
			return err
		}
		// the winner as stored (read in the walk already, so from the cache, and inside the search)
		h, err := k.getHost(sctx, res.Winner.ID)
		winner = &h
		return err
	})
	ex.GasCharged = gas
	explain(&ex, res)
	if err != nil {
		ex.Summary = err.Error()
		return nil, ex, steps, err
	}
	ex.Summary = res.Summary
	if winner != nil {
		ex.WinnerHostId, ex.WinningScore = winner.Id, res.WinningScore
	}
	return winner, ex, steps, nil
}

// evaluateTarget explains a placement on one named host (MsgMigrateVM with target_host_id), metered
// like a search over one region and one candidate (engine.EvaluateTarget).
func (k Keeper) evaluateTarget(ctx context.Context, p types.Params, req placeRequest, h types.Host) (bool, types.Explanation, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	ex := types.Explanation{VmId: req.vm.Id, Height: sdkCtx.BlockHeight(), Kind: req.kind}
	var res engine.Result
	_, gas, err := k.metered(ctx, &p, req.vm.Id, func(sctx sdk.Context, m *meter.Meter) error {
		var err error
		res, err = engine.EvaluateTarget(m, EngineConfig(p), k.engineRequest(sctx, req), EngineHost(h), k.indexHosts(sctx, req))
		return err
	})
	ex.GasCharged = gas
	if err != nil {
		ex.Summary = err.Error()
		return false, ex, err
	}
	explain(&ex, res)
	ex.Summary = res.Summary
	if res.Winner == nil {
		return false, ex, nil
	}
	ex.WinnerHostId, ex.WinningScore = h.Id, res.WinningScore
	return true, ex, nil
}
