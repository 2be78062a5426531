package types

import "context"

// Target is a host x/heal tracks: one with a health endpoint (the base URL its agent serves
// /hosts/<id>/health under).
type Target struct {
	HostID   string
	Region   string
	Endpoint string
}

// VMPhase is a VM's x/vmlifecycle state as far as x/heal tells them apart.
type VMPhase uint8

const (
	PhaseOther     VMPhase = iota // PENDING, STOPPING
	PhaseRunning                  // RUNNING
	PhaseFailed                   // FAILED
	PhaseScheduled                // SCHEDULED: placed, waiting for its host to boot it
	PhaseMigrating                // MIGRATING
	PhaseStopped                  // STOPPED
	PhaseDeleted                  // DELETED
)

// VMStatus is what x/heal needs of a VM's on-chain state.
type VMStatus struct {
	ID      uint64
	Exists  bool
	Settled bool   // RUNNING, or STOPPED/DELETED by its owner: needs no repair
	HostID  string // "" when not placed
	Phase   VMPhase
	Owner   string
	// Group is the id of replica 0 of the MsgCreateVM (or scale-out) that made the VM.
	Group         uint64
	ReplicaIndex  uint32
	ImageCID      string
	CPUMillis     uint64 // requested
	UpdatedHeight int64  // of its last state change
}

// VMLifecycleKeeper is the part of x/vmlifecycle x/heal reads.
type VMLifecycleKeeper interface {
	// HealthTargets lists the hosts with a health endpoint, ascending id, at most limit.
	HealthTargets(ctx context.Context, limit uint32) ([]Target, error)
	// VMsOnHost lists the VMs placed on a host, ascending id.
	VMsOnHost(ctx context.Context, hostID string) ([]VMStatus, error)
	// VMStatus is a VM's state as far as repair goes.
	VMStatus(ctx context.Context, vmID uint64) (VMStatus, error)

	// Remedies, each audited in x/vmlifecycle with x/heal as the actor.
	// EvacuateHost drains an ACTIVE host (false: it was not ACTIVE); RestoreHost undrains it.
	EvacuateHost(ctx context.Context, hostID, reason string) (bool, error)
	RestoreHost(ctx context.Context, hostID, reason string) (bool, error)
	// RestartVM boots a crashed VM again on its host; MigrateVM moves it where the scheduler says.
	RestartVM(ctx context.Context, vmID uint64, reason string) error
	MigrateVM(ctx context.Context, vmID uint64, reason string) (string, error)

	// FailuresSince counts the VM's transitions to FAILED at heights ≥ from (crash loops).
	FailuresSince(ctx context.Context, vmID uint64, from int64) (uint32, error)
	// NoteIncident hands an incident affecting a VM to x/vmlifecycle's rule triggers.
	NoteIncident(ctx context.Context, vmID, incidentID uint64, kind string) error

	// Rollouts and scaling. ValidateImage checks an image CID as MsgCreateVM does; SetImage
	// gives a VM another image and reboots it on its host when it is placed and not stopped.
	ValidateImage(cid string) error
	SetImage(ctx context.Context, vmID uint64, cid, reason string) error
	// GroupVMs lists a group's VMs that are not deleted, ascending id.
	GroupVMs(ctx context.Context, group uint64) ([]VMStatus, error)
	// ScaleOut adds a replica to a group (a copy of its newest replica, placed by the scheduler);
	// ScaleIn deletes the group's newest replica (never replica 0).
	ScaleOut(ctx context.Context, group uint64, reason string) (uint64, string, error)
	ScaleIn(ctx context.Context, group uint64, reason string) (uint64, error)

	// For what-if: the hosts of a region (ascending id) and the free capacity of the ACTIVE
	// hosts per region (ascending region).
	HostsInRegion(ctx context.Context, region string) ([]string, error)
	FreeCapacity(ctx context.Context) ([]RegionCapacity, error)
}
