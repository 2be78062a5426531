package keeper_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/heal/engine"
	"github.com/novacron/novacron/x/heal/types"
)

// endBlock runs the PreBlocker's block and then EndBlock.
func (f *fixture) endBlock(views ...func(string) (engine.Host, bool)) {
	f.t.Helper()
	f.block(views...)
	require.NoError(f.t, f.k.EndBlocker(f.env.Ctx))
	require.NoError(f.t, f.k.CheckInvariants(f.env.Ctx))
}

func TestDownHostIsEvacuatedAndRestored(t *testing.T) {
	f := newFixture(t)
	honest, failed := f.seen(), f.seen("h1")
	for range 4 {
		f.endBlock(honest, honest, honest, honest)
	}
	f.endBlock(failed, failed, failed, failed)
	require.Equal(t, []string{"evacuate h1"}, f.vms.calls)
	inc := f.incidents()[0]
	require.Equal(t, types.IncidentState_INCIDENT_STATE_MITIGATING, inc.State)
	require.True(t, inc.Evacuated)
	// the drain moves the VMs to h2
	f.vms.on = map[string][]uint64{"h2": {1, 2, 3}}
	f.vms.status[1], f.vms.status[2] = types.VMStatus{Exists: true, Settled: true, HostID: "h2"}, types.VMStatus{Exists: true, Settled: true, HostID: "h2"}
	f.endBlock(failed, failed, failed, failed)
	require.NotZero(t, f.incidents()[0].RepairedHeight)
	f.endBlock(honest, honest, honest, honest)
	inc = f.incidents()[0]
	require.Equal(t, types.IncidentState_INCIDENT_STATE_RESOLVED, inc.State)
	require.Equal(t, []string{"evacuate h1", "restore h1"}, f.vms.calls)
	var actions []string
	for _, s := range inc.Steps {
		actions = append(actions, s.Action+" "+s.Target+": "+s.Result)
	}
	require.Equal(t, []string{"evacuate-host h1: ok", "restore-host h1: ok"}, actions)
}

// A VM that keeps crashing on a healthy host: restarted twice, migrated twice (three blocks
// apart, doubling), then the incident escalates; failures of the remedies are recorded.
func TestCrashLadderEscalates(t *testing.T) {
	f := newFixture(t)
	f.vms.fail = errors.New("no placement")
	crashed := func(id string) (engine.Host, bool) {
		h, ok := f.seen()(id)
		if id == "h2" {
			h.VMs = []engine.VM{{ID: 3, State: engine.VMCrashed}}
		}
		return h, ok
	}
	f.vms.status[3] = types.VMStatus{Exists: true, HostID: "h2"} // never settles
	for range 60 {
		f.endBlock(crashed, crashed, crashed, crashed)
	}
	incs := f.incidents()
	require.Len(t, incs, 1)
	inc := incs[0]
	require.Equal(t, types.IncidentKind_INCIDENT_KIND_VM_CRASH, inc.Kind)
	require.Equal(t, types.IncidentState_INCIDENT_STATE_ESCALATED, inc.State)
	require.Equal(t, []string{"restart 3", "restart 3", "migrate 3", "migrate 3"}, f.vms.calls)
	var heights []int64
	for _, s := range inc.Steps[:4] {
		heights = append(heights, s.Height-inc.OpenedHeight)
		require.Equal(t, "no placement", s.Result)
	}
	require.Equal(t, []int64{0, 3, 9, 21}, heights, "backoff 3, 6, 12 blocks")
	require.Equal(t, "escalate", inc.Steps[4].Action)
	require.Len(t, inc.Steps, 5, "escalated once")
}

func TestResolvedIncidentsArePruned(t *testing.T) {
	f := newFixture(t)
	p := types.DefaultParams()
	p.MaxResolvedIncidents = 2
	require.NoError(t, f.k.Params.Set(f.env.Ctx, p))
	honest, liar := f.seen(), f.seen("h2")
	for range 4 {
		f.endBlock(honest, honest, honest, honest)
	}
	for range 5 { // five false suspicions, each opened and resolved
		f.endBlock(liar, liar, honest, honest)
		f.endBlock(honest, honest, honest, honest)
	}
	f.endBlock(honest, honest, honest, honest)
	incs := f.incidents()
	require.Len(t, incs, 2, "only the newest two resolved incidents are kept")
	require.EqualValues(t, 5, incs[0].Id, "newest first")
}

func TestStats(t *testing.T) {
	f := newFixture(t)
	honest, failed := f.seen(), f.seen("h1")
	for range 4 {
		f.endBlock(honest, honest, honest, honest)
	}
	f.endBlock(failed, failed, failed, failed) // detected 2 s after h1's last heartbeat (one block late)
	f.vms.on = map[string][]uint64{"h2": {1, 2, 3}}
	f.endBlock(failed, failed, failed, failed)
	f.endBlock(failed, failed, failed, failed)
	r, err := f.query.Stats(f.env.Ctx, &types.QueryStatsRequest{})
	require.NoError(t, err)
	st := r.Stats
	require.EqualValues(t, 1, st.Incidents)
	require.EqualValues(t, 1, st.Repaired)
	require.EqualValues(t, 1000, st.MttdP50Ms, "opened one block after the last heartbeat")
	require.EqualValues(t, 1000, st.MttrP50Ms)
	require.EqualValues(t, 1_000_000, st.AutomatedPpm)
	r, err = f.query.Stats(f.env.Ctx, &types.QueryStatsRequest{WindowBlocks: 1})
	require.NoError(t, err)
	require.Zero(t, r.Stats.Incidents, "outside a one-block window")
}
