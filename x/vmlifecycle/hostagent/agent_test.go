package hostagent

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

var t0 = time.Unix(1_700_000_000, 0)

func vm(id uint64, host string, st types.VMState, updated int64) types.VM {
	return types.VM{Id: id, HostId: host, State: st, UpdatedHeight: updated}
}

func statuses(rs []Report) map[uint64]types.VMState {
	out := map[uint64]types.VMState{}
	for _, r := range rs {
		out[r.VMID] = r.Status
	}
	return out
}

func TestPlanBootThenRunning(t *testing.T) {
	p := NewPlanner(Config{BootDelay: 2 * time.Second})
	vms := []types.VM{vm(2, "h1", types.VM_STATE_SCHEDULED, 5), vm(1, "h2", types.VM_STATE_MIGRATING, 5)}
	require.Empty(t, p.Plan(t0, 5, vms, nil), "booting: nothing to report yet")
	require.Equal(t, t0.Add(2*time.Second), p.NextDue())
	require.Empty(t, p.Plan(t0.Add(time.Second), 6, vms, nil))
	rs := p.Plan(t0.Add(2*time.Second), 6, vms, nil)
	require.Len(t, rs, 2)
	require.Equal(t, uint64(1), rs[0].VMID, "reports in VM-id order")
	require.Equal(t, Report{VMID: 1, HostID: "h2", Status: types.VM_STATE_RUNNING, Reason: "migrated in, booted"}, rs[0])
	require.Equal(t, types.VM_STATE_RUNNING, rs[1].Status)
	// in flight: not sent again while the chain catches up
	require.Empty(t, p.Plan(t0.Add(3*time.Second), 7, vms, nil))
	require.True(t, p.NextDue().IsZero())
	// the chain applied it
	require.Empty(t, p.Plan(t0.Add(4*time.Second), 8, []types.VM{vm(1, "h2", types.VM_STATE_RUNNING, 7), vm(2, "h1", types.VM_STATE_RUNNING, 7)}, nil))
	for _, in := range p.Instances() {
		require.Equal(t, PhaseRunning, in.Phase)
	}
}

func TestPlanResendsStaleReport(t *testing.T) {
	p := NewPlanner(Config{ResendAfterBlocks: 2})
	vms := []types.VM{vm(1, "h1", types.VM_STATE_SCHEDULED, 5)}
	require.Len(t, p.Plan(t0, 5, vms, nil), 1)
	require.Empty(t, p.Plan(t0, 6, vms, nil))
	require.Len(t, p.Plan(t0, 7, vms, nil), 1, "not applied after 2 blocks: sent again")
	// a failed tx is forgotten and re-sent at once
	p.Forget([]Report{{VMID: 1, Status: types.VM_STATE_RUNNING}})
	require.Len(t, p.Plan(t0, 7, vms, nil), 1)
}

func TestPlanStop(t *testing.T) {
	p := NewPlanner(Config{StopDelay: time.Second})
	require.Empty(t, p.Plan(t0, 3, []types.VM{vm(1, "h1", types.VM_STATE_RUNNING, 2)}, nil))
	stopping := []types.VM{vm(1, "h1", types.VM_STATE_STOPPING, 4)}
	require.Empty(t, p.Plan(t0, 4, stopping, nil))
	rs := p.Plan(t0.Add(time.Second), 5, stopping, nil)
	require.Equal(t, map[uint64]types.VMState{1: types.VM_STATE_STOPPED}, statuses(rs))
	require.Empty(t, p.Plan(t0.Add(2*time.Second), 5, stopping, nil))
	// stopped, then started again: boots anew
	require.Empty(t, p.Plan(t0.Add(3*time.Second), 6, []types.VM{vm(1, "h1", types.VM_STATE_STOPPED, 6)}, nil))
	rs = p.Plan(t0.Add(4*time.Second), 7, []types.VM{vm(1, "h1", types.VM_STATE_SCHEDULED, 7)}, nil)
	require.Equal(t, map[uint64]types.VMState{1: types.VM_STATE_RUNNING}, statuses(rs))
}

func TestPlanFailVMFailsFirstBootOnly(t *testing.T) {
	p := NewPlanner(Config{FailVMs: map[uint64]bool{3: true}})
	rs := p.Plan(t0, 5, []types.VM{vm(3, "h1", types.VM_STATE_SCHEDULED, 5), vm(4, "h1", types.VM_STATE_SCHEDULED, 5)}, nil)
	require.Equal(t, map[uint64]types.VMState{3: types.VM_STATE_FAILED, 4: types.VM_STATE_RUNNING}, statuses(rs))
	require.Equal(t, "injected failure (--fail-vm)", rs[0].Reason)
	require.Empty(t, p.Plan(t0, 6, []types.VM{vm(3, "h1", types.VM_STATE_FAILED, 6)}, nil))
	// restarted (FAILED → SCHEDULED at a new height): boots fine
	rs = p.Plan(t0, 8, []types.VM{vm(3, "h1", types.VM_STATE_SCHEDULED, 8)}, nil)
	require.Equal(t, map[uint64]types.VMState{3: types.VM_STATE_RUNNING}, statuses(rs))
}

func TestPlanRestartMissedFailedState(t *testing.T) {
	// The agent reported FAILED; before it saw FAILED on chain the VM was restarted: the new
	// updated_height tells it that this is a new scheduling.
	p := NewPlanner(Config{FailVMs: map[uint64]bool{1: true}})
	require.Len(t, p.Plan(t0, 5, []types.VM{vm(1, "h1", types.VM_STATE_SCHEDULED, 5)}, nil), 1)
	rs := p.Plan(t0, 6, []types.VM{vm(1, "h1", types.VM_STATE_SCHEDULED, 6)}, nil)
	require.Equal(t, map[uint64]types.VMState{1: types.VM_STATE_RUNNING}, statuses(rs))
}

func TestPlanFailRateIsSeeded(t *testing.T) {
	run := func(seed uint64) map[uint64]types.VMState {
		p := NewPlanner(Config{FailRatePPM: 500_000, Seed: seed})
		var vms []types.VM
		for i := uint64(1); i <= 40; i++ {
			vms = append(vms, vm(i, "h1", types.VM_STATE_SCHEDULED, 5))
		}
		return statuses(p.Plan(t0, 5, vms, nil))
	}
	a, b, c := run(7), run(7), run(8)
	require.Equal(t, a, b, "same seed, same failures")
	require.NotEqual(t, a, c)
	failed := 0
	for _, s := range a {
		if s == types.VM_STATE_FAILED {
			failed++
		}
	}
	require.Greater(t, failed, 5)
	require.Less(t, failed, 35)
	p := NewPlanner(Config{FailRatePPM: 0})
	require.Equal(t, map[uint64]types.VMState{1: types.VM_STATE_RUNNING}, statuses(p.Plan(t0, 5, []types.VM{vm(1, "h", types.VM_STATE_SCHEDULED, 5)}, nil)))
}

func TestPlanMigrationBetweenOwnHostsAndAway(t *testing.T) {
	p := NewPlanner(Config{BootDelay: time.Second})
	require.Empty(t, p.Plan(t0, 5, []types.VM{vm(1, "h1", types.VM_STATE_RUNNING, 4)}, nil))
	// drained to h2 (also ours): boots there
	mig := []types.VM{vm(1, "h2", types.VM_STATE_MIGRATING, 6)}
	require.Empty(t, p.Plan(t0, 6, mig, nil))
	require.Equal(t, "h2", p.Instances()[0].HostID)
	require.Equal(t, PhaseBooting, p.Instances()[0].Phase)
	rs := p.Plan(t0.Add(time.Second), 7, mig, nil)
	require.Equal(t, []Report{{VMID: 1, HostID: "h2", Status: types.VM_STATE_RUNNING, Reason: "migrated in, booted"}}, rs)
	// moved to another operator's host: dropped
	require.Empty(t, p.Plan(t0.Add(2*time.Second), 9, nil, nil))
	require.Empty(t, p.Instances())
}

func TestPlanStoppedVMMigratesWithoutBooting(t *testing.T) {
	p := NewPlanner(Config{BootDelay: time.Hour})
	mig := []types.VM{vm(1, "h2", types.VM_STATE_MIGRATING, 6), vm(2, "h2", types.VM_STATE_MIGRATING, 6)}
	from := map[uint64]types.VMState{1: types.VM_STATE_STOPPED, 2: types.VM_STATE_RUNNING}
	rs := p.Plan(t0, 6, mig, from)
	require.Equal(t, []Report{{VMID: 1, HostID: "h2", Status: types.VM_STATE_STOPPED, Reason: "migrated in, kept stopped"}}, rs)
	require.Empty(t, p.Plan(t0, 7, mig, from), "in flight")
	rs = p.Plan(t0.Add(time.Hour), 7, mig, from)
	require.Equal(t, map[uint64]types.VMState{2: types.VM_STATE_RUNNING}, statuses(rs))
}

func TestPlanIgnoresTerminalAndPending(t *testing.T) {
	p := NewPlanner(Config{})
	require.Empty(t, p.Plan(t0, 5, []types.VM{
		vm(1, "h1", types.VM_STATE_STOPPED, 2), vm(2, "h1", types.VM_STATE_FAILED, 2),
		vm(3, "h1", types.VM_STATE_DELETED, 2), vm(4, "", types.VM_STATE_PENDING, 2),
	}, nil))
	require.Len(t, p.Instances(), 2)
}

// fakeChain is an in-memory chain that applies reports through the transition table.
type fakeChain struct {
	mu      sync.Mutex
	height  int64
	hosts   []types.Host
	vms     map[uint64]*types.VM
	txs     [][]Report
	failTxs int // the next n Report calls fail
	reject  map[uint64]bool
	from    map[uint64]types.VMState
}

func (f *fakeChain) Height(context.Context) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.height, nil
}

func (f *fakeChain) Hosts(context.Context) ([]types.Host, error) { return f.hosts, nil }

func (f *fakeChain) VMsOnHost(_ context.Context, h string) ([]types.VM, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []types.VM
	for _, v := range f.vms {
		if v.HostId == h {
			out = append(out, *v)
		}
	}
	return out, nil
}

func (f *fakeChain) MigratedFrom(_ context.Context, id uint64) (types.VMState, error) {
	return f.from[id], nil
}

func (f *fakeChain) Report(_ context.Context, rs []Report) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failTxs > 0 {
		f.failTxs--
		return errors.New("broadcast: connection refused")
	}
	for _, r := range rs {
		v := f.vms[r.VMID]
		if f.reject[r.VMID] || v == nil || v.HostId != r.HostID || !types.CanTransition(v.State, r.Status) {
			return errors.New("illegal transition")
		}
	}
	f.height++
	for _, r := range rs {
		f.vms[r.VMID].State = r.Status
		f.vms[r.VMID].UpdatedHeight = f.height
	}
	f.txs = append(f.txs, rs)
	return nil
}

type nopLog struct{}

func (nopLog) Info(string, ...any)  {}
func (nopLog) Error(string, ...any) {}

func TestAgentStepBatchesAndRetries(t *testing.T) {
	ch := &fakeChain{height: 10, hosts: []types.Host{{Id: "h1"}, {Id: "h2"}, {Id: "h3"}}, vms: map[uint64]*types.VM{
		1: {Id: 1, HostId: "h1", State: types.VM_STATE_SCHEDULED, UpdatedHeight: 9},
		2: {Id: 2, HostId: "h2", State: types.VM_STATE_SCHEDULED, UpdatedHeight: 9},
		3: {Id: 3, HostId: "h3", State: types.VM_STATE_SCHEDULED, UpdatedHeight: 9},
		4: {Id: 4, HostId: "other", State: types.VM_STATE_SCHEDULED, UpdatedHeight: 9},
	}, reject: map[uint64]bool{2: true}}
	a := NewAgent(AgentConfig{HostFilter: []string{"h1", "h2"}}, ch, nopLog{})
	ctx := context.Background()

	// the node is down (batch and both single retries fail): the reports are retried next step,
	// even without a new block
	ch.failTxs = 3
	require.Error(t, a.Step(ctx))
	require.Empty(t, ch.txs)
	// vm 2's report is rejected: the batch fails, then vm 1 goes alone
	err := a.Step(ctx)
	require.Error(t, err)
	require.Equal(t, [][]Report{{{VMID: 1, HostID: "h1", Status: types.VM_STATE_RUNNING, Reason: "booted"}}}, ch.txs)
	require.Equal(t, types.VM_STATE_RUNNING, ch.vms[1].State)
	require.Equal(t, types.VM_STATE_SCHEDULED, ch.vms[3].State, "h3 is filtered out")
	require.Equal(t, types.VM_STATE_SCHEDULED, ch.vms[4].State, "not our host")

	delete(ch.reject, 2)
	require.NoError(t, a.Step(ctx))
	require.Equal(t, types.VM_STATE_RUNNING, ch.vms[2].State)
	require.Len(t, ch.txs, 2)
	// nothing new: no tx
	require.NoError(t, a.Step(ctx))
	require.Len(t, ch.txs, 2)

	// a stop request and a re-scheduling go out in one tx
	ch.mu.Lock()
	ch.height++
	ch.vms[1].State, ch.vms[1].UpdatedHeight = types.VM_STATE_STOPPING, ch.height
	ch.vms[2].State, ch.vms[2].UpdatedHeight = types.VM_STATE_FAILED, ch.height
	ch.mu.Unlock()
	require.NoError(t, a.Step(ctx))
	ch.mu.Lock()
	ch.height++
	ch.vms[2].State, ch.vms[2].UpdatedHeight = types.VM_STATE_SCHEDULED, ch.height
	ch.mu.Unlock()
	require.NoError(t, a.Step(ctx))
	require.Len(t, ch.txs, 4)
	require.Equal(t, types.VM_STATE_STOPPED, ch.vms[1].State)
	require.Equal(t, types.VM_STATE_RUNNING, ch.vms[2].State)
	require.Equal(t, 4, a.Sent)
}

func TestAgentRunStopsOnCancel(t *testing.T) {
	ch := &fakeChain{height: 1, hosts: []types.Host{{Id: "h1"}}, vms: map[uint64]*types.VM{
		1: {Id: 1, HostId: "h1", State: types.VM_STATE_SCHEDULED, UpdatedHeight: 1},
	}}
	a := NewAgent(AgentConfig{Config: Config{BootDelay: 30 * time.Millisecond}, PollInterval: 5 * time.Millisecond}, ch, nopLog{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	require.Eventually(t, func() bool {
		ch.mu.Lock()
		defer ch.mu.Unlock()
		return ch.vms[1].State == types.VM_STATE_RUNNING
	}, 5*time.Second, 5*time.Millisecond, "boot delay elapsed without a new block: still reported")
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not stop on cancel")
	}
}

const (
	badImage  = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
	goodImage = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"
)

func ivm(id uint64, host string, st types.VMState, updated int64, image string) types.VM {
	v := vm(id, host, st, updated)
	v.ImageCid = image
	return v
}

func TestPlanFailImageFailsEveryBoot(t *testing.T) {
	p := NewPlanner(Config{BootDelay: time.Second, FailImages: map[string]bool{badImage: true}})
	vms := []types.VM{ivm(1, "h1", types.VM_STATE_SCHEDULED, 5, badImage), ivm(2, "h1", types.VM_STATE_SCHEDULED, 5, goodImage)}
	require.Empty(t, p.Plan(t0, 5, vms, nil), "booting")
	rs := p.Plan(t0.Add(time.Second), 6, vms, nil)
	require.Equal(t, []Report{
		{VMID: 1, HostID: "h1", Status: types.VM_STATE_FAILED, Reason: "image " + badImage + " failed to boot (injected)"},
		{VMID: 2, HostID: "h1", Status: types.VM_STATE_RUNNING, Reason: "booted"},
	}, rs)
	require.LessOrEqual(t, len(rs[0].Reason), types.MaxReasonLen)
	// restarted on the same image: fails again (every boot, unlike --fail-vm)
	require.Empty(t, p.Plan(t0.Add(2*time.Second), 7, []types.VM{ivm(1, "h1", types.VM_STATE_FAILED, 7, badImage)}, nil))
	for h := int64(8); h < 11; h++ {
		mig := ivm(1, "h2", types.VM_STATE_SCHEDULED, h, badImage)
		if h == 10 {
			mig.State = types.VM_STATE_MIGRATING // a migration boots too
		}
		require.Empty(t, p.Plan(t0.Add(time.Duration(h)*time.Second), h, []types.VM{mig}, nil))
		rs = p.Plan(t0.Add(time.Duration(h+1)*time.Second), h, []types.VM{mig}, nil)
		require.Equal(t, map[uint64]types.VMState{1: types.VM_STATE_FAILED}, statuses(rs), "boot at height %d", h)
	}
	// the same VM rolled back to another image (re-scheduled on chain): runs
	rs = p.Plan(t0.Add(20*time.Second), 12, []types.VM{ivm(1, "h2", types.VM_STATE_SCHEDULED, 12, goodImage)}, nil)
	require.Empty(t, rs)
	rs = p.Plan(t0.Add(21*time.Second), 12, []types.VM{ivm(1, "h2", types.VM_STATE_SCHEDULED, 12, goodImage)}, nil)
	require.Equal(t, []Report{{VMID: 1, HostID: "h2", Status: types.VM_STATE_RUNNING, Reason: "booted"}}, rs)
	// a stopped VM that migrates does not boot: not failed by its image
	from := map[uint64]types.VMState{3: types.VM_STATE_STOPPED}
	rs = p.Plan(t0.Add(22*time.Second), 13, []types.VM{ivm(3, "h1", types.VM_STATE_MIGRATING, 13, badImage)}, from)
	require.Equal(t, map[uint64]types.VMState{3: types.VM_STATE_STOPPED}, statuses(rs))
}

func TestPlanFailImageDeterministicAndReplaceable(t *testing.T) {
	run := func(images map[string]bool) map[uint64]types.VMState {
		p := NewPlanner(Config{FailImages: images, FailRatePPM: 300_000, Seed: 9})
		var vms []types.VM
		for i := uint64(1); i <= 30; i++ {
			img := goodImage
			if i%3 == 0 {
				img = badImage
			}
			vms = append(vms, ivm(i, "h1", types.VM_STATE_SCHEDULED, 5, img))
		}
		return statuses(p.Plan(t0, 5, vms, nil))
	}
	images := map[string]bool{badImage: true}
	a, b := run(images), run(images)
	require.Equal(t, a, b, "same config, same outcome")
	for i := uint64(3); i <= 30; i += 3 {
		require.Equal(t, types.VM_STATE_FAILED, a[i], "vm %d has the failing image", i)
	}
	images[goodImage] = true // the planner copied its config: no effect
	require.Equal(t, a, run(map[string]bool{badImage: true}))

	p := NewPlanner(Config{})
	require.Empty(t, p.FailImages())
	p.SetFailImages([]string{badImage})
	require.Equal(t, []string{badImage}, p.FailImages())
	rs := p.Plan(t0, 5, []types.VM{ivm(1, "h1", types.VM_STATE_SCHEDULED, 5, badImage)}, nil)
	require.Equal(t, map[uint64]types.VMState{1: types.VM_STATE_FAILED}, statuses(rs))
	p.SetFailImages(nil)
	rs = p.Plan(t0, 6, []types.VM{ivm(1, "h1", types.VM_STATE_SCHEDULED, 6, badImage)}, nil)
	require.Equal(t, map[uint64]types.VMState{1: types.VM_STATE_RUNNING}, statuses(rs), "cleared: the next boot runs")
	// a VM without an image is never matched
	p.SetFailImages([]string{""})
	rs = p.Plan(t0, 7, []types.VM{vm(2, "h1", types.VM_STATE_SCHEDULED, 7)}, nil)
	require.Equal(t, map[uint64]types.VMState{2: types.VM_STATE_RUNNING}, statuses(rs))
}

func TestPlanFailImageCountsAsFailVMFirstBoot(t *testing.T) {
	p := NewPlanner(Config{FailVMs: map[uint64]bool{1: true}, FailImages: map[string]bool{badImage: true}})
	rs := p.Plan(t0, 5, []types.VM{ivm(1, "h1", types.VM_STATE_SCHEDULED, 5, badImage)}, nil)
	require.Equal(t, ImageFailReason(badImage), rs[0].Reason)
	rs = p.Plan(t0, 6, []types.VM{ivm(1, "h1", types.VM_STATE_SCHEDULED, 6, goodImage)}, nil)
	require.Equal(t, map[uint64]types.VMState{1: types.VM_STATE_RUNNING}, statuses(rs), "its first boot already failed")
}

// End to end through the agent loop: the failing image's VM is reported FAILED on chain, the
// other runs; a rollback to a good image (re-scheduled) runs.
func TestAgentFailImage(t *testing.T) {
	ch := &fakeChain{height: 10, hosts: []types.Host{{Id: "h1"}}, vms: map[uint64]*types.VM{
		1: {Id: 1, HostId: "h1", State: types.VM_STATE_SCHEDULED, UpdatedHeight: 9, ImageCid: badImage},
		2: {Id: 2, HostId: "h1", State: types.VM_STATE_SCHEDULED, UpdatedHeight: 9, ImageCid: goodImage},
	}}
	a := NewAgent(AgentConfig{Config: Config{FailImages: map[string]bool{badImage: true}}}, ch, nopLog{})
	require.NoError(t, a.Step(context.Background()))
	require.Equal(t, types.VM_STATE_FAILED, ch.vms[1].State)
	require.Equal(t, types.VM_STATE_RUNNING, ch.vms[2].State)
	require.Equal(t, [][]Report{{
		{VMID: 1, HostID: "h1", Status: types.VM_STATE_FAILED, Reason: ImageFailReason(badImage)},
		{VMID: 2, HostID: "h1", Status: types.VM_STATE_RUNNING, Reason: "booted"},
	}}, ch.txs)
	ch.mu.Lock()
	ch.height++
	ch.vms[1].State, ch.vms[1].UpdatedHeight, ch.vms[1].ImageCid = types.VM_STATE_SCHEDULED, ch.height, goodImage
	ch.mu.Unlock()
	require.NoError(t, a.Step(context.Background()))
	require.Equal(t, types.VM_STATE_RUNNING, ch.vms[1].State)
}
