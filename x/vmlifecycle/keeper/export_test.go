package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/vmlifecycle/engine"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// ScheduleForTest runs the scheduler for vm (nothing is written) and returns the winner ("" if
// none), the explanation and the steps the search used, under params p (the stored ones).
func (k Keeper) ScheduleForTest(ctx context.Context, p types.Params, vm types.VM) (string, types.Explanation, uint64, error) {
	owner, _, err := k.canonical(vm.Owner)
	if err != nil {
		return "", types.Explanation{}, 0, err
	}
	w, ex, steps, err := k.scheduleSteps(ctx, p, placeRequest{vm: vm, owner: sdk.AccAddress(owner), exclude: vm.HostId, kind: "test"})
	if w == nil {
		return "", ex, steps, err
	}
	return w.Id, ex, steps, err
}

// SetMaxPlacementStepsForTest replaces the per-placement cap (the EndBlock budget) and returns a
// function that restores it.
func SetMaxPlacementStepsForTest(n uint64) (restore func()) {
	old := maxPlacementSteps
	maxPlacementSteps = n
	return func() { maxPlacementSteps = old }
}

// SetEndBlockSchedulerStepsForTest replaces the per-block EndBlock scheduling budget and returns a
// function that restores it.
func SetEndBlockSchedulerStepsForTest(n uint64) (restore func()) {
	old := endBlockSchedulerSteps
	endBlockSchedulerSteps = n
	return func() { endBlockSchedulerSteps = old }
}

// WhatIfForTest runs the pure engine over an in-memory engine.HostSet of every stored host (with
// vm's owner's anti-affinity and spread counts), as ScheduleForTest runs it over the store, under
// the same per-placement budget, and returns the result and the steps used.
func (k Keeper) WhatIfForTest(ctx context.Context, p types.Params, vm types.VM) (engine.Result, uint64, error) {
	owner, _, err := k.canonical(vm.Owner)
	if err != nil {
		return engine.Result{}, 0, err
	}
	var snaps []engine.HostSnapshot
	err = k.Hosts.Walk(ctx, nil, func(_ string, h types.Host) (bool, error) {
		s := EngineHost(h)
		if g := vm.Constraints.AntiAffinityGroup; g != "" {
			n, err := k.GroupOnHost.Get(ctx, collections.Join3(owner, g, h.Id))
			if err != nil && !errors.Is(err, collections.ErrNotFound) {
				return true, err
			}
			s.GroupVMs = n
		}
		n, err := k.OwnerOnHost.Get(ctx, collections.Join(h.Id, owner))
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return true, err
		}
		s.OwnerVMs = n
		snaps = append(snaps, s)
		return false, nil
	})
	if err != nil {
		return engine.Result{}, 0, err
	}
	set, err := engine.NewHostSet(snaps)
	if err != nil {
		return engine.Result{}, 0, err
	}
	m := meter.New(placementBudget(sdk.UnwrapSDKContext(ctx)))
	lctx := sdk.UnwrapSDKContext(ctx).WithValue(searchParamsKey{}, &p)
	r, err := engine.Place(m, EngineConfig(p), EngineRequest(vm, vm.HostId, "", EngineLatency(lctx, k.latency)), set)
	return r, m.Used(), err
}

// ScopeKeyForTest is the HostIndex scope of an engine scope.
func ScopeKeyForTest(s engine.Scope) string { return scopeKey(s) }
