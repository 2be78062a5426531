package keeper

import (
	"context"
	"fmt"
	"slices"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/heal/engine"
	"github.com/novacron/novacron/x/heal/types"
)

// EndBlocker advances the rollouts (rollout.go) and predictive scaling (scaling.go), then
// remediates the active incidents, oldest first, at most max_actions_per_block
// actions: a down host is evacuated (x/vmlifecycle drains it); a VM left on a down host is
// migrated; a crashed VM is restarted, then migrated (engine.NextRemedy's ladder with its
// backoff); an incident whose VMs have no remedy left escalates. Each action runs in its own
// cache context: a failure is recorded in the incident's steps and changes nothing else. No
// error or panic leaves it.
func (k Keeper) EndBlocker(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			k.logger(ctx).Error("heal end block panic recovered", "panic", fmt.Sprint(r))
			err = nil
		}
	}()
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if err := k.advanceRollouts(sdkCtx, p); err != nil {
		return err
	}
	if err := k.advanceScaling(sdkCtx, p); err != nil {
		return err
	}
	incs, err := k.activeIncidents(sdkCtx)
	if err != nil {
		return err
	}
	if err := k.pruneResolved(sdkCtx, p); err != nil {
		return err
	}
	budget := int(p.MaxActionsPerBlock)
	for _, inc := range incs {
		if budget <= 0 {
			break
		}
		before := inc.String()
		n, err := k.remedy(sdkCtx, p, &inc, budget)
		if err != nil {
			return err
		}
		budget -= n
		if inc.String() != before {
			if err := k.Incidents.Set(ctx, inc.Id, inc); err != nil {
				return err
			}
			emit(ctx, types.EventTypeIncidentChanged, types.AttributeKeyIncidentID, fmt.Sprint(inc.Id), types.AttributeKeyKind, inc.Kind.String(),
				types.AttributeKeySubject, inc.Subject, types.AttributeKeyState, inc.State.String())
		}
	}
	return nil
}

// remedy takes at most budget actions on inc and returns how many it took.
func (k Keeper) remedy(ctx sdk.Context, p types.Params, inc *types.Incident, budget int) (int, error) {
	if inc.RepairedHeight > 0 {
		return 0, nil
	}
	taken := 0
	step := func(action, target, result string) {
		inc.Steps = append(inc.Steps, types.RemedyStep{Height: ctx.BlockHeight(), Action: action, Target: target, Result: result})
		taken++
	}
	reason := fmt.Sprintf("incident %d (%s %s)", inc.Id, inc.Kind, inc.Subject)
	switch inc.Kind {
	case types.IncidentKind_INCIDENT_KIND_HOST_DOWN:
		if !inc.Evacuated {
			var done bool
			err := inCache(ctx, func(cc sdk.Context) error {
				var err error
				done, err = k.vm.EvacuateHost(cc, inc.Subject, reason)
				return err
			})
			inc.Evacuated = done
			step("evacuate-host", inc.Subject, result(err, map[bool]string{true: "ok", false: "not active"}[done]))
			inc.State = types.IncidentState_INCIDENT_STATE_MITIGATING
			return taken, nil // the drain moves the VMs; stragglers are taken one by one below, in later blocks
		}
	case types.IncidentKind_INCIDENT_KIND_VM_CRASH, types.IncidentKind_INCIDENT_KIND_VM_STUCK:
	default:
		return 0, nil // suspects, regions (their hosts' incidents act) and forecasts have no remedy here
	}
	exhausted := 0
	for _, vmID := range inc.Vms {
		if taken >= budget {
			break
		}
		st, err := k.vm.VMStatus(ctx, vmID)
		if err != nil {
			return taken, err
		}
		if !st.Exists || st.Settled {
			continue
		}
		hostFailed := inc.Kind == types.IncidentKind_INCIDENT_KIND_HOST_DOWN
		if hostFailed && st.HostID != inc.Subject {
			continue // the drain already moved it; it boots on its new host
		}
		if inc.Kind == types.IncidentKind_INCIDENT_KIND_VM_CRASH && (st.Phase == types.PhaseScheduled || st.Phase == types.PhaseMigrating) {
			continue // being booted again (a restart, a rollout): wait for its host's report
		}
		if inc.Kind == types.IncidentKind_INCIDENT_KIND_VM_STUCK && st.Phase == types.PhaseMigrating {
			hostFailed = true // a migration that never lands is retried elsewhere, not restarted
		}
		pol, _, err := k.EffectivePolicy(ctx, p, st.Owner, vmID)
		if err != nil {
			return taken, err
		}
		i := slices.IndexFunc(inc.Progress, func(r types.RemedyProgress) bool { return r.VmId == vmID })
		if i < 0 {
			inc.Progress = append(inc.Progress, types.RemedyProgress{VmId: vmID})
			i = len(inc.Progress) - 1
		}
		pr := &inc.Progress[i]
		if hostFailed && pr.LastHeight == 0 {
			pr.LastHeight = inc.OpenedHeight // the evacuation was its first attempt: back off from it
		}
		act, next := engine.NextRemedy(engine.RemedyState{Restarts: pr.Restarts, Migrations: pr.Migrations, ScaledOut: pr.ScaledOut, LastHeight: pr.LastHeight},
			engine.RemedyPolicy{MaxRestarts: pol.Remedy.MaxRestarts, MaxMigrations: pol.Remedy.MaxMigrations, ScaleOut: pol.Remedy.ScaleOut, BackoffBlocks: pol.Remedy.BackoffBlocks},
			hostFailed, ctx.BlockHeight())
		target := fmt.Sprint(vmID)
		switch act {
		case engine.ActRestart:
			err := inCache(ctx, func(cc sdk.Context) error { return k.vm.RestartVM(cc, vmID, reason) })
			step("restart", target, result(err, "ok"))
		case engine.ActMigrate:
			var host string
			err := inCache(ctx, func(cc sdk.Context) error {
				var err error
				host, err = k.vm.MigrateVM(cc, vmID, reason)
				return err
			})
			step("migrate", target, result(err, "to "+host))
		case engine.ActScaleOut:
			var added uint64
			err := inCache(ctx, func(cc sdk.Context) error {
				var err error
				added, _, err = k.vm.ScaleOut(cc, st.Group, reason)
				return err
			})
			step("scale-out", fmt.Sprint(st.Group), result(err, fmt.Sprintf("added vm %d", added)))
		case engine.ActEscalate:
			exhausted++
			continue
		case engine.ActNone:
			continue
		}
		pr.Restarts, pr.Migrations, pr.ScaledOut, pr.LastHeight = next.Restarts, next.Migrations, next.ScaledOut, next.LastHeight
		inc.State = types.IncidentState_INCIDENT_STATE_MITIGATING
	}
	if exhausted > 0 && inc.State != types.IncidentState_INCIDENT_STATE_ESCALATED {
		if inc.Kind == types.IncidentKind_INCIDENT_KIND_VM_CRASH && len(inc.Vms) == 1 {
			if _, err := k.crashRootCause(ctx, p, inc); err != nil { // the remedies' failures count too
				return taken, err
			}
		}
		inc.State, inc.Severity = types.IncidentState_INCIDENT_STATE_ESCALATED, types.Severity_SEVERITY_CRITICAL
		step("escalate", inc.Subject, fmt.Sprintf("%d VMs with no automatic remedy left", exhausted))
		emit(ctx, types.EventTypeEscalated, types.AttributeKeyIncidentID, fmt.Sprint(inc.Id), types.AttributeKeyKind, inc.Kind.String(),
			types.AttributeKeySubject, inc.Subject, types.AttributeKeyReason, inc.RootCause)
	}
	return taken, nil
}

func result(err error, ok string) string {
	if err != nil {
		return err.Error()
	}
	return ok
}

// inCache runs fn on a cache context and writes it only if fn succeeds.
func inCache(ctx sdk.Context, fn func(sdk.Context) error) error {
	cc, write := ctx.CacheContext()
	if err := fn(cc); err != nil {
		return err
	}
	write()
	return nil
}
