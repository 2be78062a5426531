package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

func TestTimeLockedStopAtHeight(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	require.NoError(t, f.report(1, id, types.VM_STATE_RUNNING))
	due := f.ctx.BlockHeight() + 3
	resp, err := f.msg.StopVM(f.ctx, &types.MsgStopVM{Owner: addr(5), VmId: id, AtHeight: due})
	require.NoError(t, err)
	require.NotZero(t, resp.OperationId)
	o := f.op(resp.OperationId)
	require.Equal(t, types.OPERATION_STATUS_QUEUED, o.Status)
	q, err := f.query.Operations(f.ctx, &types.QueryOperationsRequest{Status: types.OPERATION_STATUS_QUEUED})
	require.NoError(t, err)
	require.Len(t, q.Operations, 1)
	for f.ctx.BlockHeight() < due {
		require.Equal(t, types.VM_STATE_RUNNING, f.vm(id).State)
		f.nextBlock()
	}
	// EndBlock of the due height runs it
	require.Equal(t, types.VM_STATE_RUNNING, f.vm(id).State)
	f.nextBlock()
	require.Equal(t, types.VM_STATE_STOPPING, f.vm(id).State)
	o = f.op(resp.OperationId)
	require.Equal(t, types.OPERATION_STATUS_EXECUTED, o.Status)
	require.Equal(t, due, o.FinishedHeight)
	// too late to cancel
	f.requireFailsUnchanged(types.ErrNotCancellable, func() error {
		_, err := f.msg.CancelScheduledOperation(f.ctx, &types.MsgCancelScheduledOperation{Owner: addr(5), OperationId: o.Id})
		return err
	})
	f.invariants()
}

func TestTimeLockNotBeforeCancelAndFailure(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	now := f.ctx.BlockTime().Unix()
	// a delete at now+12 s, cancelled; a start at now+12 s, which fails (the VM is not stopped)
	del, err := f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(5), VmId: id, NotBefore: now + 12})
	require.NoError(t, err)
	start, err := f.msg.StartVM(f.ctx, &types.MsgStartVM{Owner: addr(5), VmId: id, NotBefore: now + 12})
	require.NoError(t, err)
	f.requireFailsUnchanged(types.ErrNotOperationOwner, func() error {
		_, err := f.msg.CancelScheduledOperation(f.ctx, &types.MsgCancelScheduledOperation{Owner: addr(6), OperationId: del.OperationId})
		return err
	})
	f.requireFailsUnchanged(types.ErrOperationNotFound, func() error {
		_, err := f.msg.CancelScheduledOperation(f.ctx, &types.MsgCancelScheduledOperation{Owner: addr(5), OperationId: 77})
		return err
	})
	_, err = f.msg.CancelScheduledOperation(f.ctx, &types.MsgCancelScheduledOperation{Owner: addr(5), OperationId: del.OperationId})
	require.NoError(t, err)
	f.requireFailsUnchanged(types.ErrNotCancellable, func() error {
		_, err := f.msg.CancelScheduledOperation(f.ctx, &types.MsgCancelScheduledOperation{Owner: addr(5), OperationId: del.OperationId})
		return err
	})
	f.nextBlock() // t+0
	f.nextBlock() // t+5
	require.Equal(t, types.OPERATION_STATUS_QUEUED, f.op(start.OperationId).Status)
	f.nextBlock() // t+10
	f.nextBlock() // t+15 ≥ t+12: due
	require.Equal(t, types.OPERATION_STATUS_CANCELLED, f.op(del.OperationId).Status)
	o := f.op(start.OperationId)
	require.Equal(t, types.OPERATION_STATUS_FAILED, o.Status)
	require.Contains(t, o.Error, "illegal VM state transition")
	require.Equal(t, types.VM_STATE_SCHEDULED, f.vm(id).State)
	f.invariants()
}

func TestTimeLockBadInput(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	h, now := f.ctx.BlockHeight(), f.ctx.BlockTime().Unix()
	for _, tc := range []struct {
		name string
		msg  types.MsgStopVM
		want error
	}{
		{"both", types.MsgStopVM{Owner: addr(5), VmId: id, AtHeight: h + 1, NotBefore: now + 1}, types.ErrInvalidTimeLock},
		{"past height", types.MsgStopVM{Owner: addr(5), VmId: id, AtHeight: h}, types.ErrInvalidTimeLock},
		{"past time", types.MsgStopVM{Owner: addr(5), VmId: id, NotBefore: now}, types.ErrInvalidTimeLock},
		{"negative", types.MsgStopVM{Owner: addr(5), VmId: id, AtHeight: -1}, types.ErrInvalidTimeLock},
		{"too far", types.MsgStopVM{Owner: addr(5), VmId: id, NotBefore: now + 1<<40}, types.ErrInvalidTimeLock},
		{"foreign vm", types.MsgStopVM{Owner: addr(6), VmId: id, AtHeight: h + 1}, types.ErrNotVMOwner},
		{"unknown vm", types.MsgStopVM{Owner: addr(5), VmId: 99, AtHeight: h + 1}, types.ErrVMNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.requireFailsUnchanged(tc.want, func() error { _, err := f.msg.StopVM(f.ctx, &tc.msg); return err })
		})
	}
	f.requireFailsUnchanged(types.ErrInvalidResources, func() error {
		_, err := f.msg.ResizeVM(f.ctx, &types.MsgResizeVM{Owner: addr(5), VmId: id, Resources: res(0, 1, 0, 0), AtHeight: h + 5})
		return err
	})
}

func TestTimeLockBoundedPerBlockInIDOrder(t *testing.T) {
	f := newFixture(t)
	p := testParams()
	p.MaxScheduledOpsPerBlock = 2
	_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: p})
	require.NoError(t, err)
	f.registerHost(1, "h1", "eu-west", res(16000, 32768, 100, 0))
	var ops []uint64
	for i := 0; i < 5; i++ {
		id := f.createVM(5, "w"+string(rune('a'+i)), res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
		m := &types.MsgStopVM{Owner: addr(5), VmId: id}
		if i%2 == 0 {
			m.AtHeight = f.ctx.BlockHeight() + 1
		} else {
			m.NotBefore = f.ctx.BlockTime().Unix() + 1
		}
		r, err := f.msg.StopVM(f.ctx, m)
		require.NoError(t, err)
		ops = append(ops, r.OperationId)
	}
	f.nextBlock() // nothing due yet
	status := func() []types.OperationStatus {
		var s []types.OperationStatus
		for _, id := range ops {
			s = append(s, f.op(id).Status)
		}
		return s
	}
	Q, E := types.OPERATION_STATUS_QUEUED, types.OPERATION_STATUS_EXECUTED
	require.Equal(t, []types.OperationStatus{Q, Q, Q, Q, Q}, status())
	f.nextBlock()
	require.Equal(t, []types.OperationStatus{E, E, Q, Q, Q}, status())
	f.nextBlock()
	require.Equal(t, []types.OperationStatus{E, E, E, E, Q}, status())
	f.nextBlock()
	require.Equal(t, []types.OperationStatus{E, E, E, E, E}, status())
	f.invariants()
}

func TestTimeLockedGuardedOperationNeedsApprovalsThenWaits(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "db", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	f.setPolicy(5, 0, 1, 100, 20)
	due := f.ctx.BlockHeight() + 5
	resp, err := f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(5), VmId: id, AtHeight: due})
	require.NoError(t, err)
	require.Equal(t, types.OPERATION_STATUS_AWAITING_APPROVAL, f.op(resp.OperationId).Status)
	ar, err := f.approve(20, resp.OperationId)
	require.NoError(t, err)
	require.Equal(t, types.OPERATION_STATUS_QUEUED, ar.Status, "approved but not due")
	for f.ctx.BlockHeight() <= due {
		require.NotEqual(t, types.VM_STATE_DELETED, f.vm(id).State)
		f.nextBlock()
	}
	require.Equal(t, types.VM_STATE_DELETED, f.vm(id).State)
	require.Equal(t, types.OPERATION_STATUS_EXECUTED, f.op(resp.OperationId).Status)
	f.invariants()
}
