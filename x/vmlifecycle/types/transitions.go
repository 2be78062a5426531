package types

// transitions is the lifecycle state machine: transitions[from] lists the legal next states.
//
//	PENDING   → SCHEDULED (placed) | DELETED
//	SCHEDULED → RUNNING (host report) | STOPPING | MIGRATING | FAILED | DELETED
//	RUNNING   → STOPPING | MIGRATING | FAILED | DELETED
//	STOPPING  → STOPPED (host report) | FAILED | DELETED
//	STOPPED   → SCHEDULED (start) | MIGRATING | DELETED
//	MIGRATING → RUNNING | STOPPED | FAILED (report from the new host) | MIGRATING (drain re-targets) | DELETED
//	FAILED    → SCHEDULED (restart) | MIGRATING | DELETED
//	DELETED   → (terminal)
var transitions = map[VMState][]VMState{
	VM_STATE_PENDING:   {VM_STATE_SCHEDULED, VM_STATE_DELETED},
	VM_STATE_SCHEDULED: {VM_STATE_RUNNING, VM_STATE_STOPPING, VM_STATE_MIGRATING, VM_STATE_FAILED, VM_STATE_DELETED},
	VM_STATE_RUNNING:   {VM_STATE_STOPPING, VM_STATE_MIGRATING, VM_STATE_FAILED, VM_STATE_DELETED},
	VM_STATE_STOPPING:  {VM_STATE_STOPPED, VM_STATE_FAILED, VM_STATE_DELETED},
	VM_STATE_STOPPED:   {VM_STATE_SCHEDULED, VM_STATE_MIGRATING, VM_STATE_DELETED},
	VM_STATE_MIGRATING: {VM_STATE_RUNNING, VM_STATE_STOPPED, VM_STATE_FAILED, VM_STATE_MIGRATING, VM_STATE_DELETED},
	VM_STATE_FAILED:    {VM_STATE_SCHEDULED, VM_STATE_MIGRATING, VM_STATE_DELETED},
}

// CanTransition reports whether from → to is in the table (a lookup, no iteration order involved).
func CanTransition(from, to VMState) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// CheckTransition returns ErrIllegalTransition when from → to is not in the table.
func CheckTransition(from, to VMState) error {
	if !CanTransition(from, to) {
		return ErrIllegalTransition.Wrapf("%s → %s", from, to)
	}
	return nil
}

// ReportableStates are the states a host operator may report.
func IsReportable(s VMState) bool {
	return s == VM_STATE_RUNNING || s == VM_STATE_STOPPED || s == VM_STATE_FAILED
}

// Placed reports whether a VM in state s holds resources on its host.
func Placed(s VMState) bool {
	return s != VM_STATE_PENDING && s != VM_STATE_DELETED && s != VM_STATE_UNSPECIFIED
}
