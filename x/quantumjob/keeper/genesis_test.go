package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/quantumjob/keeper"
	qjtestutil "github.com/novacron/novacron/x/quantumjob/testutil"
	"github.com/novacron/novacron/x/quantumjob/types"
)

func TestGenesisValidate(t *testing.T) {
	ac := qjtestutil.AccCodec
	require.NoError(t, types.DefaultGenesis().Validate(ac))

	owner := qjtestutil.AddrStr(1)
	done := types.Job{Id: 1, Owner: owner, Source: qjtestutil.Bell, Status: types.JOB_STATUS_SUCCEEDED}
	queued := types.Job{Id: 2, Owner: owner, Source: qjtestutil.Bell, Status: types.JOB_STATUS_QUEUED}
	good := func() types.GenesisState {
		return types.GenesisState{
			Params: types.DefaultParams(), NextJobId: 3,
			Jobs:    []types.Job{done, queued},
			Results: []types.Result{{JobId: 1, ArtifactSha256: make([]byte, 32), ArtifactCid: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"}},
		}
	}
	g := good()
	require.NoError(t, g.Validate(ac))

	for name, tc := range map[string]struct {
		mutate  func(*types.GenesisState)
		contain string
	}{
		"bad params":         {func(g *types.GenesisState) { g.Params.MaxShots = 0 }, "max_shots"},
		"job id 0":           {func(g *types.GenesisState) { g.Jobs[0].Id = 0 }, "job id 0"},
		"job id >= next":     {func(g *types.GenesisState) { g.NextJobId = 2 }, "next_job_id=2"},
		"duplicate job":      {func(g *types.GenesisState) { g.Jobs[1].Id = 1 }, "duplicate job id 1"},
		"bad owner":          {func(g *types.GenesisState) { g.Jobs[1].Owner = "cosmos1xyz" }, "owner"},
		"no status":          {func(g *types.GenesisState) { g.Jobs[1].Status = types.JOB_STATUS_UNSPECIFIED }, "no status"},
		"result unknown job": {func(g *types.GenesisState) { g.Results[0].JobId = 7 }, "unknown job 7"},
		"result of queued":   {func(g *types.GenesisState) { g.Results[0].JobId = 2 }, "JOB_STATUS_QUEUED"},
		"duplicate result":   {func(g *types.GenesisState) { g.Results = append(g.Results, g.Results[0]) }, "duplicate result"},
		"short sha256":       {func(g *types.GenesisState) { g.Results[0].ArtifactSha256 = []byte{1, 2} }, "artifact_sha256 is 2 bytes"},
		"bad cid":            {func(g *types.GenesisState) { g.Results[0].ArtifactCid = "bafy-not-a-cid" }, "artifact_cid"},
		"identity cid": {
			func(g *types.GenesisState) { g.Results[0].ArtifactCid = "bafkqaaa" }, "artifact_cid",
		},
	} {
		g := good()
		g.Jobs = append([]types.Job(nil), g.Jobs...)
		g.Results = append([]types.Result(nil), g.Results...)
		tc.mutate(&g)
		err := g.Validate(ac)
		require.ErrorIs(t, err, errFor(name), name)
		require.Contains(t, err.Error(), tc.contain, name)
	}
}

func errFor(name string) error {
	if name == "bad params" {
		return types.ErrInvalidParams
	}
	return types.ErrInvalidGenesis
}

// Export after activity, import into a fresh store, export again: identical; queued jobs are
// queued again (and run), finished ones keep their results, and the next id continues.
func TestGenesisRoundTrip(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	f.SetParams(t, func(p *types.Params) { p.MaxJobsPerBlock = 2 })
	f.Submit(t, 1, qjtestutil.Bell, 10, "")
	f.Enqueue(t, 2, qjtestutil.Opaque, 1, 1_000_000)
	f.Submit(t, 1, qjtestutil.GHZ3, 10, "")
	f.Submit(t, 3, qjtestutil.NonClifford, 10, "")
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(8))) // 1 succeeds, 2 fails; 3 and 4 wait

	gs, err := f.Keeper.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate(qjtestutil.AccCodec))
	require.Equal(t, uint64(5), gs.NextJobId)
	require.Len(t, gs.Jobs, 4)
	require.Len(t, gs.Results, 1)
	require.NotEmpty(t, gs.Results[0].ArtifactCid)

	// Through JSON, as a genesis file.
	bz, err := f.Cdc.MarshalJSON(gs)
	require.NoError(t, err)
	var imported types.GenesisState
	require.NoError(t, f.Cdc.UnmarshalJSON(bz, &imported))

	g := qjtestutil.NewFixture(t, &imported)
	again, err := g.Keeper.ExportGenesis(g.Ctx)
	require.NoError(t, err)
	require.Equal(t, gs, again)
	require.Equal(t, []uint64{3, 4}, g.Queued(t))
	require.Equal(t, uint64(2), g.QueueSize(t))
	for _, owner := range []byte{1, 2, 3} {
		a, err := f.Query.JobsByOwner(f.Ctx, &types.QueryJobsByOwnerRequest{Owner: qjtestutil.AddrStr(owner)})
		require.NoError(t, err)
		b, err := g.Query.JobsByOwner(g.Ctx, &types.QueryJobsByOwnerRequest{Owner: qjtestutil.AddrStr(owner)})
		require.NoError(t, err)
		require.Equal(t, a.Jobs, b.Jobs)
	}

	// The imported chain runs the queued jobs exactly as the original does.
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(9)))
	require.NoError(t, g.Keeper.RunQueued(g.AtHeight(9)))
	a, err := f.Keeper.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	b, err := g.Keeper.ExportGenesis(g.Ctx)
	require.NoError(t, err)
	require.Equal(t, a, b)
	require.Len(t, b.Results, 3)
	require.Zero(t, g.QueueSize(t))

	// Ids continue after the imported next_job_id.
	require.Equal(t, uint64(5), g.Submit(t, 1, qjtestutil.Bell, 1, "").JobId)
}

func TestGenesisDefaultAndBad(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	gs, err := f.Keeper.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, types.DefaultGenesis(), gs)
	require.Equal(t, uint64(1), f.Submit(t, 1, qjtestutil.Bell, 1, "").JobId)

	// next_job_id 0 (an empty genesis) still starts ids at 1.
	g := qjtestutil.NewFixture(t, &types.GenesisState{Params: types.DefaultParams()})
	require.Equal(t, uint64(1), g.Submit(t, 1, qjtestutil.Bell, 1, "").JobId)

	bad := types.DefaultGenesis()
	bad.Params.MaxGates = 0
	require.ErrorIs(t, f.Keeper.InitGenesis(f.Ctx, bad), types.ErrInvalidParams)
}

// A QUEUED job in a genesis file is planned again on import: one that no longer plans (here
// issue 10's expansion bomb, which never went through a Msg server) is imported as FAILED with
// the planning error instead of running unchecked, and a planned one runs under its new cost.
func TestInitGenesisReplansQueuedJobs(t *testing.T) {
	gs := types.DefaultGenesis()
	gs.NextJobId = 3
	gs.Jobs = []types.Job{
		{Id: 1, Owner: qjtestutil.AddrStr(1), Source: bomb(), Status: types.JOB_STATUS_QUEUED, Cost: 1},
		{Id: 2, Owner: qjtestutil.AddrStr(1), Source: qjtestutil.Bell, Shots: 10, Status: types.JOB_STATUS_QUEUED, Cost: 1},
	}
	f := qjtestutil.NewFixture(t, gs)
	require.Equal(t, types.JOB_STATUS_FAILED, f.Job(t, 1).Status)
	require.Contains(t, f.Job(t, 1).Error, "budget")
	plan, err := keeper.PlanJob(gs.Params, qjtestutil.Bell, 10, "", gs.Params.BlockCostBudget)
	require.NoError(t, err)
	require.Equal(t, plan.Cost, f.Job(t, 2).Cost)
	require.Equal(t, []uint64{2}, f.Queued(t))
	require.Equal(t, uint64(1), f.QueueSize(t))
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(8)))
	require.Equal(t, types.JOB_STATUS_SUCCEEDED, f.Job(t, 2).Status)
	r, err := f.Keeper.Results.Get(f.Ctx, 2)
	require.NoError(t, err)
	require.NotZero(t, r.Steps)
	require.LessOrEqual(t, r.Steps, plan.Cost)
}
