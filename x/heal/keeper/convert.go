package keeper

import (
	"github.com/novacron/novacron/x/heal/engine"
	"github.com/novacron/novacron/x/heal/types"
)

// The proto enums number their values as the engine's constants do; these convert one to the other.

func toEngineHost(h types.HostView) engine.Host {
	out := engine.Host{Status: engine.Status(h.Status), RTTBucket: uint8(h.RttBucket), Seq: h.Seq}
	if len(h.Vms) > 0 {
		out.VMs = make([]engine.VM, len(h.Vms))
		for i, vm := range h.Vms {
			out.VMs[i] = engine.VM{ID: vm.Id, State: engine.VMState(vm.State), CPUMilli: vm.CpuMilli, MemMiB: vm.MemMib}
		}
	}
	return out
}

func fromEngineHost(id string, h engine.Host) types.HostView {
	out := types.HostView{HostId: id, Status: types.ProbeStatus(h.Status), RttBucket: uint32(h.RTTBucket), Seq: h.Seq}
	if len(h.VMs) > 0 {
		out.Vms = make([]types.AgentVM, len(h.VMs))
		for i, vm := range h.VMs {
			out.Vms[i] = types.AgentVM{Id: vm.ID, State: types.AgentVMState(vm.State), CpuMilli: vm.CPUMilli, MemMib: vm.MemMiB}
		}
	}
	return out
}

// indexedView is a stored view as the engine reads it, with each host id's position.
type indexedView struct {
	height int64
	ids    []string
	hosts  engine.View
	pos    map[string]int
}

func index(v types.View) indexedView {
	iv := indexedView{height: v.Height, ids: make([]string, len(v.Hosts)), hosts: make(engine.View, len(v.Hosts)), pos: make(map[string]int, len(v.Hosts))}
	for i, h := range v.Hosts {
		iv.ids[i], iv.hosts[i], iv.pos[h.HostId] = h.HostId, toEngineHost(h), i
	}
	return iv
}

func toEngineIncident(inc types.Incident) engine.Incident {
	return engine.Incident{
		ID: inc.Id, Kind: engine.IncidentKind(inc.Kind), Subject: inc.Subject, Region: inc.Region, Parent: inc.Parent,
		Hosts: inc.Hosts, VMs: inc.Vms, State: engine.IncidentState(inc.State),
		OpenedHeight: inc.OpenedHeight, OpenedMs: inc.OpenedMs, RepairedHeight: inc.RepairedHeight, RepairedMs: inc.RepairedMs,
		ResolvedHeight: inc.ResolvedHeight, ResolvedMs: inc.ResolvedMs,
	}
}

// fromEngineIncident keeps the evidence fields of stored (the verdict that opened it).
func fromEngineIncident(inc engine.Incident, stored types.Incident) types.Incident {
	stored.Id, stored.Kind, stored.Subject, stored.Region, stored.Parent = inc.ID, types.IncidentKind(inc.Kind), inc.Subject, inc.Region, inc.Parent
	stored.Hosts, stored.Vms, stored.State = inc.Hosts, inc.VMs, types.IncidentState(inc.State)
	stored.OpenedHeight, stored.OpenedMs = inc.OpenedHeight, inc.OpenedMs
	stored.RepairedHeight, stored.RepairedMs = inc.RepairedHeight, inc.RepairedMs
	stored.ResolvedHeight, stored.ResolvedMs = inc.ResolvedHeight, inc.ResolvedMs
	return stored
}
