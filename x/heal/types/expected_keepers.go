package types

import "context"

// Target is a host x/heal tracks: one with a health endpoint (the base URL its agent serves
// /hosts/<id>/health under).
type Target struct {
	HostID   string
	Region   string
	Endpoint string
}

// VMStatus is what x/heal needs of a VM's on-chain state.
type VMStatus struct {
	Exists  bool
	Settled bool   // RUNNING, or STOPPED/DELETED by its owner: needs no repair
	HostID  string // "" when not placed
}

// VMLifecycleKeeper is the part of x/vmlifecycle x/heal reads.
type VMLifecycleKeeper interface {
	// HealthTargets lists the hosts with a health endpoint, ascending id, at most limit.
	HealthTargets(ctx context.Context, limit uint32) ([]Target, error)
	// VMsOnHost lists the ids of the VMs placed on a host, ascending.
	VMsOnHost(ctx context.Context, hostID string) ([]uint64, error)
	// VMStatus is a VM's state as far as repair goes.
	VMStatus(ctx context.Context, vmID uint64) (VMStatus, error)

	// Remedies, each audited in x/vmlifecycle with x/heal as the actor.
	// EvacuateHost drains an ACTIVE host (false: it was not ACTIVE); RestoreHost undrains it.
	EvacuateHost(ctx context.Context, hostID, reason string) (bool, error)
	RestoreHost(ctx context.Context, hostID, reason string) (bool, error)
	// RestartVM boots a crashed VM again on its host; MigrateVM moves it where the scheduler says.
	RestartVM(ctx context.Context, vmID uint64, reason string) error
	MigrateVM(ctx context.Context, vmID uint64, reason string) (string, error)

	// For what-if: the hosts of a region (ascending id) and the free capacity of the ACTIVE
	// hosts per region (ascending region).
	HostsInRegion(ctx context.Context, region string) ([]string, error)
	FreeCapacity(ctx context.Context) ([]RegionCapacity, error)
}
