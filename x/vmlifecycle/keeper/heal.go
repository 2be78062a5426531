package keeper

import (
	"context"
	"errors"

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
