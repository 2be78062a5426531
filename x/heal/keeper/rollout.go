package keeper

import (
	"context"
	"fmt"
	"slices"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/heal/engine"
	"github.com/novacron/novacron/x/heal/types"
)

// Gas of MsgStartRollout: a base and a share per VM, charged before the VMs are read.
const (
	GasPerRolloutMsg = 10_000
	GasPerRolloutVM  = 1_000
)

const maxRolloutWindowBlocks = 1_000_000

var activeRolloutStates = []types.RolloutState{types.RolloutState_ROLLOUT_STATE_CANARY, types.RolloutState_ROLLOUT_STATE_ROLLING}

func (m msgServer) StartRollout(ctx context.Context, msg *types.MsgStartRollout) (*types.MsgStartRolloutResponse, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	sdkCtx.GasMeter().ConsumeGas(GasPerRolloutMsg+GasPerRolloutVM*uint64(len(msg.VmIds)), "heal rollout")
	p, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	owner, err := m.owner(msg.Owner, types.ErrInvalidRollout)
	if err != nil {
		return nil, err
	}
	msg = &types.MsgStartRollout{Owner: owner, Group: msg.Group, VmIds: msg.VmIds, ImageCid: msg.ImageCid, CanaryPercent: msg.CanaryPercent,
		BatchPercent: msg.BatchPercent, WindowBlocks: msg.WindowBlocks, MaxFailurePercent: msg.MaxFailurePercent}
	switch {
	case (msg.Group == 0) == (len(msg.VmIds) == 0):
		return nil, types.ErrInvalidRollout.Wrap("give either group or vm_ids")
	case uint32(len(msg.VmIds)) > p.MaxRolloutVms:
		return nil, types.ErrInvalidRollout.Wrapf("%d VMs > max_rollout_vms %d", len(msg.VmIds), p.MaxRolloutVms)
	case msg.CanaryPercent < 1 || msg.CanaryPercent > 100 || msg.BatchPercent < 1 || msg.BatchPercent > 100:
		return nil, types.ErrInvalidRollout.Wrapf("canary_percent %d, batch_percent %d: 1..100 each", msg.CanaryPercent, msg.BatchPercent)
	case msg.WindowBlocks < 1 || msg.WindowBlocks > maxRolloutWindowBlocks:
		return nil, types.ErrInvalidRollout.Wrapf("window_blocks %d: 1..%d", msg.WindowBlocks, maxRolloutWindowBlocks)
	case msg.MaxFailurePercent > 100:
		return nil, types.ErrInvalidRollout.Wrapf("max_failure_percent %d: 0..100", msg.MaxFailurePercent)
	}
	if err := m.vm.ValidateImage(msg.ImageCid); err != nil {
		return nil, err
	}
	var vms []types.VMStatus
	if msg.Group != 0 {
		root, err := m.ownedVM(ctx, msg.Owner, msg.Group)
		if err != nil {
			return nil, err
		}
		if root.Group != root.ID {
			return nil, types.ErrInvalidRollout.Wrapf("vm %d is not a group's replica 0 (its group is %d)", root.ID, root.Group)
		}
		if vms, err = m.vm.GroupVMs(ctx, msg.Group); err != nil {
			return nil, err
		}
	} else {
		ids := slices.Clone(msg.VmIds)
		slices.Sort(ids)
		if len(slices.Compact(ids)) != len(msg.VmIds) {
			return nil, types.ErrInvalidRollout.Wrap("vm_ids repeat a VM")
		}
		for _, id := range ids {
			st, err := m.ownedVM(ctx, msg.Owner, id)
			if err != nil {
				return nil, err
			}
			vms = append(vms, st)
		}
	}
	if uint32(len(vms)) > p.MaxRolloutVms {
		return nil, types.ErrInvalidRollout.Wrapf("%d VMs > max_rollout_vms %d", len(vms), p.MaxRolloutVms)
	}
	sdkCtx.GasMeter().ConsumeGas(GasPerRolloutVM*uint64(len(vms)), "heal rollout")
	active, err := m.countActiveRollouts(ctx, p.MaxActiveRollouts)
	if err != nil {
		return nil, err
	}
	if active >= p.MaxActiveRollouts {
		return nil, types.ErrTooManyRollouts.Wrapf("%d rollouts in flight (max_active_rollouts)", active)
	}
	id, err := m.NextRolloutID.Peek(ctx)
	if err != nil {
		return nil, err
	}
	id = max(id, 1) // ids start at 1
	r := types.Rollout{
		Id: id, Owner: msg.Owner, ImageCid: msg.ImageCid, CanaryPercent: msg.CanaryPercent, BatchPercent: msg.BatchPercent,
		WindowBlocks: msg.WindowBlocks, MaxFailurePercent: msg.MaxFailurePercent, State: types.RolloutState_ROLLOUT_STATE_CANARY,
		StartedHeight: sdkCtx.BlockHeight(),
	}
	for _, st := range vms {
		if st.ImageCID == msg.ImageCid {
			continue // already there
		}
		if st.Phase == types.PhaseMigrating {
			return nil, types.ErrInvalidRollout.Wrapf("vm %d is migrating: roll out when it has landed", st.ID)
		}
		if other, err := m.RolloutVMs.Get(ctx, st.ID); err == nil {
			return nil, types.ErrRolloutConflict.Wrapf("vm %d is in rollout %d", st.ID, other)
		}
		r.Vms = append(r.Vms, types.RolloutVM{VmId: st.ID, PreviousImageCid: st.ImageCID})
	}
	if len(r.Vms) == 0 {
		return nil, types.ErrInvalidRollout.Wrapf("every VM already runs %s", msg.ImageCid)
	}
	// written only once every check passed: a rejected message changes nothing
	if err := m.NextRolloutID.Set(ctx, id+1); err != nil {
		return nil, err
	}
	for _, v := range r.Vms {
		if err := m.RolloutVMs.Set(ctx, v.VmId, id); err != nil {
			return nil, err
		}
	}
	if err := m.Rollouts.Set(ctx, id, r); err != nil {
		return nil, err
	}
	emitRollout(ctx, r, "started")
	return &types.MsgStartRolloutResponse{RolloutId: id}, nil
}

func (m msgServer) CancelRollout(ctx context.Context, msg *types.MsgCancelRollout) (*types.MsgCancelRolloutResponse, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	sdkCtx.GasMeter().ConsumeGas(GasPerRolloutMsg, "heal rollout")
	owner, err := m.owner(msg.Owner, types.ErrInvalidRollout)
	if err != nil {
		return nil, err
	}
	r, err := m.Rollouts.Get(ctx, msg.RolloutId)
	if err != nil {
		return nil, types.ErrRolloutNotFound.Wrapf("rollout %d", msg.RolloutId)
	}
	if r.Owner != owner {
		return nil, types.ErrNotOwner.Wrapf("rollout %d belongs to %s", r.Id, r.Owner)
	}
	if !rolloutActive(r.State) {
		return nil, types.ErrRolloutNotActive.Wrapf("rollout %d is %s", r.Id, r.State)
	}
	sdkCtx.GasMeter().ConsumeGas(GasPerRolloutVM*uint64(len(r.Vms)), "heal rollout")
	if err := m.rollBack(sdkCtx, &r, types.RolloutState_ROLLOUT_STATE_CANCELLED, "cancelled by its owner"); err != nil {
		return nil, err
	}
	return &types.MsgCancelRolloutResponse{}, m.Rollouts.Set(ctx, r.Id, r)
}

func rolloutActive(s types.RolloutState) bool { return slices.Contains(activeRolloutStates, s) }

func (k Keeper) countActiveRollouts(ctx context.Context, limit uint32) (uint32, error) {
	var n uint32
	for _, st := range activeRolloutStates {
		err := k.Rollouts.Indexes.ByState.Walk(ctx, collections.NewPrefixedPairRange[int32, uint64](int32(st)),
			func(int32, uint64) (bool, error) { n++; return n >= limit, nil })
		if err != nil || n >= limit {
			return n, err
		}
	}
	return n, nil
}

func emitRollout(ctx context.Context, r types.Rollout, action string) {
	emit(ctx, types.EventTypeRollout, types.AttributeKeyRolloutID, fmt.Sprint(r.Id), types.AttributeKeyOwner, r.Owner,
		types.AttributeKeyImage, r.ImageCid, types.AttributeKeyAction, action, types.AttributeKeyState, r.State.String())
}

// advanceRollouts moves every active rollout on (ascending id; at most max_active_rollouts, each
// touching at most its VMs): start the next phase, judge the current one, roll back or finish.
func (k Keeper) advanceRollouts(ctx sdk.Context, p types.Params) error {
	var ids []uint64
	for _, st := range activeRolloutStates {
		err := k.Rollouts.Indexes.ByState.Walk(ctx, collections.NewPrefixedPairRange[int32, uint64](int32(st)),
			func(_ int32, id uint64) (bool, error) {
				ids = append(ids, id)
				return uint32(len(ids)) >= p.MaxActiveRollouts, nil
			})
		if err != nil {
			return err
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		r, err := k.Rollouts.Get(ctx, id)
		if err != nil {
			return err
		}
		before := r.String()
		if err := k.advanceRollout(ctx, &r); err != nil {
			return err
		}
		if r.String() != before {
			if err := k.Rollouts.Set(ctx, r.Id, r); err != nil {
				return err
			}
		}
	}
	return nil
}

func (k Keeper) advanceRollout(ctx sdk.Context, r *types.Rollout) error {
	height := ctx.BlockHeight()
	step := func(action, target, res string) {
		r.Steps = append(r.Steps, types.RemedyStep{Height: height, Action: action, Target: target, Result: res})
	}
	if r.PhaseHeight == 0 {
		return k.startPhase(ctx, r, step)
	}
	// judge the current phase: the VMs updated at phase_height
	size, failed, waiting := 0, 0, 0
	for i := range r.Vms {
		v := &r.Vms[i]
		if v.UpdatedHeight != r.PhaseHeight || v.State == types.RolloutVMState_ROLLOUT_VM_STATE_PENDING {
			continue
		}
		size++
		if v.State == types.RolloutVMState_ROLLOUT_VM_STATE_FAILED {
			failed++
			continue
		}
		st, err := k.vm.VMStatus(ctx, v.VmId)
		if err != nil {
			return err
		}
		n, err := k.vm.FailuresSince(ctx, v.VmId, r.PhaseHeight+1) // (the reboot itself passes FAILED at phase_height)
		if err != nil {
			return err
		}
		switch {
		case n > 0:
			v.State = types.RolloutVMState_ROLLOUT_VM_STATE_FAILED
			step("failed", fmt.Sprint(v.VmId), fmt.Sprintf("%d failures on %s", n, r.ImageCid))
			failed++
		case !st.Exists || st.Phase == types.PhaseDeleted || st.Phase == types.PhaseStopped ||
			(st.Phase == types.PhaseRunning && st.ImageCID == r.ImageCid):
			v.State = types.RolloutVMState_ROLLOUT_VM_STATE_UPDATED
		default:
			v.State = types.RolloutVMState_ROLLOUT_VM_STATE_UPDATING
			waiting++
		}
	}
	if engine.PhaseFailed(failed, size, r.MaxFailurePercent) {
		return k.rollBack(ctx, r, types.RolloutState_ROLLOUT_STATE_ROLLED_BACK,
			fmt.Sprintf("%d of %d VMs failed on %s (threshold %d%%)", failed, size, r.ImageCid, r.MaxFailurePercent))
	}
	if height < r.PhaseHeight+r.WindowBlocks {
		return nil // still observing
	}
	if waiting > 0 { // not up by the end of the window: failures too
		if engine.PhaseFailed(failed+waiting, size, r.MaxFailurePercent) {
			return k.rollBack(ctx, r, types.RolloutState_ROLLOUT_STATE_ROLLED_BACK,
				fmt.Sprintf("%d of %d VMs failed or not running on %s after %d blocks (threshold %d%%)", failed+waiting, size, r.ImageCid, r.WindowBlocks, r.MaxFailurePercent))
		}
	}
	step("phase-passed", fmt.Sprint(r.PhaseHeight), fmt.Sprintf("%d of %d failed", failed, size))
	if !slices.ContainsFunc(r.Vms, func(v types.RolloutVM) bool { return v.State == types.RolloutVMState_ROLLOUT_VM_STATE_PENDING }) {
		r.State, r.FinishedHeight, r.Reason = types.RolloutState_ROLLOUT_STATE_DONE, height, "every VM updated"
		emitRollout(ctx, *r, "done")
		return k.releaseRolloutVMs(ctx, r)
	}
	if r.State == types.RolloutState_ROLLOUT_STATE_CANARY {
		r.State = types.RolloutState_ROLLOUT_STATE_ROLLING
		emitRollout(ctx, *r, "canaries passed")
	}
	return k.startPhase(ctx, r, step)
}

// startPhase updates the next phase's VMs (the canaries first) to the new image.
func (k Keeper) startPhase(ctx sdk.Context, r *types.Rollout, step func(action, target, res string)) error {
	sizes := engine.PhaseSizes(len(r.Vms), r.CanaryPercent, r.BatchPercent)
	done := 0
	for _, v := range r.Vms {
		if v.State != types.RolloutVMState_ROLLOUT_VM_STATE_PENDING {
			done++
		}
	}
	want, covered := 0, 0
	for _, s := range sizes {
		covered += s
		if covered > done {
			want = covered - done
			break
		}
	}
	height := ctx.BlockHeight()
	reason := fmt.Sprintf("rollout %d", r.Id)
	for i := range r.Vms {
		v := &r.Vms[i]
		if want == 0 {
			break
		}
		if v.State != types.RolloutVMState_ROLLOUT_VM_STATE_PENDING {
			continue
		}
		want--
		v.UpdatedHeight = height
		err := inCache(ctx, func(cc sdk.Context) error { return k.vm.SetImage(cc, v.VmId, r.ImageCid, reason) })
		if err != nil {
			v.State = types.RolloutVMState_ROLLOUT_VM_STATE_FAILED
		} else {
			v.State = types.RolloutVMState_ROLLOUT_VM_STATE_UPDATING
		}
		step("update", fmt.Sprint(v.VmId), result(err, "to "+r.ImageCid))
	}
	r.PhaseHeight = height
	return nil
}

// rollBack gives every VM the rollout touched its previous image back and ends the rollout.
func (k Keeper) rollBack(ctx sdk.Context, r *types.Rollout, end types.RolloutState, why string) error {
	height := ctx.BlockHeight()
	reason := fmt.Sprintf("rollout %d rolled back: %s", r.Id, why)
	for i := range r.Vms {
		v := &r.Vms[i]
		if v.State == types.RolloutVMState_ROLLOUT_VM_STATE_PENDING || v.State == types.RolloutVMState_ROLLOUT_VM_STATE_REVERTED {
			continue
		}
		err := inCache(ctx, func(cc sdk.Context) error { return k.vm.SetImage(cc, v.VmId, v.PreviousImageCid, reason) })
		r.Steps = append(r.Steps, types.RemedyStep{Height: height, Action: "revert", Target: fmt.Sprint(v.VmId), Result: result(err, "to "+v.PreviousImageCid)})
		v.State, v.UpdatedHeight = types.RolloutVMState_ROLLOUT_VM_STATE_REVERTED, height
	}
	r.State, r.FinishedHeight, r.Reason = end, height, why
	emitRollout(ctx, *r, "rolled back")
	return k.releaseRolloutVMs(ctx, r)
}

func (k Keeper) releaseRolloutVMs(ctx context.Context, r *types.Rollout) error {
	for _, v := range r.Vms {
		if err := k.RolloutVMs.Remove(ctx, v.VmId); err != nil {
			return err
		}
	}
	return nil
}
