package keeper

import (
	"errors"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/heal/engine"
	"github.com/novacron/novacron/x/heal/types"
)

// advanceScaling is predictive scaling, once per block for each group with a scaling policy (at
// most max_scaling_groups of them: MsgSetPolicy refuses more). The group's attested cpu use —
// the agreed view's per-VM utilisation summed over its replicas — is one more Holt sample; the
// horizon (scaling_horizon_ms) becomes samples through the mean sample interval in block time;
// engine.Decide compares the forecast with the group's requested cpu. An action waits
// scale_cooldown_blocks after the last one. The numbers behind each decision are stored
// (Query/Forecast).
func (k Keeper) advanceScaling(ctx sdk.Context, p types.Params) error {
	var groups []uint64
	if err := k.ScalingGroups.Walk(ctx, nil, func(g uint64, _ string) (bool, error) {
		groups = append(groups, g)
		return uint32(len(groups)) >= max(p.MaxScalingGroups, 1), nil
	}); err != nil || len(groups) == 0 {
		return err
	}
	v, err := view(ctx, k.View)
	if err != nil {
		return err
	}
	used := map[uint64]uint64{}
	for _, h := range v.Hosts {
		for _, vm := range h.Vms {
			if vm.State == types.AgentVMState_AGENT_VM_STATE_RUNNING {
				used[vm.Id] = vm.CpuMilli
			}
		}
	}
	height, now := ctx.BlockHeight(), ctx.BlockTime().UnixMilli()
	for _, g := range groups {
		owner, err := k.ScalingGroups.Get(ctx, g)
		if err != nil {
			return err
		}
		pol, err := k.Policies.Get(ctx, collections.Join(owner, g))
		if errors.Is(err, collections.ErrNotFound) || (err == nil && pol.Scaling.MaxReplicas == 0) {
			continue
		}
		if err != nil {
			return err
		}
		vms, err := k.vm.GroupVMs(ctx, g)
		if err != nil {
			return err
		}
		if len(vms) == 0 { // the group is gone
			if err := k.dropScaling(ctx, g); err != nil {
				return err
			}
			continue
		}
		f, err := k.Forecasts.Get(ctx, g)
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return err
		}
		f.Group, f.Owner = g, owner
		var sum uint64
		for _, vm := range vms {
			sum += used[vm.ID]
		}
		h := engine.Holt{Level: f.Level, Trend: f.Trend, Samples: f.Samples}.Update(int64(min(sum, engine.MaxHoltInput)), p.HoltAlphaPpm, p.HoltBetaPpm)
		if f.Samples == 0 {
			f.FirstSampleMs = now
		}
		f.Level, f.Trend, f.Samples, f.LastSampleMs, f.UsedCpuMillis = h.Level, h.Trend, h.Samples, now, sum
		f.Replicas, f.ReplicaCpuMillis = uint32(len(vms)), vms[0].CPUMillis
		f.HorizonSteps = 0
		if span := now - f.FirstSampleMs; f.Samples > 1 && span > 0 {
			// horizon ÷ mean interval = horizon × (samples − 1) ÷ span; both factors are bounded
			f.HorizonSteps = min(p.ScalingHorizonMs*int64(f.Samples-1)/span, engine.MaxHoltSteps)
		}
		d := engine.Decide(h, int64(len(vms)), int64(f.ReplicaCpuMillis), engine.ScaleParams{
			HorizonSteps: f.HorizonSteps, OutPermille: int64(pol.Scaling.ScaleOutPercent) * 10, InPermille: int64(pol.Scaling.ScaleInPercent) * 10,
			MinReplicas: int64(pol.Scaling.MinReplicas), MaxReplicas: int64(pol.Scaling.MaxReplicas),
		})
		f.LevelCpuMillis, f.ForecastCpuMillis, f.ThresholdCpuMillis = d.Level, d.Forecast, d.Threshold
		f.Decision, f.DecidedHeight = d.Action.String(), height
		if d.Action != engine.ScaleNone && (f.LastActionHeight == 0 || height >= f.LastActionHeight+p.ScaleCooldownBlocks) {
			reason := fmt.Sprintf("group %d forecast %d of %d millicores in %d samples (threshold %d)", g, d.Forecast, int64(len(vms))*int64(f.ReplicaCpuMillis), f.HorizonSteps, d.Threshold)
			var vmID uint64
			var host string
			err := inCache(ctx, func(cc sdk.Context) error {
				var err error
				if d.Action == engine.ScaleOut {
					vmID, host, err = k.vm.ScaleOut(cc, g, reason)
				} else {
					vmID, err = k.vm.ScaleIn(cc, g, reason)
				}
				return err
			})
			f.Result = result(err, fmt.Sprintf("%s vm %d %s", d.Action, vmID, host))
			f.LastActionHeight = height
			emit(ctx, types.EventTypeScaled, types.AttributeKeyGroup, fmt.Sprint(g), types.AttributeKeyAction, d.Action.String(),
				types.AttributeKeyVMID, fmt.Sprint(vmID), types.AttributeKeyReason, f.Result)
		}
		saturated := d.Action != engine.ScaleIn && d.Threshold > 0 && d.Forecast >= d.Threshold && uint32(len(vms)) >= pol.Scaling.MaxReplicas
		if err := k.capacityIncident(ctx, &f, vms, saturated, pol.Scaling.MaxReplicas); err != nil {
			return err
		}
		if err := k.Forecasts.Set(ctx, g, f); err != nil {
			return err
		}
	}
	return nil
}

// capacityIncident opens a capacity-forecast incident when a group's forecast reaches its
// threshold at max_replicas (scaling cannot help: its owner must raise the limit or shed load)
// and resolves it once the forecast is below the threshold again or the group scaled. Low
// severity, no remedy: it is information, not an escalation.
func (k Keeper) capacityIncident(ctx sdk.Context, f *types.Forecast, vms []types.VMStatus, saturated bool, maxReplicas uint32) error {
	height, now := ctx.BlockHeight(), ctx.BlockTime().UnixMilli()
	if f.CapacityIncident != 0 && !saturated {
		inc, err := k.Incidents.Get(ctx, f.CapacityIncident)
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return err
		}
		f.CapacityIncident = 0
		if err != nil || inc.State == types.IncidentState_INCIDENT_STATE_RESOLVED {
			return nil // pruned or already resolved
		}
		inc.State = types.IncidentState_INCIDENT_STATE_RESOLVED
		inc.RepairedHeight, inc.RepairedMs, inc.ResolvedHeight, inc.ResolvedMs = height, now, height, now
		if err := k.Incidents.Set(ctx, inc.Id, inc); err != nil {
			return err
		}
		if err := k.addResolved(ctx, 1); err != nil {
			return err
		}
		emit(ctx, types.EventTypeIncidentChanged, types.AttributeKeyIncidentID, fmt.Sprint(inc.Id), types.AttributeKeyKind, inc.Kind.String(),
			types.AttributeKeySubject, inc.Subject, types.AttributeKeyState, inc.State.String())
		return nil
	}
	if f.CapacityIncident != 0 || !saturated {
		return nil
	}
	id, err := k.NextIncidentID.Next(ctx)
	if err != nil {
		return err
	}
	inc := types.Incident{
		Id: id, Kind: types.IncidentKind_INCIDENT_KIND_CAPACITY_FORECAST, Subject: fmt.Sprint(f.Group), State: types.IncidentState_INCIDENT_STATE_OPEN,
		OpenedHeight: height, OpenedMs: now, Severity: types.Severity_SEVERITY_LOW,
		RootCause: fmt.Sprintf("group %d: forecast %d millicores in %d samples ≥ threshold %d at max_replicas %d",
			f.Group, f.ForecastCpuMillis, f.HorizonSteps, f.ThresholdCpuMillis, maxReplicas),
	}
	for _, vm := range vms {
		inc.Vms = append(inc.Vms, vm.ID)
		if err := k.vm.NoteIncident(ctx, vm.ID, id, engine.KindCapacityForecast.String()); err != nil {
			return err
		}
	}
	f.CapacityIncident = id
	if err := k.Incidents.Set(ctx, id, inc); err != nil {
		return err
	}
	emit(ctx, types.EventTypeIncidentOpened, types.AttributeKeyIncidentID, fmt.Sprint(id), types.AttributeKeyKind, inc.Kind.String(),
		types.AttributeKeySubject, inc.Subject, types.AttributeKeyState, inc.State.String())
	return nil
}
