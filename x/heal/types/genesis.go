package types

import "fmt"

// DefaultGenesis: default params, an empty view, no incidents.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextIncidentId: 1, NextRolloutId: 1}
}

// Validate checks the params, that views list hosts in strictly ascending id, that health
// records and incidents are unique, and that incident ids are below next_incident_id.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	for _, v := range []View{gs.View, gs.PreviousView} {
		if err := v.Validate(); err != nil {
			return ErrInvalidGenesis.Wrap(err.Error())
		}
	}
	seen := map[string]bool{}
	for _, h := range gs.Health {
		if h.HostId == "" || seen[h.HostId] {
			return ErrInvalidGenesis.Wrapf("health record %q empty or repeated", h.HostId)
		}
		seen[h.HostId] = true
	}
	ids := map[uint64]bool{}
	for _, inc := range gs.Incidents {
		if inc.Id == 0 || inc.Id >= gs.NextIncidentId || ids[inc.Id] {
			return ErrInvalidGenesis.Wrapf("incident %d: zero, repeated or not below next_incident_id %d", inc.Id, gs.NextIncidentId)
		}
		if inc.Kind == IncidentKind_INCIDENT_KIND_UNSPECIFIED || inc.State == IncidentState_INCIDENT_STATE_UNSPECIFIED {
			return ErrInvalidGenesis.Wrapf("incident %d: kind or state unspecified", inc.Id)
		}
		ids[inc.Id] = true
	}
	rollouts, inRollout := map[uint64]bool{}, map[uint64]uint64{}
	for _, r := range gs.Rollouts {
		if r.Id == 0 || r.Id >= max(gs.NextRolloutId, 1) || rollouts[r.Id] {
			return ErrInvalidGenesis.Wrapf("rollout %d: zero, repeated or not below next_rollout_id %d", r.Id, gs.NextRolloutId)
		}
		rollouts[r.Id] = true
		if r.State == RolloutState_ROLLOUT_STATE_UNSPECIFIED || len(r.Vms) == 0 {
			return ErrInvalidGenesis.Wrapf("rollout %d: state unspecified or no VMs", r.Id)
		}
		if r.State != RolloutState_ROLLOUT_STATE_CANARY && r.State != RolloutState_ROLLOUT_STATE_ROLLING {
			continue
		}
		for _, v := range r.Vms {
			if other, ok := inRollout[v.VmId]; ok {
				return ErrInvalidGenesis.Wrapf("vm %d in active rollouts %d and %d", v.VmId, other, r.Id)
			}
			inRollout[v.VmId] = r.Id
		}
	}
	type policyKey struct {
		owner string
		vm    uint64
	}
	policies := map[policyKey]bool{}
	scaling := 0
	for _, pol := range gs.Policies {
		k := policyKey{pol.Owner, pol.VmId}
		if pol.Owner == "" || policies[k] {
			return ErrInvalidGenesis.Wrapf("policy (%q, %d) empty or repeated", pol.Owner, pol.VmId)
		}
		policies[k] = true
		if err := pol.Remedy.Validate(); err != nil {
			return ErrInvalidGenesis.Wrap(err.Error())
		}
		if err := pol.Scaling.Validate(); err != nil {
			return ErrInvalidGenesis.Wrap(err.Error())
		}
		if pol.Scaling.MaxReplicas > 0 {
			if pol.VmId == 0 {
				return ErrInvalidGenesis.Wrapf("policy of %s: scaling needs a group", pol.Owner)
			}
			scaling++
		}
	}
	if scaling > int(gs.Params.MaxScalingGroups) {
		return ErrInvalidGenesis.Wrapf("%d scaling policies > max_scaling_groups %d", scaling, gs.Params.MaxScalingGroups)
	}
	groups := map[uint64]bool{}
	for _, f := range gs.Forecasts {
		if f.Group == 0 || groups[f.Group] {
			return ErrInvalidGenesis.Wrapf("forecast of group %d zero or repeated", f.Group)
		}
		groups[f.Group] = true
	}
	return nil
}

// Validate checks that the hosts are in strictly ascending id and their VMs in ascending id.
func (v View) Validate() error {
	for i, h := range v.Hosts {
		if h.HostId == "" || (i > 0 && h.HostId <= v.Hosts[i-1].HostId) {
			return fmt.Errorf("view of height %d: host %q empty or out of order", v.Height, h.HostId)
		}
		for k, vm := range h.Vms {
			if k > 0 && vm.Id <= h.Vms[k-1].Id {
				return fmt.Errorf("view of height %d: host %s: vm %d out of order", v.Height, h.HostId, vm.Id)
			}
			if vm.State == AgentVMState_AGENT_VM_STATE_ABSENT {
				return fmt.Errorf("view of height %d: host %s: vm %d absent", v.Height, h.HostId, vm.Id)
			}
		}
	}
	return nil
}
