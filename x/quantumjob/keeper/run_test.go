package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/quantumjob/engine"
	"github.com/novacron/novacron/x/quantumjob/keeper"
	qjtestutil "github.com/novacron/novacron/x/quantumjob/testutil"
	"github.com/novacron/novacron/x/quantumjob/types"
)

func result(t *testing.T, f *qjtestutil.Fixture, id uint64) types.Result {
	t.Helper()
	r, err := f.Keeper.Results.Get(f.Ctx, id)
	require.NoError(t, err, "result of job %d", id)
	return r
}

func sum(es []types.Entry) uint64 {
	var n uint64
	for _, e := range es {
		n += e.Value
	}
	return n
}

func TestRunQueuedGHZ(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	f.Submit(t, 1, qjtestutil.GHZ3, 1000, "")
	f.Submit(t, 1, qjtestutil.GHZ3, 1000, "statevector")
	ctx := f.AtHeight(8)
	require.NoError(t, f.Keeper.RunQueued(ctx))

	for id, backend := range map[uint64]string{1: "stabilizer", 2: "statevector"} {
		j := f.Job(t, id)
		require.Equal(t, types.JOB_STATUS_SUCCEEDED, j.Status)
		require.Equal(t, int64(8), j.FinishedHeight)
		require.Empty(t, j.Error)

		r := result(t, f, id)
		require.Equal(t, id, r.JobId)
		require.Equal(t, backend, r.Backend)
		require.Equal(t, uint32(3), r.Qubits)
		require.Equal(t, uint32(3), r.Clbits)
		require.Equal(t, []types.Entry{{Key: "000", Value: 500_000_000_000}, {Key: "111", Value: 500_000_000_000}}, r.Probabilities)
		require.Equal(t, engine.ProbScale, sum(r.Probabilities))
		require.True(t, r.ProbabilitiesExact)
		require.False(t, r.ProbabilitiesTruncated)
		require.Equal(t, uint64(1000), sum(r.Counts))
		for _, c := range r.Counts {
			require.Contains(t, []string{"000", "111"}, c.Key)
		}
		require.Equal(t, uint64(3), r.GatesBefore)
		seed := engine.DeriveSeed(qjtestutil.ChainID, 8, id)
		require.Equal(t, seed[:], r.Seed)
		require.Len(t, r.ArtifactSha256, 32)
		require.NotEmpty(t, r.ArtifactCid)
	}
	require.Empty(t, f.Queued(t))
	require.Zero(t, f.QueueSize(t))
	require.Len(t, eventsOf(ctx), 2)
	require.Equal(t, fmt.Sprintf("quantumjob_succeeded job_id=1 backend=stabilizer qubits=3 artifact_cid=%s", result(t, f, 1).ArtifactCid), eventsOf(ctx)[0])

	// Nothing queued: EndBlock is a no-op.
	ctx = f.AtHeight(9)
	require.NoError(t, f.Keeper.RunQueued(ctx))
	require.Empty(t, eventsOf(ctx))
}

// The result equals what the engine computes with the on-chain seed, shot for shot.
func TestRunQueuedMatchesEngine(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	f.Submit(t, 1, qjtestutil.NonClifford, 4096, "")
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(11)))

	seed := engine.DeriveSeed(qjtestutil.ChainID, 11, 1)
	want, err := engine.Run(qjtestutil.NonClifford, engine.Options{Shots: 4096, Seed: seed, Limits: types.DefaultParams().EngineLimits()})
	require.NoError(t, err)
	r := result(t, f, 1)
	require.Equal(t, string(want.Backend), r.Backend)
	require.Len(t, r.Counts, len(want.Counts))
	for i, c := range want.Counts {
		require.Equal(t, types.Entry{Key: c.Key, Value: c.Value}, r.Counts[i])
	}
	for i, p := range want.Probabilities {
		require.Equal(t, types.Entry{Key: p.Key, Value: p.Value}, r.Probabilities[i])
	}
	// |00> and |11> with probability 1/2 each (T only adds a phase).
	require.Equal(t, []types.Entry{{Key: "00", Value: 500_000_000_000}, {Key: "11", Value: 500_000_000_000}}, r.Probabilities)
	h := want.ArtifactHash()
	require.Equal(t, h[:], r.ArtifactSha256)
}

// The same job at the same chain id and height gives the same Result bytes on two fresh stores;
// another height gives another seed and other counts.
func TestRunQueuedDeterministic(t *testing.T) {
	run := func(height int64) []byte {
		f := qjtestutil.NewFixture(t, nil)
		f.Submit(t, 1, qjtestutil.NonClifford, 2000, "")
		f.Submit(t, 2, qjtestutil.GHZ3, 2000, "")
		require.NoError(t, f.Keeper.RunQueued(f.AtHeight(height)))
		var out []byte
		for _, id := range []uint64{1, 2} {
			r := result(t, f, id)
			bz, err := f.Cdc.Marshal(&r)
			require.NoError(t, err)
			out = append(out, bz...)
		}
		return out
	}
	a, b := run(20), run(20)
	require.Equal(t, a, b)
	require.NotEqual(t, a, run(21))
}

func TestRunQueuedMaxJobsPerBlock(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	f.SetParams(t, func(p *types.Params) { p.MaxJobsPerBlock = 2 })
	for i := 0; i < 5; i++ {
		f.Submit(t, 1, qjtestutil.Bell, 10, "")
	}
	require.Equal(t, uint64(5), f.QueueSize(t))

	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(8)))
	require.Equal(t, []uint64{3, 4, 5}, f.Queued(t))
	require.Equal(t, uint64(3), f.QueueSize(t))
	require.Equal(t, types.JOB_STATUS_SUCCEEDED, f.Job(t, 2).Status)
	require.Equal(t, types.JOB_STATUS_QUEUED, f.Job(t, 3).Status)

	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(9)))
	require.Equal(t, []uint64{5}, f.Queued(t))
	require.Equal(t, uint64(1), f.QueueSize(t))
	require.Equal(t, int64(9), f.Job(t, 4).FinishedHeight)

	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(10)))
	require.Empty(t, f.Queued(t))
	require.Zero(t, f.QueueSize(t))
	require.Equal(t, int64(10), f.Job(t, 5).FinishedHeight)
	// Each job's seed is keyed by the height it ran at.
	seed := engine.DeriveSeed(qjtestutil.ChainID, 10, 5)
	require.Equal(t, seed[:], result(t, f, 5).Seed)
}

// The cost budget is spent in id order: a cheap job never overtakes a dearer one queued before it.
func TestRunQueuedCostBudget(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	p := types.DefaultParams()
	ghz, err := keeper.PlanJob(p, qjtestutil.GHZ3, 100, "statevector", p.BlockCostBudget)
	require.NoError(t, err)
	bell, err := keeper.PlanJob(p, qjtestutil.Bell, 1, "", p.BlockCostBudget)
	require.NoError(t, err)
	require.Greater(t, ghz.Cost, bell.Cost)
	// Room for two GHZ jobs, not three.
	f.SetParams(t, func(p *types.Params) { p.BlockCostBudget = 2*ghz.Cost + bell.Cost - 1; p.MaxJobsPerBlock = 100 })

	f.Submit(t, 1, qjtestutil.GHZ3, 100, "statevector") // 1
	f.Submit(t, 1, qjtestutil.GHZ3, 100, "statevector") // 2
	f.Submit(t, 1, qjtestutil.GHZ3, 100, "statevector") // 3: does not fit
	f.Submit(t, 1, qjtestutil.Bell, 1, "")              // 4: would fit, but waits for 3
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(8)))
	require.Equal(t, []uint64{3, 4}, f.Queued(t))
	require.Equal(t, uint64(2), f.QueueSize(t))

	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(9)))
	require.Empty(t, f.Queued(t))
	for id := uint64(1); id <= 4; id++ {
		require.Equal(t, types.JOB_STATUS_SUCCEEDED, f.Job(t, id).Status, "job %d", id)
	}
}

// A job over the budget (left by an earlier, more generous params set) runs alone.
func TestRunQueuedOversizeJobRunsAlone(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	f.Enqueue(t, 1, qjtestutil.Bell, 1, 1_000_000_000)
	f.Enqueue(t, 1, qjtestutil.Bell, 1, 1)
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(8)))
	require.Equal(t, []uint64{2}, f.Queued(t))
	require.Equal(t, types.JOB_STATUS_SUCCEEDED, f.Job(t, 1).Status)
}

// A job the engine rejects becomes FAILED with the error; EndBlock itself does not fail and the
// next job still runs.
func TestRunQueuedFailedJob(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	sink := &qjtestutil.RecordingSink{}
	f.Keeper.SetArtifactSink(sink)
	bad := f.Enqueue(t, 1, qjtestutil.Opaque, 10, 1_000_000)
	good := f.Submit(t, 1, qjtestutil.Bell, 10, "").JobId
	ctx := f.AtHeight(8)
	require.NoError(t, f.Keeper.RunQueued(ctx))

	j := f.Job(t, bad)
	require.Equal(t, types.JOB_STATUS_FAILED, j.Status)
	require.Equal(t, int64(8), j.FinishedHeight)
	require.Contains(t, j.Error, "opaque gate cannot be executed")
	require.Contains(t, j.Error, "6:1")
	_, err := f.Keeper.Results.Get(f.Ctx, bad)
	require.Error(t, err)
	require.Equal(t, types.JOB_STATUS_SUCCEEDED, f.Job(t, good).Status)
	require.Empty(t, f.Queued(t))
	require.Zero(t, f.QueueSize(t))
	require.Equal(t, "quantumjob_failed job_id=1 error="+j.Error, eventsOf(ctx)[0])
	require.Len(t, sink.Puts(), 1, "only the successful job's artifact is handed over")

	// Malformed source and a stored backend the engine no longer knows fail the same way.
	src := f.Enqueue(t, 1, "OPENQASM 2.0;\nqreg q[1];\nfoo q[0];\n", 1, 1_000_000)
	weird := f.Enqueue(t, 1, qjtestutil.Bell, 1, 1_000_000)
	wj := f.Job(t, weird)
	wj.Backend = "gpu"
	require.NoError(t, f.Keeper.Jobs.Set(f.Ctx, weird, wj))
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(9)))
	require.Equal(t, types.JOB_STATUS_FAILED, f.Job(t, src).Status)
	require.Contains(t, f.Job(t, src).Error, "3:1")
	require.Equal(t, types.JOB_STATUS_FAILED, f.Job(t, weird).Status)
	require.Contains(t, f.Job(t, weird).Error, "unknown backend")
}

// Params lowered by governance after submission apply when the job runs.
func TestRunQueuedUsesCurrentParams(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	f.Submit(t, 1, qjtestutil.NonClifford, 10, "")
	f.SetParams(t, func(p *types.Params) { p.MaxQubitsStatevector = 1 })
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(8)))
	j := f.Job(t, 1)
	require.Equal(t, types.JOB_STATUS_FAILED, j.Status)
	require.Contains(t, j.Error, "exceeds limits")
}

// QueueSize tracks the queue through submissions, runs, failures and genesis.
func TestQueueSizeBookkeeping(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	f.SetParams(t, func(p *types.Params) { p.MaxJobsPerBlock = 3 })
	for i := 0; i < 4; i++ {
		f.Submit(t, 1, qjtestutil.Bell, 1, "")
	}
	f.Enqueue(t, 1, qjtestutil.Opaque, 1, 1_000_000)
	_, err := f.MsgServer.SubmitJob(f.Ctx, &types.MsgSubmitJob{Owner: qjtestutil.AddrStr(1), Source: "bad"})
	require.Error(t, err)
	require.Equal(t, uint64(5), f.QueueSize(t))
	for h, want := range []uint64{2, 0, 0} {
		require.NoError(t, f.Keeper.RunQueued(f.AtHeight(int64(8+h))))
		require.Equal(t, want, f.QueueSize(t))
		require.Len(t, f.Queued(t), int(want))
	}
}

// EndBlock runs a job under exactly the cost it paid for: a job whose stored cost is short
// of its work (it bypassed planning) fails with the budget error, the same text on every
// node, and the next job still runs.
func TestRunQueuedBudgetExceeded(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	short := f.Enqueue(t, 1, qjtestutil.GHZ3, 100, 5_000)
	good := f.Submit(t, 1, qjtestutil.Bell, 10, "").JobId
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(8)))
	j := f.Job(t, short)
	require.Equal(t, types.JOB_STATUS_FAILED, j.Status)
	require.Contains(t, j.Error, "work budget exceeded")
	require.Contains(t, j.Error, "budget 5000")
	require.Equal(t, types.JOB_STATUS_SUCCEEDED, f.Job(t, good).Status)

	g := qjtestutil.NewFixture(t, nil)
	again := g.Enqueue(t, 1, qjtestutil.GHZ3, 100, 5_000)
	require.NoError(t, g.Keeper.RunQueued(g.AtHeight(8)))
	require.Equal(t, j.Error, g.Job(t, again).Error, "deterministic error text")
}
