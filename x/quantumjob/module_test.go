package quantumjob_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/quantumjob"
	"github.com/novacron/novacron/x/quantumjob/keeper"
	qjtestutil "github.com/novacron/novacron/x/quantumjob/testutil"
	"github.com/novacron/novacron/x/quantumjob/types"
)

// The module manager holds a copy of the keeper made before the node sets its artifact sink:
// the copy must still hand artifacts to the sink set later on the app's keeper.
func TestEndBlockSeesSinkSetAfterRegistration(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	am := quantumjob.NewAppModule(f.Cdc, f.Keeper) // copy taken now, as app.New does
	appKeeper := f.Keeper                          // the app's own field
	sink := &qjtestutil.RecordingSink{}
	appKeeper.SetArtifactSink(sink)

	f.Submit(t, 1, qjtestutil.GHZ3, 100, "")
	require.NoError(t, am.EndBlock(f.AtHeight(8)))
	r, err := f.Keeper.Results.Get(f.Ctx, 1)
	require.NoError(t, err)
	require.Len(t, sink.Puts(), 1)
	require.Equal(t, r.ArtifactCid, sink.Puts()[0].CID)
	require.Equal(t, uint64(100), r.Counts[0].Value+r.Counts[1].Value)
}

// TestValidateGenesisJSON covers `novacrond genesis validate` (the module's ValidateGenesis on
// the raw JSON section) and the JSON round trip through the module.
func TestValidateGenesisJSON(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	am := quantumjob.NewAppModule(f.Cdc, f.Keeper)

	def := am.DefaultGenesis(f.Cdc)
	require.NoError(t, am.ValidateGenesis(f.Cdc, nil, def))
	var gs types.GenesisState
	require.NoError(t, f.Cdc.UnmarshalJSON(def, &gs))
	require.JSONEq(t, string(f.Cdc.MustMarshalJSON(types.DefaultGenesis())), string(f.Cdc.MustMarshalJSON(&gs)))
	require.Equal(t, types.DefaultParams(), gs.Params)

	owner := qjtestutil.AddrStr(1)
	good := json.RawMessage(`{"params":` + string(f.Cdc.MustMarshalJSON(&gs.Params)) + `,"next_job_id":"3","jobs":[` +
		`{"id":"1","owner":"` + owner + `","source":"x","status":"JOB_STATUS_FAILED","error":"boom"},` +
		`{"id":"2","owner":"` + owner + `","source":` + mustJSON(qjtestutil.Bell) + `,"shots":10,"status":"JOB_STATUS_QUEUED","cost":"31"}]}`)
	require.NoError(t, am.ValidateGenesis(f.Cdc, nil, good))

	bad := json.RawMessage(`{"params":` + string(f.Cdc.MustMarshalJSON(&gs.Params)) + `,"next_job_id":"2","jobs":[` +
		`{"id":"2","owner":"` + owner + `","status":"JOB_STATUS_QUEUED"}]}`)
	require.ErrorIs(t, am.ValidateGenesis(f.Cdc, nil, bad), types.ErrInvalidGenesis)
	require.ErrorContains(t, am.ValidateGenesis(f.Cdc, nil, json.RawMessage(`{"jobs":5}`)), "failed to unmarshal quantumjob genesis")

	// Init through the module: the queued job is queued and runs at the next EndBlock.
	am.InitGenesis(f.Ctx, f.Cdc, good)
	require.Equal(t, []uint64{2}, f.Queued(t))
	require.Equal(t, uint64(1), f.QueueSize(t))
	exported := am.ExportGenesis(f.Ctx, f.Cdc)
	var a, b types.GenesisState
	require.NoError(t, f.Cdc.UnmarshalJSON(good, &a))
	require.NoError(t, f.Cdc.UnmarshalJSON(exported, &b))
	// the queued job was planned again: its cost of 31 became the planned budget
	plan, err := keeper.PlanJob(gs.Params, qjtestutil.Bell, 10, "", gs.Params.BlockCostBudget)
	require.NoError(t, err)
	a.Jobs[1].Cost, a.Jobs[1].Backend = plan.Cost, string(plan.Backend)
	require.JSONEq(t, string(f.Cdc.MustMarshalJSON(&a)), string(f.Cdc.MustMarshalJSON(&b)))
	require.Len(t, b.Jobs, 2)
	// a second import of the export is a fixed point
	f2 := qjtestutil.NewFixture(t, nil)
	am2 := quantumjob.NewAppModule(f2.Cdc, f2.Keeper)
	am2.InitGenesis(f2.Ctx, f2.Cdc, exported)
	require.JSONEq(t, string(exported), string(am2.ExportGenesis(f2.Ctx, f2.Cdc)))

	require.NoError(t, am.EndBlock(f.AtHeight(8)))
	require.Equal(t, types.JOB_STATUS_SUCCEEDED, f.Job(t, 2).Status)
	require.Zero(t, f.QueueSize(t))
	require.Equal(t, uint64(3), f.Submit(t, 1, qjtestutil.Bell, 1, "").JobId)

	require.Panics(t, func() { am.InitGenesis(f.Ctx, f.Cdc, bad) })
}

func mustJSON(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}
