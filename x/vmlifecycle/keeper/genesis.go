package keeper

import (
	"context"

	"cosmossdk.io/collections"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// InitGenesis loads the state and rebuilds every index from hosts and VMs.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.addressCodec); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.NextVMID.Set(ctx, max(gs.NextVmId, 1)); err != nil {
		return err
	}
	if err := k.AuditSeq.Set(ctx, max(gs.NextAuditSeq, 1)); err != nil {
		return err
	}
	for _, h := range gs.Hosts {
		op, opStr, err := k.canonical(h.Operator)
		if err != nil {
			return err
		}
		h.Operator = opStr
		if err := k.writeHost(ctx, nil, h); err != nil {
			return err
		}
		if err := k.HostsByOperator.Set(ctx, collections.Join(op, h.Id)); err != nil {
			return err
		}
		if err := addCount(ctx, k.RegionHosts, h.Region, +1); err != nil {
			return err
		}
		if h.Status == types.HOST_STATUS_DRAINING {
			if err := k.DrainQueue.Set(ctx, h.Id); err != nil {
				return err
			}
		}
	}
	for _, vm := range gs.Vms {
		owner, ownerStr, err := k.canonical(vm.Owner)
		if err != nil {
			return err
		}
		vm.Owner = ownerStr
		if err := k.VMs.Set(ctx, vm.Id, vm); err != nil {
			return err
		}
		if err := k.VMsByOwner.Set(ctx, collections.Join(owner, vm.Id)); err != nil {
			return err
		}
		if vm.State != types.VM_STATE_DELETED {
			if err := k.VMByName.Set(ctx, collections.Join(owner, vm.Name), vm.Id); err != nil {
				return err
			}
		}
		if types.Placed(vm.State) {
			if err := k.VMsByHost.Set(ctx, collections.Join(vm.HostId, vm.Id)); err != nil {
				return err
			}
			if g := vm.Constraints.AntiAffinityGroup; g != "" {
				if err := addCount(ctx, k.GroupOnHost, collections.Join3(owner, g, vm.HostId), +1); err != nil {
					return err
				}
			}
			if err := addCount(ctx, k.OwnerOnHost, collections.Join(vm.HostId, owner), +1); err != nil {
				return err
			}
		}
	}
	for _, e := range gs.AuditLog {
		if err := k.Audit.Set(ctx, e.Seq, e); err != nil {
			return err
		}
		if e.VmId != 0 {
			if err := k.AuditByVM.Set(ctx, collections.Join(e.VmId, e.Seq)); err != nil {
				return err
			}
		}
		for _, h := range []string{e.HostId, e.PrevHostId} {
			if h != "" {
				if err := k.AuditByHost.Set(ctx, collections.Join(h, e.Seq)); err != nil {
					return err
				}
			}
		}
	}
	for _, ex := range gs.Explanations {
		if err := k.Explanations.Set(ctx, ex.VmId, ex); err != nil {
			return err
		}
	}
	for _, p := range gs.Pending {
		if err := k.PendingQueue.Set(ctx, collections.Join(p.RetryHeight, p.VmId)); err != nil {
			return err
		}
	}
	for _, c := range gs.DrainCursors {
		if err := k.DrainCursor.Set(ctx, c.HostId, c.LastVmId); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis writes the state in key order (indexes are derived and not exported).
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	var err error
	if gs.Params, err = k.Params.Get(ctx); err != nil {
		return nil, err
	}
	if gs.NextVmId, err = k.NextVMID.Peek(ctx); err != nil {
		return nil, err
	}
	if gs.NextAuditSeq, err = k.AuditSeq.Peek(ctx); err != nil {
		return nil, err
	}
	gs.NextVmId, gs.NextAuditSeq = max(gs.NextVmId, 1), max(gs.NextAuditSeq, 1)
	if err := k.Hosts.Walk(ctx, nil, func(_ string, h types.Host) (bool, error) {
		gs.Hosts = append(gs.Hosts, h)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.VMs.Walk(ctx, nil, func(_ uint64, vm types.VM) (bool, error) {
		gs.Vms = append(gs.Vms, vm)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Audit.Walk(ctx, nil, func(_ uint64, e types.AuditEntry) (bool, error) {
		gs.AuditLog = append(gs.AuditLog, e)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Explanations.Walk(ctx, nil, func(_ uint64, ex types.Explanation) (bool, error) {
		gs.Explanations = append(gs.Explanations, ex)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.PendingQueue.Walk(ctx, nil, func(key collections.Pair[int64, uint64]) (bool, error) {
		gs.Pending = append(gs.Pending, types.PendingEntry{RetryHeight: key.K1(), VmId: key.K2()})
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.DrainCursor.Walk(ctx, nil, func(h string, c uint64) (bool, error) {
		gs.DrainCursors = append(gs.DrainCursors, types.DrainCursor{HostId: h, LastVmId: c})
		return false, nil
	}); err != nil {
		return nil, err
	}
	return gs, nil
}
