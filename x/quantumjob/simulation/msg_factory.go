package simulation

import (
	"math/rand" // determinism-ok: SDK simulation only (its API takes *math/rand.Rand), never in consensus

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	simkit "github.com/novacron/novacron/x/internal/simulation"
	"github.com/novacron/novacron/x/quantumjob/keeper"
	"github.com/novacron/novacron/x/quantumjob/types"
)

// Proposal weight (app params key and default) of MsgUpdateParams.
const (
	OpWeightMsgUpdateParams      = "op_weight_msg_quantumjob_update_params"
	DefaultWeightMsgUpdateParams = simkit.ProposalWeight
)

// WeightedOperationsX registers the simsx factory of MsgSubmitJob (x/bank's shape in v0.54).
func WeightedOperationsX(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	reg.Add(weights.Get(OpWeightMsgSubmitJob, DefaultWeightMsgSubmitJob), MsgSubmitJobFactory(k))
}

// ProposalMsgsX registers MsgUpdateParams as a governance proposal's message.
func ProposalMsgsX(weights simsx.WeightSource, reg simsx.Registry) {
	reg.Add(weights.Get(OpWeightMsgUpdateParams, simkit.ProposalWeight), MsgUpdateParamsFactory())
}

// MsgSubmitJobFactory submits a GenSubmitJob job as a tx of its owner, with the tx's gas (the
// SDK's simulation gas limit): a job over the random limits, the queue or the tx's work budget,
// and an adversarial one out of gas, are refusals the simulation expects.
func MsgSubmitJobFactory(k keeper.Keeper) *simsx.ResultHandlingSimMsgFactory[*types.MsgSubmitJob] {
	return simkit.TxFactory(GenSubmitJob(k), simkit.Expected(types.ModuleName, sdkerrors.ErrOutOfGas))
}

// GenUpdateParams sets RandomParams (the random genesis' engine bounds).
func GenUpdateParams(r *rand.Rand, _ sdk.Context, _ []simtypes.Account, authority string) (*types.MsgUpdateParams, string) {
	return &types.MsgUpdateParams{Authority: authority, Params: RandomParams(r)}, ""
}

// MsgUpdateParamsFactory is GenUpdateParams with x/gov's authority, a proposal's message.
func MsgUpdateParamsFactory() simsx.SimMsgFactoryFn[*types.MsgUpdateParams] {
	return simkit.ProposalFactory(GenUpdateParams)
}
