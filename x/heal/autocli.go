package heal

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions: queries of health, incidents, rollouts, policies and forecasts; owners' rollouts
// and policies; params change by governance proposal.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "novacron.heal.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the module's params"},
				{RpcMethod: "Hosts", Use: "hosts", Short: "List the tracked hosts' health"},
				{
					RpcMethod: "Host", Use: "host [host-id]", Short: "Show a tracked host's health and agreed view",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "host_id"}},
				},
				{
					RpcMethod: "Incidents", Use: "incidents", Short: "List incidents, newest first (--state to filter)",
				},
				{
					RpcMethod: "Incident", Use: "incident [id]", Short: "Show one incident",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "WhatIf", Use: "what-if [host:<id>|region:<code>]...",
					Short:          "Where the VMs of failed hosts would go (the scheduler on a copy of the state; nothing is written)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "fail", Varargs: true}},
				},
				{
					RpcMethod: "Rollout", Use: "rollout [id]", Short: "Show a rollout: its phases, VMs, steps and outcome",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{RpcMethod: "Rollouts", Use: "rollouts", Short: "List rollouts, newest first (--owner to filter)"},
				{
					RpcMethod: "Policy", Use: "policy [owner] [vm-id]", Short: "The remediation and scaling policy that applies to an owner's VM (vm-id 0: its default), and its source",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "owner"}, {ProtoField: "vm_id"}},
				},
				{
					RpcMethod: "Policies", Use: "policies [owner]", Short: "List an owner's policies",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "owner"}},
				},
				{
					RpcMethod: "Forecast", Use: "forecast [group]", Short: "A VM group's predictive-scaling forecast and last decision, with the numbers",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "group"}},
				},
				{RpcMethod: "Forecasts", Use: "forecasts", Short: "List the forecasts of every scaling group"},
				{
					RpcMethod: "Stats", Use: "stats", Short: "MTTD, MTTR (p50, p99) and the automated-resolution ratio over a window (--window-blocks)",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "novacron.heal.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true}, // governance: tx gov submit-proposal
				{
					RpcMethod: "StartRollout", Use: "start-rollout [image-cid]",
					Short:          "Move a VM group (--group, replica 0's id) or VMs (--vm-ids) to a new image: canaries first, rolled back automatically on failures",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "image_cid"}},
				},
				{
					RpcMethod: "CancelRollout", Use: "cancel-rollout [rollout-id]", Short: "Stop a rollout and give its updated VMs their previous image back",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "rollout_id"}},
				},
				{
					RpcMethod: "SetPolicy", Use: "set-policy [vm-id]",
					Short:          "Set the remediation ladder (--remedy) and predictive scaling (--scaling, on a group's replica 0) of a VM; vm-id 0 sets your default",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "vm_id"}},
				},
				{
					RpcMethod: "ClearPolicy", Use: "clear-policy [vm-id]", Short: "Remove a VM's policy (vm-id 0: your default)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "vm_id"}},
				},
			},
		},
	}
}
