package keeper

import (
	"context"

	"github.com/novacron/novacron/x/orbit/types"
)

// InitGenesis loads params, constellations and regions.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, c := range gs.Constellations {
		if err := k.Constellations.Set(ctx, c.Name, c); err != nil {
			return err
		}
	}
	for _, r := range gs.Regions {
		if err := k.Regions.Set(ctx, r.Code, r); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis dumps state in key order (the snapshot is recomputed, not exported).
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: p}
	if err := k.Constellations.Walk(ctx, nil, func(_ string, c types.Constellation) (bool, error) {
		gs.Constellations = append(gs.Constellations, c)
		return false, nil
	}); err != nil {
		return nil, err
	}
	gs.Regions, err = k.regionsInOrder(ctx)
	return gs, err
}
