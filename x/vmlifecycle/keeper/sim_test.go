package keeper_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	errorsmod "cosmossdk.io/errors"
	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// randomOps drives the msg server with random (often invalid) messages for `blocks` blocks,
// checking after every failed message that the store is unchanged and after every block that
// the invariants hold.
func randomOps(t *testing.T, f *fixture, seed uint64, blocks int) {
	rng := rand.New(rand.NewChaCha8([32]byte{byte(seed)}))
	regions := []string{"eu-central", "eu-west", "us-east", "ap-south"}
	labels := []types.Label{{Key: "gpu", Value: "a100"}, {Key: "ssd", Value: "yes"}, {Key: "tier", Value: "gold"}}
	hostIDs := func() string { return fmt.Sprintf("h%d", rng.IntN(12)) }
	states := []types.VMState{types.VM_STATE_RUNNING, types.VM_STATE_STOPPED, types.VM_STATE_FAILED, types.VM_STATE_DELETED}
	ok, failed := 0, 0
	for b := 0; b < blocks; b++ {
		for i := 0; i < 6; i++ {
			var lbls []types.Label
			if rng.IntN(2) == 0 {
				lbls = []types.Label{labels[rng.IntN(len(labels))]}
			}
			cap := res(uint64(4000+rng.IntN(8)*4000), uint64(8192+rng.IntN(8)*8192), uint64(100+rng.IntN(4)*100), uint32(rng.IntN(3)))
			vmr := res(uint64(500+rng.IntN(8)*500), uint64(512+rng.IntN(8)*1024), uint64(rng.IntN(20)), uint32(rng.IntN(4)/3))
			if rng.IntN(20) == 0 {
				vmr.CpuMillis = 0 // bad input now and then
			}
			vmID := uint64(1 + rng.IntN(60))
			op := byte(1 + rng.IntN(3)) // 3 is not allowlisted
			owner := byte(5 + rng.IntN(3))
			var fn func() error
			// time-locks on the VM operations now and then (sometimes invalid: in the past)
			notBefore, atHeight := int64(0), int64(0)
			switch rng.IntN(6) {
			case 0:
				atHeight = f.ctx.BlockHeight() + int64(rng.IntN(6)) - 1
			case 1:
				notBefore = f.ctx.BlockTime().Unix() + int64(rng.IntN(30)) - 5
			}
			opID := uint64(1 + rng.IntN(40))
			switch rng.IntN(18) {
			case 0, 1:
				fn = func() error {
					_, err := f.msg.RegisterHost(f.ctx, &types.MsgRegisterHost{Operator: addr(op), HostId: hostIDs(),
						Region: regions[rng.IntN(len(regions))], Capacity: cap, Labels: lbls})
					return err
				}
			case 2:
				fn = func() error {
					_, err := f.msg.UpdateHost(f.ctx, &types.MsgUpdateHost{Operator: addr(op), HostId: hostIDs(),
						Region: regions[rng.IntN(len(regions))], Capacity: cap, Labels: lbls})
					return err
				}
			case 3:
				switch rng.IntN(4) {
				case 0:
					fn = func() error {
						_, err := f.msg.DrainHost(f.ctx, &types.MsgDrainHost{Operator: addr(op), HostId: hostIDs()})
						return err
					}
				case 1:
					fn = func() error {
						_, err := f.msg.UndrainHost(f.ctx, &types.MsgUndrainHost{Operator: addr(op), HostId: hostIDs()})
						return err
					}
				default:
					continue
				}
			case 4:
				fn = func() error {
					_, err := f.msg.DeregisterHost(f.ctx, &types.MsgDeregisterHost{Operator: addr(op), HostId: hostIDs()})
					return err
				}
			case 5, 6:
				c := types.Constraints{}
				if rng.IntN(3) == 0 {
					c.AllowedRegions = []string{regions[rng.IntN(2)]}
				}
				if rng.IntN(3) == 0 {
					c.AntiAffinityGroup = "g"
				}
				if rng.IntN(4) == 0 {
					c.RequiredLabels = lbls
				}
				if rng.IntN(4) == 0 {
					c.MaxLatency = []types.LatencyBound{{Region: "eu-west", MaxUs: int64(5_000 + rng.IntN(50_000))}}
				}
				fn = func() error {
					_, err := f.msg.CreateVM(f.ctx, &types.MsgCreateVM{Owner: addr(owner), Name: fmt.Sprintf("vm%d", rng.IntN(40)),
						ImageCid: validCID1, Resources: vmr, Replicas: uint32(rng.IntN(3)), Constraints: c})
					return err
				}
			case 7:
				fn = func() error { return f.report(op, vmID, states[rng.IntN(len(states))]) }
			case 8:
				fn = func() error {
					_, err := f.msg.StopVM(f.ctx, &types.MsgStopVM{Owner: addr(owner), VmId: vmID, NotBefore: notBefore, AtHeight: atHeight})
					return err
				}
			case 9:
				fn = func() error {
					_, err := f.msg.StartVM(f.ctx, &types.MsgStartVM{Owner: addr(owner), VmId: vmID, NotBefore: notBefore, AtHeight: atHeight})
					return err
				}
			case 10:
				fn = func() error {
					m := &types.MsgMigrateVM{Owner: addr(owner), VmId: vmID, NotBefore: notBefore, AtHeight: atHeight}
					if rng.IntN(2) == 0 {
						m.NearestRegion = regions[rng.IntN(len(regions))]
					}
					_, err := f.msg.MigrateVM(f.ctx, m)
					return err
				}
			case 11:
				fn = func() error {
					if rng.IntN(2) == 0 {
						_, err := f.msg.ResizeVM(f.ctx, &types.MsgResizeVM{Owner: addr(owner), VmId: vmID, Resources: vmr, NotBefore: notBefore, AtHeight: atHeight})
						return err
					}
					_, err := f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(owner), VmId: vmID, NotBefore: notBefore, AtHeight: atHeight})
					return err
				}
			case 12:
				fn = func() error {
					if rng.IntN(4) == 0 {
						_, err := f.msg.ClearApprovalPolicy(f.ctx, &types.MsgClearApprovalPolicy{Owner: addr(owner), VmId: uint64(rng.IntN(2)) * vmID})
						return err
					}
					var ttlB, ttlS int64
					if rng.IntN(2) == 0 {
						ttlB = int64(rng.IntN(8))
					} else {
						ttlS = int64(rng.IntN(40))
					}
					appr := approvers(20, 21, 22)[:1+rng.IntN(3)]
					_, err := f.msg.SetApprovalPolicy(f.ctx, &types.MsgSetApprovalPolicy{Owner: addr(owner), VmId: uint64(rng.IntN(2)) * vmID,
						Approvers: appr, Threshold: uint32(rng.IntN(len(appr) + 1)), TtlBlocks: ttlB, TtlSeconds: ttlS})
					return err
				}
			case 13, 14:
				fn = func() error { _, err := f.approve(byte(19+rng.IntN(4)), opID); return err }
			case 15:
				fn = func() error {
					_, err := f.msg.CancelScheduledOperation(f.ctx, &types.MsgCancelScheduledOperation{Owner: addr(owner), OperationId: opID})
					return err
				}
			case 16:
				kinds := []types.OpKind{types.OP_KIND_START, types.OP_KIND_STOP, types.OP_KIND_RESIZE, types.OP_KIND_MIGRATE, types.OP_KIND_DELETE}
				act := types.RuleAction{Kind: kinds[rng.IntN(len(kinds))]}
				if act.Kind == types.OP_KIND_RESIZE {
					act.Resources = vmr
				}
				var trig types.Trigger
				switch rng.IntN(4) {
				case 0, 1:
					trig = types.Trigger{Kind: types.TRIGGER_KIND_VM_STATE, VmId: vmID, State: states[rng.IntN(len(states))]}
				case 2:
					trig = types.Trigger{Kind: types.TRIGGER_KIND_HOST_DRAINING + types.TriggerKind(rng.IntN(2)), HostId: hostIDs()}
				case 3:
					trig = types.Trigger{Kind: types.TRIGGER_KIND_HEIGHT, Height: f.ctx.BlockHeight() + int64(rng.IntN(8))}
				}
				targets := []uint64{vmID}
				if rng.IntN(3) == 0 {
					targets = append(targets, vmID+uint64(rng.IntN(3))) // sometimes a duplicate
				}
				fn = func() error {
					_, err := f.msg.CreateRule(f.ctx, &types.MsgCreateRule{Owner: addr(owner), Trigger: trig, Action: act, VmIds: targets})
					return err
				}
			case 17:
				fn = func() error {
					_, err := f.msg.DeleteRule(f.ctx, &types.MsgDeleteRule{Owner: addr(owner), RuleId: uint64(1 + rng.IntN(20))})
					return err
				}
			}
			before := f.storeHash()
			err := fn()
			if err != nil {
				failed++
				cs, code, _ := errorsmod.ABCIInfo(err, false)
				require.True(t, cs == types.ModuleName || cs == "sdk", "unregistered error %v", err)
				require.NotZero(t, code)
				require.Equal(t, before, f.storeHash(), "failed message changed the store: %v", err)
			} else {
				ok++
			}
		}
		f.nextBlock()
		require.NoError(t, f.k.CheckInvariants(f.ctx), "block %d", b)
	}
	t.Logf("seed %d: %d messages succeeded, %d failed", seed, ok, failed)
	if blocks >= 60 {
		gs, err := f.k.ExportGenesis(f.ctx)
		require.NoError(t, err)
		statuses := map[types.OperationStatus]int{}
		for _, o := range gs.Operations {
			statuses[o.Status]++
		}
		fired := 0
		for _, r := range gs.Rules {
			fired += int(r.FireCount)
		}
		t.Logf("seed %d: %d policies, operations by status %v, %d rules fired %d times", seed, len(gs.ApprovalPolicies), statuses, len(gs.Rules), fired)
	}
	require.Positive(t, ok)
}

func TestRandomOperationsKeepInvariants(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		f := newFixture(t)
		if seed == 3 { // finished operations pruned as the run goes (approvals and cancels of pruned ids fail)
			f.setPruning(8, 2)
		}
		randomOps(t, f, seed, 200)
	}
}

func TestGenesisRoundTrip(t *testing.T) {
	f := newFixture(t)
	// prune finished operations 15 blocks after they finish, 2 per block: the export holds pruned
	// ids, a due backlog and retained finished operations besides the open ones
	f.setPruning(15, 2)
	randomOps(t, f, 7, 60)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate(ac))
	require.NotEmpty(t, gs.Hosts)
	require.NotEmpty(t, gs.Vms)
	require.NotEmpty(t, gs.AuditLog)
	require.NotEmpty(t, gs.ApprovalPolicies)
	require.NotEmpty(t, gs.Operations)
	require.NotEmpty(t, gs.Rules)
	var retained, open int
	for _, o := range gs.Operations {
		if types.Finished(o.Status) {
			retained++
		} else {
			open++
		}
	}
	t.Logf("operations: %d ids, %d pruned, %d finished retained, %d open", gs.NextOperationId-1,
		int(gs.NextOperationId-1)-len(gs.Operations), retained, open)
	require.Less(t, len(gs.Operations), int(gs.NextOperationId-1), "some operations were pruned")
	require.Positive(t, retained, "some finished operations are retained")

	g := f.importedCopy(gs)
	gs2, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, gs2)

	// both chains keep evolving identically
	randomOps(t, f, 8, 20)
	randomOps(t, g, 8, 20)
	require.Equal(t, f.storeHash(), g.storeHash())
}

func TestGenesisValidateRejects(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{})
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate(ac))

	bad := *gs
	bad.Hosts = append([]types.Host(nil), gs.Hosts...)
	bad.Hosts[0].Allocated = res(0, 0, 0, 0)
	require.ErrorIs(t, bad.Validate(ac), types.ErrInvalidGenesis)

	bad = *gs
	bad.Vms = append([]types.VM(nil), gs.Vms...)
	bad.Vms[0].HostId = "ghost"
	require.ErrorIs(t, bad.Validate(ac), types.ErrInvalidGenesis)

	bad = *gs
	bad.AuditLog = append([]types.AuditEntry(nil), gs.AuditLog...)
	bad.AuditLog[0], bad.AuditLog[1] = bad.AuditLog[1], bad.AuditLog[0]
	require.ErrorIs(t, bad.Validate(ac), types.ErrInvalidGenesis)

	bad = *gs
	bad.NextVmId = 1
	require.ErrorIs(t, bad.Validate(ac), types.ErrInvalidGenesis)

	bad = *gs
	bad.Operations = []types.Operation{{Id: 1, Owner: addr(6), Op: types.VMOperation{Kind: types.OP_KIND_STOP, VmId: gs.Vms[0].Id}, Status: types.OPERATION_STATUS_QUEUED, AtHeight: 99}}
	bad.NextOperationId = 2
	require.ErrorIs(t, bad.Validate(ac), types.ErrInvalidGenesis, "operation of a VM the owner does not own")
	bad.Operations[0].Owner = addr(5)
	require.NoError(t, bad.Validate(ac))
	bad.Operations[0].AtHeight = 0
	require.ErrorIs(t, bad.Validate(ac), types.ErrInvalidGenesis, "queued without a time-lock")

	bad = *gs
	bad.Rules = []types.Rule{{Id: 1, Owner: addr(6), Trigger: types.Trigger{Kind: types.TRIGGER_KIND_HEIGHT, Height: 50},
		Action: types.RuleAction{Kind: types.OP_KIND_STOP}, VmIds: []uint64{gs.Vms[0].Id}}}
	bad.NextRuleId = 2
	require.ErrorIs(t, bad.Validate(ac), types.ErrInvalidGenesis, "rule on a foreign VM")

	bad = *gs
	bad.DrainQueue = []string{"h1"}
	require.ErrorIs(t, bad.Validate(ac), types.ErrInvalidGenesis, "drain queue host not draining")
}

// Host.health_endpoint is exported, imported and validated with the rest of the host; a genesis
// written before the field existed has it empty (proto3 default: not probed).
func TestGenesisHealthEndpoint(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	_, err := f.msg.UpdateHost(f.ctx, &types.MsgUpdateHost{Operator: addr(1), HostId: "h1", Region: "eu-west",
		Capacity: res(8000, 16384, 100, 0), HealthEndpoint: "http://127.0.0.1:26680"})
	require.NoError(t, err)
	f.registerHost(2, "h2", "eu-west", res(8000, 16384, 100, 0))
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate(ac))
	require.Equal(t, "http://127.0.0.1:26680", gs.Hosts[0].HealthEndpoint)
	require.Empty(t, gs.Hosts[1].HealthEndpoint)
	g := f.importedCopy(gs)
	require.Equal(t, "http://127.0.0.1:26680", g.host("h1").HealthEndpoint)
	gs2, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, gs2)

	bad := *gs
	bad.Hosts = append([]types.Host(nil), gs.Hosts...)
	bad.Hosts[1].HealthEndpoint = "http://127.0.0.1"
	require.ErrorIs(t, bad.Validate(ac), types.ErrInvalidGenesis)
}
