package types

import (
	"fmt"

	"cosmossdk.io/core/address"
)

// DefaultGenesis has the default params and no hosts or VMs.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextVmId: 1, NextAuditSeq: 1, NextOperationId: 1, NextRuleId: 1, NextRuleEventSeq: 1}
}

// Validate checks ids, references and that every host's allocation is exactly the sum of its VMs.
func (gs GenesisState) Validate(ac address.Codec) error {
	if err := gs.Params.Validate(ac); err != nil {
		return err
	}
	hosts := make(map[string]Host, len(gs.Hosts))
	for _, h := range gs.Hosts {
		if err := ValidateHostID(h.Id); err != nil {
			return ErrInvalidGenesis.Wrap(err.Error())
		}
		if err := ValidateRegion(h.Region); err != nil {
			return ErrInvalidGenesis.Wrap(err.Error())
		}
		if _, dup := hosts[h.Id]; dup {
			return ErrInvalidGenesis.Wrapf("duplicate host %s", h.Id)
		}
		if _, err := ac.StringToBytes(h.Operator); err != nil {
			return ErrInvalidGenesis.Wrapf("host %s operator %q: %v", h.Id, h.Operator, err)
		}
		if h.Status != HOST_STATUS_ACTIVE && h.Status != HOST_STATUS_DRAINING {
			return ErrInvalidGenesis.Wrapf("host %s status %s", h.Id, h.Status)
		}
		if !h.Allocated.Fits(h.Capacity) {
			return ErrInvalidGenesis.Wrapf("host %s allocated %s > capacity %s", h.Id, h.Allocated.Describe(), h.Capacity.Describe())
		}
		if err := ValidateLabels(h.Labels, gs.Params.MaxLabels); err != nil {
			return ErrInvalidGenesis.Wrap(err.Error())
		}
		if err := ValidateHealthEndpoint(h.HealthEndpoint); err != nil {
			return ErrInvalidGenesis.Wrap(err.Error())
		}
		hosts[h.Id] = h
	}
	sums := make(map[string]Resources, len(hosts))
	counts := make(map[string]uint64, len(hosts))
	vms := make(map[uint64]bool, len(gs.Vms))
	names := make(map[string]bool, len(gs.Vms))
	for _, vm := range gs.Vms {
		if vm.Id == 0 || vm.Id >= gs.NextVmId {
			return ErrInvalidGenesis.Wrapf("vm id %d outside [1, next_vm_id=%d)", vm.Id, gs.NextVmId)
		}
		if vms[vm.Id] {
			return ErrInvalidGenesis.Wrapf("duplicate vm id %d", vm.Id)
		}
		vms[vm.Id] = true
		if _, err := ac.StringToBytes(vm.Owner); err != nil {
			return ErrInvalidGenesis.Wrapf("vm %d owner %q: %v", vm.Id, vm.Owner, err)
		}
		if vm.State == VM_STATE_UNSPECIFIED {
			return ErrInvalidGenesis.Wrapf("vm %d has no state", vm.Id)
		}
		if vm.State != VM_STATE_DELETED {
			key := vm.Owner + "/" + vm.Name
			if names[key] {
				return ErrInvalidGenesis.Wrapf("duplicate vm name %s", key)
			}
			names[key] = true
		}
		if Placed(vm.State) {
			if _, ok := hosts[vm.HostId]; !ok {
				return ErrInvalidGenesis.Wrapf("vm %d placed on unknown host %q", vm.Id, vm.HostId)
			}
			sums[vm.HostId] = sums[vm.HostId].Add(vm.Resources)
			counts[vm.HostId]++
		} else if vm.HostId != "" {
			return ErrInvalidGenesis.Wrapf("vm %d is %s but names host %s", vm.Id, vm.State, vm.HostId)
		}
	}
	for _, h := range gs.Hosts {
		if sums[h.Id] != h.Allocated || counts[h.Id] != h.VmCount {
			return ErrInvalidGenesis.Wrapf("host %s allocation %s/%d VMs != sum of its VMs %s/%d",
				h.Id, h.Allocated.Describe(), h.VmCount, sums[h.Id].Describe(), counts[h.Id])
		}
	}
	var prev AuditEntry
	for i, e := range gs.AuditLog {
		if e.Seq == 0 || e.Seq >= gs.NextAuditSeq {
			return ErrInvalidGenesis.Wrapf("audit seq %d outside [1, next_audit_seq=%d)", e.Seq, gs.NextAuditSeq)
		}
		if i > 0 && (e.Seq <= prev.Seq || e.Height < prev.Height || e.TimeUnixNs < prev.TimeUnixNs) {
			return ErrInvalidGenesis.Wrapf("audit log not monotonic at seq %d", e.Seq)
		}
		prev = e
	}
	for _, ex := range gs.Explanations {
		if !vms[ex.VmId] {
			return ErrInvalidGenesis.Wrapf("explanation for unknown vm %d", ex.VmId)
		}
	}
	for _, p := range gs.Pending {
		if !vms[p.VmId] {
			return ErrInvalidGenesis.Wrapf("pending entry for unknown vm %d", p.VmId)
		}
	}
	for _, c := range gs.DrainCursors {
		if h, ok := hosts[c.HostId]; !ok || h.Status != HOST_STATUS_DRAINING {
			return ErrInvalidGenesis.Wrapf("drain cursor for host %q that is not draining", c.HostId)
		}
	}
	for i, h := range gs.DrainQueue {
		if host, ok := hosts[h]; !ok || host.Status != HOST_STATUS_DRAINING {
			return ErrInvalidGenesis.Wrapf("drain queue names host %q that is not draining", h)
		}
		if i > 0 && gs.DrainQueue[i-1] >= h {
			return ErrInvalidGenesis.Wrap("drain_queue must be sorted without duplicates")
		}
	}
	owners := make(map[uint64]string, len(gs.Vms))
	for _, vm := range gs.Vms {
		owners[vm.Id] = vm.Owner
	}
	return gs.validateGovernance(ac, owners)
}

// validateGovernance checks policies, operations, rules and rule events.
func (gs GenesisState) validateGovernance(ac address.Codec, vmOwner map[uint64]string) error {
	pols := map[string]bool{}
	for _, pol := range gs.ApprovalPolicies {
		if _, err := ac.StringToBytes(pol.Owner); err != nil {
			return ErrInvalidGenesis.Wrapf("policy owner %q: %v", pol.Owner, err)
		}
		key := fmt.Sprintf("%s/%d", pol.Owner, pol.VmId)
		if pols[key] {
			return ErrInvalidGenesis.Wrapf("duplicate policy %s", key)
		}
		pols[key] = true
		if pol.VmId != 0 && vmOwner[pol.VmId] != pol.Owner {
			return ErrInvalidGenesis.Wrapf("policy for vm %d not owned by %s", pol.VmId, pol.Owner)
		}
		if err := ValidatePolicyFields(ac, pol.Approvers, pol.Threshold, pol.TtlBlocks, pol.TtlSeconds, gs.Params); err != nil {
			return ErrInvalidGenesis.Wrap(err.Error())
		}
	}
	var prevOp uint64
	for _, o := range gs.Operations {
		if o.Id == 0 || o.Id >= gs.NextOperationId || o.Id <= prevOp {
			return ErrInvalidGenesis.Wrapf("operation id %d: want increasing ids in [1, next_operation_id=%d)", o.Id, gs.NextOperationId)
		}
		prevOp = o.Id
		if o.Owner == "" || vmOwner[o.Op.VmId] != o.Owner {
			return ErrInvalidGenesis.Wrapf("operation %d: vm %d not owned by %q", o.Id, o.Op.VmId, o.Owner)
		}
		if _, ok := OperationStatus_name[int32(o.Status)]; !ok || o.Status == OPERATION_STATUS_UNSPECIFIED {
			return ErrInvalidGenesis.Wrapf("operation %d status %s", o.Id, o.Status)
		}
		if o.NotBefore < 0 || o.AtHeight < 0 || (o.NotBefore > 0 && o.AtHeight > 0) {
			return ErrInvalidGenesis.Wrapf("operation %d time-lock", o.Id)
		}
		if o.FinishedHeight < 0 || (!Finished(o.Status) && o.FinishedHeight != 0) {
			return ErrInvalidGenesis.Wrapf("operation %d is %s with finished_height %d", o.Id, o.Status, o.FinishedHeight)
		}
		switch o.Status {
		case OPERATION_STATUS_AWAITING_APPROVAL:
			if o.Threshold == 0 || int(o.Threshold) > len(o.Approvers) || (o.DeadlineHeight > 0) == (o.DeadlineUnix > 0) {
				return ErrInvalidGenesis.Wrapf("operation %d: proposal needs a threshold and one deadline", o.Id)
			}
		case OPERATION_STATUS_QUEUED:
			if o.NotBefore == 0 && o.AtHeight == 0 {
				return ErrInvalidGenesis.Wrapf("operation %d queued without a time-lock", o.Id)
			}
		}
	}
	var prevRule uint64
	for _, r := range gs.Rules {
		if r.Id == 0 || r.Id >= gs.NextRuleId || r.Id <= prevRule {
			return ErrInvalidGenesis.Wrapf("rule id %d: want increasing ids in [1, next_rule_id=%d)", r.Id, gs.NextRuleId)
		}
		prevRule = r.Id
		if _, err := ac.StringToBytes(r.Owner); err != nil {
			return ErrInvalidGenesis.Wrapf("rule %d owner %q: %v", r.Id, r.Owner, err)
		}
		if err := ValidateRuleShape(r.Trigger, r.Action, r.VmIds, gs.Params); err != nil {
			return ErrInvalidGenesis.Wrapf("rule %d: %s", r.Id, err.Error())
		}
		for _, id := range r.VmIds {
			if vmOwner[id] != r.Owner {
				return ErrInvalidGenesis.Wrapf("rule %d targets vm %d not owned by %s", r.Id, id, r.Owner)
			}
		}
	}
	var prevEv uint64
	for _, ev := range gs.RuleEvents {
		if ev.Seq == 0 || ev.Seq >= gs.NextRuleEventSeq || ev.Seq <= prevEv {
			return ErrInvalidGenesis.Wrapf("rule event seq %d: want increasing seqs in [1, next_rule_event_seq=%d)", ev.Seq, gs.NextRuleEventSeq)
		}
		prevEv = ev.Seq
	}
	return nil
}
