package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/internal/events"
	"github.com/novacron/novacron/x/validatorset/types"
)

type msgServer struct{ Keeper }

// NewMsgServerImpl returns the Msg service of x/validatorset.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k} }

var _ types.MsgServer = msgServer{}

func (m msgServer) AddValidator(ctx context.Context, msg *types.MsgAddValidator) (*types.MsgAddValidatorResponse, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := sdk.ValidateAuthority(sdkCtx, m.authority, msg.Authority); err != nil {
		return nil, err
	}
	op, operator, err := m.canonicalOperator(msg.OperatorAddress)
	if err != nil {
		return nil, err
	}
	if len(msg.Note) > types.MaxNoteLength {
		return nil, types.ErrNoteTooLong.Wrapf("%d > %d bytes", len(msg.Note), types.MaxNoteLength)
	}
	has, err := m.Operators.Has(ctx, op)
	if err != nil {
		return nil, err
	}
	if has {
		return nil, types.ErrAlreadyAllowlisted.Wrap(operator)
	}
	entry := types.AllowedOperator{OperatorAddress: operator, Note: msg.Note, AddedHeight: sdkCtx.BlockHeight()}
	if err := m.Operators.Set(ctx, op, entry); err != nil {
		return nil, err
	}
	events.Emit(ctx, types.EventTypeOperatorAdded,
		types.AttributeKeyOperator, operator,
		types.AttributeKeyNote, msg.Note)
	return &types.MsgAddValidatorResponse{}, nil
}

func (m msgServer) RemoveValidator(ctx context.Context, msg *types.MsgRemoveValidator) (*types.MsgRemoveValidatorResponse, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if err := sdk.ValidateAuthority(sdkCtx, m.authority, msg.Authority); err != nil {
		return nil, err
	}
	op, operator, err := m.canonicalOperator(msg.OperatorAddress)
	if err != nil {
		return nil, err
	}
	if err := m.RequireAllowed(ctx, op); err != nil {
		return nil, err
	}
	// Jail first: if it fails (last validator), the allowlist stays unchanged.
	jailed, err := m.takeOutOfActiveSet(ctx, op)
	if err != nil {
		return nil, err
	}
	if err := m.Operators.Remove(ctx, op); err != nil {
		return nil, err
	}
	events.Emit(ctx, types.EventTypeOperatorRemoved, types.AttributeKeyOperator, operator)
	if jailed {
		events.Emit(ctx, types.EventTypeValidatorJailed, types.AttributeKeyOperator, operator)
	}
	return &types.MsgRemoveValidatorResponse{}, nil
}
