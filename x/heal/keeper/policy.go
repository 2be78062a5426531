package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/heal/types"
)

// GasPerPolicyMsg is charged by MsgSetPolicy and MsgClearPolicy before any state is read.
const GasPerPolicyMsg = 5_000

// EffectivePolicy is the policy that applies to an owner's VM: the VM's own, else the owner's
// default (vm id 0), else the params' ladder with no scaling; source says which.
func (k Keeper) EffectivePolicy(ctx context.Context, p types.Params, owner string, vmID uint64) (types.Policy, string, error) {
	for _, key := range []struct {
		id     uint64
		source string
	}{{vmID, "vm"}, {0, "owner"}} {
		if key.source == "vm" && vmID == 0 {
			continue
		}
		pol, err := k.Policies.Get(ctx, collections.Join(owner, key.id))
		if err == nil {
			return pol, key.source, nil
		}
		if !errors.Is(err, collections.ErrNotFound) {
			return types.Policy{}, "", err
		}
	}
	return types.Policy{Owner: owner, VmId: vmID, Remedy: p.Remedy}, "params", nil
}

// ownedVM checks that vmID exists, is not deleted and belongs to owner.
func (k Keeper) ownedVM(ctx context.Context, owner string, vmID uint64) (types.VMStatus, error) {
	st, err := k.vm.VMStatus(ctx, vmID)
	if err != nil {
		return st, err
	}
	if !st.Exists || st.Phase == types.PhaseDeleted {
		return st, types.ErrNotOwner.Wrapf("vm %d does not exist", vmID)
	}
	if st.Owner != owner {
		return st, types.ErrNotOwner.Wrapf("vm %d belongs to %s, not %s", vmID, st.Owner, owner)
	}
	return st, nil
}

func (m msgServer) SetPolicy(ctx context.Context, msg *types.MsgSetPolicy) (*types.MsgSetPolicyResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerPolicyMsg, "heal policy")
	owner, err := m.owner(msg.Owner, types.ErrInvalidPolicy)
	if err != nil {
		return nil, err
	}
	msg = &types.MsgSetPolicy{Owner: owner, VmId: msg.VmId, Remedy: msg.Remedy, Scaling: msg.Scaling}
	if err := msg.Remedy.Validate(); err != nil {
		return nil, err
	}
	if err := msg.Scaling.Validate(); err != nil {
		return nil, err
	}
	p, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	scales := msg.Scaling.MaxReplicas > 0
	if msg.VmId == 0 && scales {
		return nil, types.ErrInvalidPolicy.Wrap("scaling is per VM group: give the group's replica 0 as vm_id")
	}
	if msg.VmId != 0 {
		st, err := m.ownedVM(ctx, msg.Owner, msg.VmId)
		if err != nil {
			return nil, err
		}
		if scales && st.Group != st.ID {
			return nil, types.ErrInvalidPolicy.Wrapf("vm %d is a replica of group %d: set scaling on %d", st.ID, st.Group, st.Group)
		}
	}
	had, err := m.ScalingGroups.Has(ctx, msg.VmId)
	if err != nil {
		return nil, err
	}
	switch {
	case scales && !had:
		n := uint32(0)
		if err := m.ScalingGroups.Walk(ctx, nil, func(uint64, string) (bool, error) { n++; return n >= p.MaxScalingGroups, nil }); err != nil {
			return nil, err
		}
		if n >= p.MaxScalingGroups {
			return nil, types.ErrTooManyScaling.Wrapf("%d groups scale already (max_scaling_groups)", n)
		}
		if err := m.ScalingGroups.Set(ctx, msg.VmId, msg.Owner); err != nil {
			return nil, err
		}
	case !scales && had && msg.VmId != 0:
		if err := m.dropScaling(ctx, msg.VmId); err != nil {
			return nil, err
		}
	}
	pol := types.Policy{Owner: msg.Owner, VmId: msg.VmId, Remedy: msg.Remedy, Scaling: msg.Scaling, UpdatedHeight: sdk.UnwrapSDKContext(ctx).BlockHeight()}
	if err := m.Policies.Set(ctx, collections.Join(msg.Owner, msg.VmId), pol); err != nil {
		return nil, err
	}
	emit(ctx, types.EventTypePolicySet, types.AttributeKeyOwner, msg.Owner, types.AttributeKeyVMID, fmt.Sprint(msg.VmId))
	return &types.MsgSetPolicyResponse{}, nil
}

func (m msgServer) ClearPolicy(ctx context.Context, msg *types.MsgClearPolicy) (*types.MsgClearPolicyResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerPolicyMsg, "heal policy")
	owner, err := m.owner(msg.Owner, types.ErrInvalidPolicy)
	if err != nil {
		return nil, err
	}
	msg = &types.MsgClearPolicy{Owner: owner, VmId: msg.VmId}
	key := collections.Join(msg.Owner, msg.VmId)
	if has, err := m.Policies.Has(ctx, key); err != nil {
		return nil, err
	} else if !has {
		return nil, types.ErrPolicyNotFound.Wrapf("%s has no policy for vm %d", msg.Owner, msg.VmId)
	}
	if err := m.Policies.Remove(ctx, key); err != nil {
		return nil, err
	}
	if msg.VmId != 0 {
		if err := m.dropScaling(ctx, msg.VmId); err != nil {
			return nil, err
		}
	}
	emit(ctx, types.EventTypePolicyCleared, types.AttributeKeyOwner, msg.Owner, types.AttributeKeyVMID, fmt.Sprint(msg.VmId))
	return &types.MsgClearPolicyResponse{}, nil
}

// dropScaling stops forecasting a group (resolving its capacity-forecast incident).
func (k Keeper) dropScaling(ctx context.Context, group uint64) error {
	f, err := k.Forecasts.Get(ctx, group)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	if f.CapacityIncident != 0 {
		if err := k.capacityIncident(sdk.UnwrapSDKContext(ctx), &f, nil, false, 0); err != nil {
			return err
		}
	}
	if err := k.ScalingGroups.Remove(ctx, group); err != nil {
		return err
	}
	return k.Forecasts.Remove(ctx, group)
}
