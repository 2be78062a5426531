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

const (
	timeLocked = "; --not-before UNIX or --at-height H queues it instead"
	guarded    = "; under an approval policy it becomes a proposal"
)

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
				{
					RpcMethod: "VMs", Use: "vms [owner]",
					Short:          "List VMs in id order, deleted ones included (--state running|pending|...; an owner lists only its VMs)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "owner", Optional: true}},
				},
				{RpcMethod: "VMsByOwner", Skip: true}, // `vms [owner]` (VMs with an owner) lists the same
				{RpcMethod: "VMsByHost", Use: "host-vms [host-id]", Short: "List the VMs on a host", PositionalArgs: pos("host_id")},
				{RpcMethod: "Explain", Skip: true},
				{RpcMethod: "AuditByVM", Use: "audit-vm [vm-id]", Short: "Audit log of a VM", PositionalArgs: pos("vm_id")},
				{RpcMethod: "AuditByHost", Use: "audit-host [host-id]", Short: "Audit log of a host", PositionalArgs: pos("host_id")},
				{RpcMethod: "ApprovalPolicy", Use: "approval-policy [owner] [vm-id]", Short: "Show an owner's approval policy for a VM (vm-id 0: the owner-wide policy)", PositionalArgs: pos("owner", "vm_id")},
				{RpcMethod: "ApprovalPolicies", Use: "approval-policies [owner]", Short: "List an owner's approval policies", PositionalArgs: pos("owner")},
				{RpcMethod: "Operation", Use: "operation [operation-id]", Short: "Show a proposal or time-locked operation (status, approvals, deadline, error)", PositionalArgs: pos("operation_id")},
				{RpcMethod: "OperationsByVM", Use: "vm-operations [vm-id]", Short: "List a VM's operations (--status awaiting-approval for the pending ones)", PositionalArgs: pos("vm_id")},
				{RpcMethod: "Operations", Use: "operations", Short: "List operations (--status queued for the scheduled ones, awaiting-approval for open proposals)"},
				{RpcMethod: "Rule", Use: "rule [rule-id]", Short: "Show a rule", PositionalArgs: pos("rule_id")},
				{RpcMethod: "RulesByOwner", Use: "rules [owner]", Short: "List an owner's rules", PositionalArgs: pos("owner")},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "novacron.vmlifecycle.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "RegisterHost", Use: "register-host [host-id] [region] [lat-udeg] [lon-udeg] [capacity-json]",
					Short: "Register a host (operator must be on the allowlist); --labels '{\"key\":\"gpu\",\"value\":\"a100\"}' (once per label), --health-endpoint http://IP:PORT (its host agent's health server; empty: not probed)", PositionalArgs: pos("host_id", "region", "lat_udeg", "lon_udeg", "capacity"),
				},
				{
					RpcMethod: "UpdateHost", Use: "update-host [host-id] [region] [lat-udeg] [lon-udeg] [capacity-json]",
					Short: "Replace a host's location, capacity, labels and health endpoint (pass --labels and --health-endpoint again to keep them; omitted means cleared)", PositionalArgs: pos("host_id", "region", "lat_udeg", "lon_udeg", "capacity"),
				},
				{RpcMethod: "DrainHost", Use: "drain-host [host-id]", Short: "Stop placements on a host and migrate its VMs away in EndBlock", PositionalArgs: pos("host_id")},
				{RpcMethod: "UndrainHost", Use: "undrain-host [host-id]", Short: "Return a draining host to ACTIVE (placements resume; VMs already moved stay where they are)", PositionalArgs: pos("host_id")},
				{RpcMethod: "DeregisterHost", Use: "deregister-host [host-id]", Short: "Remove an empty host", PositionalArgs: pos("host_id")},
				{
					RpcMethod: "CreateVM", Use: "create-vm [name] [image-cid] [resources-json]",
					Short: "Create a VM (--replicas N, --constraints JSON); it is placed by the scheduler at once or retried", PositionalArgs: pos("name", "image_cid", "resources"),
				},
				{RpcMethod: "StartVM", Use: "start-vm [vm-id]", Short: "Start a stopped or failed VM" + timeLocked, PositionalArgs: pos("vm_id")},
				{RpcMethod: "StopVM", Use: "stop-vm [vm-id]", Short: "Stop a VM" + timeLocked, PositionalArgs: pos("vm_id")},
				{RpcMethod: "ResizeVM", Use: "resize-vm [vm-id] [resources-json]", Short: "Resize a VM in place" + timeLocked + guarded, PositionalArgs: pos("vm_id", "resources")},
				{RpcMethod: "MigrateVM", Use: "migrate-vm [vm-id]", Short: "Migrate a VM (--target-host-id H or --nearest-region R, else best other host)" + timeLocked + guarded, PositionalArgs: pos("vm_id")},
				{RpcMethod: "DeleteVM", Use: "delete-vm [vm-id]", Short: "Delete a VM" + timeLocked + guarded, PositionalArgs: pos("vm_id")},
				{
					RpcMethod: "ReportVMStatus", Use: "report-vm-status [vm-id] [status]",
					Short: "Host operator reports VM_STATE_RUNNING, VM_STATE_STOPPED or VM_STATE_FAILED", PositionalArgs: pos("vm_id", "status"),
				},
				{
					RpcMethod: "UpdateParams", Use: "update-params [params-json]", Short: "Change params (governance proposal)",
					PositionalArgs: pos("params"), GovProposal: true,
				},
				{
					RpcMethod: "SetApprovalPolicy", Use: "set-approval-policy [vm-id] [threshold] [approver] [approver...]",
					Short:          "Guard delete/migrate/resize of a VM (vm-id 0: all your VMs) with K-of-N approvals; --ttl-blocks N or --ttl-seconds S",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "vm_id"}, {ProtoField: "threshold"}, {ProtoField: "approvers", Varargs: true}},
				},
				{RpcMethod: "ClearApprovalPolicy", Use: "clear-approval-policy [vm-id]", Short: "Remove an approval policy (vm-id 0: the owner-wide one)", PositionalArgs: pos("vm_id")},
				{RpcMethod: "ApproveOperation", Use: "approve-operation [operation-id]", Short: "Approve a pending operation; it executes when the threshold is reached", PositionalArgs: pos("operation_id")},
				{RpcMethod: "CancelScheduledOperation", Use: "cancel-operation [operation-id]", Short: "Cancel your time-locked operation before it is due, or your proposal awaiting approvals", PositionalArgs: pos("operation_id")},
				{
					RpcMethod: "CreateRule", Use: "create-rule [trigger-json] [action-json] [vm-id] [vm-id...]",
					Short:          `Create a rule, e.g. create-rule '{"kind":"TRIGGER_KIND_VM_STATE","vm_id":"7","state":"VM_STATE_FAILED"}' '{"kind":"OP_KIND_START"}' 7`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "trigger"}, {ProtoField: "action"}, {ProtoField: "vm_ids", Varargs: true}},
				},
				{RpcMethod: "DeleteRule", Use: "delete-rule [rule-id]", Short: "Delete one of your rules", PositionalArgs: pos("rule_id")},
			},
		},
	}
}
