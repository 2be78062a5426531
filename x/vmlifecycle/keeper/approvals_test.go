package keeper_test

import (
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// approvers returns addr(i) for each i, sorted as a policy wants them.
func approvers(ids ...byte) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = addr(id)
	}
	sort.Strings(out)
	return out
}

func (f *fixture) setPolicy(owner byte, vmID uint64, threshold uint32, ttlBlocks int64, appr ...byte) {
	f.t.Helper()
	_, err := f.msg.SetApprovalPolicy(f.ctx, &types.MsgSetApprovalPolicy{Owner: addr(owner), VmId: vmID,
		Approvers: approvers(appr...), Threshold: threshold, TtlBlocks: ttlBlocks})
	require.NoError(f.t, err)
}

func (f *fixture) approve(who byte, opID uint64) (*types.MsgApproveOperationResponse, error) {
	return f.msg.ApproveOperation(f.ctx, &types.MsgApproveOperation{Approver: addr(who), OperationId: opID})
}

func (f *fixture) op(id uint64) types.Operation {
	f.t.Helper()
	r, err := f.query.Operation(f.ctx, &types.QueryOperationRequest{OperationId: id})
	require.NoError(f.t, err)
	return r.Operation
}

func TestApprovalTwoOfThreeDelete(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "db", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	other := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	f.setPolicy(5, id, 2, 10, 20, 21, 22)

	// the delete becomes a proposal; nothing happens to the VM
	resp, err := f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(5), VmId: id})
	require.NoError(t, err)
	opID := resp.OperationId
	require.NotZero(t, opID)
	require.Equal(t, types.VM_STATE_SCHEDULED, f.vm(id).State)
	o := f.op(opID)
	require.Equal(t, types.OPERATION_STATUS_AWAITING_APPROVAL, o.Status)
	require.Equal(t, uint32(2), o.Threshold)
	require.Equal(t, f.ctx.BlockHeight()+10, o.DeadlineHeight)
	require.Equal(t, types.OP_KIND_DELETE, o.Op.Kind)

	// unguarded operations and VMs run at once
	_, err = f.msg.StopVM(f.ctx, &types.MsgStopVM{Owner: addr(5), VmId: id})
	require.NoError(t, err)
	_, err = f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(5), VmId: other})
	require.NoError(t, err)
	require.Equal(t, types.VM_STATE_DELETED, f.vm(other).State)

	// bad approvals change nothing
	f.requireFailsUnchanged(types.ErrNotApprover, func() error { _, err := f.approve(5, opID); return err })
	f.requireFailsUnchanged(types.ErrNotApprover, func() error { _, err := f.approve(23, opID); return err })
	f.requireFailsUnchanged(types.ErrOperationNotFound, func() error { _, err := f.approve(20, 999); return err })
	f.requireFailsUnchanged(sdkerrors.ErrInvalidAddress, func() error {
		_, err := f.msg.ApproveOperation(f.ctx, &types.MsgApproveOperation{Approver: "nova1xyz", OperationId: opID})
		return err
	})
	ar, err := f.approve(21, opID)
	require.NoError(t, err)
	require.Equal(t, types.OPERATION_STATUS_AWAITING_APPROVAL, ar.Status)
	require.Equal(t, uint32(1), ar.Approvals)
	f.requireFailsUnchanged(types.ErrAlreadyApproved, func() error { _, err := f.approve(21, opID); return err })
	f.nextBlock()

	// the second approval reaches the threshold: the delete runs through DeleteVM's code
	ar, err = f.approve(22, opID)
	require.NoError(t, err)
	require.Equal(t, types.OPERATION_STATUS_EXECUTED, ar.Status)
	require.Equal(t, types.VM_STATE_DELETED, f.vm(id).State)
	require.Equal(t, types.Resources{}, f.host("h1").Allocated)
	o = f.op(opID)
	require.Equal(t, []string{addr(21), addr(22)}, o.Approvals)
	require.Equal(t, f.ctx.BlockHeight(), o.FinishedHeight)
	f.requireFailsUnchanged(types.ErrOperationNotPending, func() error { _, err := f.approve(20, opID); return err })

	// queries: by VM (all / by status) and by status
	byVM, err := f.query.OperationsByVM(f.ctx, &types.QueryOperationsByVMRequest{VmId: id})
	require.NoError(t, err)
	require.Len(t, byVM.Operations, 1)
	byVM, err = f.query.OperationsByVM(f.ctx, &types.QueryOperationsByVMRequest{VmId: id, Status: types.OPERATION_STATUS_AWAITING_APPROVAL})
	require.NoError(t, err)
	require.Empty(t, byVM.Operations)
	all, err := f.query.Operations(f.ctx, &types.QueryOperationsRequest{Status: types.OPERATION_STATUS_EXECUTED})
	require.NoError(t, err)
	require.Len(t, all.Operations, 1)
	f.invariants()
}

func TestApprovalFailureAtExecutionAppliesNothing(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "db", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	f.setPolicy(5, 0, 1, 100, 20) // owner-wide policy, 1 of 1
	resp, err := f.msg.ResizeVM(f.ctx, &types.MsgResizeVM{Owner: addr(5), VmId: id, Resources: res(4000, 4096, 10, 0)})
	require.NoError(t, err)
	require.NotZero(t, resp.OperationId)
	require.Equal(t, res(1000, 1024, 1, 0), f.vm(id).Resources)
	// meanwhile another VM takes the room the resize needs
	f.createVM(6, "big", res(6000, 8192, 10, 0), 1, types.Constraints{})
	before := f.host("h1")
	ar, err := f.approve(20, resp.OperationId)
	require.NoError(t, err, "the approval itself succeeds")
	require.Equal(t, types.OPERATION_STATUS_FAILED, ar.Status)
	require.Contains(t, ar.Error, "insufficient host capacity")
	require.Equal(t, res(1000, 1024, 1, 0), f.vm(id).Resources)
	require.Equal(t, before, f.host("h1"))
	o := f.op(resp.OperationId)
	require.Equal(t, types.OPERATION_STATUS_FAILED, o.Status)
	require.NotEmpty(t, o.Error)
	f.invariants()
}

func TestApprovalExpiry(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	f.registerHost(1, "h2", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "db", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	f.setPolicy(5, id, 2, 2, 20, 21) // ttl 2 blocks
	resp, err := f.msg.MigrateVM(f.ctx, &types.MsgMigrateVM{Owner: addr(5), VmId: id})
	require.NoError(t, err)
	opID := resp.OperationId
	require.Empty(t, resp.HostId)
	deadline := f.op(opID).DeadlineHeight
	// a time-based policy too
	_, err = f.msg.SetApprovalPolicy(f.ctx, &types.MsgSetApprovalPolicy{Owner: addr(5), VmId: id, Approvers: approvers(20), Threshold: 1, TtlSeconds: 7})
	require.NoError(t, err)
	r2, err := f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(5), VmId: id})
	require.NoError(t, err)
	require.Equal(t, f.ctx.BlockTime().Unix()+7, f.op(r2.OperationId).DeadlineUnix)

	_, err = f.approve(20, opID)
	require.NoError(t, err)
	for f.ctx.BlockHeight() < deadline {
		f.nextBlock()
	}
	// the time deadline (now+7 s) has passed two 5 s blocks later, before any EndBlock marked it
	require.Equal(t, types.OPERATION_STATUS_AWAITING_APPROVAL, f.op(r2.OperationId).Status)
	f.requireFailsUnchanged(types.ErrOperationExpired, func() error { _, err := f.approve(20, r2.OperationId); return err })
	// the height-deadline proposal is still approvable at its deadline height
	require.Equal(t, types.OPERATION_STATUS_AWAITING_APPROVAL, f.op(opID).Status)
	f.nextBlock() // EndBlock at the deadline height expires both
	require.Equal(t, types.OPERATION_STATUS_EXPIRED, f.op(r2.OperationId).Status)
	o := f.op(opID)
	require.Equal(t, types.OPERATION_STATUS_EXPIRED, o.Status)
	require.Contains(t, o.Error, "1 of 2")
	f.requireFailsUnchanged(types.ErrOperationExpired, func() error { _, err := f.approve(21, opID); return err })
	require.Equal(t, "h1", f.vm(id).HostId)
	f.invariants()
}

func TestApprovalExpiryBeforeEndBlock(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "db", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	f.setPolicy(5, id, 1, 1, 20)
	resp, err := f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(5), VmId: id})
	require.NoError(t, err)
	// skip EndBlock: the deadline is checked against the block itself
	f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 2).WithBlockTime(f.ctx.BlockTime().Add(10 * time.Second))
	f.requireFailsUnchanged(types.ErrOperationExpired, func() error { _, err := f.approve(20, resp.OperationId); return err })
}

func TestApprovalPolicyBadInput(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	id := f.createVM(5, "db", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	foreign := f.createVM(6, "x", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	ok := types.MsgSetApprovalPolicy{Owner: addr(5), VmId: id, Approvers: approvers(20, 21, 22), Threshold: 2, TtlBlocks: 10}
	unsorted := approvers(20, 21)
	unsorted[0], unsorted[1] = unsorted[1], unsorted[0]
	cases := []struct {
		name string
		mod  func(m *types.MsgSetApprovalPolicy)
		want error
	}{
		{"bad owner", func(m *types.MsgSetApprovalPolicy) { m.Owner = "x" }, sdkerrors.ErrInvalidAddress},
		{"no approvers", func(m *types.MsgSetApprovalPolicy) { m.Approvers = nil; m.Threshold = 0 }, types.ErrInvalidPolicy},
		{"threshold 0", func(m *types.MsgSetApprovalPolicy) { m.Threshold = 0 }, types.ErrInvalidPolicy},
		{"threshold > N", func(m *types.MsgSetApprovalPolicy) { m.Threshold = 4 }, types.ErrInvalidPolicy},
		{"unsorted", func(m *types.MsgSetApprovalPolicy) { m.Approvers = unsorted }, types.ErrInvalidPolicy},
		{"duplicate", func(m *types.MsgSetApprovalPolicy) { m.Approvers = []string{addr(20), addr(20)} }, types.ErrInvalidPolicy},
		{"bad approver", func(m *types.MsgSetApprovalPolicy) { m.Approvers = []string{"nova1bad"}; m.Threshold = 1 }, types.ErrInvalidPolicy},
		{"no ttl", func(m *types.MsgSetApprovalPolicy) { m.TtlBlocks = 0 }, types.ErrInvalidPolicy},
		{"two ttls", func(m *types.MsgSetApprovalPolicy) { m.TtlSeconds = 5 }, types.ErrInvalidPolicy},
		{"absurd ttl", func(m *types.MsgSetApprovalPolicy) { m.TtlBlocks = 1 << 50 }, types.ErrInvalidPolicy},
		{"foreign vm", func(m *types.MsgSetApprovalPolicy) { m.VmId = foreign }, types.ErrNotVMOwner},
		{"unknown vm", func(m *types.MsgSetApprovalPolicy) { m.VmId = 999 }, types.ErrVMNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := ok
			tc.mod(&m)
			f.requireFailsUnchanged(tc.want, func() error { _, err := f.msg.SetApprovalPolicy(f.ctx, &m); return err })
		})
	}
	f.requireFailsUnchanged(types.ErrPolicyNotFound, func() error {
		_, err := f.msg.ClearApprovalPolicy(f.ctx, &types.MsgClearApprovalPolicy{Owner: addr(5), VmId: id})
		return err
	})
	_, err := f.msg.SetApprovalPolicy(f.ctx, &ok)
	require.NoError(t, err)
	pol, err := f.query.ApprovalPolicy(f.ctx, &types.QueryApprovalPolicyRequest{Owner: addr(5), VmId: id})
	require.NoError(t, err)
	require.Equal(t, uint32(2), pol.Policy.Threshold)
	// a foreign user's operation on the guarded VM fails as before, not as a proposal
	f.requireFailsUnchanged(types.ErrNotVMOwner, func() error {
		_, err := f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(6), VmId: id})
		return err
	})
	// proposal checks run before anything is stored
	f.requireFailsUnchanged(types.ErrInvalidResources, func() error {
		_, err := f.msg.ResizeVM(f.ctx, &types.MsgResizeVM{Owner: addr(5), VmId: id, Resources: res(0, 1, 1, 0)})
		return err
	})
	f.requireFailsUnchanged(types.ErrInvalidMigration, func() error {
		_, err := f.msg.MigrateVM(f.ctx, &types.MsgMigrateVM{Owner: addr(5), VmId: id, TargetHostId: "h1", NearestRegion: "eu-west"})
		return err
	})
	// the owner can withdraw a proposal; clearing the policy makes the next delete direct
	resp, err := f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(5), VmId: id})
	require.NoError(t, err)
	f.requireFailsUnchanged(types.ErrNotOperationOwner, func() error {
		_, err := f.msg.CancelScheduledOperation(f.ctx, &types.MsgCancelScheduledOperation{Owner: addr(6), OperationId: resp.OperationId})
		return err
	})
	_, err = f.msg.CancelScheduledOperation(f.ctx, &types.MsgCancelScheduledOperation{Owner: addr(5), OperationId: resp.OperationId})
	require.NoError(t, err)
	require.Equal(t, types.OPERATION_STATUS_CANCELLED, f.op(resp.OperationId).Status)
	f.requireFailsUnchanged(types.ErrOperationNotPending, func() error { _, err := f.approve(20, resp.OperationId); return err })
	_, err = f.msg.ClearApprovalPolicy(f.ctx, &types.MsgClearApprovalPolicy{Owner: addr(5), VmId: id})
	require.NoError(t, err)
	resp, err = f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(5), VmId: id})
	require.NoError(t, err)
	require.Zero(t, resp.OperationId)
	require.Equal(t, types.VM_STATE_DELETED, f.vm(id).State)
	f.invariants()
}
