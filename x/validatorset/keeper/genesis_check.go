package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/validatorset/types"
)

// CheckGenesisValidators cross-checks the validators x/staking holds against the allowlist. The
// app's InitChainer calls it after every module's InitGenesis: x/staking loads an exported genesis
// (`exported: true`) without calling AfterValidatorCreated or BeforeDelegationCreated, so the hooks
// never see those validators, and x/validatorset's own InitGenesis runs before x/staking's.
//
// Every validator whose operator is not allowlisted must be jailed, not bonded and not in the last
// validator set (what CometBFT starts with): that is the state MsgRemoveValidator leaves a revoked
// validator in. A bonded one would sign from the first block; an unjailed one could bond at the
// first end block by power alone. The first offender, in operator-address order, is reported with
// ErrNotAllowlisted naming it, and the chain does not start.
func (k Keeper) CheckGenesisValidators(ctx context.Context) error {
	inLastSet := map[string]bool{} // membership only, never iterated
	if err := k.stakingKeeper.IterateLastValidatorPowers(ctx, func(op sdk.ValAddress, _ int64) bool {
		inLastSet[string(op)] = true
		return false
	}); err != nil {
		return err
	}
	vals, err := k.stakingKeeper.GetAllValidators(ctx)
	if err != nil {
		return err
	}
	for _, v := range vals {
		op, err := k.parseOperator(v.OperatorAddress)
		if err != nil {
			return err
		}
		allowed, err := k.IsAllowed(ctx, op)
		if err != nil {
			return err
		}
		last := inLastSet[string(op)]
		if allowed || (v.IsJailed() && !v.IsBonded() && !last) {
			continue
		}
		return types.ErrNotAllowlisted.Wrapf(
			"genesis: validator %s (moniker %q, %s, jailed %t, in last validator set %t) is not on the x/validatorset allowlist: "+
				"add it to validatorset.operators, or leave it only jailed and unbonded",
			v.OperatorAddress, v.GetMoniker(), v.Status, v.IsJailed(), last)
	}
	return nil
}
