package keeper

import (
	"errors"
	"fmt"
	"slices"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/voteext"
	"github.com/novacron/novacron/x/heal/engine"
	"github.com/novacron/novacron/x/heal/types"
)

// Observations returns the heal section of this validator's next vote extension: what its
// prober saw (seen; a host it has no result for counts as agreed), as changes against the
// agreed view of the last committed block. Nil when nothing is tracked.
func (k Keeper) Observations(ctx sdk.Context, seen func(hostID string) (engine.Host, bool)) ([]byte, error) {
	v, err := view(ctx, k.View)
	if err != nil || len(v.Hosts) == 0 {
		return nil, err
	}
	agreed := index(v)
	mine := make(engine.View, len(agreed.hosts))
	for i, id := range agreed.ids {
		h, ok := seen(id)
		if !ok {
			h = agreed.hosts[i]
		}
		if h.Status == engine.StatusDown { // a prober that got no answer learned nothing else
			h = engine.Host{Status: engine.StatusDown, Seq: agreed.hosts[i].Seq, VMs: agreed.hosts[i].VMs}
		} else if h.Seq < agreed.hosts[i].Seq {
			h.Seq = agreed.hosts[i].Seq // an agent restarted with a lower sequence: no heartbeat
		}
		mine[i] = h
	}
	obs, err := engine.Diff(uint64(v.Height), agreed.hosts, mine)
	if err != nil {
		return nil, err
	}
	if len(obs.Changes) == 0 {
		return nil, nil
	}
	return engine.EncodeObservations(obs)
}

// ApplyVotes is the PreBlocker's part of x/heal: the heal sections of the last commit's vote
// extensions (already verified: signatures, height, format) become the next agreed view, the
// hosts' health and incident changes. A section that does not decode or fit a stored view is
// left out (the validator gave no evidence this block); only a store failure is an error.
func (k Keeper) ApplyVotes(ctx sdk.Context, votes []voteext.Vote, totalPower int64) error {
	p, err := k.Params.Get(ctx)
	if err != nil {
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
	targets, err := k.vm.HealthTargets(ctx, p.MaxHosts)
	if err != nil {
		return err
	}
	// Extensions of the last commit were made against the view committed before it (prev) — or
	// against cur when the last block applied no votes; both are kept.
	bases := map[int64]indexedView{}
	for _, v := range []types.View{prev, cur} {
		bases[v.Height] = index(v)
	}
	current := bases[cur.Height]
	agreed := make(engine.View, len(targets))
	for i, t := range targets {
		if j, ok := current.pos[t.HostID]; ok {
			agreed[i] = current.hosts[j]
		} // a newly tracked host starts up, with no heartbeat yet
	}
	var evotes []engine.Vote
	var voters []string // consensus addresses of evotes, hex
	var present int64
	dropped := 0
	for _, v := range votes {
		if v.Power <= 0 {
			continue
		}
		full, err := k.voteView(v, bases, targets, agreed)
		if err != nil {
			dropped++
			k.logger(ctx).Info("heal observations left out", "validator", fmt.Sprintf("%X", v.Validator), "err", err)
			continue
		}
		if full != nil {
			evotes = append(evotes, engine.Vote{Power: v.Power, View: full})
			voters = append(voters, fmt.Sprintf("%X", v.Validator))
			present += v.Power
		}
	}
	totalPower = max(totalPower, present)
	res, _, err := engine.Aggregate(agreed, evotes, totalPower)
	if err != nil {
		return err
	}
	quorum := present*3 > totalPower*2
	height, now := ctx.BlockHeight(), ctx.BlockTime().UnixMilli()

	next := types.View{Height: height, Hosts: make([]types.HostView, len(targets))}
	fleet := engine.Fleet{Hosts: make([]engine.FleetHost, len(targets))}
	verdicts := map[string]types.HostHealth{}
	saw := map[string]evidence{}
	for i, t := range targets {
		next.Hosts[i] = fromEngineHost(t.HostID, res.View[i])
		hh, err := k.Health.Get(ctx, t.HostID)
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return err
		}
		prevHealth := hh.Health
		hh.HostId, hh.Region = t.HostID, t.Region
		if quorum { // without evidence nothing is judged: a stalled vote path must not fail hosts
			hb := engine.Heartbeats{LastMs: hh.LastHeartbeatMs, Intervals: hh.IntervalsMs}
			if res.View[i].Seq > agreed[i].Seq {
				hb = hb.Observe(now, int(p.HeartbeatWindow))
			}
			hh.LastHeartbeatMs, hh.IntervalsMs = hb.LastMs, hb.Intervals
			hh.PhiMilli = engine.PhiMilli(hb, now, engine.PhiParams{MinSamples: int(p.MinSamples), MinStdDevMs: p.MinStdDevMs, AcceptablePauseMs: p.AcceptablePauseMs})
			hh.Attested = types.Health(res.Health[i])
			hh.DownPower, hh.LatePower, hh.TotalPower = powerSaw(evotes, i)
			hh.TotalPower = totalPower
			health := res.Health[i]
			switch {
			case hh.LastHeartbeatMs == 0:
				health = engine.Healthy // never seen alive since tracked (an agent not started yet): not a failure
			case hh.PhiMilli >= p.PhiDownMilli:
				health = engine.Down
			case hh.PhiMilli >= p.PhiSuspectMilli:
				health = max(health, engine.Suspect)
			}
			hh.Health = types.Health(health)
			if health != engine.Healthy {
				saw[t.HostID] = whoSaw(evotes, voters, i)
			}
		}
		if hh.Health != prevHealth || hh.SinceHeight == 0 {
			hh.SinceHeight = height
			if hh.Health != prevHealth {
				emit(ctx, types.EventTypeHealthChanged, types.AttributeKeyHostID, t.HostID, types.AttributeKeyHealth, hh.Health.String(),
					types.AttributeKeyPrevHealth, prevHealth.String(), types.AttributeKeyPhiMilli, fmt.Sprint(hh.PhiMilli),
					types.AttributeKeyDownPower, fmt.Sprint(hh.DownPower), types.AttributeKeyLatePower, fmt.Sprint(hh.LatePower),
					types.AttributeKeyTotalPower, fmt.Sprint(hh.TotalPower))
			}
		}
		if err := k.Health.Set(ctx, t.HostID, hh); err != nil {
			return err
		}
		verdicts[t.HostID] = hh
		fh, err := k.fleetHost(ctx, p, t, hh, res.View[i])
		if err != nil {
			return err
		}
		fleet.Hosts[i] = fh
	}
	if err := k.dropUntracked(ctx, verdicts); err != nil {
		return err
	}
	if err := k.PreviousView.Set(ctx, cur); err != nil {
		return err
	}
	if err := k.View.Set(ctx, next); err != nil {
		return err
	}
	emit(ctx, types.EventTypeVotesApplied, types.AttributeKeyVotes, fmt.Sprint(len(evotes)), types.AttributeKeyDropped, fmt.Sprint(dropped),
		types.AttributeKeyVotePower, fmt.Sprint(present), types.AttributeKeyTotalPower, fmt.Sprint(totalPower))
	return k.correlate(ctx, p, fleet, verdicts, saw)
}

// evidence: the validators whose votes saw a host down and late.
type evidence struct{ down, late []string }

func whoSaw(votes []engine.Vote, voters []string, i int) evidence {
	var e evidence
	for j, v := range votes {
		switch v.View[i].Status {
		case engine.StatusDown:
			e.down = append(e.down, voters[j])
		case engine.StatusLate:
			e.late = append(e.late, voters[j])
		}
	}
	return e
}

// voteView is one validator's full view over targets, nil when it sent no heal section.
func (k Keeper) voteView(v voteext.Vote, bases map[int64]indexedView, targets []types.Target, agreed engine.View) (engine.View, error) {
	payload := v.Extension.Get(voteext.SectionHeal)
	if payload == nil {
		return nil, nil
	}
	obs, err := engine.DecodeObservations(payload)
	if err != nil {
		return nil, types.ErrInvalidObservations.Wrap(err.Error())
	}
	base, ok := bases[int64(obs.BaseHeight)]
	if !ok {
		return nil, types.ErrInvalidObservations.Wrapf("against height %d, no such view kept", obs.BaseHeight)
	}
	if err := obs.CheckAgainst(obs.BaseHeight, base.hosts); err != nil {
		return nil, types.ErrInvalidObservations.Wrap(err.Error())
	}
	seen := engine.Apply(base.hosts, obs)
	full := make(engine.View, len(targets))
	for i, t := range targets {
		if j, ok := base.pos[t.HostID]; ok {
			full[i] = seen[j]
		} else {
			full[i] = agreed[i]
		}
	}
	return full, nil
}

// powerSaw sums the power of the votes that saw host i down and late.
func powerSaw(votes []engine.Vote, i int) (down, late, total int64) {
	for _, v := range votes {
		switch v.View[i].Status {
		case engine.StatusDown:
			down += v.Power
		case engine.StatusLate:
			late += v.Power
		}
		total += v.Power
	}
	return down, late, total
}

// fleetHost is a tracked host as correlation sees it: its verdict and the VMs x/vmlifecycle has
// on it — crashed when the agreed view says so or x/vmlifecycle has it FAILED, stuck when it has
// been SCHEDULED or MIGRATING for more than stuck_after_blocks.
func (k Keeper) fleetHost(ctx sdk.Context, p types.Params, t types.Target, hh types.HostHealth, seen engine.Host) (engine.FleetHost, error) {
	vms, err := k.vm.VMsOnHost(ctx, t.HostID)
	if err != nil {
		return engine.FleetHost{}, err
	}
	fh := engine.FleetHost{ID: t.HostID, Region: t.Region, Health: engine.Health(hh.Health), VMs: make([]engine.FleetVM, len(vms))}
	for i, st := range vms {
		fh.VMs[i] = engine.FleetVM{ID: st.ID, Crashed: st.Phase == types.PhaseFailed,
			Stuck: (st.Phase == types.PhaseScheduled || st.Phase == types.PhaseMigrating) && ctx.BlockHeight()-st.UpdatedHeight > p.StuckAfterBlocks}
		if j, ok := slices.BinarySearchFunc(seen.VMs, st.ID, func(vm engine.VM, id uint64) int {
			switch {
			case vm.ID < id:
				return -1
			case vm.ID > id:
				return 1
			}
			return 0
		}); ok && seen.VMs[j].State == engine.VMCrashed {
			fh.VMs[i].Crashed = true
		}
	}
	return fh, nil
}

// dropUntracked removes the health records of hosts no longer tracked.
func (k Keeper) dropUntracked(ctx sdk.Context, tracked map[string]types.HostHealth) error {
	var gone []string
	if err := k.Health.Walk(ctx, nil, func(id string, _ types.HostHealth) (bool, error) {
		if _, ok := tracked[id]; !ok {
			gone = append(gone, id)
		}
		return false, nil
	}); err != nil {
		return err
	}
	for _, id := range gone {
		if err := k.Health.Remove(ctx, id); err != nil {
			return err
		}
	}
	return nil
}
