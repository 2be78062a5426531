package keeper

import (
	"context"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// Host-operator allowlist enforcement.
//
// params.host_operators is checked on every host-operator action that changes what a host offers
// (register, update, drain, undrain: ErrOperatorNotAllowed) and by the scheduler on every
// candidate (a host whose operator is not on the list is rejected), so an operator removed by
// MsgUpdateParams gets no new VMs from the block of its removal on. Its ACTIVE hosts are then
// treated as drained: EndBlock moves up to types.MaxRevokedHostDrainsPerBlock of them per block
// to DRAINING (audit entry and vm_host_draining event with reason RevokedDrainReason, HOST_DRAINING
// rules fire), and the normal drain migrates their VMs to allowlisted hosts in bounded batches.
// VMs that cannot move stay where they are (nothing is stopped or deleted). What helps tenants
// leave stays open to a removed operator: MsgReportVMStatus for VMs still on its hosts (a STOPPING
// VM needs its STOPPED report before the drain can move it) and MsgDeregisterHost of an empty host.
// An operator added back keeps its drained hosts DRAINING until it undrains them.

// RevokedDrainReason is the drain reason of a host whose operator left host_operators.
const RevokedDrainReason = "operator removed from host_operators"

// requireHostOperator returns ErrOperatorNotAllowed unless opStr is on params.host_operators.
func requireHostOperator(p types.Params, opStr, action string) error {
	if p.IsHostOperator(opStr) {
		return nil
	}
	return types.ErrOperatorNotAllowed.Wrapf("%s: %s is not on host_operators (removed or never added)", action, opStr)
}

// startDrain moves an ACTIVE host to DRAINING: out of the placement index, into the drain queue,
// audited, HOST_DRAINING rules noted, event emitted.
func (k Keeper) startDrain(ctx context.Context, h types.Host, actor, reason string) error {
	h.Status = types.HOST_STATUS_DRAINING
	if err := k.Hosts.Set(ctx, h.Id, h); err != nil {
		return err
	}
	if err := k.DrainQueue.Set(ctx, h.Id); err != nil {
		return err
	}
	if err := k.hostAudit(ctx, h.Id, actor, "drain: "+reason); err != nil {
		return err
	}
	if err := k.noteHost(ctx, h.Id, types.TRIGGER_KIND_HOST_DRAINING); err != nil {
		return err
	}
	emit(ctx, types.EventTypeHostDraining, types.AttributeKeyHostID, h.Id, types.AttributeKeyReason, reason)
	return nil
}

// hasActiveHost reports whether op has at least one ACTIVE host.
func (k Keeper) hasActiveHost(ctx context.Context, op sdk.AccAddress) (bool, error) {
	found := false
	err := k.Hosts.Indexes.ActiveByOperator.Walk(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, string](op),
		func(collections.Pair[sdk.AccAddress, string]) (bool, error) {
			found = true
			return true, nil
		})
	return found, err
}

// syncRevoked keeps RevokedOperators exact for op: present iff op is not on host_operators and
// still has an ACTIVE host.
func (k Keeper) syncRevoked(ctx context.Context, p types.Params, op sdk.AccAddress, opStr string) error {
	want := false
	if !p.IsHostOperator(opStr) {
		var err error
		if want, err = k.hasActiveHost(ctx, op); err != nil {
			return err
		}
	}
	has, err := k.RevokedOperators.Has(ctx, op)
	if err != nil || has == want {
		return err
	}
	if want {
		return k.RevokedOperators.Set(ctx, op)
	}
	return k.RevokedOperators.Remove(ctx, op)
}

// syncRevokedChanges runs syncRevoked for every operator in exactly one of the two sorted
// allowlists (removed or added by a params change), in address-string order.
func (k Keeper) syncRevokedChanges(ctx context.Context, p types.Params, before, after []string) error {
	i, j := 0, 0
	for i < len(before) || j < len(after) {
		var changed string
		switch {
		case j == len(after) || (i < len(before) && before[i] < after[j]):
			changed = before[i]
			i++
		case i == len(before) || after[j] < before[i]:
			changed = after[j]
			j++
		default: // on both lists
			i++
			j++
			continue
		}
		op, opStr, err := k.canonical(changed)
		if err != nil {
			return err
		}
		if err := k.syncRevoked(ctx, p, op, opStr); err != nil {
			return err
		}
	}
	return nil
}

// sweepRevoked moves up to types.MaxRevokedHostDrainsPerBlock ACTIVE hosts of revoked operators to
// DRAINING (operators in address order, each operator's hosts in id order), each in its own cache
// context; a failure is logged and retried next block.
func (k Keeper) sweepRevoked(ctx context.Context, p types.Params) error {
	budget := types.MaxRevokedHostDrainsPerBlock
	var ops []sdk.AccAddress
	if err := k.RevokedOperators.Walk(ctx, nil, func(op sdk.AccAddress) (bool, error) {
		ops = append(ops, op)
		return len(ops) >= budget, nil
	}); err != nil {
		return err
	}
	for _, op := range ops {
		if budget == 0 {
			return nil
		}
		opStr, err := k.addressCodec.BytesToString(op)
		if err != nil {
			return err
		}
		var ids []string
		if !p.IsHostOperator(opStr) {
			err = k.Hosts.Indexes.ActiveByOperator.Walk(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, string](op),
				func(key collections.Pair[sdk.AccAddress, string]) (bool, error) {
					ids = append(ids, key.K2())
					return len(ids) >= budget, nil
				})
			if err != nil {
				return err
			}
		}
		budget -= len(ids)
		for _, id := range ids {
			err := inCache(ctx, func(cc sdk.Context) error {
				h, err := k.getHost(cc, id)
				if err != nil {
					return err
				}
				return k.startDrain(cc, h, types.ModuleName, RevokedDrainReason)
			})
			if err != nil {
				k.logger(ctx).Error("revoked operator drain failed", "operator", opStr, "host", id, "err", err.Error())
			}
		}
		if err := k.syncRevoked(ctx, p, op, opStr); err != nil {
			return err
		}
	}
	return nil
}
