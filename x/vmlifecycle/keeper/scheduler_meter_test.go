package keeper_test

import (
	"fmt"
	"testing"

	"cosmossdk.io/collections"
	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/keeper"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// manyHosts registers n hosts of operator 1 in eu-west and lets a placement scan up to 256 of them.
func manyHosts(t *testing.T, n int) *fixture {
	f := newFixture(t)
	p := testParams()
	p.MaxCandidates = 256
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: p})
	require.NoError(t, err)
	for i := 0; i < n; i++ {
		f.registerHost(1, fmt.Sprintf("h%04d", i), "eu-west", res(uint64(16_000+i*100), 65_536, 1000, 0), types.Label{Key: "ssd", Value: "yes"})
	}
	return f
}

// withGas returns ctx with a fresh gas meter of the given limit (as a DeliverTx would have).
func withGas(ctx sdk.Context, limit uint64) sdk.Context {
	return ctx.WithGasMeter(storetypes.NewGasMeter(limit))
}

// A placement across many hosts under too little gas fails with ErrSchedulerBudget, changes nothing
// and charges the same gas every time; with enough gas it succeeds and its explanation records the
// gas its steps cost.
func TestSchedulerBudget(t *testing.T) {
	f := manyHosts(t, 300)
	vm := f.createVM(5, "web", res(2_000, 2_048, 10, 0), 1, types.Constraints{AntiAffinityGroup: "g"}).VmIds[0]
	ex, err := f.k.Explanations.Get(f.ctx, vm)
	require.NoError(t, err)
	require.Len(t, ex.Candidates, 256)
	p, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	_, again, steps, err := f.k.ScheduleForTest(f.ctx, p, f.vm(vm))
	require.NoError(t, err)
	require.Greater(t, steps, uint64(256)*(types.StepsPerCandidate+p.GasPerCandidate*types.SchedulerStepsPerGas))
	require.Equal(t, keeper.StepsGas(steps), again.GasCharged, "the explanation records the gas of the steps")

	// MsgMigrateVM writes nothing before the search: the failure leaves the store byte-identical
	const small = 100_000
	migrate := &types.MsgMigrateVM{Owner: addr(5), VmId: vm}
	var used []uint64
	var msgs []string
	for i := 0; i < 2; i++ {
		ctx := withGas(f.ctx, small)
		f.requireFailsUnchanged(types.ErrSchedulerBudget, func() error {
			_, err := f.msg.MigrateVM(ctx, migrate)
			if err != nil {
				msgs = append(msgs, err.Error())
			}
			return err
		})
		require.LessOrEqual(t, ctx.GasMeter().GasConsumed(), uint64(small), "never past the limit: no out-of-gas panic")
		used = append(used, ctx.GasMeter().GasConsumed())
	}
	require.Equal(t, used[0], used[1], "same gas on every run")
	require.Equal(t, msgs[0], msgs[1], "same error text on every run")
	require.Contains(t, msgs[0], "work budget exceeded")

	// MsgCreateVM places its replicas in a cache context of its own: a failure changes nothing
	f.requireFailsUnchanged(types.ErrSchedulerBudget, func() error {
		_, err := f.msg.CreateVM(withGas(f.ctx, small), &types.MsgCreateVM{Owner: addr(6), Name: "db", ImageCid: validCID1,
			Resources: res(2_000, 2_048, 10, 0), Replicas: 3})
		return err
	})

	// enough gas: both succeed
	ctx := withGas(f.ctx, 10_000_000)
	resp, err := f.msg.MigrateVM(ctx, migrate)
	require.NoError(t, err)
	require.NotEqual(t, "h0000", resp.HostId)
	ex, err = f.k.Explanations.Get(f.ctx, vm)
	require.NoError(t, err)
	require.Positive(t, ex.GasCharged)
	require.Less(t, ex.GasCharged, ctx.GasMeter().GasConsumed())
	cr, err := f.msg.CreateVM(withGas(f.ctx, 10_000_000), &types.MsgCreateVM{Owner: addr(6), Name: "db", ImageCid: validCID1, Resources: res(2_000, 2_048, 10, 0)})
	require.NoError(t, err)
	require.NotEmpty(t, cr.HostIds[0])
	f.invariants()
}

// In EndBlock (infinite gas meter) every placement runs under MaxPlacementSteps: a pending retry
// that needs more stays PENDING, re-queued, with the reason in its explanation; a due operation
// fails (recorded, never returned).
func TestSchedulerEndBlockBudget(t *testing.T) {
	f := newFixture(t)
	vm := f.createVM(5, "web", res(2_000, 2_048, 10, 0), 1, types.Constraints{}).VmIds[0]
	require.Equal(t, types.VM_STATE_PENDING, f.vm(vm).State)
	for i := 0; i < 40; i++ {
		f.registerHost(1, fmt.Sprintf("h%02d", i), "eu-west", res(16_000, 65_536, 1000, 0))
	}
	restore := keeper.SetMaxPlacementStepsForTest(20_000)
	for i := int64(0); i <= testParams().PendingRetryIntervalBlocks; i++ {
		f.nextBlock()
	}
	require.Equal(t, types.VM_STATE_PENDING, f.vm(vm).State)
	ex, err := f.k.Explanations.Get(f.ctx, vm)
	require.NoError(t, err)
	require.Contains(t, ex.Summary, "scheduler work budget exceeded")
	queued := 0
	require.NoError(t, f.k.PendingQueue.Walk(f.ctx, nil, func(k collections.Pair[int64, uint64]) (bool, error) {
		if k.K2() == vm {
			queued++
		}
		return false, nil
	}))
	require.Equal(t, 1, queued, "re-queued for a later retry")
	f.invariants()

	restore()
	for i := int64(0); i <= testParams().PendingRetryIntervalBlocks; i++ {
		f.nextBlock()
	}
	require.Equal(t, types.VM_STATE_SCHEDULED, f.vm(vm).State)
	f.invariants()

	// a time-locked migration that is due in EndBlock under a too small cap: FAILED, nothing moved
	host := f.vm(vm).HostId
	resp, err := f.msg.MigrateVM(f.ctx, &types.MsgMigrateVM{Owner: addr(5), VmId: vm, AtHeight: f.ctx.BlockHeight() + 1})
	require.NoError(t, err)
	restore = keeper.SetMaxPlacementStepsForTest(20_000)
	f.nextBlock()
	f.nextBlock()
	o := f.op(resp.OperationId)
	require.Equal(t, types.OPERATION_STATUS_FAILED, o.Status)
	require.Contains(t, o.Error, "scheduler work budget exceeded")
	require.Equal(t, host, f.vm(vm).HostId)
	f.invariants()
	restore()

	// less than a placement's worth of the block's scheduling budget left: a due operation waits
	// (QUEUED, still due) instead of failing, and runs in the first block that has the budget
	restoreBlock := keeper.SetEndBlockSchedulerStepsForTest(types.MaxPlacementSteps - 1)
	resp, err = f.msg.MigrateVM(f.ctx, &types.MsgMigrateVM{Owner: addr(5), VmId: vm, AtHeight: f.ctx.BlockHeight() + 1})
	require.NoError(t, err)
	f.nextBlock()
	f.nextBlock()
	require.Equal(t, types.OPERATION_STATUS_QUEUED, f.op(resp.OperationId).Status)
	restoreBlock()
	f.nextBlock()
	require.Equal(t, types.OPERATION_STATUS_EXECUTED, f.op(resp.OperationId).Status)
	require.NotEqual(t, host, f.vm(vm).HostId)
	f.invariants()
}

// An approval whose operation runs out of scheduler budget fails as a transaction (like running
// out of gas): the approval is not recorded and can be sent again with more gas.
func TestApprovalPaysSchedulerWork(t *testing.T) {
	f := manyHosts(t, 300)
	vm := f.createVM(5, "db", res(2_000, 2_048, 10, 0), 1, types.Constraints{}).VmIds[0]
	f.setPolicy(5, vm, 1, 10, 20)
	resp, err := f.msg.MigrateVM(f.ctx, &types.MsgMigrateVM{Owner: addr(5), VmId: vm})
	require.NoError(t, err)
	approve := &types.MsgApproveOperation{Approver: addr(20), OperationId: resp.OperationId}
	f.requireFailsUnchanged(types.ErrSchedulerBudget, func() error {
		_, err := f.msg.ApproveOperation(withGas(f.ctx, 100_000), approve)
		return err
	})
	require.Equal(t, types.OPERATION_STATUS_AWAITING_APPROVAL, f.op(resp.OperationId).Status)
	r, err := f.msg.ApproveOperation(withGas(f.ctx, 10_000_000), approve)
	require.NoError(t, err)
	require.Equal(t, types.OPERATION_STATUS_EXECUTED, r.Status)
	require.Equal(t, types.VM_STATE_MIGRATING, f.vm(vm).State)
	f.invariants()
}
