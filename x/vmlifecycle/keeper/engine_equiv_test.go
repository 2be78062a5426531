package keeper_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/vmlifecycle/keeper"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// The pure engine over an in-memory HostSet of the stored hosts (what x/heal's what-if runs)
// answers exactly as the keeper's search over the placement index: same winner, explanation,
// steps and budget errors, over random hosts (some draining, some of an operator removed from
// host_operators), VMs and per-placement budgets.
func TestEngineHostSetMatchesKeeper(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		rng := rand.New(rand.NewChaCha8([32]byte{byte(seed), 11}))
		f := newFixture(t)
		p := testParams()
		p.MaxCandidates = uint32(2 + rng.IntN(12))
		p.MaxRegionsScanned = uint32(1 + rng.IntN(5))
		p.SpreadWeightPpm = int64(rng.IntN(200_000))
		p.RegionLatencies = []types.RegionLatency{
			{From: "ap-south", To: "eu-west", LatencyUs: 90_000},
			{From: "eu-central", To: "eu-west", LatencyUs: 10_000},
			{From: "eu-central", To: "us-east", LatencyUs: 45_000},
			{From: "eu-west", To: "us-east", LatencyUs: 40_000},
		}
		_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: p})
		require.NoError(t, err)
		regions := []string{"ap-south", "eu-central", "eu-west", "us-east"}
		labels := []types.Label{{Key: "gpu", Value: "a100"}, {Key: "ssd", Value: "yes"}, {Key: "tier", Value: "gold"}, {Key: "tier", Value: "silver"}}
		randLabels := func() []types.Label {
			var ls []types.Label
			for _, l := range labels {
				if rng.IntN(3) == 0 && (len(ls) == 0 || ls[len(ls)-1].Key != l.Key) {
					ls = append(ls, l)
				}
			}
			return ls
		}
		var hostIDs []string
		for i := 0; i < 30; i++ {
			id := fmt.Sprintf("h%02d", i)
			f.registerHost(byte(1+rng.IntN(2)), id, regions[rng.IntN(len(regions))],
				res(uint64(4000+rng.IntN(8)*4000), uint64(8192+rng.IntN(8)*8192), uint64(100+rng.IntN(4)*100), uint32(rng.IntN(3))), randLabels()...)
			hostIDs = append(hostIDs, id)
		}
		randC := func() types.Constraints {
			var c types.Constraints
			if rng.IntN(3) == 0 {
				for _, r := range regions {
					if rng.IntN(2) == 0 {
						c.AllowedRegions = append(c.AllowedRegions, r)
					}
				}
			}
			if rng.IntN(3) == 0 {
				c.RequiredLabels = []types.Label{labels[rng.IntN(len(labels))]}
			}
			if rng.IntN(2) == 0 {
				c.AntiAffinityGroup = fmt.Sprintf("g%d", rng.IntN(3))
			}
			if rng.IntN(3) == 0 {
				c.MaxLatency = []types.LatencyBound{{Region: regions[rng.IntN(len(regions))], MaxUs: int64(rng.IntN(60_000))}}
			}
			return c
		}
		randR := func() types.Resources {
			return res(uint64(500+rng.IntN(8)*1500), uint64(512+rng.IntN(8)*2048), uint64(rng.IntN(50)), uint32(rng.IntN(5)/3))
		}
		for i := 0; i < 60; i++ {
			_, _ = f.msg.CreateVM(f.ctx, &types.MsgCreateVM{Owner: addr(byte(5 + rng.IntN(3))), Name: fmt.Sprintf("vm%d", i),
				ImageCid: validCID1, Resources: randR(), Replicas: 1, Constraints: randC()})
		}
		for i := 0; i < 3; i++ {
			h := f.host(hostIDs[rng.IntN(len(hostIDs))])
			_, _ = f.msg.DrainHost(f.ctx, &types.MsgDrainHost{Operator: h.Operator, HostId: h.Id})
		}
		if seed != 1 { // operator 2 leaves host_operators; its hosts stay ACTIVE until EndBlock
			p.HostOperators = []string{addr(1)}
			_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: p})
			require.NoError(t, err)
		}
		p, err = f.k.Params.Get(f.ctx)
		require.NoError(t, err)

		placed, budgetErrs := 0, 0
		for i := 0; i < 150; i++ {
			vm := types.VM{Id: uint64(1000 + i), Owner: addr(byte(5 + rng.IntN(3))), Resources: randR(), Constraints: randC()}
			if rng.IntN(4) == 0 {
				vm.HostId = hostIDs[rng.IntN(len(hostIDs))]
			}
			restore := func() {}
			if rng.IntN(3) == 0 {
				restore = keeper.SetMaxPlacementStepsForTest(uint64(rng.IntN(120_000)))
			}
			win, ex, steps, err := f.k.ScheduleForTest(f.ctx, p, vm)
			r, wSteps, wErr := f.k.WhatIfForTest(f.ctx, p, vm)
			restore()

			require.Equal(t, steps, wSteps, "vm %d: steps", i)
			if err != nil {
				budgetErrs++
				require.ErrorIs(t, err, types.ErrSchedulerBudget)
				require.ErrorIs(t, wErr, meter.ErrBudgetExceeded)
				var be *meter.BudgetError
				require.True(t, errors.As(wErr, &be))
				require.True(t, strings.Contains(err.Error(), wErr.Error()), "%v vs %v", err, wErr)
			} else {
				require.NoError(t, wErr)
				require.Equal(t, ex.Summary, r.Summary)
			}
			if win != "" {
				placed++
				require.Equal(t, win, r.Winner.ID)
				require.Equal(t, ex.WinningScore, r.WinningScore)
				require.Equal(t, win, r.Ranked()[0].HostID, "the best ranked candidate is the winner")
			} else if err == nil {
				require.Nil(t, r.Winner)
			}
			require.Len(t, r.Regions, len(ex.Regions))
			for j, o := range r.Regions {
				e := ex.Regions[j]
				require.Equal(t, e.Region, o.Region)
				require.Equal(t, e.RejectReason, o.RejectReason)
				if o.Searched {
					require.Equal(t, e.Scope, keeper.ScopeKeyForTest(o.Scope))
				}
			}
			require.Len(t, r.Candidates, len(ex.Candidates))
			for j, c := range r.Candidates {
				e := ex.Candidates[j]
				require.Equal(t, types.CandidateExplanation{HostId: c.HostID, Region: c.Region, Accepted: c.Accepted,
					RejectReason: c.RejectReason, Score: c.Score, FitScore: c.Fit, SpreadPenalty: c.Spread}, e)
			}
		}
		require.Positive(t, placed)
		require.Positive(t, budgetErrs)
	}
}
