package msgwalk_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/novacron/novacron/x/internal/msgwalk"
)

func send(to string) sdk.Msg { return &banktypes.MsgSend{ToAddress: to} }

func nest(depth int, msgs ...sdk.Msg) []sdk.Msg {
	for i := 0; i < depth; i++ {
		exec := authz.NewMsgExec(sdk.AccAddress("grantee_____________"), msgs)
		msgs = []sdk.Msg{&exec}
	}
	return msgs
}

func TestWalkVisitsInnerMessagesInOrder(t *testing.T) {
	msgs := append([]sdk.Msg{send("a")}, nest(2, send("b"), send("c"))...)
	msgs = append(msgs, send("d"))
	var seen []string
	require.NoError(t, msgwalk.Walk(msgs, func(m sdk.Msg) error {
		seen = append(seen, m.(*banktypes.MsgSend).ToAddress)
		return nil
	}))
	require.Equal(t, []string{"a", "b", "c", "d"}, seen)
}

func TestWalkDepthLimit(t *testing.T) {
	count := func(sdk.Msg) error { return nil }
	require.NoError(t, msgwalk.Walk(nest(msgwalk.MaxExecDepth, send("x")), count))
	err := msgwalk.Walk(nest(msgwalk.MaxExecDepth+1, send("x")), count)
	require.ErrorIs(t, err, sdkerrors.ErrInvalidRequest)
	require.ErrorContains(t, err, "nested deeper")
}

func TestWalkStopsAtFirstError(t *testing.T) {
	calls := 0
	err := msgwalk.Walk([]sdk.Msg{send("a"), send("b")}, func(sdk.Msg) error {
		calls++
		return sdkerrors.ErrUnauthorized
	})
	require.ErrorIs(t, err, sdkerrors.ErrUnauthorized)
	require.Equal(t, 1, calls)
}
