package validatorset

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
)

// AutoCLIOptions gives the query commands; the Msgs are governance-only, so they are
// reachable through `tx gov submit-proposal` and shown here for `--generate-only` use.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: "novacron.validatorset.v1.Query",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod: "Operators",
					Use:       "operators",
					Short:     "List the validator operators on the allowlist",
				},
				{
					RpcMethod:      "Operator",
					Use:            "operator [operator-address]",
					Short:          "Show whether a validator operator is allowlisted",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "operator_address"}},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service: "novacron.validatorset.v1.Msg",
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod:      "AddValidator",
					Use:            "add-validator [operator-address] [note]",
					Short:          "Allowlist a validator operator (governance proposal)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "operator_address"}, {ProtoField: "note", Optional: true}},
					GovProposal:    true,
				},
				{
					RpcMethod:      "RemoveValidator",
					Use:            "remove-validator [operator-address]",
					Short:          "Revoke a validator operator and take it out of the active set (governance proposal)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "operator_address"}},
					GovProposal:    true,
				},
			},
		},
	}
}
