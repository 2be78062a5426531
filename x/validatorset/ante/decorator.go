// Package ante rejects staking messages that name a non-allowlisted validator before
// they reach x/staking, so they fail in CheckTx and never enter a block.
package ante

import (
	"context"

	"cosmossdk.io/core/address"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/authz"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/novacron/novacron/x/validatorset/types"
)

// maxExecDepth bounds recursion into nested authz MsgExec.
const maxExecDepth = 6

// Allowlist is the part of the keeper the decorator needs.
type Allowlist interface {
	RequireAllowed(ctx context.Context, op sdk.ValAddress) error
}

// AllowlistDecorator checks MsgCreateValidator, MsgDelegate, MsgBeginRedelegate,
// MsgCancelUnbondingDelegation and MsgUnjail, including inside authz MsgExec.
type AllowlistDecorator struct {
	allowlist Allowlist
	valCodec  address.Codec
}

// NewAllowlistDecorator builds the decorator.
func NewAllowlistDecorator(a Allowlist, valCodec address.Codec) AllowlistDecorator {
	return AllowlistDecorator{allowlist: a, valCodec: valCodec}
}

func (d AllowlistDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if err := d.checkMsgs(ctx, tx.GetMsgs(), 0); err != nil {
		return ctx, err
	}
	return next(ctx, tx, simulate)
}

func (d AllowlistDecorator) checkMsgs(ctx sdk.Context, msgs []sdk.Msg, depth int) error {
	if depth > maxExecDepth {
		return sdkerrors.ErrInvalidRequest.Wrapf("authz MsgExec nested deeper than %d", maxExecDepth)
	}
	for _, msg := range msgs {
		var target string
		switch m := msg.(type) {
		case *stakingtypes.MsgCreateValidator:
			target = m.ValidatorAddress
		case *stakingtypes.MsgDelegate:
			target = m.ValidatorAddress
		case *stakingtypes.MsgBeginRedelegate:
			target = m.ValidatorDstAddress
		case *stakingtypes.MsgCancelUnbondingDelegation:
			target = m.ValidatorAddress
		case *slashingtypes.MsgUnjail:
			target = m.ValidatorAddr
		case *authz.MsgExec:
			inner, err := m.GetMessages()
			if err != nil {
				return err
			}
			if err := d.checkMsgs(ctx, inner, depth+1); err != nil {
				return err
			}
			continue
		default:
			continue
		}
		op, err := d.valCodec.StringToBytes(target)
		if err != nil {
			return types.ErrInvalidOperator.Wrapf("%q: %v", target, err)
		}
		if err := d.allowlist.RequireAllowed(ctx, op); err != nil {
			return err
		}
	}
	return nil
}
