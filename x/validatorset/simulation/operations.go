package simulation

import (
	"math/rand" // determinism-ok: SDK simulation only (its API takes *math/rand.Rand), never in consensus
	"strings"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	simkit "github.com/novacron/novacron/x/internal/simulation"
	"github.com/novacron/novacron/x/validatorset/keeper"
	"github.com/novacron/novacron/x/validatorset/types"
)

// Operation weights (app params keys and defaults).
const (
	OpWeightMsgAddValidator    = "op_weight_msg_validatorset_add_validator"
	OpWeightMsgRemoveValidator = "op_weight_msg_validatorset_remove_validator"

	DefaultWeightMsgAddValidator    = 30
	DefaultWeightMsgRemoveValidator = 20
)

// WeightedOperations returns the module's simulation operations. Both messages are
// governance-only: they are signed by the authority the keeper expects, as x/gov's end blocker
// executes a passed proposal's messages, and one time in ten by a random account, which the
// keeper refuses. A refused message (a wrong signer, an operator already listed, the last
// bonded validator) is a no-op, not a simulation failure.
func WeightedOperations(appParams simtypes.AppParams, k keeper.Keeper) simulation.WeightedOperations {
	var add, remove int
	appParams.GetOrGenerate(OpWeightMsgAddValidator, &add, nil, func(*rand.Rand) { add = DefaultWeightMsgAddValidator })
	appParams.GetOrGenerate(OpWeightMsgRemoveValidator, &remove, nil, func(*rand.Rand) { remove = DefaultWeightMsgRemoveValidator })
	return simulation.WeightedOperations{
		simulation.NewWeightedOperation(add, SimulateMsgAddValidator(k)),
		simulation.NewWeightedOperation(remove, SimulateMsgRemoveValidator(k)),
	}
}

// authority is the signer the keeper accepts for ctx (the consensus-params authority when one
// is set, else x/gov's), or, one time in ten, a random account.
func authority(r *rand.Rand, ctx sdk.Context, k keeper.Keeper, accs []simtypes.Account) string {
	switch cp := ctx.ConsensusParams(); {
	case r.Intn(10) == 0 && len(accs) > 0:
		return accs[r.Intn(len(accs))].Address.String()
	case cp.Authority != nil && cp.Authority.Authority != "":
		return cp.Authority.Authority
	default:
		return k.Authority()
	}
}

// allowlisted returns up to 256 entries of the allowlist, in key order.
func allowlisted(ctx sdk.Context, k keeper.Keeper) []types.AllowedOperator {
	var out []types.AllowedOperator
	_ = k.Operators.Walk(ctx, nil, func(_ sdk.ValAddress, op types.AllowedOperator) (bool, error) {
		out = append(out, op)
		return len(out) >= 256, nil
	})
	return out
}

// GenAddValidator allowlists the operator of an account that is not listed yet (one time in
// five any account's, most likely listed already) with a random note; now and then in upper
// case (stored canonical), as an account address or with a note over the limit (refused).
func GenAddValidator(k keeper.Keeper) simkit.GovGen[*types.MsgAddValidator] {
	return func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account, authority string) (*types.MsgAddValidator, string) {
		msg := &types.MsgAddValidator{Authority: authority}
		var unlisted []simtypes.Account
		for _, acc := range accs {
			if ok, err := k.IsAllowed(ctx, sdk.ValAddress(acc.Address)); err == nil && !ok {
				unlisted = append(unlisted, acc)
			}
		}
		if len(unlisted) == 0 || r.Intn(5) == 0 {
			unlisted = accs
		}
		if len(unlisted) == 0 {
			return msg, "no accounts"
		}
		acc := unlisted[r.Intn(len(unlisted))]
		op, err := Operator(k.ValidatorAddressCodec(), acc)
		if err != nil {
			return msg, err.Error()
		}
		msg.OperatorAddress, msg.Note = op, RandomNote(r)
		switch r.Intn(20) {
		case 0, 1:
			msg.OperatorAddress = strings.ToUpper(op)
		case 2:
			msg.OperatorAddress = acc.Address.String()
		case 3:
			msg.Note = strings.Repeat("n", types.MaxNoteLength+1)
		}
		return msg, ""
	}
}

// GenRemoveValidator removes a listed operator (one time in ten an account's operator that may
// not be listed); the keeper jails its validator, or refuses when it is the last bonded one.
func GenRemoveValidator(k keeper.Keeper) simkit.GovGen[*types.MsgRemoveValidator] {
	return func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account, authority string) (*types.MsgRemoveValidator, string) {
		msg := &types.MsgRemoveValidator{Authority: authority}
		listed := allowlisted(ctx, k)
		switch {
		case len(accs) > 0 && (len(listed) == 0 || r.Intn(10) == 0):
			acc, _ := simtypes.RandomAcc(r, accs)
			op, err := Operator(k.ValidatorAddressCodec(), acc)
			if err != nil {
				return msg, err.Error()
			}
			msg.OperatorAddress = op
		case len(listed) > 0:
			msg.OperatorAddress = listed[r.Intn(len(listed))].OperatorAddress
		default:
			return msg, "no operator"
		}
		return msg, ""
	}
}

// govOp delivers gen's message signed by authority (the keeper's, one time in ten a random
// account's); a reason from gen, or the keeper's refusal, is a no-op.
func govOp[M sdk.Msg](k keeper.Keeper, gen simkit.GovGen[M]) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg, why := gen(r, ctx, accs, authority(r, ctx, k, accs))
		if why != "" {
			return noop(msg, why)
		}
		return deliver(app, ctx, k, msg)
	}
}

// SimulateMsgAddValidator delivers GenAddValidator's message (govOp).
func SimulateMsgAddValidator(k keeper.Keeper) simtypes.Operation {
	return govOp(k, GenAddValidator(k))
}

// SimulateMsgRemoveValidator delivers GenRemoveValidator's message (govOp).
func SimulateMsgRemoveValidator(k keeper.Keeper) simtypes.Operation {
	return govOp(k, GenRemoveValidator(k))
}

func noop(msg sdk.Msg, why string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	return simtypes.NoOpMsg(types.ModuleName, sdk.MsgTypeURL(msg), why), nil, nil
}

// deliver runs msg with Deliver and reports it: delivered, or a no-op with the keeper's reason.
func deliver(app *baseapp.BaseApp, ctx sdk.Context, k keeper.Keeper, msg sdk.Msg) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	if err := Deliver(app, ctx, k, msg); err != nil {
		return noop(msg, err.Error())
	}
	return simtypes.NewOperationMsg(msg, true, ""), nil, nil
}

// Deliver executes msg atomically, as the only message of a tx without the ante handler (as x/gov
// runs a proposal's messages): through the app's Msg service router when the simulator gives
// an app, else through the keeper's Msg server, in a cache context written only on success.
func Deliver(app *baseapp.BaseApp, ctx sdk.Context, k keeper.Keeper, msg sdk.Msg) error {
	cctx, write := ctx.CacheContext()
	var err error
	if h := routerHandler(app, msg); h != nil {
		_, err = h(cctx, msg)
	} else {
		s := keeper.NewMsgServerImpl(k)
		switch m := msg.(type) {
		case *types.MsgAddValidator:
			_, err = s.AddValidator(cctx, m)
		case *types.MsgRemoveValidator:
			_, err = s.RemoveValidator(cctx, m)
		default:
			err = sdkerrors.ErrUnknownRequest.Wrapf("no %s handler for %s", types.ModuleName, sdk.MsgTypeURL(msg))
		}
	}
	if err == nil {
		write()
	}
	return err
}

func routerHandler(app *baseapp.BaseApp, msg sdk.Msg) baseapp.MsgServiceHandler {
	if app == nil {
		return nil
	}
	return app.MsgServiceRouter().Handler(msg)
}
