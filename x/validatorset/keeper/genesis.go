package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/validatorset/types"
)

// InitGenesis loads the allowlist; it must run before genutil delivers gentxs.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.valCodec); err != nil {
		return err
	}
	for _, op := range gs.Operators {
		addr, canonical, err := k.canonicalOperator(op.OperatorAddress)
		if err != nil {
			return err
		}
		op.OperatorAddress = canonical
		if err := k.Operators.Set(ctx, addr, op); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis dumps the allowlist in key order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := types.DefaultGenesis()
	err := k.Operators.Walk(ctx, nil, func(_ sdk.ValAddress, op types.AllowedOperator) (bool, error) {
		gs.Operators = append(gs.Operators, op)
		return false, nil
	})
	return gs, err
}
