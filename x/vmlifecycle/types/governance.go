package types

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"cosmossdk.io/core/address"
)

// Guarded reports whether an approval policy applies to operations of this kind.
func Guarded(k OpKind) bool {
	return k == OP_KIND_DELETE || k == OP_KIND_MIGRATE || k == OP_KIND_RESIZE
}

// ValidateOpFields checks the stateless fields of an operation (the VM and its owner are checked by the keeper).
func ValidateOpFields(op VMOperation, p Params) error {
	switch op.Kind {
	case OP_KIND_START, OP_KIND_STOP, OP_KIND_DELETE:
		if op.Resources != (Resources{}) || op.TargetHostId != "" || op.NearestRegion != "" {
			return ErrInvalidRule.Wrapf("%s takes no resources or migration target", op.Kind)
		}
	case OP_KIND_RESIZE:
		if op.TargetHostId != "" || op.NearestRegion != "" {
			return ErrInvalidRule.Wrap("resize takes no migration target")
		}
		return ValidateResources(op.Resources, p.MaxVmResources, "vm resources")
	case OP_KIND_MIGRATE:
		if op.Resources != (Resources{}) {
			return ErrInvalidRule.Wrap("migrate takes no resources")
		}
		return ValidateMigrationTarget(op.TargetHostId, op.NearestRegion)
	default:
		return ErrInvalidRule.Wrapf("operation kind %s", op.Kind)
	}
	return nil
}

// ValidateMigrationTarget checks MsgMigrateVM's target fields.
func ValidateMigrationTarget(target, nearest string) error {
	if target != "" && nearest != "" {
		return ErrInvalidMigration.Wrap("set target_host_id or nearest_region, not both")
	}
	if target != "" {
		if err := ValidateHostID(target); err != nil {
			return ErrInvalidMigration.Wrap(err.Error())
		}
	}
	if nearest != "" {
		if err := ValidateRegion(nearest); err != nil {
			return ErrInvalidMigration.Wrap(err.Error())
		}
	}
	return nil
}

// ValidateTimeLock checks not_before / at_height against the current block (zero/zero = none).
func ValidateTimeLock(notBefore, atHeight, nowUnix, height int64, p Params) error {
	switch {
	case notBefore < 0 || atHeight < 0:
		return ErrInvalidTimeLock.Wrap("not_before and at_height must not be negative")
	case notBefore > 0 && atHeight > 0:
		return ErrInvalidTimeLock.Wrap("set not_before or at_height, not both")
	case notBefore > 0 && notBefore <= nowUnix:
		return ErrInvalidTimeLock.Wrapf("not_before %d is not after the block time %d", notBefore, nowUnix)
	case notBefore > 0 && notBefore-nowUnix > p.MaxTimelockSeconds:
		return ErrInvalidTimeLock.Wrapf("not_before more than %d s ahead", p.MaxTimelockSeconds)
	case atHeight > 0 && atHeight <= height:
		return ErrInvalidTimeLock.Wrapf("at_height %d is not after the current height %d", atHeight, height)
	case atHeight > 0 && atHeight-height > p.MaxTimelockBlocks:
		return ErrInvalidTimeLock.Wrapf("at_height more than %d blocks ahead", p.MaxTimelockBlocks)
	}
	return nil
}

// ValidatePolicyFields checks approvers (valid, sorted, unique, ≤ max), threshold and ttl.
func ValidatePolicyFields(ac address.Codec, approvers []string, threshold uint32, ttlBlocks, ttlSeconds int64, p Params) error {
	if len(approvers) == 0 || uint32(len(approvers)) > p.MaxApprovers {
		return ErrInvalidPolicy.Wrapf("%d approvers: want 1..%d", len(approvers), p.MaxApprovers)
	}
	for i, a := range approvers {
		bz, err := ac.StringToBytes(a)
		if err != nil || len(bz) == 0 {
			return ErrInvalidPolicy.Wrapf("approver %q: %v", a, err)
		}
		if canon, _ := ac.BytesToString(bz); canon != a {
			return ErrInvalidPolicy.Wrapf("approver %q is not in canonical form", a)
		}
		if i > 0 && approvers[i-1] >= a {
			return ErrInvalidPolicy.Wrap("approvers must be sorted without duplicates")
		}
	}
	if threshold == 0 || int(threshold) > len(approvers) {
		return ErrInvalidPolicy.Wrapf("threshold %d: want 1..%d", threshold, len(approvers))
	}
	switch {
	case ttlBlocks < 0 || ttlSeconds < 0:
		return ErrInvalidPolicy.Wrap("ttl must not be negative")
	case (ttlBlocks > 0) == (ttlSeconds > 0):
		return ErrInvalidPolicy.Wrap("set exactly one of ttl_blocks, ttl_seconds")
	case ttlBlocks > p.MaxApprovalTtlBlocks:
		return ErrInvalidPolicy.Wrapf("ttl_blocks %d > max %d", ttlBlocks, p.MaxApprovalTtlBlocks)
	case ttlSeconds > p.MaxApprovalTtlSeconds:
		return ErrInvalidPolicy.Wrapf("ttl_seconds %d > max %d", ttlSeconds, p.MaxApprovalTtlSeconds)
	}
	return nil
}

// IncidentKinds are x/heal's incident kinds, as an INCIDENT trigger names them.
var IncidentKinds = []string{"host-down", "host-suspect", "vm-crash", "vm-stuck", "region-partition", "capacity-forecast"}

// ValidateRuleShape checks a rule's trigger, action and target list without looking at state.
func ValidateRuleShape(t Trigger, a RuleAction, vmIDs []uint64, p Params) error {
	if t.Kind != TRIGGER_KIND_INCIDENT && t.IncidentKind != "" {
		return ErrInvalidRule.Wrapf("incident_kind is for INCIDENT triggers, not %s", t.Kind)
	}
	switch t.Kind {
	case TRIGGER_KIND_VM_STATE:
		if t.VmId == 0 || t.HostId != "" || t.Height != 0 {
			return ErrInvalidRule.Wrap("VM_STATE trigger takes vm_id and state only")
		}
		if _, ok := VMState_name[int32(t.State)]; !ok || t.State == VM_STATE_UNSPECIFIED {
			return ErrInvalidRule.Wrapf("trigger state %s", t.State)
		}
	case TRIGGER_KIND_HOST_DRAINING, TRIGGER_KIND_HOST_DRAINED:
		if t.VmId != 0 || t.State != VM_STATE_UNSPECIFIED || t.Height != 0 {
			return ErrInvalidRule.Wrap("host trigger takes host_id only")
		}
		if err := ValidateHostID(t.HostId); err != nil {
			return ErrInvalidRule.Wrap(err.Error())
		}
	case TRIGGER_KIND_HEIGHT:
		if t.VmId != 0 || t.State != VM_STATE_UNSPECIFIED || t.HostId != "" || t.Height <= 0 {
			return ErrInvalidRule.Wrap("HEIGHT trigger takes a positive height only")
		}
	case TRIGGER_KIND_INCIDENT:
		if t.VmId == 0 || t.State != VM_STATE_UNSPECIFIED || t.HostId != "" || t.Height != 0 {
			return ErrInvalidRule.Wrap("INCIDENT trigger takes vm_id and incident_kind only")
		}
		if t.IncidentKind != "" && !slices.Contains(IncidentKinds, t.IncidentKind) {
			return ErrInvalidRule.Wrapf("incident_kind %q: one of %s, or empty for any", t.IncidentKind, strings.Join(IncidentKinds, ", "))
		}
	default:
		return ErrInvalidRule.Wrapf("trigger kind %s", t.Kind)
	}
	if err := ValidateOpFields(a.Op(0), p); err != nil {
		return err
	}
	if len(vmIDs) == 0 || uint32(len(vmIDs)) > p.MaxRuleTargets {
		return ErrInvalidRule.Wrapf("%d target VMs: want 1..%d", len(vmIDs), p.MaxRuleTargets)
	}
	for i, id := range vmIDs {
		if id == 0 || (i > 0 && vmIDs[i-1] >= id) {
			return ErrInvalidRule.Wrap("vm_ids must be positive, sorted, without duplicates")
		}
	}
	return nil
}

// Op is the action applied to one target VM.
func (a RuleAction) Op(vmID uint64) VMOperation {
	return VMOperation{Kind: a.Kind, VmId: vmID, Resources: a.Resources, TargetHostId: a.TargetHostId, NearestRegion: a.NearestRegion}
}

// Describe is a short human form of a trigger.
func (t Trigger) Describe() string {
	switch t.Kind {
	case TRIGGER_KIND_VM_STATE:
		return fmt.Sprintf("vm %d → %s", t.VmId, t.State)
	case TRIGGER_KIND_HOST_DRAINING:
		return "host " + t.HostId + " draining"
	case TRIGGER_KIND_HOST_DRAINED:
		return "host " + t.HostId + " drained"
	case TRIGGER_KIND_HEIGHT:
		return fmt.Sprintf("height %d", t.Height)
	case TRIGGER_KIND_INCIDENT:
		return fmt.Sprintf("incident (%s) on vm %d", cmp.Or(t.IncidentKind, "any"), t.VmId)
	}
	return t.Kind.String()
}

// Finished reports whether an operation reached a final status (EXECUTED, FAILED, EXPIRED, CANCELLED):
// it never changes again, has a finished_height, and is pruned op_retention_blocks later.
func Finished(s OperationStatus) bool {
	return s == OPERATION_STATUS_EXECUTED || s == OPERATION_STATUS_FAILED || s == OPERATION_STATUS_EXPIRED || s == OPERATION_STATUS_CANCELLED
}
