package types

import "fmt"

// DefaultGenesis: default params, an empty view, no incidents.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextIncidentId: 1}
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
