package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/novacron/novacron/x/validatorset/types"
)

// Keeper holds the permissioned validator allowlist.
type Keeper struct {
	cdc           codec.BinaryCodec
	valCodec      address.Codec
	authority     string
	stakingKeeper types.StakingKeeper

	Schema    collections.Schema
	Operators collections.Map[sdk.ValAddress, types.AllowedOperator]
}

// NewKeeper builds the keeper; authority is the x/gov module address.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, valCodec address.Codec, authority string, sk types.StakingKeeper) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:           cdc,
		valCodec:      valCodec,
		authority:     authority,
		stakingKeeper: sk,
		Operators:     collections.NewMap(sb, types.OperatorsKey, "operators", sdk.ValAddressKey, codec.CollValue[types.AllowedOperator](cdc)),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// Authority is the address allowed to change the allowlist.
func (k Keeper) Authority() string { return k.authority }

// ValidatorAddressCodec parses novavaloper addresses.
func (k Keeper) ValidatorAddressCodec() address.Codec { return k.valCodec }

// Logger returns a module logger.
func (k Keeper) Logger(ctx context.Context) log.Logger {
	return sdk.UnwrapSDKContext(ctx).Logger().With("module", "x/"+types.ModuleName)
}

// IsAllowed reports whether the operator is on the allowlist.
func (k Keeper) IsAllowed(ctx context.Context, op sdk.ValAddress) (bool, error) {
	return k.Operators.Has(ctx, op)
}

// RequireAllowed returns ErrNotAllowlisted unless op is on the allowlist.
func (k Keeper) RequireAllowed(ctx context.Context, op sdk.ValAddress) error {
	ok, err := k.IsAllowed(ctx, op)
	if err != nil {
		return err
	}
	if !ok {
		s, _ := k.valCodec.BytesToString(op)
		return types.ErrNotAllowlisted.Wrapf("operator %s: a governance proposal (MsgAddValidator) must allowlist it first", s)
	}
	return nil
}

// parseOperator turns a bech32 operator address into bytes with a typed error.
func (k Keeper) parseOperator(s string) (sdk.ValAddress, error) {
	bz, err := k.valCodec.StringToBytes(s)
	if err != nil {
		return nil, types.ErrInvalidOperator.Wrapf("%q: %v", s, err)
	}
	return bz, nil
}

// canonicalOperator parses s and returns its bytes and canonical (lower-case) bech32 form,
// which is what the allowlist stores, exports and emits: bech32 also accepts the
// upper-case spelling of the same address.
func (k Keeper) canonicalOperator(s string) (sdk.ValAddress, string, error) {
	op, err := k.parseOperator(s)
	if err != nil {
		return nil, "", err
	}
	canonical, err := k.valCodec.BytesToString(op)
	if err != nil {
		return nil, "", types.ErrInvalidOperator.Wrapf("%q: %v", s, err)
	}
	return op, canonical, nil
}

// takeOutOfActiveSet jails the operator's validator, if it exists and is not jailed, so
// that x/staking removes it from the CometBFT set at the end of this block.
func (k Keeper) takeOutOfActiveSet(ctx context.Context, op sdk.ValAddress) (bool, error) {
	val, err := k.stakingKeeper.GetValidator(ctx, op)
	if err != nil {
		if errors.Is(err, stakingtypes.ErrNoValidatorFound) {
			return false, nil
		}
		return false, err
	}
	if val.IsJailed() {
		return false, nil
	}
	if val.IsBonded() {
		last, err := k.stakingKeeper.GetLastValidators(ctx)
		if err != nil {
			return false, err
		}
		others := 0
		for _, v := range last {
			if v.OperatorAddress != val.OperatorAddress && !v.IsJailed() {
				others++
			}
		}
		if others == 0 {
			return false, types.ErrLastValidator.Wrapf("operator %s is the last bonded validator", val.OperatorAddress)
		}
	}
	consAddr, err := val.GetConsAddr()
	if err != nil {
		return false, err
	}
	if err := k.stakingKeeper.Jail(ctx, consAddr); err != nil {
		return false, err
	}
	return true, nil
}
