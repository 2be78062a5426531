package simulation

import (
	"math/rand" // determinism-ok: SDK simulation only (its API takes *math/rand.Rand), never in consensus

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	simkit "github.com/novacron/novacron/x/internal/simulation"
	"github.com/novacron/novacron/x/vmlifecycle/keeper"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// Proposal weight (app params key and default) of MsgUpdateParams.
const (
	OpWeightMsgUpdateParams      = "op_weight_msg_vmlifecycle_update_params"
	DefaultWeightMsgUpdateParams = simkit.ProposalWeight
)

// WeightedOperationsX registers a simsx factory per operation of WeightedOperations, with the
// same keys and weights, over the same generators: each message is a tx of its signer (a VM's
// owner, a host's operator, an approver; simulation accounts). A refusal with an x/vmlifecycle
// error (a host full, a name taken, a wrong signer) is expected; any other error fails.
func WeightedOperationsX(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	w := func(key string, def uint32) uint32 { return weights.Get(key, def) }
	reg.Add(w(OpWeightMsgRegisterHost, DefaultWeightMsgRegisterHost), tx(GenRegisterHost(k)))
	reg.Add(w(OpWeightMsgDrainHost, DefaultWeightMsgDrainHost), tx(GenDrainHost(k)))
	reg.Add(w(OpWeightMsgUndrainHost, DefaultWeightMsgUndrainHost), tx(GenUndrainHost(k)))
	reg.Add(w(OpWeightMsgDeregisterHost, DefaultWeightMsgDeregisterHost), tx(GenDeregisterHost(k)))
	reg.Add(w(OpWeightMsgCreateVM, DefaultWeightMsgCreateVM), tx(GenCreateVM(k)))
	reg.Add(w(OpWeightMsgStartVM, DefaultWeightMsgStartVM), tx(GenStartVM(k)))
	reg.Add(w(OpWeightMsgStopVM, DefaultWeightMsgStopVM), tx(GenStopVM(k)))
	reg.Add(w(OpWeightMsgResizeVM, DefaultWeightMsgResizeVM), tx(GenResizeVM(k)))
	reg.Add(w(OpWeightMsgMigrateVM, DefaultWeightMsgMigrateVM), tx(GenMigrateVM(k)))
	reg.Add(w(OpWeightMsgDeleteVM, DefaultWeightMsgDeleteVM), tx(GenDeleteVM(k)))
	reg.Add(w(OpWeightMsgReportVMStatus, DefaultWeightMsgReportVMStatus), tx(GenReportVMStatus(k)))
	reg.Add(w(OpWeightMsgSetApprovalPolicy, DefaultWeightMsgSetApprovalPolicy), tx(GenSetApprovalPolicy(k)))
	reg.Add(w(OpWeightMsgClearApprovalPolicy, DefaultWeightMsgClearApprovalPolicy), tx(GenClearApprovalPolicy(k)))
	reg.Add(w(OpWeightMsgApproveOperation, DefaultWeightMsgApproveOperation), tx(GenApproveOperation(k)))
	reg.Add(w(OpWeightMsgCancelOperation, DefaultWeightMsgCancelOperation), tx(GenCancelScheduledOperation(k)))
	reg.Add(w(OpWeightMsgCreateRule, DefaultWeightMsgCreateRule), tx(GenCreateRule(k)))
	reg.Add(w(OpWeightMsgDeleteRule, DefaultWeightMsgDeleteRule), tx(GenDeleteRule(k)))
	// The time-locked operation is one factory per message type (a factory has one type); the
	// weight is shared among the five kinds.
	tl := max(1, w(OpWeightMsgTimeLockedVMOp, DefaultWeightMsgTimeLockedVMOp)/5)
	reg.Add(tl, tx(timeLocked[*types.MsgStartVM](k, 0)))
	reg.Add(tl, tx(timeLocked[*types.MsgStopVM](k, 1)))
	reg.Add(tl, tx(timeLocked[*types.MsgResizeVM](k, 2)))
	reg.Add(tl, tx(timeLocked[*types.MsgMigrateVM](k, 3)))
	reg.Add(tl, tx(timeLocked[*types.MsgDeleteVM](k, 4)))
}

// ProposalMsgsX registers MsgUpdateParams as a governance proposal's message.
func ProposalMsgsX(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	reg.Add(weights.Get(OpWeightMsgUpdateParams, simkit.ProposalWeight), simkit.ProposalFactory(GenUpdateParams(k)))
}

// GenUpdateParams sets RandomParams over the current host operators.
func GenUpdateParams(k keeper.Keeper) simkit.GovGen[*types.MsgUpdateParams] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account, authority string) (*types.MsgUpdateParams, string) {
		return &types.MsgUpdateParams{Authority: authority, Params: RandomParams(r, operators(ctx, k))}, ""
	}
}

// tx is the simsx factory of gen: a tx of the message's signer; x/vmlifecycle refusals expected.
func tx[T sdk.Msg](gen simkit.Gen[T]) *simsx.ResultHandlingSimMsgFactory[T] {
	return simkit.TxFactory(gen, simkit.Expected(types.ModuleName))
}

// timeLocked is GenTimeLockedVMOp of one kind, as its message type T.
func timeLocked[T sdk.Msg](k keeper.Keeper, kind int) simkit.Gen[T] {
	gen := GenTimeLockedVMOp(k, kind)
	return func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (T, string) {
		msg, skip := gen(r, ctx, accs)
		return msg.(T), skip
	}
}
