package keeper_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/novacron/novacron/x/validatorset/keeper"
	vstestutil "github.com/novacron/novacron/x/validatorset/testutil"
	"github.com/novacron/novacron/x/validatorset/types"
)

// TestCheckInvariants: a listed bonded validator and a revoked (unlisted, jailed) one pass;
// each way of breaking the state is reported as ErrBrokenInvariant.
func TestCheckInvariants(t *testing.T) {
	for _, tc := range []struct {
		name    string
		want    string
		breakIt func(t *testing.T, f *vstestutil.Fixture)
	}{
		{"entry under another key", "stored under", func(t *testing.T, f *vstestutil.Fixture) {
			require.NoError(t, f.Keeper.Operators.Set(f.Ctx, vstestutil.ValAddr(2), types.AllowedOperator{OperatorAddress: vstestutil.ValStr(3)}))
		}},
		{"upper-case entry", "stored under", func(t *testing.T, f *vstestutil.Fixture) {
			require.NoError(t, f.Keeper.Operators.Set(f.Ctx, vstestutil.ValAddr(2), types.AllowedOperator{OperatorAddress: strings.ToUpper(vstestutil.ValStr(2))}))
		}},
		{"long note", "note of 257 bytes > 256", func(t *testing.T, f *vstestutil.Fixture) {
			require.NoError(t, f.Keeper.Operators.Set(f.Ctx, vstestutil.ValAddr(2), types.AllowedOperator{OperatorAddress: vstestutil.ValStr(2), Note: strings.Repeat("x", types.MaxNoteLength+1)}))
		}},
		{"negative height", "added_height -1", func(t *testing.T, f *vstestutil.Fixture) {
			require.NoError(t, f.Keeper.Operators.Set(f.Ctx, vstestutil.ValAddr(2), types.AllowedOperator{OperatorAddress: vstestutil.ValStr(2), AddedHeight: -1}))
		}},
		{"unlisted validator not jailed", "is not allowlisted and not jailed", func(t *testing.T, f *vstestutil.Fixture) {
			f.Staking.AddValidator(t, 5, stakingtypes.Unbonded, false)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := vstestutil.NewFixture(t)
			f.Allow(t, 1)
			f.Staking.AddValidator(t, 1, stakingtypes.Bonded, false)
			f.Staking.AddValidator(t, 4, stakingtypes.Unbonding, true)
			require.NoError(t, f.Keeper.CheckInvariants(f.Ctx))
			tc.breakIt(t, f)
			err := f.Keeper.CheckInvariants(f.Ctx)
			require.ErrorIs(t, err, keeper.ErrBrokenInvariant)
			require.ErrorContains(t, err, tc.want)
		})
	}
}
