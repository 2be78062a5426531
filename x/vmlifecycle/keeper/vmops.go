package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// The bodies of MsgStartVM/StopVM/ResizeVM/MigrateVM/DeleteVM after the signer is known. The Msg
// handlers, approved proposals, due time-locked operations and rule actions all run these, so an
// operation is checked the same way whichever path reaches it. ownerStr is the canonical owner
// address (also the audit actor).

func (k Keeper) startVM(ctx context.Context, ownerStr string, vmID uint64) error {
	vm, err := k.ownedVM(ctx, ownerStr, vmID)
	if err != nil {
		return err
	}
	// PENDING → SCHEDULED belongs to the scheduler; start applies to stopped or failed VMs only.
	if vm.State != types.VM_STATE_STOPPED && vm.State != types.VM_STATE_FAILED {
		return types.ErrIllegalTransition.Wrapf("start: vm %d is %s (want STOPPED or FAILED)", vm.Id, vm.State)
	}
	return k.transition(ctx, &vm, types.VM_STATE_SCHEDULED, ownerStr, "start", "")
}

func (k Keeper) stopVM(ctx context.Context, ownerStr string, vmID uint64) error {
	vm, err := k.ownedVM(ctx, ownerStr, vmID)
	if err != nil {
		return err
	}
	return k.transition(ctx, &vm, types.VM_STATE_STOPPING, ownerStr, "stop", "")
}

func (k Keeper) resizeVM(ctx context.Context, ownerStr string, vmID uint64, r types.Resources) error {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if err := types.ValidateResources(r, p.MaxVmResources, "vm resources"); err != nil {
		return err
	}
	vm, err := k.ownedVM(ctx, ownerStr, vmID)
	if err != nil {
		return err
	}
	switch vm.State {
	case types.VM_STATE_DELETED, types.VM_STATE_MIGRATING, types.VM_STATE_STOPPING:
		return types.ErrIllegalTransition.Wrapf("cannot resize a %s VM", vm.State)
	}
	oldRes := vm.Resources
	if vm.HostId != "" {
		h, err := k.getHost(ctx, vm.HostId)
		if err != nil {
			return err
		}
		if !r.Fits(h.Free().Add(oldRes)) {
			return types.ErrInsufficientCapacity.Wrapf("host %s has %s free besides the VM, resize needs %s",
				h.Id, h.Free().Describe(), r.Describe())
		}
		h.Allocated = h.Allocated.Sub(oldRes).Add(r)
		if err := k.Hosts.Set(ctx, h.Id, h); err != nil {
			return err
		}
	}
	vm.Resources = r
	reason := fmt.Sprintf("resize %s → %s", oldRes.Describe(), r.Describe())
	if err := k.record(ctx, &vm, vm.State, ownerStr, reason, ""); err != nil {
		return err
	}
	emit(ctx, types.EventTypeVMResized, types.AttributeKeyVMID, fmt.Sprint(vm.Id), types.AttributeKeyReason, reason)
	return nil
}

func (k Keeper) migrateVM(ctx context.Context, ownerStr string, vmID uint64, target, nearest string) (string, error) {
	if err := types.ValidateMigrationTarget(target, nearest); err != nil {
		return "", err
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return "", err
	}
	vm, err := k.ownedVM(ctx, ownerStr, vmID)
	if err != nil {
		return "", err
	}
	if target != "" && target == vm.HostId {
		return "", types.ErrInvalidMigration.Wrapf("vm %d already on %s", vm.Id, vm.HostId)
	}
	host, _, err := k.migrate(ctx, p, &vm, target, nearest, ownerStr, "migrate")
	return host, err
}

func (k Keeper) deleteVM(ctx context.Context, ownerStr string, vmID uint64) error {
	vm, err := k.ownedVM(ctx, ownerStr, vmID)
	if err != nil {
		return err
	}
	owner, _, err := k.canonical(ownerStr)
	if err != nil {
		return err
	}
	if err := types.CheckTransition(vm.State, types.VM_STATE_DELETED); err != nil {
		return err
	}
	prev := vm.HostId
	if err := k.detach(ctx, &vm); err != nil {
		return err
	}
	if err := k.VMByName.Remove(ctx, collections.Join(owner, vm.Name)); err != nil {
		return err
	}
	return k.transition(ctx, &vm, types.VM_STATE_DELETED, ownerStr, "delete", prev)
}

// execOp runs a wrapped operation through the same code as its Msg. It returns the new host of a migration.
func (k Keeper) execOp(ctx context.Context, ownerStr string, op types.VMOperation) (string, error) {
	switch op.Kind {
	case types.OP_KIND_START:
		return "", k.startVM(ctx, ownerStr, op.VmId)
	case types.OP_KIND_STOP:
		return "", k.stopVM(ctx, ownerStr, op.VmId)
	case types.OP_KIND_RESIZE:
		return "", k.resizeVM(ctx, ownerStr, op.VmId, op.Resources)
	case types.OP_KIND_MIGRATE:
		return k.migrateVM(ctx, ownerStr, op.VmId, op.TargetHostId, op.NearestRegion)
	case types.OP_KIND_DELETE:
		return "", k.deleteVM(ctx, ownerStr, op.VmId)
	}
	return "", types.ErrInvalidRule.Wrapf("operation kind %s", op.Kind)
}
