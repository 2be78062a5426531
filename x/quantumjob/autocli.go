package quantumjob

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions: queries and the UpdateParams Msg via autocli; `tx quantumjob submit` is a
// custom command (it reads the QASM file) added to the same tree.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "novacron.quantumjob.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the on-chain quantum job limits"},
				{
					RpcMethod: "Job", Use: "job [id]", Short: "Show a quantum job",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "Result", Use: "result [id]", Short: "Show the counts and probabilities of a finished job",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "JobsByOwner", Use: "jobs [owner]", Short: "List the jobs of an owner",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "owner"}},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              "novacron.quantumjob.v1.Msg",
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "SubmitJob", Skip: true},
				{
					RpcMethod: "UpdateParams", Use: "update-params [params-json]", Short: "Change the limits (governance proposal)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "params"}},
					GovProposal:    true,
				},
			},
		},
	}
}
