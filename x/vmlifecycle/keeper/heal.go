package keeper

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

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

// VMsOnHost lists the VMs placed on hostID, ascending id.
func (k Keeper) VMsOnHost(ctx context.Context, hostID string) ([]healtypes.VMStatus, error) {
	var out []healtypes.VMStatus
	err := k.VMs.Indexes.ByHost.Walk(ctx, collections.NewPrefixedPairRange[string, uint64](hostID),
		func(key collections.Pair[string, uint64]) (bool, error) {
			vm, err := k.VMs.Get(ctx, key.K2())
			if err != nil {
				return true, err
			}
			out = append(out, vmStatus(vm))
			return false, nil
		})
	return out, err
}

// VMStatus is a VM's state as x/heal reads it (Exists false: no such VM).
func (k Keeper) VMStatus(ctx context.Context, vmID uint64) (healtypes.VMStatus, error) {
	vm, err := k.VMs.Get(ctx, vmID)
	if errors.Is(err, collections.ErrNotFound) {
		return healtypes.VMStatus{ID: vmID}, nil
	}
	if err != nil {
		return healtypes.VMStatus{}, err
	}
	return vmStatus(vm), nil
}

var phases = map[types.VMState]healtypes.VMPhase{
	types.VM_STATE_RUNNING: healtypes.PhaseRunning, types.VM_STATE_FAILED: healtypes.PhaseFailed,
	types.VM_STATE_SCHEDULED: healtypes.PhaseScheduled, types.VM_STATE_MIGRATING: healtypes.PhaseMigrating,
	types.VM_STATE_STOPPED: healtypes.PhaseStopped, types.VM_STATE_DELETED: healtypes.PhaseDeleted,
}

// vmStatus: RUNNING, or STOPPED/DELETED (its owner's doing) need no repair.
func vmStatus(vm types.VM) healtypes.VMStatus {
	ph := phases[vm.State]
	group := vm.ReplicaOf
	if group == 0 {
		group = vm.Id
	}
	return healtypes.VMStatus{
		ID: vm.Id, Exists: true, HostID: vm.HostId, Phase: ph, Owner: vm.Owner, Group: group, ReplicaIndex: vm.ReplicaIndex,
		Settled:  ph == healtypes.PhaseRunning || ph == healtypes.PhaseStopped || ph == healtypes.PhaseDeleted,
		ImageCID: vm.ImageCid, CPUMillis: vm.Resources.CpuMillis, UpdatedHeight: vm.UpdatedHeight,
	}
}

// FailuresSince counts the VM's audited transitions to FAILED at heights ≥ from, newest first,
// stopping at the first older entry.
func (k Keeper) FailuresSince(ctx context.Context, vmID uint64, from int64) (uint32, error) {
	var n uint32
	err := k.Audit.Indexes.ByVM.Walk(ctx, collections.NewPrefixedPairRange[uint64, uint64](vmID).Descending(),
		func(key collections.Pair[uint64, uint64]) (bool, error) {
			e, err := k.Audit.Get(ctx, key.K2())
			if err != nil {
				return true, err
			}
			if e.Height < from {
				return true, nil
			}
			if e.NewState == types.VM_STATE_FAILED {
				n++
			}
			return false, nil
		})
	return n, err
}

// ValidateImage checks an image CID as MsgCreateVM does.
func (k Keeper) ValidateImage(cid string) error { return types.ValidateCID(cid) }

// SetImage gives a VM another image (a rollout's step or its rollback). A VM that runs, failed or
// waits on its host is rebooted there on the new image (→ SCHEDULED); a stopped one takes it at
// its next start; a PENDING one when it is placed.
func (k Keeper) SetImage(ctx context.Context, vmID uint64, cid, reason string) error {
	if err := types.ValidateCID(cid); err != nil {
		return err
	}
	vm, err := k.getVM(ctx, vmID)
	if err != nil {
		return err
	}
	switch vm.State {
	case types.VM_STATE_DELETED, types.VM_STATE_MIGRATING, types.VM_STATE_STOPPING:
		return types.ErrIllegalTransition.Wrapf("set image: vm %d is %s", vm.Id, vm.State)
	}
	reason = fmt.Sprintf("image %s → %s: %s", vm.ImageCid, cid, reason)
	vm.ImageCid = cid
	switch vm.State {
	case types.VM_STATE_RUNNING, types.VM_STATE_SCHEDULED:
		if err := k.transition(ctx, &vm, types.VM_STATE_FAILED, HealActor, "reboot for "+reason, ""); err != nil {
			return err
		}
		return k.transition(ctx, &vm, types.VM_STATE_SCHEDULED, HealActor, reason, "")
	case types.VM_STATE_FAILED:
		return k.transition(ctx, &vm, types.VM_STATE_SCHEDULED, HealActor, reason, "")
	}
	return k.record(ctx, &vm, vm.State, HealActor, reason, "")
}

// GroupVMs lists the VMs of a group (replica 0's id) that are not deleted, ascending id: the
// owner's VMs whose replica_of is group.
func (k Keeper) GroupVMs(ctx context.Context, group uint64) ([]healtypes.VMStatus, error) {
	root, err := k.VMs.Get(ctx, group)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	owner, _, err := k.canonical(root.Owner)
	if err != nil {
		return nil, err
	}
	var out []healtypes.VMStatus
	// replicas are created after replica 0: start there
	err = k.VMs.Indexes.ByOwner.Walk(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, uint64](owner).StartInclusive(group),
		func(_ sdk.AccAddress, id uint64) (bool, error) {
			vm, err := k.VMs.Get(ctx, id)
			if err != nil {
				return true, err
			}
			if (vm.ReplicaOf == group || vm.Id == group) && vm.State != types.VM_STATE_DELETED {
				out = append(out, vmStatus(vm))
			}
			return false, nil
		})
	return out, err
}

// ScaleOut adds a replica to a group: a copy of its newest replica's spec (image, resources,
// constraints), named after replica 0 with the next free index, placed by the scheduler (or
// queued PENDING when nothing fits). It returns the new VM and its host ("" when pending).
func (k Keeper) ScaleOut(ctx context.Context, group uint64, reason string) (uint64, string, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return 0, "", err
	}
	vms, err := k.GroupVMs(ctx, group)
	if err != nil {
		return 0, "", err
	}
	if len(vms) == 0 {
		return 0, "", types.ErrVMNotFound.Wrapf("group %d", group)
	}
	if uint32(len(vms)) >= max(p.MaxReplicas, 1) {
		return 0, "", types.ErrInvalidReplicas.Wrapf("group %d has %d replicas (max %d)", group, len(vms), p.MaxReplicas)
	}
	newest := vms[len(vms)-1]
	src, err := k.getVM(ctx, newest.ID)
	if err != nil {
		return 0, "", err
	}
	root, err := k.getVM(ctx, group)
	if err != nil {
		return 0, "", err
	}
	owner, ownerStr, err := k.canonical(root.Owner)
	if err != nil {
		return 0, "", err
	}
	base := strings.TrimSuffix(root.Name, "-0")
	index := newest.ReplicaIndex + 1
	var name string
	for tries := 0; ; tries++ {
		name = fmt.Sprintf("%s-%d", base, index)
		taken, err := k.VMByName.Has(ctx, collections.Join(owner, name))
		if err != nil {
			return 0, "", err
		}
		if types.ValidateName(name) != nil || tries >= 16 {
			return 0, "", types.ErrDuplicateName.Wrapf("no free replica name after %s-%d", base, newest.ReplicaIndex)
		}
		if !taken {
			break
		}
		index++
	}
	id, err := k.NextVMID.Next(ctx)
	if err != nil {
		return 0, "", err
	}
	vm := types.VM{
		Id: id, Owner: ownerStr, Name: name, ImageCid: src.ImageCid, Resources: src.Resources, Constraints: src.Constraints,
		ReplicaIndex: index, ReplicaOf: group, CreatedHeight: sdk.UnwrapSDKContext(ctx).BlockHeight(),
	}
	if err := k.VMByName.Set(ctx, collections.Join(owner, name), id); err != nil {
		return 0, "", err
	}
	if err := k.record(ctx, &vm, types.VM_STATE_PENDING, HealActor, "scale out: "+reason, ""); err != nil {
		return 0, "", err
	}
	emit(ctx, types.EventTypeVMCreated, types.AttributeKeyVMID, fmt.Sprint(id), types.AttributeKeyOwner, ownerStr, types.AttributeKeyName, name)
	if err := k.tryPlace(ctx, p, &vm, owner, HealActor, "create"); err != nil {
		return 0, "", err
	}
	return id, vm.HostId, nil
}

// ScaleIn deletes the group's newest replica (never replica 0) and returns it.
func (k Keeper) ScaleIn(ctx context.Context, group uint64, reason string) (uint64, error) {
	vms, err := k.GroupVMs(ctx, group)
	if err != nil {
		return 0, err
	}
	if len(vms) < 2 {
		return 0, types.ErrInvalidReplicas.Wrapf("group %d has %d replicas: nothing to scale in", group, len(vms))
	}
	vm, err := k.getVM(ctx, vms[len(vms)-1].ID)
	if err != nil {
		return 0, err
	}
	owner, _, err := k.canonical(vm.Owner)
	if err != nil {
		return 0, err
	}
	if err := types.CheckTransition(vm.State, types.VM_STATE_DELETED); err != nil {
		return 0, err
	}
	prev := vm.HostId
	if err := k.detach(ctx, &vm); err != nil {
		return 0, err
	}
	if err := k.VMByName.Remove(ctx, collections.Join(owner, vm.Name)); err != nil {
		return 0, err
	}
	return vm.Id, k.transition(ctx, &vm, types.VM_STATE_DELETED, HealActor, "scale in: "+reason, prev)
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
// crash) or SCHEDULED (stuck: its host never booted it) → FAILED → SCHEDULED, or FAILED →
// SCHEDULED.
func (k Keeper) RestartVM(ctx context.Context, vmID uint64, reason string) error {
	vm, err := k.getVM(ctx, vmID)
	if err != nil {
		return err
	}
	if vm.State == types.VM_STATE_RUNNING || vm.State == types.VM_STATE_SCHEDULED {
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
