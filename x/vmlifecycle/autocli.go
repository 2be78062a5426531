package vmlifecycle

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

func pos(fields ...string) []*autocliv1.PositionalArgDescriptor {
	out := make([]*autocliv1.PositionalArgDescriptor, len(fields))
	for i, f := range fields {
		out[i] = &autocliv1.PositionalArgDescriptor{ProtoField: f}
	}
	return out
}

// AutoCLIOptions: every Msg and Query through autocli, except `query vmlifecycle explain`, which is
// a custom command (words by default, --json for the structure) added to the same tree.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service:              "novacron.vmlifecycle.v1.Query",
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the module params (operator allowlist, scheduler bounds, latency table)"},
				{RpcMethod: "Host", Use: "host [host-id]", Short: "Show a host", PositionalArgs: pos("host_id")},
				{RpcMethod: "Hosts", Use: "hosts", Short: "List hosts"},
				{RpcMethod: "VM", Use: "vm [vm-id]", Short: "Show a VM", PositionalArgs: pos("vm_id")},
				{RpcMethod: "VMsByOwner", Use: "vms [owner]", Short: "List the VMs of an owner", PositionalArgs: pos("owner")},
				{RpcMethod: "VMsByHost", Use: "host-vms [host-id]", Short: "List the VMs on a host", PositionalArgs: pos("host_id")},
				{RpcMethod: "Explain", Skip: true},
				{RpcMethod: "AuditByVM", Use: "audit-vm [vm-id]", Short: "Audit log of a VM", PositionalArgs: pos("vm_id")},
				{RpcMethod: "AuditByHost", Use: "audit-host [host-id]", Short: "Audit log of a host", PositionalArgs: pos("host_id")},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "novacron.vmlifecycle.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "RegisterHost", Use: "register-host [host-id] [region] [lat-udeg] [lon-udeg] [capacity-json]",
					Short: "Register a host (operator must be on the allowlist); --labels '[{\"key\":\"gpu\",\"value\":\"a100\"}]'", PositionalArgs: pos("host_id", "region", "lat_udeg", "lon_udeg", "capacity"),
				},
				{
					RpcMethod: "UpdateHost", Use: "update-host [host-id] [region] [lat-udeg] [lon-udeg] [capacity-json]",
					Short: "Replace a host's location, capacity and labels", PositionalArgs: pos("host_id", "region", "lat_udeg", "lon_udeg", "capacity"),
				},
				{RpcMethod: "DrainHost", Use: "drain-host [host-id]", Short: "Stop placements on a host and migrate its VMs away in EndBlock", PositionalArgs: pos("host_id")},
				{RpcMethod: "DeregisterHost", Use: "deregister-host [host-id]", Short: "Remove an empty host", PositionalArgs: pos("host_id")},
				{
					RpcMethod: "CreateVM", Use: "create-vm [name] [image-cid] [resources-json]",
					Short: "Create a VM (--replicas N, --constraints JSON); it is placed by the scheduler at once or retried", PositionalArgs: pos("name", "image_cid", "resources"),
				},
				{RpcMethod: "StartVM", Use: "start-vm [vm-id]", Short: "Start a stopped or failed VM", PositionalArgs: pos("vm_id")},
				{RpcMethod: "StopVM", Use: "stop-vm [vm-id]", Short: "Stop a VM", PositionalArgs: pos("vm_id")},
				{RpcMethod: "ResizeVM", Use: "resize-vm [vm-id] [resources-json]", Short: "Resize a VM in place", PositionalArgs: pos("vm_id", "resources")},
				{RpcMethod: "MigrateVM", Use: "migrate-vm [vm-id]", Short: "Migrate a VM (--target-host-id H or --nearest-region R, else best other host)", PositionalArgs: pos("vm_id")},
				{RpcMethod: "DeleteVM", Use: "delete-vm [vm-id]", Short: "Delete a VM", PositionalArgs: pos("vm_id")},
				{
					RpcMethod: "ReportVMStatus", Use: "report-vm-status [vm-id] [status]",
					Short: "Host operator reports VM_STATE_RUNNING, VM_STATE_STOPPED or VM_STATE_FAILED", PositionalArgs: pos("vm_id", "status"),
				},
				{
					RpcMethod: "UpdateParams", Use: "update-params [params-json]", Short: "Change params (governance proposal)",
					PositionalArgs: pos("params"), GovProposal: true,
				},
			},
		},
	}
}
