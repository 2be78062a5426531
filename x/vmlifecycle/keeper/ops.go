package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// tryPlace schedules a PENDING vm; on success it is attached and moved to SCHEDULED, otherwise
// it is queued for a retry. The explanation is stored either way.
func (k Keeper) tryPlace(ctx context.Context, p types.Params, vm *types.VM, owner sdk.AccAddress, actor, kind string) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	winner, ex, err := k.schedule(ctx, p, placeRequest{vm: *vm, owner: owner, kind: kind})
	if err != nil {
		return err
	}
	if err := k.Explanations.Set(ctx, vm.Id, ex); err != nil {
		return err
	}
	if winner == nil {
		return k.PendingQueue.Set(ctx, collections.Join(sdkCtx.BlockHeight()+p.PendingRetryIntervalBlocks, vm.Id))
	}
	if err := k.attach(ctx, vm, *winner); err != nil {
		return err
	}
	if err := k.transition(ctx, vm, types.VM_STATE_SCHEDULED, actor, ex.Summary, ""); err != nil {
		return err
	}
	emit(ctx, types.EventTypeVMPlaced, types.AttributeKeyVMID, fmt.Sprint(vm.Id), types.AttributeKeyHostID, winner.Id,
		types.AttributeKeyScore, fmt.Sprint(ex.WinningScore))
	return nil
}

// migrateTo moves a placed vm to host `to` (already checked by the scheduler) and marks it MIGRATING.
func (k Keeper) migrateTo(ctx context.Context, vm *types.VM, to types.Host, actor, reason string) error {
	if err := types.CheckTransition(vm.State, types.VM_STATE_MIGRATING); err != nil {
		return err
	}
	prev := vm.HostId
	if err := k.detach(ctx, vm); err != nil {
		return err
	}
	// re-read: detach may have changed nothing on `to` (different host), but keep it exact
	h, err := k.getHost(ctx, to.Id)
	if err != nil {
		return err
	}
	if err := k.attach(ctx, vm, h); err != nil {
		return err
	}
	if err := k.transition(ctx, vm, types.VM_STATE_MIGRATING, actor, reason, prev); err != nil {
		return err
	}
	emit(ctx, types.EventTypeVMPlaced, types.AttributeKeyVMID, fmt.Sprint(vm.Id), types.AttributeKeyHostID, h.Id, types.AttributeKeyPrevHostID, prev)
	return nil
}

// migrate schedules vm away from its current host (or to target/nearest) and applies the move.
// It returns the new host id, or ErrNoPlacement (explanation stored) when nothing fits.
func (k Keeper) migrate(ctx context.Context, p types.Params, vm *types.VM, target, nearest, actor, kind string) (string, types.Explanation, error) {
	var ex types.Explanation
	if err := types.CheckTransition(vm.State, types.VM_STATE_MIGRATING); err != nil {
		return "", ex, err
	}
	owner, _, err := k.canonical(vm.Owner)
	if err != nil {
		return "", ex, err
	}
	req := placeRequest{vm: *vm, owner: owner, exclude: vm.HostId, nearest: nearest, kind: kind}
	var winner *types.Host
	if target != "" {
		h, err := k.getHost(ctx, target)
		if err != nil {
			return "", ex, err
		}
		ok, e, err := k.evaluateTarget(ctx, p, req, h)
		if err != nil {
			return "", ex, err
		}
		ex = e
		if ok {
			winner = &h
		}
	} else {
		if winner, ex, err = k.schedule(ctx, p, req); err != nil {
			return "", ex, err
		}
	}
	if winner == nil {
		return "", ex, types.ErrNoPlacement.Wrapf("vm %d: %s", vm.Id, ex.Summary)
	}
	if err := k.Explanations.Set(ctx, vm.Id, ex); err != nil {
		return "", ex, err
	}
	if err := k.migrateTo(ctx, vm, *winner, actor, kind+": "+ex.Summary); err != nil {
		return "", ex, err
	}
	return winner.Id, ex, nil
}
