package keeper_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/voteext"
	"github.com/novacron/novacron/x/heal/engine"
	"github.com/novacron/novacron/x/heal/keeper"
	"github.com/novacron/novacron/x/heal/types"
	vmkeeper "github.com/novacron/novacron/x/vmlifecycle/keeper"
	vmtypes "github.com/novacron/novacron/x/vmlifecycle/types"
)

// Image CIDs: the one VMs are created with, a second good one and one whose boots fail.
const (
	imageV1  = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"
	imageV2  = "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"
	imageBad = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
)

func acct(i byte) string {
	return sdk.MustBech32ifyAddressBytes(testkit.AccPrefix, bytes.Repeat([]byte{i}, 20))
}

var (
	operator = acct(1)
	owner    = acct(5)
	stranger = acct(6)
)

// world is x/heal over the real x/vmlifecycle keeper, each on its own store, with a simulated
// host agent (boots what is scheduled, fails boots of imageBad and of the VMs in crashy, never
// boots those in stuck) and four honest validators whose probers see every host up.
type world struct {
	t      *testing.T
	env    *testkit.MultiEnv
	ctx    sdk.Context
	vk     vmkeeper.Keeper
	vmsg   vmtypes.MsgServer
	hk     keeper.Keeper
	msg    types.MsgServer
	query  types.QueryServer
	seq    map[string]uint64
	cpu    map[uint64]uint64 // attested cpu use per VM (default: half its request)
	crashy map[uint64]bool
	stuck  map[uint64]bool
}

func newWorld(t *testing.T, mutate func(*types.Params)) *world {
	env := testkit.NewMultiEnv(t, []string{vmtypes.StoreKey, types.StoreKey}, vmtypes.RegisterInterfaces, types.RegisterInterfaces)
	vk := vmkeeper.NewKeeper(env.Cdc, env.Services[vmtypes.StoreKey], testkit.AccCodec, testkit.GovAuthority)
	hk := keeper.NewKeeper(env.Cdc, env.Services[types.StoreKey], testkit.AccCodec, testkit.GovAuthority, vk)
	w := &world{t: t, env: env, ctx: env.Ctx.WithBlockHeight(10), vk: vk, vmsg: vmkeeper.NewMsgServerImpl(vk), hk: hk,
		msg: keeper.NewMsgServerImpl(hk), query: keeper.NewQueryServerImpl(hk), seq: map[string]uint64{},
		cpu: map[uint64]uint64{}, crashy: map[uint64]bool{}, stuck: map[uint64]bool{}}
	vgs := vmtypes.DefaultGenesis()
	vgs.Params.HostOperators = []string{operator}
	require.NoError(t, vk.InitGenesis(w.ctx, vgs))
	hgs := types.DefaultGenesis()
	if mutate != nil {
		mutate(&hgs.Params)
	}
	require.NoError(t, hgs.Params.Validate())
	require.NoError(t, hk.InitGenesis(w.ctx, hgs))
	for i, id := range []string{"h1", "h2", "h3"} {
		_, err := w.vmsg.RegisterHost(w.ctx, &vmtypes.MsgRegisterHost{Operator: operator, HostId: id, Region: "eu-west",
			LatUdeg: 48_856_600, LonUdeg: 2_352_200, Capacity: vmtypes.Resources{CpuMillis: 8000, MemoryMib: 16384, DiskGib: 100},
			HealthEndpoint: fmt.Sprintf("http://127.0.0.1:%d", 7001+i)})
		require.NoError(t, err)
		w.seq[id] = uint64(100 * (i + 1))
	}
	return w
}

// createGroup creates replicas VMs of 1,000 millicores on imageV1 and returns their ids.
func (w *world) createGroup(name string, replicas uint32) []uint64 {
	w.t.Helper()
	r, err := w.vmsg.CreateVM(w.ctx, &vmtypes.MsgCreateVM{Owner: owner, Name: name, ImageCid: imageV1,
		Resources: vmtypes.Resources{CpuMillis: 1000, MemoryMib: 1024, DiskGib: 1}, Replicas: replicas})
	require.NoError(w.t, err)
	return r.VmIds
}

func (w *world) vm(id uint64) vmtypes.VM {
	w.t.Helper()
	vm, err := w.vk.VMs.Get(w.ctx, id)
	require.NoError(w.t, err)
	return vm
}

// seen is an honest prober: every host up and beating, its VMs as the chain has them (FAILED
// ones crashed), using w.cpu.
func (w *world) seen(id string) (engine.Host, bool) {
	sts, err := w.vk.VMsOnHost(w.ctx, id)
	require.NoError(w.t, err)
	h := engine.Host{Status: engine.StatusUp, RTTBucket: 2, Seq: w.seq[id]}
	for _, st := range sts {
		switch st.Phase {
		case types.PhaseRunning:
			cpu, ok := w.cpu[st.ID]
			if !ok {
				cpu = st.CPUMillis / 2
			}
			h.VMs = append(h.VMs, engine.VM{ID: st.ID, State: engine.VMRunning, CPUMilli: cpu, MemMiB: 512})
		case types.PhaseFailed:
			h.VMs = append(h.VMs, engine.VM{ID: st.ID, State: engine.VMCrashed})
		}
	}
	return h, true
}

// agent reports what the simulated hypervisors did with the VMs the chain scheduled.
func (w *world) agent() {
	w.t.Helper()
	for _, host := range []string{"h1", "h2", "h3"} {
		sts, err := w.vk.VMsOnHost(w.ctx, host)
		require.NoError(w.t, err)
		for _, st := range sts {
			if (st.Phase != types.PhaseScheduled && st.Phase != types.PhaseMigrating) || w.stuck[st.ID] {
				continue
			}
			to := vmtypes.VM_STATE_RUNNING
			if st.ImageCID == imageBad || w.crashy[st.ID] {
				to = vmtypes.VM_STATE_FAILED
			}
			_, err := w.vmsg.ReportVMStatus(w.ctx, &vmtypes.MsgReportVMStatus{Operator: operator, VmId: st.ID, Status: to})
			require.NoError(w.t, err, "vm %d", st.ID)
		}
	}
}

// block runs one block as the app does: the PreBlocker applies the last commit's votes, the
// agent's reports are the block's txs, then EndBlock (x/vmlifecycle, then x/heal).
func (w *world) block() {
	w.t.Helper()
	for id := range w.seq {
		w.seq[id]++
	}
	var votes []voteext.Vote
	for i := range 4 {
		payload, err := w.hk.Observations(w.ctx, w.seen)
		require.NoError(w.t, err)
		ext := voteext.Extension{Height: w.ctx.BlockHeight()}
		if payload != nil {
			ext.Sections = []voteext.Section{{ID: voteext.SectionHeal, Payload: payload}}
		}
		bz, err := voteext.Encode(ext)
		require.NoError(w.t, err)
		dec, err := voteext.Verify(bz, ext.Height)
		require.NoError(w.t, err)
		votes = append(votes, voteext.Vote{Validator: []byte{byte(i)}, Power: 1, Extension: dec})
	}
	w.ctx = w.ctx.WithBlockHeight(w.ctx.BlockHeight() + 1).WithBlockTime(w.ctx.BlockTime().Add(time.Second))
	require.NoError(w.t, w.hk.ApplyVotes(w.ctx, votes, 4))
	w.agent()
	require.NoError(w.t, w.vk.EndBlocker(w.ctx))
	require.NoError(w.t, w.hk.EndBlocker(w.ctx))
	require.NoError(w.t, w.vk.CheckInvariants(w.ctx))
	require.NoError(w.t, w.hk.CheckInvariants(w.ctx))
}

func (w *world) blocks(n int) {
	w.t.Helper()
	for range n {
		w.block()
	}
}

func (w *world) rollout(id uint64) types.Rollout {
	w.t.Helper()
	r, err := w.query.Rollout(w.ctx, &types.QueryRolloutRequest{Id: id})
	require.NoError(w.t, err)
	return r.Rollout
}

func (w *world) incidents() []types.Incident {
	w.t.Helper()
	r, err := w.query.Incidents(w.ctx, &types.QueryIncidentsRequest{})
	require.NoError(w.t, err)
	return r.Incidents
}

// storesHash hashes every key/value of both modules' stores.
func (w *world) storesHash() [32]byte {
	h := sha256.New()
	for _, name := range []string{vmtypes.StoreKey, types.StoreKey} {
		it, err := w.env.Services[name].OpenKVStore(w.ctx).Iterator(nil, nil)
		require.NoError(w.t, err)
		for ; it.Valid(); it.Next() {
			fmt.Fprintf(h, "%s:%x=%x;", name, it.Key(), it.Value())
		}
		require.NoError(w.t, it.Close())
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func (w *world) requireFailsUnchanged(want error, fn func() error) {
	w.t.Helper()
	before := w.storesHash()
	err := fn()
	require.ErrorIs(w.t, err, want)
	require.Equal(w.t, before, w.storesHash(), "state changed by a rejected message")
}

func (w *world) requireAllRunning(ids []uint64, image string) {
	w.t.Helper()
	for _, id := range ids {
		vm := w.vm(id)
		require.Equal(w.t, vmtypes.VM_STATE_RUNNING, vm.State, "vm %d", id)
		require.Equal(w.t, image, vm.ImageCid, "vm %d", id)
	}
}

func startRollout(vmIDs []uint64, image string, canary, batch uint32, window int64, maxFail uint32) *types.MsgStartRollout {
	return &types.MsgStartRollout{Owner: owner, Group: vmIDs[0], ImageCid: image, CanaryPercent: canary, BatchPercent: batch,
		WindowBlocks: window, MaxFailurePercent: maxFail}
}

// A canary rollout to an image that fails to boot: the canary fails inside its window, the
// rollout rolls it back to the previous image, and the other replicas are never touched.
func TestRolloutFailingCanaryRollsBack(t *testing.T) {
	w := newWorld(t, nil)
	ids := w.createGroup("web", 4)
	w.blocks(2)
	w.requireAllRunning(ids, imageV1)

	resp, err := w.msg.StartRollout(w.ctx, startRollout(ids, imageBad, 25, 50, 3, 0))
	require.NoError(t, err)
	r := w.rollout(resp.RolloutId)
	require.Equal(t, types.RolloutState_ROLLOUT_STATE_CANARY, r.State)
	require.Len(t, r.Vms, 4)

	w.block() // the canary (one VM of four) gets the new image and reboots
	r = w.rollout(resp.RolloutId)
	canary := r.Vms[0].VmId
	require.Equal(t, types.RolloutVMState_ROLLOUT_VM_STATE_UPDATING, r.Vms[0].State)
	require.Equal(t, imageBad, w.vm(canary).ImageCid)
	for _, v := range r.Vms[1:] {
		require.Equal(t, types.RolloutVMState_ROLLOUT_VM_STATE_PENDING, v.State)
	}

	w.block() // its host fails the boot; the rollout sees the failure and rolls back
	r = w.rollout(resp.RolloutId)
	require.Equal(t, types.RolloutState_ROLLOUT_STATE_ROLLED_BACK, r.State, r.Reason)
	require.Contains(t, r.Reason, "1 of 1 VMs failed")
	require.Equal(t, types.RolloutVMState_ROLLOUT_VM_STATE_REVERTED, r.Vms[0].State)
	require.Equal(t, w.ctx.BlockHeight(), r.FinishedHeight)

	w.blocks(2)
	w.requireAllRunning(ids, imageV1)
	// the audit trail of the canary shows the update, the failure and the rollback
	audit, err := vmkeeper.NewQueryServerImpl(w.vk).AuditByVM(w.ctx, &vmtypes.QueryAuditByVMRequest{VmId: canary})
	require.NoError(t, err)
	var reasons []string
	for _, e := range audit.Entries {
		if e.Actor == vmkeeper.HealActor {
			reasons = append(reasons, e.Reason)
		}
	}
	require.NotEmpty(t, reasons)
	require.Contains(t, fmt.Sprint(reasons), "rolled back")
	// the VMs are free again: a new rollout may take them
	_, err = w.msg.StartRollout(w.ctx, startRollout(ids, imageV2, 25, 50, 1, 0))
	require.NoError(t, err)
}

// A good image goes canary → batches → done, every VM on it, one phase per window.
func TestRolloutPassesInBatches(t *testing.T) {
	w := newWorld(t, nil)
	ids := w.createGroup("api", 4)
	w.blocks(2)
	resp, err := w.msg.StartRollout(w.ctx, startRollout(ids, imageV2, 25, 50, 2, 0))
	require.NoError(t, err)
	var states []types.RolloutState
	for range 12 {
		w.block()
		r := w.rollout(resp.RolloutId)
		if len(states) == 0 || states[len(states)-1] != r.State {
			states = append(states, r.State)
		}
	}
	require.Equal(t, []types.RolloutState{types.RolloutState_ROLLOUT_STATE_CANARY, types.RolloutState_ROLLOUT_STATE_ROLLING,
		types.RolloutState_ROLLOUT_STATE_DONE}, states)
	r := w.rollout(resp.RolloutId)
	for _, v := range r.Vms {
		require.Equal(t, types.RolloutVMState_ROLLOUT_VM_STATE_UPDATED, v.State, "vm %d", v.VmId)
		require.Equal(t, imageV1, v.PreviousImageCid)
	}
	// phases: 1 canary, then batches of 2 and 1 (50 % of 4 each)
	phase := map[int64]int{}
	for _, v := range r.Vms {
		phase[v.UpdatedHeight]++
	}
	require.Len(t, phase, 3)
	w.requireAllRunning(ids, imageV2)
	list, err := w.query.Rollouts(w.ctx, &types.QueryRolloutsRequest{Owner: owner})
	require.NoError(t, err)
	require.Len(t, list.Rollouts, 1)
}

// Rollouts and policies on foreign VMs, absurd fractions and windows: typed errors, no change.
func TestRolloutAndPolicyBadInput(t *testing.T) {
	w := newWorld(t, nil)
	ids := w.createGroup("web", 3)
	w.blocks(2)
	theirs, err := w.vmsg.CreateVM(w.ctx, &vmtypes.MsgCreateVM{Owner: stranger, Name: "db", ImageCid: imageV1,
		Resources: vmtypes.Resources{CpuMillis: 1000, MemoryMib: 1024, DiskGib: 1}, Replicas: 1})
	require.NoError(t, err)
	w.block()

	bad := func(mut func(*types.MsgStartRollout)) func() error {
		return func() error {
			m := startRollout(ids, imageV2, 34, 50, 3, 0)
			mut(m)
			_, err := w.msg.StartRollout(w.ctx, m)
			return err
		}
	}
	w.requireFailsUnchanged(types.ErrNotOwner, bad(func(m *types.MsgStartRollout) { m.Group = theirs.VmIds[0] }))
	w.requireFailsUnchanged(types.ErrNotOwner, bad(func(m *types.MsgStartRollout) { m.Group, m.VmIds = 0, []uint64{ids[0], theirs.VmIds[0]} }))
	w.requireFailsUnchanged(types.ErrNotOwner, bad(func(m *types.MsgStartRollout) { m.Group = 999 }))
	w.requireFailsUnchanged(types.ErrInvalidRollout, bad(func(m *types.MsgStartRollout) { m.Group = ids[1] })) // not replica 0
	w.requireFailsUnchanged(types.ErrInvalidRollout, bad(func(m *types.MsgStartRollout) { m.WindowBlocks = 0 }))
	w.requireFailsUnchanged(types.ErrInvalidRollout, bad(func(m *types.MsgStartRollout) { m.CanaryPercent = 0 }))
	w.requireFailsUnchanged(types.ErrInvalidRollout, bad(func(m *types.MsgStartRollout) { m.BatchPercent = 101 }))
	w.requireFailsUnchanged(types.ErrInvalidRollout, bad(func(m *types.MsgStartRollout) { m.MaxFailurePercent = 101 }))
	w.requireFailsUnchanged(types.ErrInvalidRollout, bad(func(m *types.MsgStartRollout) { m.VmIds = ids }))                        // both
	w.requireFailsUnchanged(types.ErrInvalidRollout, bad(func(m *types.MsgStartRollout) { m.Group, m.VmIds = 0, nil }))            // neither
	w.requireFailsUnchanged(types.ErrInvalidRollout, bad(func(m *types.MsgStartRollout) { m.Group, m.VmIds = 0, []uint64{1, 1} })) // repeated
	w.requireFailsUnchanged(types.ErrInvalidRollout, bad(func(m *types.MsgStartRollout) { m.ImageCid = imageV1 }))                 // nothing to do
	w.requireFailsUnchanged(types.ErrInvalidRollout, bad(func(m *types.MsgStartRollout) { m.Owner = "nobody" }))
	w.requireFailsUnchanged(vmtypes.ErrInvalidCID, bad(func(m *types.MsgStartRollout) { m.ImageCid = "not-a-cid" }))

	// a VM in an active rollout is not taken by another; only its owner cancels; a finished
	// rollout cannot be cancelled
	resp, err := w.msg.StartRollout(w.ctx, startRollout(ids, imageV2, 34, 50, 50, 0))
	require.NoError(t, err)
	w.requireFailsUnchanged(types.ErrRolloutConflict, bad(func(m *types.MsgStartRollout) { m.Group, m.VmIds = 0, []uint64{ids[2]} }))
	w.requireFailsUnchanged(types.ErrNotOwner, func() error {
		_, err := w.msg.CancelRollout(w.ctx, &types.MsgCancelRollout{Owner: stranger, RolloutId: resp.RolloutId})
		return err
	})
	w.requireFailsUnchanged(types.ErrRolloutNotFound, func() error {
		_, err := w.msg.CancelRollout(w.ctx, &types.MsgCancelRollout{Owner: owner, RolloutId: 77})
		return err
	})
	w.block()
	_, err = w.msg.CancelRollout(w.ctx, &types.MsgCancelRollout{Owner: owner, RolloutId: resp.RolloutId})
	require.NoError(t, err)
	require.Equal(t, types.RolloutState_ROLLOUT_STATE_CANCELLED, w.rollout(resp.RolloutId).State)
	w.requireFailsUnchanged(types.ErrRolloutNotActive, func() error {
		_, err := w.msg.CancelRollout(w.ctx, &types.MsgCancelRollout{Owner: owner, RolloutId: resp.RolloutId})
		return err
	})
	w.blocks(2)
	w.requireAllRunning(ids, imageV1)

	setPolicy := func(m types.MsgSetPolicy) func() error {
		return func() error { _, err := w.msg.SetPolicy(w.ctx, &m); return err }
	}
	scaling := types.ScalingPolicy{MinReplicas: 2, MaxReplicas: 4, ScaleOutPercent: 80, ScaleInPercent: 30}
	w.requireFailsUnchanged(types.ErrNotOwner, setPolicy(types.MsgSetPolicy{Owner: owner, VmId: theirs.VmIds[0]}))
	w.requireFailsUnchanged(types.ErrInvalidPolicy, setPolicy(types.MsgSetPolicy{Owner: owner, Scaling: scaling}))               // owner default
	w.requireFailsUnchanged(types.ErrInvalidPolicy, setPolicy(types.MsgSetPolicy{Owner: owner, VmId: ids[1], Scaling: scaling})) // a replica
	w.requireFailsUnchanged(types.ErrInvalidPolicy, setPolicy(types.MsgSetPolicy{Owner: owner, VmId: ids[0], Remedy: types.RemedyPolicy{MaxRestarts: 101}}))
	w.requireFailsUnchanged(types.ErrInvalidPolicy, setPolicy(types.MsgSetPolicy{Owner: owner, VmId: ids[0],
		Scaling: types.ScalingPolicy{MinReplicas: 2, MaxReplicas: 4, ScaleOutPercent: 50, ScaleInPercent: 50}}))
	w.requireFailsUnchanged(types.ErrPolicyNotFound, func() error {
		_, err := w.msg.ClearPolicy(w.ctx, &types.MsgClearPolicy{Owner: owner, VmId: ids[0]})
		return err
	})
}

// A VM that crashes on every boot: restarted, migrated, then escalated — the ladder of its
// owner's policy; a second crash loop starts part-way up the ladder.
func TestCrashLoopEscalates(t *testing.T) {
	w := newWorld(t, nil)
	ids := w.createGroup("flaky", 1)
	w.blocks(2)
	_, err := w.msg.SetPolicy(w.ctx, &types.MsgSetPolicy{Owner: owner, Remedy: types.RemedyPolicy{MaxRestarts: 1, MaxMigrations: 1, BackoffBlocks: 1}})
	require.NoError(t, err)
	pol, err := w.query.Policy(w.ctx, &types.QueryPolicyRequest{Owner: owner, VmId: ids[0]})
	require.NoError(t, err)
	require.Equal(t, "owner", pol.Source)

	w.crashy[ids[0]] = true
	_, err = w.vmsg.ReportVMStatus(w.ctx, &vmtypes.MsgReportVMStatus{Operator: operator, VmId: ids[0], Status: vmtypes.VM_STATE_FAILED})
	require.NoError(t, err)
	var inc types.Incident
	for range 20 {
		w.block()
		incs := w.incidents()
		if len(incs) > 0 && incs[0].State == types.IncidentState_INCIDENT_STATE_ESCALATED {
			inc = incs[0]
			break
		}
	}
	require.Equal(t, types.IncidentState_INCIDENT_STATE_ESCALATED, inc.State, "%+v", w.incidents())
	t.Logf("steps %+v root cause %q", inc.Steps, inc.RootCause)
	require.Equal(t, types.IncidentKind_INCIDENT_KIND_VM_CRASH, inc.Kind)
	require.Equal(t, types.Severity_SEVERITY_CRITICAL, inc.Severity)
	var actions []string
	for _, s := range inc.Steps {
		actions = append(actions, s.Action)
	}
	require.Equal(t, []string{"restart", "migrate"}, actions[:2], "the owner's ladder: one restart, one migration")
	require.Contains(t, inc.RootCause, "crash loop: 3 failures", "the failure and the two remedies' boots")
	esc, err := w.query.Incidents(w.ctx, &types.QueryIncidentsRequest{State: types.IncidentState_INCIDENT_STATE_ESCALATED})
	require.NoError(t, err)
	require.Len(t, esc.Incidents, 1)

	// its owner fixes it and starts it: resolved
	delete(w.crashy, ids[0])
	_, err = w.vmsg.StartVM(w.ctx, &vmtypes.MsgStartVM{Owner: owner, VmId: ids[0]})
	require.NoError(t, err)
	w.blocks(3)
	require.Equal(t, vmtypes.VM_STATE_RUNNING, w.vm(ids[0]).State)
	require.Equal(t, types.IncidentState_INCIDENT_STATE_RESOLVED, w.incidents()[0].State)

	// it crashes again inside the window: a crash loop from the start, its ladder already
	// climbed by the earlier failures, so it escalates without another restart
	w.crashy[ids[0]] = true
	_, err = w.vmsg.ReportVMStatus(w.ctx, &vmtypes.MsgReportVMStatus{Operator: operator, VmId: ids[0], Status: vmtypes.VM_STATE_FAILED})
	require.NoError(t, err)
	w.blocks(3)
	incs := w.incidents()
	require.Len(t, incs, 2)
	again := incs[0] // newest first
	require.EqualValues(t, 2, again.Id)
	require.Contains(t, again.RootCause, "crash loop: 4 failures")
	require.Equal(t, types.IncidentState_INCIDENT_STATE_ESCALATED, again.State, "%+v", again)
	for _, s := range again.Steps {
		require.NotEqual(t, "restart", s.Action, "the ladder started above its restarts")
	}
}

// A VM its host never boots is stuck after stuck_after_blocks: restarted, then migrated to a
// host that boots it.
func TestStuckVMIsMoved(t *testing.T) {
	w := newWorld(t, func(p *types.Params) {
		p.StuckAfterBlocks = 4
		p.Remedy = types.RemedyPolicy{MaxRestarts: 1, MaxMigrations: 2}
	})
	w.stuck[1] = true // before the agent first sees it
	ids := w.createGroup("slow", 1)
	require.Equal(t, uint64(1), ids[0])
	first := w.vm(1).HostId
	var inc types.Incident
	for range 20 {
		w.block()
		if w.vm(1).HostId != first {
			delete(w.stuck, 1) // the new host boots it
		}
		if incs := w.incidents(); len(incs) > 0 && incs[0].State == types.IncidentState_INCIDENT_STATE_RESOLVED {
			inc = incs[0]
			break
		}
	}
	require.Equal(t, types.IncidentKind_INCIDENT_KIND_VM_STUCK, inc.Kind, "%+v", w.incidents())
	t.Logf("steps %+v", inc.Steps)
	require.Equal(t, types.IncidentState_INCIDENT_STATE_RESOLVED, inc.State)
	require.Contains(t, inc.RootCause, "not running after 4 blocks")
	require.NotEqual(t, first, w.vm(1).HostId)
	require.Equal(t, vmtypes.VM_STATE_RUNNING, w.vm(1).State)
}

// Rising attested use: the forecast crosses 80 % of the group's capacity before the use does,
// and the group scales out; when the use falls, it scales in to min_replicas, never below.
func TestPredictiveScaling(t *testing.T) {
	w := newWorld(t, func(p *types.Params) { p.ScalingHorizonMs = 5_000; p.ScaleCooldownBlocks = 2 })
	ids := w.createGroup("svc", 2)
	w.blocks(2)
	_, err := w.msg.SetPolicy(w.ctx, &types.MsgSetPolicy{Owner: owner, VmId: ids[0],
		Scaling: types.ScalingPolicy{MinReplicas: 2, MaxReplicas: 3, ScaleOutPercent: 80, ScaleInPercent: 30}})
	require.NoError(t, err)
	group := func() []types.VMStatus {
		vms, err := w.vk.GroupVMs(w.ctx, ids[0])
		require.NoError(t, err)
		return vms
	}
	// each replica's use climbs 40 millicores a block from 400 (of 1,000)
	use := uint64(400)
	var at uint64
	for range 20 {
		for _, v := range group() {
			w.cpu[v.ID] = use
		}
		w.block()
		if len(group()) == 3 {
			at = use
			break
		}
		use += 40
	}
	require.NotZero(t, at, "never scaled out")
	t.Logf("scaled out at %d millicores per replica", at)
	require.Less(t, at, uint64(800), "scaled out before use reached the threshold (predictive)")
	fc, err := w.query.Forecast(w.ctx, &types.QueryForecastRequest{Group: ids[0]})
	require.NoError(t, err)
	f := fc.Forecast
	require.Equal(t, "scale-out", f.Decision)
	require.GreaterOrEqual(t, f.ForecastCpuMillis, f.ThresholdCpuMillis)
	require.Less(t, int64(f.UsedCpuMillis), f.ThresholdCpuMillis)
	require.EqualValues(t, 1600, f.ThresholdCpuMillis, "80 % of 2 × 1,000")
	require.Contains(t, f.Result, "scale-out vm")

	// load falls to 10 %: scales in to two, never to one
	for _, v := range group() {
		w.cpu[v.ID] = 100
	}
	for range 30 {
		for _, v := range group() {
			w.cpu[v.ID] = 100
		}
		w.block()
	}
	require.Len(t, group(), 2)
	fc, err = w.query.Forecast(w.ctx, &types.QueryForecastRequest{Group: ids[0]})
	require.NoError(t, err)
	require.NotEqual(t, "scale-in", fc.Forecast.Decision, "at min_replicas")
	require.Equal(t, vmtypes.VM_STATE_RUNNING, w.vm(ids[0]).State, "replica 0 is never scaled in")
	require.Empty(t, w.incidents(), "scaling kept up: no capacity incident")

	// load climbs past what max_replicas can carry: a capacity-forecast incident (low, no
	// remedy); it resolves when the load falls again
	var capacity types.Incident
	for use := uint64(500); use <= 1000 && capacity.Id == 0; use += 50 {
		for range 3 {
			for _, v := range group() {
				w.cpu[v.ID] = use
			}
			w.block()
		}
		for _, inc := range w.incidents() {
			if inc.Kind == types.IncidentKind_INCIDENT_KIND_CAPACITY_FORECAST {
				capacity = inc
			}
		}
	}
	require.NotZero(t, capacity.Id, "no capacity-forecast incident at max_replicas")
	require.Len(t, group(), 3, "at max_replicas")
	require.Equal(t, types.Severity_SEVERITY_LOW, capacity.Severity)
	require.Equal(t, fmt.Sprint(ids[0]), capacity.Subject)
	require.Contains(t, capacity.RootCause, "at max_replicas 3")
	require.Len(t, capacity.Vms, 3)
	fc, err = w.query.Forecast(w.ctx, &types.QueryForecastRequest{Group: ids[0]})
	require.NoError(t, err)
	require.Equal(t, capacity.Id, fc.Forecast.CapacityIncident)
	for range 10 {
		for _, v := range group() {
			w.cpu[v.ID] = 100
		}
		w.block()
	}
	inc, err := w.query.Incident(w.ctx, &types.QueryIncidentRequest{Id: capacity.Id})
	require.NoError(t, err)
	require.Equal(t, types.IncidentState_INCIDENT_STATE_RESOLVED, inc.Incident.State)
	require.Len(t, w.incidents(), 1, "opened once")
}

// An owner's if-this-then-that rule on an incident: a crash incident on one VM stops another.
func TestIncidentRuleTrigger(t *testing.T) {
	w := newWorld(t, nil)
	ids := w.createGroup("pair", 2)
	w.blocks(2)
	vq := vmkeeper.NewQueryServerImpl(w.vk)
	rule, err := w.vmsg.CreateRule(w.ctx, &vmtypes.MsgCreateRule{Owner: owner,
		Trigger: vmtypes.Trigger{Kind: vmtypes.TRIGGER_KIND_INCIDENT, VmId: ids[0], IncidentKind: "vm-crash"},
		Action:  vmtypes.RuleAction{Kind: vmtypes.OP_KIND_STOP}, VmIds: []uint64{ids[1]}})
	require.NoError(t, err)
	_, err = w.vmsg.CreateRule(w.ctx, &vmtypes.MsgCreateRule{Owner: stranger,
		Trigger: vmtypes.Trigger{Kind: vmtypes.TRIGGER_KIND_INCIDENT, VmId: ids[0]}, Action: vmtypes.RuleAction{Kind: vmtypes.OP_KIND_STOP}})
	require.Error(t, err, "a rule on someone else's VM")

	_, err = w.vmsg.ReportVMStatus(w.ctx, &vmtypes.MsgReportVMStatus{Operator: operator, VmId: ids[0], Status: vmtypes.VM_STATE_FAILED})
	require.NoError(t, err)
	for range 4 {
		w.block()
	}
	r, err := vq.Rule(w.ctx, &vmtypes.QueryRuleRequest{RuleId: rule.RuleId})
	require.NoError(t, err)
	require.Equal(t, uint64(1), r.Rule.FireCount, r.Rule.LastError)
	st := w.vm(ids[1]).State
	require.Contains(t, []vmtypes.VMState{vmtypes.VM_STATE_STOPPING, vmtypes.VM_STATE_STOPPED}, st)
	require.Equal(t, types.IncidentKind_INCIDENT_KIND_VM_CRASH, w.incidents()[0].Kind)
}

// Rollouts, policies and forecasts survive export → import byte for byte.
func TestGenesisRoundTripWithRolloutsAndScaling(t *testing.T) {
	w := newWorld(t, func(p *types.Params) { p.ScalingHorizonMs = 5_000 })
	ids := w.createGroup("web", 3)
	w.blocks(2)
	_, err := w.msg.SetPolicy(w.ctx, &types.MsgSetPolicy{Owner: owner, VmId: ids[0], Remedy: types.RemedyPolicy{MaxRestarts: 3},
		Scaling: types.ScalingPolicy{MinReplicas: 1, MaxReplicas: 3, ScaleOutPercent: 90, ScaleInPercent: 10}})
	require.NoError(t, err)
	_, err = w.msg.StartRollout(w.ctx, startRollout(ids, imageV2, 34, 34, 5, 0))
	require.NoError(t, err)
	w.blocks(3)
	gs, err := w.hk.ExportGenesis(w.ctx)
	require.NoError(t, err)
	require.Len(t, gs.Rollouts, 1)
	require.Len(t, gs.Policies, 1)
	require.Len(t, gs.Forecasts, 1)
	require.NoError(t, gs.Validate())
	bz, err := w.env.Cdc.MarshalJSON(gs)
	require.NoError(t, err)
	var back types.GenesisState
	require.NoError(t, w.env.Cdc.UnmarshalJSON(bz, &back))

	vgs, err := w.vk.ExportGenesis(w.ctx)
	require.NoError(t, err)
	v := newWorld(t, nil)
	fresh := testkit.NewMultiEnv(t, []string{vmtypes.StoreKey, types.StoreKey}, vmtypes.RegisterInterfaces, types.RegisterInterfaces)
	v.env, v.ctx = fresh, fresh.Ctx.WithBlockHeight(w.ctx.BlockHeight()).WithBlockTime(w.ctx.BlockTime())
	v.vk = vmkeeper.NewKeeper(fresh.Cdc, fresh.Services[vmtypes.StoreKey], testkit.AccCodec, testkit.GovAuthority)
	v.hk = keeper.NewKeeper(fresh.Cdc, fresh.Services[types.StoreKey], testkit.AccCodec, testkit.GovAuthority, v.vk)
	require.NoError(t, v.vk.InitGenesis(v.ctx, vgs))
	require.NoError(t, v.hk.InitGenesis(v.ctx, &back))
	require.NoError(t, v.hk.CheckInvariants(v.ctx))
	require.Equal(t, w.storesHash(), v.storesHash())
}
