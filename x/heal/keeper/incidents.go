package keeper

import (
	"errors"
	"fmt"
	"slices"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/heal/engine"
	"github.com/novacron/novacron/x/heal/types"
)

var activeStates = []types.IncidentState{
	types.IncidentState_INCIDENT_STATE_OPEN, types.IncidentState_INCIDENT_STATE_MITIGATING, types.IncidentState_INCIDENT_STATE_ESCALATED,
}

// activeIncidents lists the incidents not resolved, ascending id.
func (k Keeper) activeIncidents(ctx sdk.Context) ([]types.Incident, error) {
	var out []types.Incident
	for _, st := range activeStates {
		err := k.Incidents.Indexes.ByState.Walk(ctx, collections.NewPrefixedPairRange[int32, uint64](int32(st)),
			func(_ int32, id uint64) (bool, error) {
				inc, err := k.Incidents.Get(ctx, id)
				if err != nil {
					return true, err
				}
				out = append(out, inc)
				return false, nil
			})
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b types.Incident) int { return cmpU64(a.Id, b.Id) })
	return out, nil
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// correlate runs the engine's correlation over the block's fleet and stores what it changed and
// opened, with events. The VMs to check for repair are those of the active incidents and of the
// failing hosts.
func (k Keeper) correlate(ctx sdk.Context, p types.Params, fleet engine.Fleet, verdicts map[string]types.HostHealth, saw map[string]evidence) error {
	stored, err := k.activeIncidents(ctx)
	if err != nil {
		return err
	}
	active := make([]engine.Incident, len(stored))
	byID := make(map[uint64]types.Incident, len(stored))
	var check []uint64
	for i, inc := range stored {
		active[i] = toEngineIncident(inc)
		byID[inc.Id] = inc
		check = append(check, inc.Vms...)
	}
	for _, h := range fleet.Hosts {
		if h.Health != engine.Healthy {
			for _, vm := range h.VMs {
				check = append(check, vm.ID)
			}
		}
	}
	slices.Sort(check)
	check = slices.Compact(check)
	for _, id := range check {
		st, err := k.vm.VMStatus(ctx, id)
		if err != nil {
			return err
		}
		if !st.Exists || st.Settled {
			fleet.Settled = append(fleet.Settled, id)
		}
	}
	var nextErr error
	nextID := func() uint64 {
		id, err := k.NextIncidentID.Next(ctx)
		if err != nil && nextErr == nil {
			nextErr = err
		}
		return id
	}
	changed, opened := engine.Correlate(active, fleet, engine.CorrelateParams{RegionMinHosts: int(p.RegionMinHosts), RegionMinPercent: p.RegionMinPercent},
		ctx.BlockHeight(), ctx.BlockTime().UnixMilli(), nextID)
	if nextErr != nil {
		return nextErr
	}
	for _, inc := range changed {
		out := fromEngineIncident(inc, byID[inc.ID])
		if out.State == types.IncidentState_INCIDENT_STATE_RESOLVED {
			if err := k.addResolved(ctx, 1); err != nil {
				return err
			}
		}
		if out.State == types.IncidentState_INCIDENT_STATE_RESOLVED && out.Evacuated { // x/heal drained it: undrain
			var done bool
			err := inCache(ctx, func(cc sdk.Context) error {
				var err error
				done, err = k.vm.RestoreHost(cc, out.Subject, fmt.Sprintf("incident %d resolved: healthy again", out.Id))
				return err
			})
			out.Evacuated = false
			out.Steps = append(out.Steps, types.RemedyStep{Height: ctx.BlockHeight(), Action: "restore-host", Target: out.Subject,
				Result: result(err, map[bool]string{true: "ok", false: "not draining"}[done])})
		}
		if err := k.Incidents.Set(ctx, out.Id, out); err != nil {
			return err
		}
		emit(ctx, types.EventTypeIncidentChanged, types.AttributeKeyIncidentID, fmt.Sprint(out.Id), types.AttributeKeyKind, out.Kind.String(),
			types.AttributeKeySubject, out.Subject, types.AttributeKeyState, out.State.String())
	}
	for _, inc := range opened {
		out := fromEngineIncident(inc, types.Incident{})
		if out.State == types.IncidentState_INCIDENT_STATE_RESOLVED { // (opened and resolved in one block)
			if err := k.addResolved(ctx, 1); err != nil {
				return err
			}
		}
		if h, ok := verdicts[inc.Subject]; ok && inc.Kind != engine.KindVMCrash && inc.Kind != engine.KindVMStuck { // a host incident: the verdict that opened it
			out.DownPower, out.LatePower, out.TotalPower, out.PhiMilli = h.DownPower, h.LatePower, h.TotalPower, h.PhiMilli
			out.LastSeenMs = h.LastHeartbeatMs
			out.SawDown, out.SawLate = saw[inc.Subject].down, saw[inc.Subject].late
		}
		if err := k.diagnose(ctx, p, &out); err != nil {
			return err
		}
		for _, vm := range out.Vms { // owners' rules on the incident (x/vmlifecycle INCIDENT triggers)
			if err := k.vm.NoteIncident(ctx, vm, out.Id, inc.Kind.String()); err != nil {
				return err
			}
		}
		if err := k.Incidents.Set(ctx, out.Id, out); err != nil {
			return err
		}
		emit(ctx, types.EventTypeIncidentOpened, types.AttributeKeyIncidentID, fmt.Sprint(out.Id), types.AttributeKeyKind, out.Kind.String(),
			types.AttributeKeySubject, out.Subject, types.AttributeKeyState, out.State.String())
	}
	return nil
}

// diagnose sets a new incident's severity and root cause; a crashed VM's failures within the
// crash-loop window start its ladder where the earlier incidents left it (the f-th failure takes
// the f-th step), so a crash loop moves on to migration and escalation instead of restarting
// forever.
func (k Keeper) diagnose(ctx sdk.Context, p types.Params, inc *types.Incident) error {
	switch inc.Kind {
	case types.IncidentKind_INCIDENT_KIND_HOST_SUSPECT, types.IncidentKind_INCIDENT_KIND_CAPACITY_FORECAST:
		inc.Severity = types.Severity_SEVERITY_LOW
	case types.IncidentKind_INCIDENT_KIND_VM_CRASH, types.IncidentKind_INCIDENT_KIND_VM_STUCK:
		inc.Severity = types.Severity_SEVERITY_MEDIUM
	case types.IncidentKind_INCIDENT_KIND_HOST_DOWN:
		inc.Severity = types.Severity_SEVERITY_HIGH
	default:
		inc.Severity = types.Severity_SEVERITY_CRITICAL
	}
	switch inc.Kind {
	case types.IncidentKind_INCIDENT_KIND_HOST_DOWN, types.IncidentKind_INCIDENT_KIND_HOST_SUSPECT:
		inc.RootCause = fmt.Sprintf("host %s: φ %d.%03d, power seeing it down %d and late %d of %d", inc.Subject,
			inc.PhiMilli/1000, inc.PhiMilli%1000, inc.DownPower, inc.LatePower, inc.TotalPower)
	case types.IncidentKind_INCIDENT_KIND_REGION_PARTITION:
		inc.RootCause = fmt.Sprintf("region %s: %d hosts down together", inc.Subject, len(inc.Hosts))
	case types.IncidentKind_INCIDENT_KIND_VM_STUCK:
		inc.RootCause = fmt.Sprintf("vm %s not running after %d blocks on its host", inc.Subject, p.StuckAfterBlocks)
	case types.IncidentKind_INCIDENT_KIND_VM_CRASH:
		if len(inc.Vms) != 1 {
			return nil
		}
		vm := inc.Vms[0]
		f, err := k.crashRootCause(ctx, p, inc)
		if err != nil {
			return err
		}
		if f >= p.CrashLoopFailures {
			st, err := k.vm.VMStatus(ctx, vm)
			if err != nil {
				return err
			}
			pol, _, err := k.EffectivePolicy(ctx, p, st.Owner, vm)
			if err != nil {
				return err
			}
			earlier := f - 1 // steps the earlier failures took
			pr := types.RemedyProgress{VmId: vm, Restarts: min(earlier, pol.Remedy.MaxRestarts)}
			pr.Migrations = min(earlier-pr.Restarts, pol.Remedy.MaxMigrations)
			pr.ScaledOut = pol.Remedy.ScaleOut && earlier > pr.Restarts+pr.Migrations
			inc.Progress = []types.RemedyProgress{pr}
		}
	}
	return nil
}

// crashRootCause sets a one-VM crash incident's root cause from the VM's failures in the
// crash-loop window and returns their count.
func (k Keeper) crashRootCause(ctx sdk.Context, p types.Params, inc *types.Incident) (uint32, error) {
	vm := inc.Vms[0]
	f, err := k.vm.FailuresSince(ctx, vm, ctx.BlockHeight()-p.CrashLoopWindowBlocks+1)
	if err != nil {
		return 0, err
	}
	inc.RootCause = fmt.Sprintf("vm %d crashed (%d failures in the last %d blocks)", vm, f, p.CrashLoopWindowBlocks)
	if f >= p.CrashLoopFailures {
		inc.RootCause = fmt.Sprintf("vm %d crash loop: %d failures in the last %d blocks", vm, f, p.CrashLoopWindowBlocks)
	}
	return f, nil
}

func (k Keeper) addResolved(ctx sdk.Context, delta int64) error {
	n, err := k.ResolvedCount.Get(ctx)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	return k.ResolvedCount.Set(ctx, uint64(max(int64(n)+delta, 0)))
}

// maxPrunesPerBlock bounds the pruning of resolved incidents in one block.
const maxPrunesPerBlock = 16

// pruneResolved removes the oldest resolved incidents beyond max_resolved_incidents, at most
// maxPrunesPerBlock per block.
func (k Keeper) pruneResolved(ctx sdk.Context, p types.Params) error {
	n, err := k.ResolvedCount.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return nil
	}
	if err != nil || n <= uint64(p.MaxResolvedIncidents) {
		return err
	}
	excess := min(n-uint64(p.MaxResolvedIncidents), maxPrunesPerBlock)
	var ids []uint64
	if err := k.Incidents.Indexes.ByState.Walk(ctx, collections.NewPrefixedPairRange[int32, uint64](int32(types.IncidentState_INCIDENT_STATE_RESOLVED)),
		func(_ int32, id uint64) (bool, error) {
			ids = append(ids, id)
			return uint64(len(ids)) >= excess, nil
		}); err != nil {
		return err
	}
	for _, id := range ids {
		if err := k.Incidents.Remove(ctx, id); err != nil {
			return err
		}
	}
	return k.addResolved(ctx, -int64(len(ids)))
}
