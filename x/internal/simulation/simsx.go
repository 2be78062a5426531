// Package simulation is what the modules' simsx message factories share: a generator shape the
// classic operations and the factories both build their messages with, the signer of a NovaCron
// message, the delivery result handlers for expected refusals, and the three factory kinds
// (a tx signed by the message's signer, a governance proposal's message, and a message signed by
// a wrong authority that must be refused).
package simulation

import (
	"context"
	"errors"
	"fmt"
	"math/rand" // determinism-ok: SDK simulation only (its API takes *math/rand.Rand), never in consensus

	errorsmod "cosmossdk.io/errors"

	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
)

// Gen builds a message from the state for accounts accs; a non-empty skip says why there is
// none (msg is then still a non-nil value of its type, for the no-op's name).
type Gen[T sdk.Msg] func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (msg T, skip string)

// GovGen builds a governance message signed by authority.
type GovGen[T sdk.Msg] func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account, authority string) (msg T, skip string)

// Signer is the one signer of a NovaCron message: its authority, owner, operator or approver
// field (the field its cosmos.msg.v1.signer option names).
func Signer(msg sdk.Msg) string {
	switch m := msg.(type) {
	case interface{ GetAuthority() string }:
		return m.GetAuthority()
	case interface{ GetOwner() string }:
		return m.GetOwner()
	case interface{ GetOperator() string }:
		return m.GetOperator()
	case interface{ GetApprover() string }:
		return m.GetApprover()
	}
	panic(fmt.Sprintf("simulation: no signer field in %T", msg))
}

// Expected accepts a successful delivery and a refusal with one of the errors registered in
// codespace (the module's: a message the state does not allow, as the classic operations count
// as no-ops) or one of also; any other error (an ante or signature failure, a panic) fails.
func Expected(codespace string, also ...error) simsx.SimDeliveryResultHandler {
	return func(err error) error {
		if err == nil {
			return nil
		}
		if space, _, _ := errorsmod.ABCIInfo(err, false); space == codespace {
			return nil
		}
		for _, e := range also {
			if errors.Is(err, e) {
				return nil
			}
		}
		return err
	}
}

// Refused requires the delivery to fail with target.
func Refused(target error) simsx.SimDeliveryResultHandler {
	return func(err error) error {
		switch {
		case err == nil:
			return fmt.Errorf("delivered, want it refused with %q", target)
		case errors.Is(err, target):
			return nil
		default:
			return fmt.Errorf("refused with %w, want %q", err, target)
		}
	}
}

// TxFactory delivers gen's message as a tx signed by its Signer, which must be a simulation
// account (else the factory skips); handler judges the delivery.
func TxFactory[T sdk.Msg](gen Gen[T], handler simsx.SimDeliveryResultHandler) *simsx.ResultHandlingSimMsgFactory[T] {
	return simsx.NewSimMsgFactoryWithDeliveryResultHandler(func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, T, simsx.SimDeliveryResultHandler) {
		var none T
		msg, skip := gen(testData.Rand().Rand, sdk.UnwrapSDKContext(ctx), testData.AllAccounts())
		if skip != "" {
			reporter.Skip(skip)
			return nil, none, nil
		}
		from := testData.GetAccount(reporter, Signer(msg))
		if reporter.IsSkipped() {
			return nil, none, nil
		}
		return []simsx.SimAccount{from}, msg, handler
	})
}

// ProposalFactory is gen's message with the x/gov module account as authority, the payload of
// a simulated governance proposal (x/gov's end blocker executes it when the proposal passes).
func ProposalFactory[T sdk.Msg](gen GovGen[T]) simsx.SimMsgFactoryFn[T] {
	return func(ctx context.Context, testData *simsx.ChainDataSource, reporter simsx.SimulationReporter) ([]simsx.SimAccount, T) {
		var none T
		gov := testData.ModuleAccountAddress(reporter, "gov")
		if reporter.IsSkipped() {
			return nil, none
		}
		msg, skip := gen(testData.Rand().Rand, sdk.UnwrapSDKContext(ctx), testData.AllAccounts(), gov)
		if skip != "" {
			reporter.Skip(skip)
			return nil, none
		}
		return nil, msg
	}
}

// WrongAuthorityFactory sends gen's governance message as a tx of a random account in the
// authority field, which the keeper must refuse (sdk.ValidateAuthority: ErrUnauthorized).
func WrongAuthorityFactory[T sdk.Msg](gen GovGen[T]) *simsx.ResultHandlingSimMsgFactory[T] {
	return TxFactory(func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (T, string) {
		return gen(r, ctx, accs, accs[r.Intn(len(accs))].AddressBech32)
	}, Refused(sdkerrors.ErrUnauthorized))
}

// ProposalWeight is the default weight of a governance proposal's message in ProposalMsgsX, the
// SDK modules' (x/gov registers MsgSubmitProposal of each with weight/25, so a weight below 25
// would never be proposed).
const ProposalWeight = 100
