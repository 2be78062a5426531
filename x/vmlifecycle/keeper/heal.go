package keeper

import (
	"context"
	"errors"
	"slices"

	"cosmossdk.io/collections"

	healtypes "github.com/novacron/novacron/x/heal/types"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// The part of the keeper x/heal reads (healtypes.VMLifecycleKeeper).

// HealthTargets lists the hosts with a health endpoint in ascending id, at most limit. It walks
// the hosts in id order and stops at the limit.
func (k Keeper) HealthTargets(ctx context.Context, limit uint32) ([]healtypes.Target, error) {
	var out []healtypes.Target
	err := k.Hosts.Walk(ctx, nil, func(id string, h types.Host) (bool, error) {
		if h.HealthEndpoint != "" {
			out = append(out, healtypes.Target{HostID: id, Region: h.Region, Endpoint: h.HealthEndpoint})
		}
		return uint32(len(out)) >= limit, nil
	})
	return out, err
}

// VMsOnHost lists the ids of the VMs placed on hostID, ascending.
func (k Keeper) VMsOnHost(ctx context.Context, hostID string) ([]uint64, error) {
	var ids []uint64
	err := k.VMs.Indexes.ByHost.Walk(ctx, collections.NewPrefixedPairRange[string, uint64](hostID),
		func(key collections.Pair[string, uint64]) (bool, error) {
			ids = append(ids, key.K2())
			return false, nil
		})
	return ids, err
}

// VMStatus says whether a VM needs repair: RUNNING, or STOPPED/DELETED (its owner's doing) do not.
func (k Keeper) VMStatus(ctx context.Context, vmID uint64) (healtypes.VMStatus, error) {
	vm, err := k.VMs.Get(ctx, vmID)
	if errors.Is(err, collections.ErrNotFound) {
		return healtypes.VMStatus{}, nil
	}
	if err != nil {
		return healtypes.VMStatus{}, err
	}
	switch vm.State {
	case types.VM_STATE_RUNNING, types.VM_STATE_STOPPED, types.VM_STATE_DELETED:
		return healtypes.VMStatus{Exists: true, Settled: true, HostID: vm.HostId}, nil
	}
	return healtypes.VMStatus{Exists: true, HostID: vm.HostId}, nil
}

var _ healtypes.VMLifecycleKeeper = Keeper{}

// HealActor is the actor of the audit entries x/heal's remedies write.
const HealActor = "x/heal"

// EvacuateHost drains an ACTIVE host that x/heal found down: EndBlock then migrates its VMs in
// bounded batches, as for an operator's drain. It reports false when the host is not ACTIVE
// (already draining, or gone): nothing to do.
func (k Keeper) EvacuateHost(ctx context.Context, hostID, reason string) (bool, error) {
	h, err := k.getHost(ctx, hostID)
	if errors.Is(err, types.ErrHostNotFound) {
		return false, nil
	}
	if err != nil || h.Status != types.HOST_STATUS_ACTIVE {
		return false, err
	}
	return true, k.startDrain(ctx, h, HealActor, reason)
}

// RestoreHost returns a host x/heal drained to ACTIVE once it is healthy again (false when it
// is not DRAINING any more: its operator decided otherwise).
func (k Keeper) RestoreHost(ctx context.Context, hostID, reason string) (bool, error) {
	h, err := k.getHost(ctx, hostID)
	if errors.Is(err, types.ErrHostNotFound) {
		return false, nil
	}
	if err != nil || h.Status != types.HOST_STATUS_DRAINING {
		return false, err
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return false, err
	}
	if !p.IsHostOperator(h.Operator) {
		return false, nil // a revoked operator's host stays draining
	}
	h.Status = types.HOST_STATUS_ACTIVE
	if err := k.Hosts.Set(ctx, h.Id, h); err != nil {
		return false, err
	}
	if err := k.DrainQueue.Remove(ctx, h.Id); err != nil {
		return false, err
	}
	if err := k.DrainCursor.Remove(ctx, h.Id); err != nil {
		return false, err
	}
	if err := k.hostAudit(ctx, h.Id, HealActor, "undrained: "+reason); err != nil {
		return false, err
	}
	emit(ctx, types.EventTypeHostUndrained, types.AttributeKeyHostID, h.Id, types.AttributeKeyOperator, HealActor, types.AttributeKeyReason, reason)
	return true, nil
}

// RestartVM boots a crashed VM again on its host: RUNNING (the chain had not heard of the
// crash) → FAILED → SCHEDULED, or FAILED → SCHEDULED.
func (k Keeper) RestartVM(ctx context.Context, vmID uint64, reason string) error {
	vm, err := k.getVM(ctx, vmID)
	if err != nil {
		return err
	}
	if vm.State == types.VM_STATE_RUNNING {
		if err := k.transition(ctx, &vm, types.VM_STATE_FAILED, HealActor, reason, ""); err != nil {
			return err
		}
	}
	if vm.State != types.VM_STATE_FAILED {
		return types.ErrIllegalTransition.Wrapf("restart: vm %d is %s", vm.Id, vm.State)
	}
	return k.transition(ctx, &vm, types.VM_STATE_SCHEDULED, HealActor, "restart: "+reason, "")
}

// MigrateVM moves a VM to the host the scheduler picks (explained in Query/Explain) and returns it.
func (k Keeper) MigrateVM(ctx context.Context, vmID uint64, reason string) (string, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return "", err
	}
	vm, err := k.getVM(ctx, vmID)
	if err != nil {
		return "", err
	}
	host, _, err := k.migrate(ctx, p, &vm, "", "", HealActor, "heal: "+reason)
	return host, err
}

// HostsInRegion lists the ids of a region's hosts, ascending.
func (k Keeper) HostsInRegion(ctx context.Context, region string) ([]string, error) {
	var ids []string
	err := k.Hosts.Walk(ctx, nil, func(id string, h types.Host) (bool, error) {
		if h.Region == region {
			ids = append(ids, id)
		}
		return false, nil
	})
	return ids, err
}

// FreeCapacity sums the free resources of the ACTIVE hosts per region, ascending region.
func (k Keeper) FreeCapacity(ctx context.Context) ([]healtypes.RegionCapacity, error) {
	by := map[string]*healtypes.RegionCapacity{}
	var regions []string
	err := k.Hosts.Walk(ctx, nil, func(_ string, h types.Host) (bool, error) {
		if h.Status != types.HOST_STATUS_ACTIVE {
			return false, nil
		}
		c, ok := by[h.Region]
		if !ok {
			c = &healtypes.RegionCapacity{Region: h.Region}
			by[h.Region] = c
			regions = append(regions, h.Region)
		}
		f := h.Free()
		c.ActiveHosts++
		c.FreeCpuMillis += f.CpuMillis
		c.FreeMemoryMib += f.MemoryMib
		c.FreeDiskGib += f.DiskGib
		c.FreeGpus += f.Gpus
		return false, nil
	})
	slices.Sort(regions)
	out := make([]healtypes.RegionCapacity, len(regions))
	for i, r := range regions {
		out[i] = *by[r]
	}
	return out, err
}
