package keeper_test

import (
	"context"

	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/novacron/novacron/x/vmlifecycle/client/cli"
	"github.com/novacron/novacron/x/vmlifecycle/keeper"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

func TestCreateVMBestFitAndExplain(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "big", "eu-west", res(64000, 131072, 2000, 0))
	f.registerHost(1, "small", "eu-west", res(4000, 8192, 100, 0))
	f.registerHost(2, "mid", "eu-west", res(16000, 32768, 500, 0))
	resp := f.createVM(5, "web", res(3000, 6000, 50, 0), 1, types.Constraints{})
	require.Equal(t, []string{"small"}, resp.HostIds, "best fit is the tightest host")
	vm := f.vm(resp.VmIds[0])
	require.Equal(t, types.VM_STATE_SCHEDULED, vm.State)
	require.Equal(t, "web", vm.Name)

	ex, err := f.query.Explain(f.ctx, &types.QueryExplainRequest{VmId: vm.Id})
	require.NoError(t, err)
	e := ex.Explanation
	require.Equal(t, "small", e.WinnerHostId)
	require.Len(t, e.Candidates, 3)
	require.Equal(t, "small", e.Candidates[0].HostId, "candidates come in free-cpu order")
	require.Positive(t, e.GasCharged)
	for _, c := range e.Candidates {
		require.True(t, c.Accepted)
		require.LessOrEqual(t, c.Score, e.WinningScore)
	}
	words := cli.RenderExplanation(e)
	require.Contains(t, words, "Host small (eu-west) WON")
	require.Contains(t, words, "scored lower")

	// audit: created (→PENDING) then placed (→SCHEDULED)
	audit, err := f.query.AuditByVM(f.ctx, &types.QueryAuditByVMRequest{VmId: vm.Id})
	require.NoError(t, err)
	require.Len(t, audit.Entries, 2)
	require.Equal(t, types.VM_STATE_PENDING, audit.Entries[0].NewState)
	require.Equal(t, types.VM_STATE_PENDING, audit.Entries[1].PrevState)
	require.Equal(t, types.VM_STATE_SCHEDULED, audit.Entries[1].NewState)
	require.Equal(t, addr(5), audit.Entries[1].Actor)
	f.invariants()

	// the spread term: the same owner's next VM avoids "small" even though it still fits a bit
	r2 := f.createVM(5, "web2", res(500, 1024, 1, 0), 1, types.Constraints{})
	require.NotEmpty(t, r2.HostIds[0])
	f.invariants()
}

func TestCreateVMBadInputChangesNothing(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	f.createVM(5, "taken", res(1000, 1024, 1, 0), 1, types.Constraints{})
	f.createVM(5, "grp", res(1000, 1024, 1, 0), 2, types.Constraints{}) // grp-0, grp-1
	ok := types.MsgCreateVM{Owner: addr(5), Name: "fresh", ImageCid: validCID0, Resources: res(1000, 1024, 1, 0)}
	cases := []struct {
		name string
		mod  func(m *types.MsgCreateVM)
		want error
	}{
		{"bad owner", func(m *types.MsgCreateVM) { m.Owner = "cosmos1abc" }, sdkerrors.ErrInvalidAddress},
		{"empty cid", func(m *types.MsgCreateVM) { m.ImageCid = "" }, types.ErrInvalidCID},
		{"garbage cid", func(m *types.MsgCreateVM) { m.ImageCid = "not-a-cid" }, types.ErrInvalidCID},
		{"truncated v0", func(m *types.MsgCreateVM) { m.ImageCid = validCID0[:45] }, types.ErrInvalidCID},
		{"v0 with bad base58 char", func(m *types.MsgCreateVM) { m.ImageCid = "Qm" + strings.Repeat("0", 44) }, types.ErrInvalidCID},
		{"v1 bad checksum length", func(m *types.MsgCreateVM) { m.ImageCid = validCID1[:30] }, types.ErrInvalidCID},
		{"padded cid", func(m *types.MsgCreateVM) { m.ImageCid = " " + validCID1 }, types.ErrInvalidCID},
		{"zero cpu", func(m *types.MsgCreateVM) { m.Resources = res(0, 1024, 1, 0) }, types.ErrInvalidResources},
		{"zero memory", func(m *types.MsgCreateVM) { m.Resources = res(1000, 0, 1, 0) }, types.ErrInvalidResources},
		{"absurd cpu", func(m *types.MsgCreateVM) { m.Resources = res(1<<62, 1024, 1, 0) }, types.ErrInvalidResources},
		{"absurd gpus", func(m *types.MsgCreateVM) { m.Resources = res(1000, 1024, 1, 1000) }, types.ErrInvalidResources},
		{"duplicate name", func(m *types.MsgCreateVM) { m.Name = "taken" }, types.ErrDuplicateName},
		{"replica name collides", func(m *types.MsgCreateVM) { m.Name = "grp"; m.Replicas = 3 }, types.ErrDuplicateName},
		{"bad name", func(m *types.MsgCreateVM) { m.Name = "Web Server" }, types.ErrInvalidName},
		{"too many replicas", func(m *types.MsgCreateVM) { m.Replicas = 1000 }, types.ErrInvalidReplicas},
		{"unsorted regions", func(m *types.MsgCreateVM) {
			m.Constraints.AllowedRegions = []string{"us-east", "eu-west"}
		}, types.ErrInvalidConstraints},
		{"bad latency bound", func(m *types.MsgCreateVM) {
			m.Constraints.MaxLatency = []types.LatencyBound{{Region: "eu-west", MaxUs: 0}}
		}, types.ErrInvalidConstraints},
		{"bad group", func(m *types.MsgCreateVM) { m.Constraints.AntiAffinityGroup = "A B" }, types.ErrInvalidConstraints},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := ok
			m.Constraints = types.Constraints{}
			tc.mod(&m)
			f.requireFailsUnchanged(tc.want, func() error { _, err := f.msg.CreateVM(f.ctx, &m); return err })
		})
	}
	// another owner may reuse a name
	f.createVM(6, "taken", res(1000, 1024, 1, 0), 1, types.Constraints{})
	f.invariants()
}

func TestValidCIDs(t *testing.T) {
	for _, c := range []string{validCID0, validCID1, "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"} {
		require.NoError(t, types.ValidateCID(c), c)
	}
}

func TestReplicasAntiAffinityAndPendingRetry(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(16000, 32768, 100, 0))
	f.registerHost(1, "h2", "eu-west", res(16000, 32768, 100, 0))
	resp := f.createVM(5, "db", res(1000, 1024, 1, 0), 3, types.Constraints{AntiAffinityGroup: "db"})
	require.Len(t, resp.VmIds, 3)
	require.ElementsMatch(t, []string{"h1", "h2", ""}, resp.HostIds)
	require.NotEqual(t, resp.HostIds[0], resp.HostIds[1])
	third := f.vm(resp.VmIds[2])
	require.Equal(t, "db-2", third.Name)
	require.Equal(t, uint32(2), third.ReplicaIndex)
	require.Equal(t, resp.VmIds[0], third.ReplicaOf)
	require.Equal(t, types.VM_STATE_PENDING, third.State)
	ex, err := f.query.Explain(f.ctx, &types.QueryExplainRequest{VmId: third.Id})
	require.NoError(t, err)
	require.Len(t, ex.Explanation.Candidates, 2)
	for _, c := range ex.Explanation.Candidates {
		require.False(t, c.Accepted)
		require.Contains(t, c.RejectReason, "anti-affinity")
	}
	// a third host arrives; the retry (10 blocks later) places the replica there
	f.registerHost(2, "h3", "eu-west", res(16000, 32768, 100, 0))
	for i := 0; i < 10; i++ {
		f.nextBlock()
	}
	require.Equal(t, types.VM_STATE_PENDING, f.vm(third.Id).State)
	f.nextBlock()
	third = f.vm(third.Id)
	require.Equal(t, types.VM_STATE_SCHEDULED, third.State)
	require.Equal(t, "h3", third.HostId)
	ex, err = f.query.Explain(f.ctx, &types.QueryExplainRequest{VmId: third.Id})
	require.NoError(t, err)
	require.Equal(t, "retry", ex.Explanation.Kind)
	f.invariants()
}

func TestRegionsLabelsGPUsAndLatency(t *testing.T) {
	f := newFixture(t)
	gpu := types.Label{Key: "gpu", Value: "a100"}
	f.registerHost(1, "eu1", "eu-west", res(16000, 32768, 100, 0))
	f.registerHost(1, "eu2", "eu-central", res(16000, 32768, 100, 4), gpu)
	f.registerHost(2, "us1", "us-east", res(16000, 32768, 100, 0))
	f.registerHost(2, "ap1", "ap-south", res(16000, 32768, 100, 0)) // not in the latency table

	r := f.createVM(5, "a", res(1000, 1024, 1, 0), 1, types.Constraints{AllowedRegions: []string{"us-east"}})
	require.Equal(t, "us1", r.HostIds[0])
	r = f.createVM(5, "b", res(1000, 1024, 1, 1), 1, types.Constraints{})
	require.Equal(t, "eu2", r.HostIds[0], "GPU scope holds only GPU hosts")
	r = f.createVM(5, "c", res(1000, 1024, 1, 0), 1, types.Constraints{RequiredLabels: []types.Label{gpu}})
	require.Equal(t, "eu2", r.HostIds[0])
	// within 20 ms of eu-west: eu-west (0) and eu-central (10 ms); not us-east (40 ms) nor ap-south (unknown)
	r = f.createVM(6, "d", res(1000, 1024, 1, 0), 1, types.Constraints{MaxLatency: []types.LatencyBound{{Region: "eu-west", MaxUs: 20_000}}})
	require.Contains(t, []string{"eu1", "eu2"}, r.HostIds[0])
	ex, err := f.query.Explain(f.ctx, &types.QueryExplainRequest{VmId: r.VmIds[0]})
	require.NoError(t, err)
	var rejected []string
	for _, reg := range ex.Explanation.Regions {
		if reg.RejectReason != "" {
			rejected = append(rejected, reg.Region)
		}
	}
	require.Equal(t, []string{"ap-south", "us-east"}, rejected)
	// impossible constraint: stays PENDING with an explanation
	r = f.createVM(6, "e", res(1000, 1024, 1, 0), 1, types.Constraints{AllowedRegions: []string{"us-east"}, MaxLatency: []types.LatencyBound{{Region: "eu-west", MaxUs: 1}}})
	require.Equal(t, "", r.HostIds[0])
	require.Equal(t, types.VM_STATE_PENDING, f.vm(r.VmIds[0]).State)

	// migrate "nearest to us-east": us-east first
	id := f.createVM(7, "m", res(1000, 1024, 1, 0), 1, types.Constraints{AllowedRegions: []string{"eu-west"}}).VmIds[0]
	require.Equal(t, "eu1", f.vm(id).HostId)
	// eu-west is the only allowed region and it has one host: nearest-to-us-east finds nothing else
	f.requireFailsUnchanged(types.ErrNoPlacement, func() error {
		_, err := f.msg.MigrateVM(f.ctx, &types.MsgMigrateVM{Owner: addr(7), VmId: id, NearestRegion: "us-east"})
		return err
	})
	id2 := f.createVM(7, "n", res(1000, 1024, 1, 0), 1, types.Constraints{AllowedRegions: []string{"eu-central", "eu-west"}}).VmIds[0]
	from := f.vm(id2).HostId
	mr, err := f.msg.MigrateVM(f.ctx, &types.MsgMigrateVM{Owner: addr(7), VmId: id2, NearestRegion: "us-east"})
	require.NoError(t, err)
	// us-east is not allowed; eu-west (40 ms) is nearer than eu-central (45 ms); the current host is excluded
	want := "eu1"
	if from == "eu1" {
		want = "eu2"
	}
	require.Equal(t, want, mr.HostId)
	require.Equal(t, want, f.vm(id2).HostId)
	f.invariants()
}

func TestLifecycleTransitions(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]

	// only the host's operator reports, only reportable states, only legal transitions
	f.requireFailsUnchanged(types.ErrNotHostOperator, func() error { return f.report(2, id, types.VM_STATE_RUNNING) })
	f.requireFailsUnchanged(types.ErrInvalidStatusReport, func() error { return f.report(1, id, types.VM_STATE_DELETED) })
	f.requireFailsUnchanged(types.ErrIllegalTransition, func() error { return f.report(1, id, types.VM_STATE_STOPPED) })
	f.requireFailsUnchanged(types.ErrVMNotFound, func() error { return f.report(1, 999, types.VM_STATE_RUNNING) })
	f.requireFailsUnchanged(types.ErrIllegalTransition, func() error { // start is for STOPPED/FAILED only
		_, err := f.msg.StartVM(f.ctx, &types.MsgStartVM{Owner: addr(5), VmId: id})
		return err
	})
	require.NoError(t, f.report(1, id, types.VM_STATE_RUNNING))

	stop := &types.MsgStopVM{Owner: addr(5), VmId: id}
	f.requireFailsUnchanged(types.ErrNotVMOwner, func() error { _, err := f.msg.StopVM(f.ctx, &types.MsgStopVM{Owner: addr(6), VmId: id}); return err })
	_, err := f.msg.StopVM(f.ctx, stop)
	require.NoError(t, err)
	f.requireFailsUnchanged(types.ErrIllegalTransition, func() error { _, err := f.msg.StopVM(f.ctx, stop); return err })
	f.requireFailsUnchanged(types.ErrIllegalTransition, func() error {
		_, err := f.msg.StartVM(f.ctx, &types.MsgStartVM{Owner: addr(5), VmId: id})
		return err
	})
	require.NoError(t, f.report(1, id, types.VM_STATE_STOPPED))
	_, err = f.msg.StartVM(f.ctx, &types.MsgStartVM{Owner: addr(5), VmId: id})
	require.NoError(t, err)
	require.NoError(t, f.report(1, id, types.VM_STATE_FAILED))
	_, err = f.msg.StartVM(f.ctx, &types.MsgStartVM{Owner: addr(5), VmId: id}) // restart after failure
	require.NoError(t, err)
	require.NoError(t, f.report(1, id, types.VM_STATE_RUNNING))

	f.requireFailsUnchanged(types.ErrNotVMOwner, func() error {
		_, err := f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(6), VmId: id})
		return err
	})
	_, err = f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(5), VmId: id})
	require.NoError(t, err)
	vm := f.vm(id)
	require.Equal(t, types.VM_STATE_DELETED, vm.State)
	require.Empty(t, vm.HostId)
	require.Equal(t, types.Resources{}, f.host("h1").Allocated)
	f.requireFailsUnchanged(types.ErrIllegalTransition, func() error {
		_, err := f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(5), VmId: id})
		return err
	})
	f.requireFailsUnchanged(types.ErrInvalidStatusReport, func() error { return f.report(1, id, types.VM_STATE_RUNNING) })
	// the name is free again
	f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{})

	// the full audit trail, paginated two at a time, is strictly increasing in seq
	var states []types.VMState
	var key []byte
	var last uint64
	for {
		a, err := f.query.AuditByVM(f.ctx, &types.QueryAuditByVMRequest{VmId: id, Pagination: &query.PageRequest{Key: key, Limit: 2}})
		require.NoError(t, err)
		for _, e := range a.Entries {
			require.Greater(t, e.Seq, last)
			last = e.Seq
			states = append(states, e.NewState)
		}
		if key = a.Pagination.NextKey; key == nil {
			break
		}
	}
	require.Equal(t, []types.VMState{
		types.VM_STATE_PENDING, types.VM_STATE_SCHEDULED, types.VM_STATE_RUNNING, types.VM_STATE_STOPPING,
		types.VM_STATE_STOPPED, types.VM_STATE_SCHEDULED, types.VM_STATE_FAILED, types.VM_STATE_SCHEDULED,
		types.VM_STATE_RUNNING, types.VM_STATE_DELETED,
	}, states)
	f.invariants()
}

func TestTransitionTable(t *testing.T) {
	require.NoError(t, types.CheckTransition(types.VM_STATE_PENDING, types.VM_STATE_SCHEDULED))
	require.ErrorIs(t, types.CheckTransition(types.VM_STATE_PENDING, types.VM_STATE_RUNNING), types.ErrIllegalTransition)
	require.ErrorIs(t, types.CheckTransition(types.VM_STATE_DELETED, types.VM_STATE_SCHEDULED), types.ErrIllegalTransition)
	require.ErrorIs(t, types.CheckTransition(types.VM_STATE_STOPPED, types.VM_STATE_RUNNING), types.ErrIllegalTransition)
	for s := range types.VMState_name {
		require.False(t, types.CanTransition(types.VM_STATE_DELETED, types.VMState(s)), "DELETED is terminal")
	}
}

func TestResizeAndMigrate(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	f.registerHost(2, "h2", "eu-west", res(32000, 65536, 1000, 0), types.Label{Key: "tier", Value: "gold"})
	id := f.createVM(5, "web", res(4000, 8192, 10, 0), 1, types.Constraints{}).VmIds[0]
	require.Equal(t, "h1", f.vm(id).HostId)

	f.requireFailsUnchanged(types.ErrInsufficientCapacity, func() error {
		_, err := f.msg.ResizeVM(f.ctx, &types.MsgResizeVM{Owner: addr(5), VmId: id, Resources: res(9000, 8192, 10, 0)})
		return err
	})
	f.requireFailsUnchanged(types.ErrInvalidResources, func() error {
		_, err := f.msg.ResizeVM(f.ctx, &types.MsgResizeVM{Owner: addr(5), VmId: id, Resources: res(0, 8192, 10, 0)})
		return err
	})
	_, err := f.msg.ResizeVM(f.ctx, &types.MsgResizeVM{Owner: addr(5), VmId: id, Resources: res(8000, 16384, 100, 0)})
	require.NoError(t, err)
	require.Equal(t, res(8000, 16384, 100, 0), f.host("h1").Allocated)
	f.invariants()

	for _, tc := range []struct {
		msg  types.MsgMigrateVM
		want error
	}{
		{types.MsgMigrateVM{Owner: addr(6), VmId: id}, types.ErrNotVMOwner},
		{types.MsgMigrateVM{Owner: addr(5), VmId: 77}, types.ErrVMNotFound},
		{types.MsgMigrateVM{Owner: addr(5), VmId: id, TargetHostId: "h2", NearestRegion: "eu-west"}, types.ErrInvalidMigration},
		{types.MsgMigrateVM{Owner: addr(5), VmId: id, TargetHostId: "h1"}, types.ErrInvalidMigration},
		{types.MsgMigrateVM{Owner: addr(5), VmId: id, TargetHostId: "nope"}, types.ErrHostNotFound},
	} {
		f.requireFailsUnchanged(tc.want, func() error { _, err := f.msg.MigrateVM(f.ctx, &tc.msg); return err })
	}
	mr, err := f.msg.MigrateVM(f.ctx, &types.MsgMigrateVM{Owner: addr(5), VmId: id, TargetHostId: "h2"})
	require.NoError(t, err)
	require.Equal(t, "h2", mr.HostId)
	vm := f.vm(id)
	require.Equal(t, types.VM_STATE_MIGRATING, vm.State)
	require.Equal(t, types.Resources{}, f.host("h1").Allocated)
	// migrating VMs cannot be resized
	f.requireFailsUnchanged(types.ErrIllegalTransition, func() error {
		_, err := f.msg.ResizeVM(f.ctx, &types.MsgResizeVM{Owner: addr(5), VmId: id, Resources: res(1000, 1024, 1, 0)})
		return err
	})
	// the old host's operator can no longer report for it; the new one can
	f.requireFailsUnchanged(types.ErrNotHostOperator, func() error { return f.report(1, id, types.VM_STATE_RUNNING) })
	require.NoError(t, f.report(2, id, types.VM_STATE_RUNNING))
	// host audit shows the move on both hosts
	a, err := f.query.AuditByHost(f.ctx, &types.QueryAuditByHostRequest{HostId: "h1"})
	require.NoError(t, err)
	require.Equal(t, "h1", a.Entries[len(a.Entries)-1].PrevHostId)

	// a target that violates constraints is rejected with ErrNoPlacement and nothing changes
	id2 := f.createVM(5, "gold", res(1000, 1024, 1, 0), 1, types.Constraints{RequiredLabels: []types.Label{{Key: "tier", Value: "gold"}}}).VmIds[0]
	ex, err := f.query.Explain(f.ctx, &types.QueryExplainRequest{VmId: id2})
	require.NoError(t, err)
	require.Equal(t, "h2", f.vm(id2).HostId, "%+v", ex.Explanation)
	f.requireFailsUnchanged(types.ErrNoPlacement, func() error {
		_, err := f.msg.MigrateVM(f.ctx, &types.MsgMigrateVM{Owner: addr(5), VmId: id2, TargetHostId: "h1"})
		return err
	})
	f.invariants()
}

type fakeLatency map[[2]string]int64

func (f fakeLatency) LatencyUs(_ context.Context, a, b string) (int64, bool) {
	v, ok := f[[2]string{a, b}]
	return v, ok
}

func TestLatencyProviderChain(t *testing.T) {
	f := newFixture(t)
	// x/orbit-like provider knows eu-west→us-east only; the params table covers the rest
	f.k.SetLatencyProvider(keeper.LatencyChain{fakeLatency{{"us-east", "eu-west"}: 1_000}, keeper.ParamsLatencyOf(&f.k)})
	f.msg = keeper.NewMsgServerImpl(f.k)
	f.registerHost(1, "us1", "us-east", res(16000, 32768, 100, 0))
	f.registerHost(1, "eu1", "eu-central", res(16000, 32768, 100, 0))
	r := f.createVM(5, "a", res(1000, 1024, 1, 0), 1, types.Constraints{MaxLatency: []types.LatencyBound{{Region: "eu-west", MaxUs: 5_000}}})
	require.Equal(t, "us1", r.HostIds[0], "orbit says us-east is 1 ms from eu-west; the table says eu-central is 10 ms")
}
