package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
)

// StakingKeeper is the part of x/staking the allowlist needs to take a revoked validator out of the
// active set, and to cross-check the validators a genesis loaded (CheckGenesisValidators).
type StakingKeeper interface {
	GetValidator(ctx context.Context, addr sdk.ValAddress) (stakingtypes.Validator, error)
	GetLastValidators(ctx context.Context) ([]stakingtypes.Validator, error)
	Jail(ctx context.Context, consAddr sdk.ConsAddress) error
	// GetAllValidators returns every validator in store (operator address) order.
	GetAllValidators(ctx context.Context) ([]stakingtypes.Validator, error)
	// IterateLastValidatorPowers walks the last validator set (what CometBFT starts with).
	IterateLastValidatorPowers(ctx context.Context, handler func(operator sdk.ValAddress, power int64) (stop bool)) error
}
