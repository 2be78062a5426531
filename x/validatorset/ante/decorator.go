// Package ante rejects staking messages that name a non-allowlisted validator before
// they reach x/staking, so they fail in CheckTx and never enter a block.
package ante

import (
	"context"

	"cosmossdk.io/core/address"

	sdk "github.com/cosmos/cosmos-sdk/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/novacron/novacron/x/internal/msgwalk"
	"github.com/novacron/novacron/x/validatorset/types"
)

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
	if err := msgwalk.Walk(tx.GetMsgs(), func(m sdk.Msg) error { return d.checkMsg(ctx, m) }); err != nil {
		return ctx, err
	}
	return next(ctx, tx, simulate)
}

// checkMsg checks one message; msgwalk.Walk hands it the messages inside MsgExec too.
func (d AllowlistDecorator) checkMsg(ctx sdk.Context, msg sdk.Msg) error {
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
	default:
		return nil
	}
	op, err := d.valCodec.StringToBytes(target)
	if err != nil {
		return types.ErrInvalidOperator.Wrapf("%q: %v", target, err)
	}
	return d.allowlist.RequireAllowed(ctx, op)
}
