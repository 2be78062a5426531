package ante_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	protov2 "google.golang.org/protobuf/proto"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/novacron/novacron/x/validatorset/ante"
	vstestutil "github.com/novacron/novacron/x/validatorset/testutil"
	"github.com/novacron/novacron/x/validatorset/types"
)

// mockTx is the minimum sdk.Tx the decorator reads: its messages.
type mockTx struct{ msgs []sdk.Msg }

func (t mockTx) GetMsgs() []sdk.Msg                    { return t.msgs }
func (t mockTx) GetMsgsV2() ([]protov2.Message, error) { return nil, nil }

var _ sdk.Tx = mockTx{}

const (
	allowed = byte(1)
	denied  = byte(2)
)

var (
	delegator = vstestutil.AccStr(50)
	coin      = sdk.NewCoin("unova", sdkmath.NewInt(10))
)

// run passes msgs through the decorator and reports whether the next handler ran.
func run(t *testing.T, msgs ...sdk.Msg) (bool, error) {
	t.Helper()
	f := vstestutil.NewFixture(t)
	f.Allow(t, allowed)
	d := ante.NewAllowlistDecorator(f.Keeper, vstestutil.ValCodec)
	called := false
	next := func(ctx sdk.Context, _ sdk.Tx, _ bool) (sdk.Context, error) {
		called = true
		return ctx, nil
	}
	_, err := d.AnteHandle(f.Ctx, mockTx{msgs}, false, next)
	if err != nil {
		require.False(t, called, "next handler ran although the decorator rejected the tx")
	}
	return called, err
}

func stakingMsgs(i byte) map[string]sdk.Msg {
	v := vstestutil.ValStr(i)
	return map[string]sdk.Msg{
		"MsgCreateValidator":           &stakingtypes.MsgCreateValidator{ValidatorAddress: v, Value: coin},
		"MsgDelegate":                  &stakingtypes.MsgDelegate{DelegatorAddress: delegator, ValidatorAddress: v, Amount: coin},
		"MsgBeginRedelegate":           &stakingtypes.MsgBeginRedelegate{DelegatorAddress: delegator, ValidatorSrcAddress: vstestutil.ValStr(allowed), ValidatorDstAddress: v, Amount: coin},
		"MsgCancelUnbondingDelegation": &stakingtypes.MsgCancelUnbondingDelegation{DelegatorAddress: delegator, ValidatorAddress: v, Amount: coin, CreationHeight: 3},
		"MsgUnjail":                    &slashingtypes.MsgUnjail{ValidatorAddr: v},
	}
}

func TestRejectsNonAllowlisted(t *testing.T) {
	for name, msg := range stakingMsgs(denied) {
		t.Run(name, func(t *testing.T) {
			called, err := run(t, msg)
			require.ErrorIs(t, err, types.ErrNotAllowlisted)
			require.Contains(t, err.Error(), vstestutil.ValStr(denied))
			require.False(t, called)

			// Also when it hides behind an innocent first message.
			_, err = run(t, &banktypes.MsgSend{FromAddress: delegator, ToAddress: delegator, Amount: sdk.NewCoins(coin)}, msg)
			require.ErrorIs(t, err, types.ErrNotAllowlisted)
		})
	}
}

func TestAcceptsAllowlisted(t *testing.T) {
	for name, msg := range stakingMsgs(allowed) {
		t.Run(name, func(t *testing.T) {
			called, err := run(t, msg)
			require.NoError(t, err)
			require.True(t, called)
		})
	}
}

func TestOtherMessagesPass(t *testing.T) {
	called, err := run(t,
		&banktypes.MsgSend{FromAddress: delegator, ToAddress: delegator, Amount: sdk.NewCoins(coin)},
		// Leaving a non-allowlisted validator stays possible.
		&stakingtypes.MsgUndelegate{DelegatorAddress: delegator, ValidatorAddress: vstestutil.ValStr(denied), Amount: coin},
		&stakingtypes.MsgBeginRedelegate{DelegatorAddress: delegator, ValidatorSrcAddress: vstestutil.ValStr(denied), ValidatorDstAddress: vstestutil.ValStr(allowed), Amount: coin},
		&stakingtypes.MsgEditValidator{ValidatorAddress: vstestutil.ValStr(denied)},
	)
	require.NoError(t, err)
	require.True(t, called)

	called, err = run(t)
	require.NoError(t, err)
	require.True(t, called)
}

func TestMalformedOperatorAddress(t *testing.T) {
	_, err := run(t, &stakingtypes.MsgDelegate{DelegatorAddress: delegator, ValidatorAddress: vstestutil.AccStr(allowed), Amount: coin})
	require.ErrorIs(t, err, types.ErrInvalidOperator)
	_, err = run(t, &stakingtypes.MsgCreateValidator{ValidatorAddress: "", Value: coin})
	require.ErrorIs(t, err, types.ErrInvalidOperator)
}

// exec wraps msgs in depth nested authz MsgExec.
func exec(depth int, msgs ...sdk.Msg) sdk.Msg {
	grantee := vstestutil.ValAddr(60).Bytes()
	var m sdk.Msg
	for i := 0; i < depth; i++ {
		e := authz.NewMsgExec(grantee, msgs)
		m = &e
		msgs = []sdk.Msg{m}
	}
	return m
}

func TestAuthzExec(t *testing.T) {
	for name, msg := range stakingMsgs(denied) {
		t.Run(name, func(t *testing.T) {
			for depth := 1; depth <= 3; depth++ {
				called, err := run(t, exec(depth, msg))
				require.ErrorIs(t, err, types.ErrNotAllowlisted, "depth %d", depth)
				require.False(t, called)
			}
		})
	}
	// An allowed message next to a denied one inside the same MsgExec.
	_, err := run(t, exec(1, stakingMsgs(allowed)["MsgDelegate"], stakingMsgs(denied)["MsgDelegate"]))
	require.ErrorIs(t, err, types.ErrNotAllowlisted)

	for name, msg := range stakingMsgs(allowed) {
		called, err := run(t, exec(2, msg))
		require.NoError(t, err, name)
		require.True(t, called)
	}
}

func TestAuthzExecDepthLimit(t *testing.T) {
	ok := stakingMsgs(allowed)["MsgDelegate"]
	// The decorator allows 6 levels of MsgExec and refuses a 7th, whatever the payload.
	called, err := run(t, exec(6, ok))
	require.NoError(t, err)
	require.True(t, called)

	called, err = run(t, exec(7, ok))
	require.ErrorIs(t, err, sdkerrors.ErrInvalidRequest)
	require.ErrorContains(t, err, "nested deeper")
	require.False(t, called)

	_, err = run(t, exec(7, &banktypes.MsgSend{FromAddress: delegator, ToAddress: delegator}))
	require.ErrorIs(t, err, sdkerrors.ErrInvalidRequest)
}
