package app

import (
	"strings"
	"sync/atomic"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/app/heal/prober"
	"github.com/novacron/novacron/x/heal/engine"
	healkeeper "github.com/novacron/novacron/x/heal/keeper"
	healtypes "github.com/novacron/novacron/x/heal/types"
)

// healSection fills the heal section of this validator's vote extension from its prober's
// latest snapshot; without a prober (a non-validator, [heal] disabled) it leaves it out.
type healSection struct {
	keeper healkeeper.Keeper
	prober atomic.Pointer[prober.Prober]
	// staleAfter: an observation older than this counts as none (a stuck prober must not keep
	// reporting a host up).
	staleAfter atomic.Int64
}

func (s *healSection) ExtendVote(ctx sdk.Context, _ int64) ([]byte, error) {
	p := s.prober.Load()
	if p == nil {
		return nil, nil
	}
	snap := p.Snapshot()
	stale := time.Duration(s.staleAfter.Load())
	now := time.Now()
	return s.keeper.Observations(ctx, func(id string) (engine.Host, bool) {
		o, ok := snap.Hosts[id]
		if !ok || (stale > 0 && now.Sub(o.ProbedAt) > stale) {
			return engine.Host{}, false
		}
		return o.Host, true
	})
}

// healTargets lists the hosts to probe from the last committed state: each tracked host's
// agent URL (<health_endpoint>/hosts/<id>/health).
func (app *App) healTargets() []prober.Target {
	ctx, err := app.CreateQueryContext(0, false)
	if err != nil {
		return nil
	}
	p, err := app.HealKeeper.Params.Get(ctx)
	if err != nil {
		return nil
	}
	hosts, err := app.VMLifecycleKeeper.HealthTargets(ctx, p.MaxHosts)
	if err != nil {
		return nil
	}
	return probeTargets(hosts)
}

func probeTargets(hosts []healtypes.Target) []prober.Target {
	out := make([]prober.Target, len(hosts))
	for i, h := range hosts {
		out[i] = prober.Target{HostID: h.HostID, Endpoint: strings.TrimRight(h.Endpoint, "/") + "/hosts/" + h.HostID + "/health"}
	}
	return out
}
