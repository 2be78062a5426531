package keeper_test

import (
	"errors"
	"strings"
	"testing"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	vstestutil "github.com/novacron/novacron/x/validatorset/testutil"
	"github.com/novacron/novacron/x/validatorset/types"
)

var gov = vstestutil.GovAuthority

func addMsg(i byte, note string) *types.MsgAddValidator {
	return &types.MsgAddValidator{Authority: gov, OperatorAddress: vstestutil.ValStr(i), Note: note}
}

func removeMsg(i byte) *types.MsgRemoveValidator {
	return &types.MsgRemoveValidator{Authority: gov, OperatorAddress: vstestutil.ValStr(i)}
}

// allowlist returns the operator addresses on the allowlist, in key order.
func allowlist(t *testing.T, f *vstestutil.Fixture) []string {
	t.Helper()
	var out []string
	require.NoError(t, f.Keeper.Operators.Walk(f.Ctx, nil, func(_ sdk.ValAddress, op types.AllowedOperator) (bool, error) {
		out = append(out, op.OperatorAddress)
		return false, nil
	}))
	return out
}

// eventsOf returns, for each emitted event of one of the module's types, "type operator=... note=...".
func eventsOf(ctx sdk.Context) []string {
	var out []string
	for _, e := range ctx.EventManager().Events() {
		if !strings.HasPrefix(e.Type, "validatorset_") {
			continue
		}
		s := e.Type
		for _, a := range e.Attributes {
			s += " " + a.Key + "=" + a.Value
		}
		out = append(out, s)
	}
	return out
}

func TestAddValidator(t *testing.T) {
	f := vstestutil.NewFixture(t)
	_, err := f.MsgServer.AddValidator(f.Ctx, addMsg(1, "acme"))
	require.NoError(t, err)

	got, err := f.Keeper.Operators.Get(f.Ctx, vstestutil.ValAddr(1))
	require.NoError(t, err)
	require.Equal(t, types.AllowedOperator{OperatorAddress: vstestutil.ValStr(1), Note: "acme", AddedHeight: 7}, got)
	ok, err := f.Keeper.IsAllowed(f.Ctx, vstestutil.ValAddr(1))
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, []string{"validatorset_operator_added operator=" + vstestutil.ValStr(1) + " note=acme"}, eventsOf(f.Ctx))

	// Adding it again, in any spelling, is refused and changes nothing.
	for _, spelling := range []string{vstestutil.ValStr(1), strings.ToUpper(vstestutil.ValStr(1))} {
		_, err = f.MsgServer.AddValidator(f.Ctx, &types.MsgAddValidator{Authority: gov, OperatorAddress: spelling, Note: "other"})
		require.ErrorIs(t, err, types.ErrAlreadyAllowlisted)
	}
	got, err = f.Keeper.Operators.Get(f.Ctx, vstestutil.ValAddr(1))
	require.NoError(t, err)
	require.Equal(t, "acme", got.Note)
	require.Len(t, eventsOf(f.Ctx), 1)
}

func TestAddValidatorStoresCanonicalAddress(t *testing.T) {
	f := vstestutil.NewFixture(t)
	_, err := f.MsgServer.AddValidator(f.Ctx, &types.MsgAddValidator{Authority: gov, OperatorAddress: strings.ToUpper(vstestutil.ValStr(3))})
	require.NoError(t, err)
	require.Equal(t, []string{vstestutil.ValStr(3)}, allowlist(t, f))
	require.Equal(t, []string{"validatorset_operator_added operator=" + vstestutil.ValStr(3) + " note="}, eventsOf(f.Ctx))
}

func TestAddValidatorRejects(t *testing.T) {
	cases := []struct {
		name string
		msg  *types.MsgAddValidator
		want error
	}{
		{"wrong authority", &types.MsgAddValidator{Authority: vstestutil.AccStr(9), OperatorAddress: vstestutil.ValStr(1)}, sdkerrors.ErrUnauthorized},
		{"empty authority", &types.MsgAddValidator{OperatorAddress: vstestutil.ValStr(1)}, sdkerrors.ErrUnauthorized},
		{"account address as operator", &types.MsgAddValidator{Authority: gov, OperatorAddress: vstestutil.AccStr(1)}, types.ErrInvalidOperator},
		{"empty operator", &types.MsgAddValidator{Authority: gov}, types.ErrInvalidOperator},
		{"garbage operator", &types.MsgAddValidator{Authority: gov, OperatorAddress: "novavaloper1xyz"}, types.ErrInvalidOperator},
		{"note too long", &types.MsgAddValidator{Authority: gov, OperatorAddress: vstestutil.ValStr(1), Note: strings.Repeat("x", types.MaxNoteLength+1)}, types.ErrNoteTooLong},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := vstestutil.NewFixture(t)
			_, err := f.MsgServer.AddValidator(f.Ctx, tc.msg)
			require.ErrorIs(t, err, tc.want)
			require.Empty(t, allowlist(t, f))
			require.Empty(t, eventsOf(f.Ctx))
		})
	}
	t.Run("note at the limit", func(t *testing.T) {
		f := vstestutil.NewFixture(t)
		_, err := f.MsgServer.AddValidator(f.Ctx, addMsg(1, strings.Repeat("x", types.MaxNoteLength)))
		require.NoError(t, err)
	})
}

// TestConsensusAuthorityOverride: when the consensus params name an authority, sdk.ValidateAuthority
// expects it instead of the keeper's (x/gov) authority.
func TestConsensusAuthorityOverride(t *testing.T) {
	f := vstestutil.NewFixture(t)
	council := vstestutil.AccStr(42)
	ctx := f.Ctx.WithConsensusParams(cmtproto.ConsensusParams{Authority: &cmtproto.AuthorityParams{Authority: council}})

	_, err := f.MsgServer.AddValidator(ctx, addMsg(1, ""))
	require.ErrorIs(t, err, sdkerrors.ErrUnauthorized)
	_, err = f.MsgServer.AddValidator(ctx, &types.MsgAddValidator{Authority: council, OperatorAddress: vstestutil.ValStr(1)})
	require.NoError(t, err)

	_, err = f.MsgServer.RemoveValidator(ctx, removeMsg(1))
	require.ErrorIs(t, err, sdkerrors.ErrUnauthorized)
	_, err = f.MsgServer.RemoveValidator(ctx, &types.MsgRemoveValidator{Authority: council, OperatorAddress: vstestutil.ValStr(1)})
	require.NoError(t, err)
	require.Empty(t, allowlist(t, f))
}

func TestRemoveValidatorRejects(t *testing.T) {
	cases := []struct {
		name string
		msg  *types.MsgRemoveValidator
		want error
	}{
		{"wrong authority", &types.MsgRemoveValidator{Authority: vstestutil.AccStr(9), OperatorAddress: vstestutil.ValStr(1)}, sdkerrors.ErrUnauthorized},
		{"account address as operator", &types.MsgRemoveValidator{Authority: gov, OperatorAddress: vstestutil.AccStr(1)}, types.ErrInvalidOperator},
		{"unknown operator", removeMsg(2), types.ErrNotAllowlisted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := vstestutil.NewFixture(t)
			f.Allow(t, 1)
			f.Staking.AddValidator(t, 1, stakingtypes.Bonded, false)
			f.Staking.AddValidator(t, 2, stakingtypes.Bonded, false)
			_, err := f.MsgServer.RemoveValidator(f.Ctx, tc.msg)
			require.ErrorIs(t, err, tc.want)
			require.Equal(t, []string{vstestutil.ValStr(1)}, allowlist(t, f))
			require.Empty(t, f.Staking.JailCalls)
			require.Empty(t, eventsOf(f.Ctx))
		})
	}
}

func TestRemoveValidatorJailsBonded(t *testing.T) {
	f := vstestutil.NewFixture(t)
	f.Allow(t, 1)
	f.Allow(t, 2)
	v1 := f.Staking.AddValidator(t, 1, stakingtypes.Bonded, false)
	f.Staking.AddValidator(t, 2, stakingtypes.Bonded, false)

	_, err := f.MsgServer.RemoveValidator(f.Ctx, removeMsg(1))
	require.NoError(t, err)

	want, err := v1.GetConsAddr()
	require.NoError(t, err)
	require.Equal(t, []sdk.ConsAddress{want}, f.Staking.JailCalls)
	require.True(t, f.Staking.Validators[vstestutil.ValStr(1)].Jailed)
	require.False(t, f.Staking.Validators[vstestutil.ValStr(2)].Jailed)
	require.Equal(t, []string{vstestutil.ValStr(2)}, allowlist(t, f))
	require.Equal(t, []string{
		"validatorset_operator_removed operator=" + vstestutil.ValStr(1),
		"validatorset_validator_jailed operator=" + vstestutil.ValStr(1),
	}, eventsOf(f.Ctx))

	// Now 2 is the only unjailed bonded validator: removing it in the same block is refused.
	_, err = f.MsgServer.RemoveValidator(f.Ctx, removeMsg(2))
	require.ErrorIs(t, err, types.ErrLastValidator)
	require.Equal(t, []string{vstestutil.ValStr(2)}, allowlist(t, f))
	require.Len(t, f.Staking.JailCalls, 1)
	require.Len(t, eventsOf(f.Ctx), 2)
}

func TestRemoveLastValidatorRefused(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, s *vstestutil.FakeStaking)
	}{
		{"only validator", func(t *testing.T, s *vstestutil.FakeStaking) {
			s.AddValidator(t, 1, stakingtypes.Bonded, false)
		}},
		{"other bonded validator is jailed", func(t *testing.T, s *vstestutil.FakeStaking) {
			s.AddValidator(t, 1, stakingtypes.Bonded, false)
			s.AddValidator(t, 2, stakingtypes.Bonded, true)
		}},
		{"other validator is not bonded", func(t *testing.T, s *vstestutil.FakeStaking) {
			s.AddValidator(t, 1, stakingtypes.Bonded, false)
			s.AddValidator(t, 2, stakingtypes.Unbonded, false)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := vstestutil.NewFixture(t)
			f.Allow(t, 1)
			tc.setup(t, f.Staking)
			_, err := f.MsgServer.RemoveValidator(f.Ctx, removeMsg(1))
			require.ErrorIs(t, err, types.ErrLastValidator)
			require.Equal(t, []string{vstestutil.ValStr(1)}, allowlist(t, f))
			require.Empty(t, f.Staking.JailCalls)
			require.False(t, f.Staking.Validators[vstestutil.ValStr(1)].Jailed)
			require.Empty(t, eventsOf(f.Ctx))
		})
	}
}

func TestRemoveValidatorWithoutActiveValidator(t *testing.T) {
	cases := []struct {
		name      string
		setup     func(t *testing.T, s *vstestutil.FakeStaking)
		wantJail  bool
		wantEvent int
	}{
		// Allowlisted but never created a validator: nothing to jail.
		{"no validator", func(t *testing.T, s *vstestutil.FakeStaking) {}, false, 1},
		// Already jailed (e.g. by x/slashing): not jailed twice.
		{"already jailed", func(t *testing.T, s *vstestutil.FakeStaking) {
			s.AddValidator(t, 1, stakingtypes.Bonded, true)
		}, false, 1},
		// Unbonded: jailed so that it cannot re-enter the set, even as the only validator.
		{"unbonded", func(t *testing.T, s *vstestutil.FakeStaking) {
			s.AddValidator(t, 1, stakingtypes.Unbonded, false)
		}, true, 2},
		{"unbonding", func(t *testing.T, s *vstestutil.FakeStaking) {
			s.AddValidator(t, 1, stakingtypes.Unbonding, false)
		}, true, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := vstestutil.NewFixture(t)
			f.Allow(t, 1)
			tc.setup(t, f.Staking)
			_, err := f.MsgServer.RemoveValidator(f.Ctx, removeMsg(1))
			require.NoError(t, err)
			require.Empty(t, allowlist(t, f))
			require.Equal(t, tc.wantJail, len(f.Staking.JailCalls) == 1, "jail calls: %v", f.Staking.JailCalls)
			require.Len(t, eventsOf(f.Ctx), tc.wantEvent)
		})
	}
}

func TestRemoveValidatorStakingError(t *testing.T) {
	f := vstestutil.NewFixture(t)
	f.Allow(t, 1)
	f.Staking.Err = errors.New("store exploded")
	_, err := f.MsgServer.RemoveValidator(f.Ctx, removeMsg(1))
	require.ErrorContains(t, err, "store exploded")
	require.Equal(t, []string{vstestutil.ValStr(1)}, allowlist(t, f))
}
