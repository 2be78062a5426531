package simulation

import (
	"context"

	protov2 "google.golang.org/protobuf/proto"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	simkit "github.com/novacron/novacron/x/internal/simulation"
	"github.com/novacron/novacron/x/validatorset/ante"
	"github.com/novacron/novacron/x/validatorset/keeper"
)

// Weight of the wrong-authority txs (app params key and default): both x/validatorset messages
// are governance-only, so the only txs are ones the keeper must refuse.
const (
	OpWeightMsgWrongAuthority      = "op_weight_msg_validatorset_wrong_authority"
	DefaultWeightMsgWrongAuthority = 2
)

// ProposalMsgsX registers MsgAddValidator and MsgRemoveValidator as governance proposals'
// messages, built by the generators the classic operations use, with x/gov's module account as
// authority (a refused one, a listed operator or the last bonded validator, fails the proposal).
func ProposalMsgsX(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	reg.Add(weights.Get(OpWeightMsgAddValidator, simkit.ProposalWeight), simkit.ProposalFactory(GenAddValidator(k)))
	reg.Add(weights.Get(OpWeightMsgRemoveValidator, simkit.ProposalWeight), simkit.ProposalFactory(GenRemoveValidator(k)))
}

// WeightedOperationsX registers the txs of x/validatorset: its messages signed by a random
// account in the authority field, which the keeper must refuse with ErrUnauthorized.
func WeightedOperationsX(weights simsx.WeightSource, reg simsx.Registry, k keeper.Keeper) {
	w := weights.Get(OpWeightMsgWrongAuthority, DefaultWeightMsgWrongAuthority)
	reg.Add(w, simkit.WrongAuthorityFactory(GenAddValidator(k)))
	reg.Add(w, simkit.WrongAuthorityFactory(GenRemoveValidator(k)))
}

// AllowlistRegistry is reg for another module's factories (x/staking's, x/slashing's, authz's)
// in an app with the allowlist ante (ante.AllowlistDecorator): a message that decorator refuses
// (MsgCreateValidator, MsgDelegate, MsgBeginRedelegate, MsgCancelUnbondingDelegation or
// MsgUnjail naming an operator not on the allowlist, also inside MsgExec) is skipped with the
// reason before it is signed, as NovaCron's policy and not a failure of the module that made it.
func AllowlistRegistry(reg simsx.Registry, k keeper.Keeper) simsx.Registry {
	return allowlistRegistry{reg: reg, ante: ante.NewAllowlistDecorator(k, k.ValidatorAddressCodec())}
}

type allowlistRegistry struct {
	reg  simsx.Registry
	ante ante.AllowlistDecorator
}

func (a allowlistRegistry) Add(weight uint32, f simsx.SimMsgFactoryX) {
	a.reg.Add(weight, &allowlistedFactory{SimMsgFactoryX: f, ante: a.ante})
}

// allowlistedFactory is a factory whose messages pass the allowlist ante; MsgType and
// DeliveryResultHandler are the wrapped factory's, as is its future operations registry.
type allowlistedFactory struct {
	simsx.SimMsgFactoryX
	ante ante.AllowlistDecorator
}

var (
	_ simsx.SimMsgFactoryX       = (*allowlistedFactory)(nil)
	_ simsx.HasFutureOpsRegistry = (*allowlistedFactory)(nil)
)

func (f *allowlistedFactory) Create() simsx.FactoryMethod {
	create := f.SimMsgFactoryX.Create()
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, sdk.Msg) {
		signers, msg := create(ctx, testData, reporter)
		if reporter.IsSkipped() || msg == nil {
			return signers, msg
		}
		pass := func(ctx sdk.Context, _ sdk.Tx, _ bool) (sdk.Context, error) { return ctx, nil }
		if _, err := f.ante.AnteHandle(sdk.UnwrapSDKContext(ctx), msgsTx{msg}, false, pass); err != nil {
			reporter.Skip("refused by the validator allowlist ante")
			return nil, nil
		}
		return signers, msg
	}
}

func (f *allowlistedFactory) SetFutureOpsRegistry(r simsx.FutureOpsRegistry) {
	if h, ok := f.SimMsgFactoryX.(simsx.HasFutureOpsRegistry); ok {
		h.SetFutureOpsRegistry(r)
	}
}

// msgsTx is the part of a tx the allowlist decorator reads: its messages.
type msgsTx []sdk.Msg

func (t msgsTx) GetMsgs() []sdk.Msg                    { return t }
func (t msgsTx) GetMsgsV2() ([]protov2.Message, error) { return nil, nil }
