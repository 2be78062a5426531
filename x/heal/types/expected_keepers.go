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
}
