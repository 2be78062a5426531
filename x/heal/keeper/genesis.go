package keeper

import (
	"context"

	"cosmossdk.io/collections"

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
	if err := k.NextIncidentID.Set(ctx, max(gs.NextIncidentId, 1)); err != nil {
		return err
	}
	for _, r := range gs.Rollouts {
		if err := k.Rollouts.Set(ctx, r.Id, r); err != nil {
			return err
		}
		if rolloutActive(r.State) {
			for _, v := range r.Vms {
				if err := k.RolloutVMs.Set(ctx, v.VmId, r.Id); err != nil {
					return err
				}
			}
		}
	}
	if err := k.NextRolloutID.Set(ctx, max(gs.NextRolloutId, 1)); err != nil {
		return err
	}
	for _, pol := range gs.Policies {
		if err := k.Policies.Set(ctx, collections.Join(pol.Owner, pol.VmId), pol); err != nil {
			return err
		}
		if pol.Scaling.MaxReplicas > 0 {
			if err := k.ScalingGroups.Set(ctx, pol.VmId, pol.Owner); err != nil {
				return err
			}
		}
	}
	for _, f := range gs.Forecasts {
		if err := k.Forecasts.Set(ctx, f.Group, f); err != nil {
			return err
		}
	}
	return nil
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
	if gs.NextIncidentId, err = k.NextIncidentID.Peek(ctx); err != nil {
		return nil, err
	}
	if err := k.Rollouts.Walk(ctx, nil, func(_ uint64, r types.Rollout) (bool, error) {
		gs.Rollouts = append(gs.Rollouts, r)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if gs.NextRolloutId, err = k.NextRolloutID.Peek(ctx); err != nil {
		return nil, err
	}
	gs.NextRolloutId = max(gs.NextRolloutId, 1)
	if err := k.Policies.Walk(ctx, nil, func(_ collections.Pair[string, uint64], pol types.Policy) (bool, error) {
		gs.Policies = append(gs.Policies, pol)
		return false, nil
	}); err != nil {
		return nil, err
	}
	err = k.Forecasts.Walk(ctx, nil, func(_ uint64, f types.Forecast) (bool, error) {
		gs.Forecasts = append(gs.Forecasts, f)
		return false, nil
	})
	return gs, err
}
