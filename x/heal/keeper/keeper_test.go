package keeper_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/voteext"
	"github.com/novacron/novacron/x/heal/engine"
	"github.com/novacron/novacron/x/heal/keeper"
	"github.com/novacron/novacron/x/heal/types"
)

// fakeVMs is x/vmlifecycle as x/heal reads it: hosts with endpoints, VMs on them, VM states.
type fakeVMs struct {
	targets []types.Target
	on      map[string][]uint64
	status  map[uint64]types.VMStatus
	calls   []string
	fail    error
	failed  map[uint64]uint32 // FailuresSince answers
	notes   []string          // NoteIncident calls
}

func (f *fakeVMs) HealthTargets(_ context.Context, limit uint32) ([]types.Target, error) {
	return f.targets[:min(int(limit), len(f.targets))], nil
}
func (f *fakeVMs) VMsOnHost(_ context.Context, id string) ([]types.VMStatus, error) {
	var out []types.VMStatus
	for _, vm := range f.on[id] {
		s := f.status[vm]
		s.ID = vm
		out = append(out, s)
	}
	return out, nil
}
func (f *fakeVMs) FailuresSince(_ context.Context, id uint64, _ int64) (uint32, error) {
	return f.failed[id], nil
}
func (f *fakeVMs) NoteIncident(_ context.Context, vm, inc uint64, kind string) error {
	f.notes = append(f.notes, fmt.Sprintf("%d %d %s", vm, inc, kind))
	return nil
}
func (f *fakeVMs) ValidateImage(string) error { return nil }
func (f *fakeVMs) SetImage(_ context.Context, id uint64, cid, _ string) error {
	f.calls = append(f.calls, fmt.Sprintf("image %d %s", id, cid))
	return f.fail
}
func (f *fakeVMs) GroupVMs(context.Context, uint64) ([]types.VMStatus, error) { return nil, nil }
func (f *fakeVMs) ScaleOut(_ context.Context, g uint64, _ string) (uint64, string, error) {
	f.calls = append(f.calls, fmt.Sprintf("scale-out %d", g))
	return 0, "", f.fail
}
func (f *fakeVMs) ScaleIn(_ context.Context, g uint64, _ string) (uint64, error) {
	f.calls = append(f.calls, fmt.Sprintf("scale-in %d", g))
	return 0, f.fail
}
func (f *fakeVMs) VMStatus(_ context.Context, id uint64) (types.VMStatus, error) {
	if s, ok := f.status[id]; ok {
		return s, nil
	}
	return types.VMStatus{}, nil
}
func (f *fakeVMs) EvacuateHost(_ context.Context, id, _ string) (bool, error) {
	f.calls = append(f.calls, "evacuate "+id)
	return true, nil
}
func (f *fakeVMs) RestoreHost(_ context.Context, id, _ string) (bool, error) {
	f.calls = append(f.calls, "restore "+id)
	return true, nil
}
func (f *fakeVMs) RestartVM(_ context.Context, id uint64, _ string) error {
	f.calls = append(f.calls, fmt.Sprintf("restart %d", id))
	return f.fail
}
func (f *fakeVMs) HostsInRegion(_ context.Context, region string) ([]string, error) {
	var out []string
	for _, t := range f.targets {
		if t.Region == region {
			out = append(out, t.HostID)
		}
	}
	return out, nil
}
func (f *fakeVMs) FreeCapacity(context.Context) ([]types.RegionCapacity, error) { return nil, nil }
func (f *fakeVMs) MigrateVM(_ context.Context, id uint64, _ string) (string, error) {
	f.calls = append(f.calls, fmt.Sprintf("migrate %d", id))
	return "h2", f.fail
}

type fixture struct {
	t     *testing.T
	env   *testkit.Env
	k     keeper.Keeper
	vms   *fakeVMs
	query types.QueryServer
	seq   map[string]uint64 // each host agent's sequence
	now   time.Time
}

func newFixture(t *testing.T) *fixture {
	env := testkit.NewEnv(t, types.StoreKey, types.RegisterInterfaces)
	vms := &fakeVMs{
		targets: []types.Target{{HostID: "h1", Region: "r1"}, {HostID: "h2", Region: "r1"}, {HostID: "h3", Region: "r2"}},
		on:      map[string][]uint64{"h1": {1, 2}, "h2": {3}},
		status:  map[uint64]types.VMStatus{1: {Exists: true, Settled: true, HostID: "h1"}, 2: {Exists: true, Settled: true, HostID: "h1"}, 3: {Exists: true, Settled: true, HostID: "h2"}},
	}
	k := keeper.NewKeeper(env.Cdc, env.StoreService, testkit.AccCodec, testkit.GovAuthority, vms)
	require.NoError(t, k.InitGenesis(env.Ctx, types.DefaultGenesis()))
	return &fixture{t: t, env: env, k: k, vms: vms, query: keeper.NewQueryServerImpl(k), seq: map[string]uint64{"h1": 100, "h2": 200, "h3": 300},
		now: time.Unix(1_700_000_000, 0)}
}

// seen is what an honest prober sees: every host up and beating, except those in down.
func (f *fixture) seen(down ...string) func(string) (engine.Host, bool) {
	return func(id string) (engine.Host, bool) {
		if slices.Contains(down, id) {
			return engine.Host{Status: engine.StatusDown}, true
		}
		return engine.Host{Status: engine.StatusUp, RTTBucket: 2, Seq: f.seq[id]}, true
	}
}

// block runs one block: every agent beats, each validator's extension is built from what its
// prober sees (views[i]), and the PreBlocker applies them; powers are 1 each.
func (f *fixture) block(views ...func(string) (engine.Host, bool)) {
	f.t.Helper()
	for id := range f.seq {
		f.seq[id]++
	}
	var votes []voteext.Vote
	for i, seen := range views {
		payload, err := f.k.Observations(f.env.Ctx, seen)
		require.NoError(f.t, err)
		ext := voteext.Extension{Height: f.env.Ctx.BlockHeight()}
		if payload != nil {
			ext.Sections = []voteext.Section{{ID: voteext.SectionHeal, Payload: payload}}
		}
		bz, err := voteext.Encode(ext)
		require.NoError(f.t, err)
		dec, err := voteext.Verify(bz, ext.Height)
		require.NoError(f.t, err)
		votes = append(votes, voteext.Vote{Validator: []byte{byte(i)}, Power: 1, Extension: dec})
	}
	f.now = f.now.Add(time.Second)
	f.env.Ctx = f.env.AtHeight(f.env.Ctx.BlockHeight() + 1).WithBlockTime(f.now)
	require.NoError(f.t, f.k.ApplyVotes(f.env.Ctx, votes, 4))
	require.NoError(f.t, f.k.CheckInvariants(f.env.Ctx))
}

func (f *fixture) health(id string) types.HostHealth {
	f.t.Helper()
	r, err := f.query.Host(f.env.Ctx, &types.QueryHostRequest{HostId: id})
	require.NoError(f.t, err)
	return r.Health
}

func (f *fixture) incidents() []types.Incident {
	f.t.Helper()
	r, err := f.query.Incidents(f.env.Ctx, &types.QueryIncidentsRequest{})
	require.NoError(f.t, err)
	return r.Incidents
}

func TestHostFailsAndIsRepaired(t *testing.T) {
	f := newFixture(t)
	honest := f.seen()
	for range 5 {
		f.block(honest, honest, honest, honest)
	}
	for _, id := range []string{"h1", "h2", "h3"} {
		require.Equal(t, types.Health_HEALTH_HEALTHY, f.health(id).Health, id)
	}
	require.Empty(t, f.incidents())
	require.GreaterOrEqual(t, len(f.health("h1").IntervalsMs), 3, "heartbeats recorded")

	// h1 stops answering: three of four validators see it down in the next block
	failed := f.seen("h1")
	f.block(failed, failed, failed, honest)
	h := f.health("h1")
	require.Equal(t, types.Health_HEALTH_DOWN, h.Health)
	require.EqualValues(t, 3, h.DownPower)
	incs := f.incidents()
	require.Len(t, incs, 1)
	inc := incs[0]
	require.Equal(t, types.IncidentKind_INCIDENT_KIND_HOST_DOWN, inc.Kind)
	require.Equal(t, "h1", inc.Subject)
	require.Equal(t, []uint64{1, 2}, inc.Vms)
	require.EqualValues(t, 3, inc.DownPower)

	// its VMs are migrated (x/vmlifecycle) and run on h2: repaired; h1 back: resolved
	f.vms.on = map[string][]uint64{"h2": {1, 2, 3}}
	f.block(failed, failed, failed, failed)
	inc = f.incidents()[0]
	require.NotZero(t, inc.RepairedHeight)
	require.Equal(t, types.IncidentState_INCIDENT_STATE_OPEN, inc.State, "h1 still down")
	f.block(honest, honest, honest, honest)
	inc = f.incidents()[0]
	require.Equal(t, types.IncidentState_INCIDENT_STATE_RESOLVED, inc.State)
	require.Equal(t, int64(1000), inc.RepairedMs-inc.OpenedMs, "MTTR: one block")
	require.Len(t, f.incidents(), 1, "no second incident")
}

// One validator that lies (a healthy host is down), or a minority, changes nothing.
func TestLiarsChangeNothing(t *testing.T) {
	f := newFixture(t)
	honest := f.seen()
	for range 5 {
		f.block(honest, honest, honest, honest)
	}
	liar := f.seen("h2")
	for range 5 {
		f.block(liar, honest, honest, honest)
	}
	require.Equal(t, types.Health_HEALTH_HEALTHY, f.health("h2").Health)
	require.EqualValues(t, 1, f.health("h2").DownPower)
	require.Empty(t, f.incidents())
	// two of four (> 1/3 but not > 2/3): suspect, a host-suspect incident; it clears
	f.block(liar, liar, honest, honest)
	require.Equal(t, types.Health_HEALTH_SUSPECT, f.health("h2").Health)
	require.Len(t, f.incidents(), 1)
	f.block(honest, honest, honest, honest)
	require.Equal(t, types.Health_HEALTH_HEALTHY, f.health("h2").Health)
	require.Equal(t, types.IncidentState_INCIDENT_STATE_RESOLVED, f.incidents()[0].State)
}

// Garbage heal sections are left out; without a 2/3 quorum nothing is judged.
func TestBadSectionsAndNoQuorum(t *testing.T) {
	f := newFixture(t)
	honest := f.seen()
	for range 4 {
		f.block(honest, honest, honest, honest)
	}
	bad := voteext.Vote{Validator: []byte{9}, Power: 1, Extension: voteext.Extension{Height: f.env.Ctx.BlockHeight(),
		Sections: []voteext.Section{{ID: voteext.SectionHeal, Payload: []byte{0xff, 0xff}}}}}
	f.env.Ctx = f.env.AtHeight(f.env.Ctx.BlockHeight() + 1).WithBlockTime(f.now.Add(30 * time.Second))
	require.NoError(t, f.k.ApplyVotes(f.env.Ctx, []voteext.Vote{bad, bad}, 4))
	require.NoError(t, f.k.CheckInvariants(f.env.Ctx))
	for _, id := range []string{"h1", "h2", "h3"} {
		require.Equal(t, types.Health_HEALTH_HEALTHY, f.health(id).Health, "%s judged without evidence (30 s without heartbeats)", id)
	}
}

// A hung agent that answers without beating is caught by φ.
func TestPhiCatchesAStalledAgent(t *testing.T) {
	f := newFixture(t)
	honest := f.seen()
	for range 6 {
		f.block(honest, honest, honest, honest)
	}
	stalled := func(id string) (engine.Host, bool) {
		h, ok := honest(id)
		if id == "h3" {
			h.Seq = 306 // stuck at the last beat seen
		}
		return h, ok
	}
	var at int
	for i := 1; i <= 10; i++ {
		f.block(stalled, stalled, stalled, stalled)
		if f.health("h3").Health == types.Health_HEALTH_DOWN {
			at = i
			break
		}
	}
	require.NotZero(t, at, "φ never reached the down threshold")
	require.LessOrEqual(t, at, 3, "1 s beat, σ floor 200 ms: φ 8 within 3 s")
	require.Equal(t, types.Health_HEALTH_HEALTHY, f.health("h3").Attested, "every validator saw it answer")
}

func TestGenesisRoundTrip(t *testing.T) {
	f := newFixture(t)
	honest, failed := f.seen(), f.seen("h1")
	for range 4 {
		f.block(honest, honest, honest, honest)
	}
	f.block(failed, failed, failed, failed)
	gs, err := f.k.ExportGenesis(f.env.Ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.NotEmpty(t, gs.Incidents)
	g := newFixture(t)
	require.NoError(t, g.k.InitGenesis(g.env.Ctx, gs))
	gs2, err := g.k.ExportGenesis(g.env.Ctx)
	require.NoError(t, err)
	require.Equal(t, gs, gs2)
	require.NoError(t, g.k.CheckInvariants(g.env.Ctx))
}

// A host tracked before its agent answers is not failed until it has been seen alive once.
func TestNewHostHasAGracePeriod(t *testing.T) {
	f := newFixture(t)
	silent := f.seen("h1", "h2", "h3")
	for range 5 {
		f.block(silent, silent, silent, silent)
	}
	for _, id := range []string{"h1", "h2", "h3"} {
		h := f.health(id)
		require.Equal(t, types.Health_HEALTH_HEALTHY, h.Health, id)
		require.Equal(t, types.Health_HEALTH_DOWN, h.Attested, "the votes are recorded")
	}
	require.Empty(t, f.incidents())
	honest := f.seen()
	f.block(honest, honest, honest, honest)
	f.block(silent, silent, silent, silent)
	require.Equal(t, types.Health_HEALTH_DOWN, f.health("h1").Health, "seen alive once: judged from then on")
}
