package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"

	"github.com/novacron/novacron/x/heal/types"
)

// CheckInvariants walks the whole state (tests and simulation): both views are well formed and
// the current one is not older than the previous; every host of the view has a health record
// and no other host has one; incident ids are below the next id, their indexes follow them, and
// a resolved incident was repaired first and resolved after it opened; rollouts and scaling
// groups agree with their side tables (checkRollouts).
func (k Keeper) CheckInvariants(ctx context.Context) error {
	if err := k.checkRollouts(ctx); err != nil {
		return err
	}
	cur, err := view(ctx, k.View)
	if err != nil {
		return err
	}
	prev, err := view(ctx, k.PreviousView)
	if err != nil {
		return err
	}
	for _, v := range []types.View{cur, prev} {
		if err := v.Validate(); err != nil {
			return err
		}
	}
	if len(cur.Hosts) > 0 && cur.Height < prev.Height {
		return fmt.Errorf("view of height %d older than the previous one (%d)", cur.Height, prev.Height)
	}
	n := 0
	if err := k.Health.Walk(ctx, nil, func(id string, _ types.HostHealth) (bool, error) {
		if _, ok := index(cur).pos[id]; !ok && len(cur.Hosts) > 0 {
			return true, fmt.Errorf("health record of %s, which the view does not track", id)
		}
		n++
		return false, nil
	}); err != nil {
		return err
	}
	if len(cur.Hosts) > 0 && n != len(cur.Hosts) {
		return fmt.Errorf("%d health records for %d tracked hosts", n, len(cur.Hosts))
	}
	next, err := k.NextIncidentID.Peek(ctx)
	if err != nil {
		return err
	}
	count, resolved := 0, uint64(0)
	if err := k.Incidents.Walk(ctx, nil, func(id uint64, inc types.Incident) (bool, error) {
		count++
		if inc.State == types.IncidentState_INCIDENT_STATE_RESOLVED {
			resolved++
		}
		switch {
		case id == 0 || id >= next:
			return true, fmt.Errorf("incident %d not below the next id %d", id, next)
		case inc.State == types.IncidentState_INCIDENT_STATE_RESOLVED &&
			(inc.RepairedHeight == 0 && inc.Kind != types.IncidentKind_INCIDENT_KIND_HOST_SUSPECT || inc.ResolvedHeight < inc.OpenedHeight):
			return true, fmt.Errorf("incident %d resolved at %d, opened %d, repaired %d", id, inc.ResolvedHeight, inc.OpenedHeight, inc.RepairedHeight)
		}
		return false, nil
	}); err != nil {
		return err
	}
	indexed := 0
	if err := k.Incidents.Indexes.ByState.Walk(ctx, nil, func(st int32, id uint64) (bool, error) {
		inc, err := k.Incidents.Get(ctx, id)
		if err != nil || int32(inc.State) != st {
			return true, fmt.Errorf("incident %d indexed under state %d: %v", id, st, err)
		}
		indexed++
		return false, nil
	}); err != nil {
		return err
	}
	if indexed != count {
		return fmt.Errorf("%d incidents, %d state index entries", count, indexed)
	}
	if n, err := k.ResolvedCount.Get(ctx); err == nil && n != resolved {
		return fmt.Errorf("resolved count %d, %d resolved incidents", n, resolved)
	}
	return nil
}

// checkRollouts: rollout ids below the next id and indexed under their state; exactly the VMs
// of active rollouts are in RolloutVMs, each under its rollout; every scaling group has its
// owner's policy with scaling on, and every forecast a scaling group.
func (k Keeper) checkRollouts(ctx context.Context) error {
	next, err := k.NextRolloutID.Peek(ctx)
	if err != nil {
		return err
	}
	held := map[uint64]uint64{}
	count := 0
	if err := k.Rollouts.Walk(ctx, nil, func(id uint64, r types.Rollout) (bool, error) {
		count++
		if id == 0 || id >= next || r.Id != id {
			return true, fmt.Errorf("rollout %d (id field %d) not below the next id %d", id, r.Id, next)
		}
		if rolloutActive(r.State) {
			for _, v := range r.Vms {
				held[v.VmId] = id
			}
		}
		return false, nil
	}); err != nil {
		return err
	}
	indexed := 0
	if err := k.Rollouts.Indexes.ByState.Walk(ctx, nil, func(st int32, id uint64) (bool, error) {
		r, err := k.Rollouts.Get(ctx, id)
		if err != nil || int32(r.State) != st {
			return true, fmt.Errorf("rollout %d indexed under state %d: %v", id, st, err)
		}
		indexed++
		return false, nil
	}); err != nil {
		return err
	}
	if indexed != count {
		return fmt.Errorf("%d rollouts, %d state index entries", count, indexed)
	}
	n := 0
	if err := k.RolloutVMs.Walk(ctx, nil, func(vm, id uint64) (bool, error) {
		n++
		if held[vm] != id {
			return true, fmt.Errorf("vm %d held by rollout %d, which is not active with it", vm, id)
		}
		return false, nil
	}); err != nil {
		return err
	}
	if n != len(held) {
		return fmt.Errorf("%d VMs in active rollouts, %d held", len(held), n)
	}
	if err := k.ScalingGroups.Walk(ctx, nil, func(g uint64, owner string) (bool, error) {
		pol, err := k.Policies.Get(ctx, collections.Join(owner, g))
		if err != nil || pol.Scaling.MaxReplicas == 0 {
			return true, fmt.Errorf("scaling group %d of %s without a scaling policy: %v", g, owner, err)
		}
		return false, nil
	}); err != nil {
		return err
	}
	return k.Forecasts.Walk(ctx, nil, func(g uint64, _ types.Forecast) (bool, error) {
		if ok, err := k.ScalingGroups.Has(ctx, g); err != nil || !ok {
			return true, fmt.Errorf("forecast of group %d, which does not scale: %v", g, err)
		}
		return false, nil
	})
}
