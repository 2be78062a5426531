package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

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
