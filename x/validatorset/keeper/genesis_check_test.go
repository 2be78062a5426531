package keeper_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	vstestutil "github.com/novacron/novacron/x/validatorset/testutil"
	"github.com/novacron/novacron/x/validatorset/types"
)

// CheckGenesisValidators: what an exported staking genesis loads without hooks must agree with the
// allowlist; only a revoked validator (jailed, not bonded, not in the last set) may be unlisted.
func TestCheckGenesisValidators(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(t *testing.T, f *vstestutil.Fixture)
		offense byte // 0: the check passes
	}{
		{"allowlisted bonded validators", func(t *testing.T, f *vstestutil.Fixture) {
			f.Allow(t, 1)
			f.Allow(t, 2)
			f.Staking.AddValidator(t, 1, stakingtypes.Bonded, false)
			f.Staking.AddValidator(t, 2, stakingtypes.Bonded, false)
		}, 0},
		{"revoked: jailed and unbonding", func(t *testing.T, f *vstestutil.Fixture) {
			f.Allow(t, 1)
			f.Staking.AddValidator(t, 1, stakingtypes.Bonded, false)
			f.Staking.AddValidator(t, 3, stakingtypes.Unbonding, true)
			f.Staking.AddValidator(t, 4, stakingtypes.Unbonded, true)
		}, 0},
		{"bonded, not allowlisted", func(t *testing.T, f *vstestutil.Fixture) {
			f.Allow(t, 1)
			f.Staking.AddValidator(t, 1, stakingtypes.Bonded, false)
			f.Staking.AddValidator(t, 2, stakingtypes.Bonded, false)
		}, 2},
		{"bonded and jailed, not allowlisted", func(t *testing.T, f *vstestutil.Fixture) {
			f.Allow(t, 1)
			f.Staking.AddValidator(t, 1, stakingtypes.Bonded, false)
			f.Staking.AddValidator(t, 2, stakingtypes.Bonded, true)
		}, 2},
		{"unbonded but not jailed, not allowlisted (would bond by power)", func(t *testing.T, f *vstestutil.Fixture) {
			f.Allow(t, 1)
			f.Staking.AddValidator(t, 1, stakingtypes.Bonded, false)
			f.Staking.AddValidator(t, 5, stakingtypes.Unbonded, false)
		}, 5},
		{"jailed and unbonding but still in the last set", func(t *testing.T, f *vstestutil.Fixture) {
			f.Allow(t, 1)
			f.Staking.AddValidator(t, 1, stakingtypes.Bonded, false)
			f.Staking.AddValidator(t, 6, stakingtypes.Unbonding, true)
			f.Staking.LastSet = append(f.Staking.LastSet, vstestutil.ValStr(6))
		}, 6},
		{"several offenders: the first in address order", func(t *testing.T, f *vstestutil.Fixture) {
			f.Staking.AddValidator(t, 9, stakingtypes.Bonded, false)
			f.Staking.AddValidator(t, 3, stakingtypes.Bonded, false)
			f.Staking.AddValidator(t, 7, stakingtypes.Bonded, false)
		}, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := vstestutil.NewFixture(t)
			tc.setup(t, f)
			for i := 0; i < 3; i++ { // same answer every time (no map order)
				err := f.Keeper.CheckGenesisValidators(f.Ctx)
				if tc.offense == 0 {
					require.NoError(t, err)
					continue
				}
				require.ErrorIs(t, err, types.ErrNotAllowlisted)
				require.Contains(t, err.Error(), "genesis: validator "+vstestutil.ValStr(tc.offense)+" ")
			}
		})
	}

	f := vstestutil.NewFixture(t)
	f.Staking.Err = errors.New("store broken")
	require.ErrorContains(t, f.Keeper.CheckGenesisValidators(f.Ctx), "store broken")
}
