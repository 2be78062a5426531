package keeper

import (
	"context"

	"github.com/novacron/novacron/x/heal/types"
)

// InitGenesis loads params, both views, the health records and the incidents.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.View.Set(ctx, gs.View); err != nil {
		return err
	}
	if err := k.PreviousView.Set(ctx, gs.PreviousView); err != nil {
		return err
	}
	for _, h := range gs.Health {
		if err := k.Health.Set(ctx, h.HostId, h); err != nil {
			return err
		}
	}
	resolved := uint64(0)
	for _, inc := range gs.Incidents {
		if err := k.Incidents.Set(ctx, inc.Id, inc); err != nil {
			return err
		}
		if inc.State == types.IncidentState_INCIDENT_STATE_RESOLVED {
			resolved++
		}
	}
	if err := k.ResolvedCount.Set(ctx, resolved); err != nil {
		return err
	}
	return k.NextIncidentID.Set(ctx, max(gs.NextIncidentId, 1))
}

// ExportGenesis writes the state back in the same form.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: p}
	if gs.View, err = view(ctx, k.View); err != nil {
		return nil, err
	}
	if gs.PreviousView, err = view(ctx, k.PreviousView); err != nil {
		return nil, err
	}
	if err := k.Health.Walk(ctx, nil, func(_ string, h types.HostHealth) (bool, error) {
		gs.Health = append(gs.Health, h)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Incidents.Walk(ctx, nil, func(_ uint64, inc types.Incident) (bool, error) {
		gs.Incidents = append(gs.Incidents, inc)
		return false, nil
	}); err != nil {
		return nil, err
	}
	gs.NextIncidentId, err = k.NextIncidentID.Peek(ctx)
	return gs, err
}
