package heal

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions: queries of health and incidents; params change by governance proposal.
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
					RpcMethod: "Stats", Use: "stats", Short: "MTTD, MTTR (p50, p99) and the automated-resolution ratio over a window (--window-blocks)",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "novacron.heal.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "UpdateParams", Skip: true}, // governance: tx gov submit-proposal
			},
		},
	}
}
