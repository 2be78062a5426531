package keeper_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/internal/keyindex"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// setPruning sets op_retention_blocks and max_op_prunes_per_block through governance.
func (f *fixture) setPruning(retention int64, perBlock uint32) {
	f.t.Helper()
	p, err := f.k.Params.Get(f.ctx)
	require.NoError(f.t, err)
	p.OpRetentionBlocks, p.MaxOpPrunesPerBlock = retention, perBlock
	_, err = f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: p})
	require.NoError(f.t, err)
}

// hasOp reports whether operation id is stored; when it is not, it also checks that the queries and
// every index have forgotten it.
func (f *fixture) hasOp(id uint64) bool {
	f.t.Helper()
	r, err := f.query.Operation(f.ctx, &types.QueryOperationRequest{OperationId: id})
	if err == nil {
		require.Equal(f.t, id, r.Operation.Id)
		return true
	}
	require.Equal(f.t, codes.NotFound, status.Code(err), "%v", err)
	require.NotContains(f.t, f.opIDs(types.OPERATION_STATUS_UNSPECIFIED), id)
	require.NoError(f.t, f.k.Ops.Indexes.ByStatus.Walk(f.ctx, nil, func(s int32, op uint64) (bool, error) {
		require.NotEqual(f.t, id, op, "operation %d still indexed under status %d", id, s)
		return false, nil
	}))
	idx := f.k.Ops.Indexes
	for _, ks := range []*keyindex.Index[collections.Pair[int64, uint64], uint64, types.Operation]{idx.ByFinish, idx.DeadlineHeight, idx.DeadlineTime, idx.QueueHeight, idx.QueueTime} {
		require.NoError(f.t, ks.Walk(f.ctx, nil, func(key collections.Pair[int64, uint64]) (bool, error) {
			require.NotEqual(f.t, id, key.K2(), "operation %d still in a (height, id) index", id)
			return false, nil
		}))
	}
	require.NoError(f.t, f.k.Ops.Indexes.ByVM.Walk(f.ctx, nil, func(_ uint64, op uint64) (bool, error) {
		require.NotEqual(f.t, id, op, "operation %d still in OpsByVM", id)
		return false, nil
	}))
	return false
}

// opIDs lists Query/Operations (status unspecified = all), in id order.
func (f *fixture) opIDs(s types.OperationStatus) []uint64 {
	f.t.Helper()
	r, err := f.query.Operations(f.ctx, &types.QueryOperationsRequest{Status: s})
	require.NoError(f.t, err)
	out := []uint64{}
	for _, o := range r.Operations {
		out = append(out, o.Id)
	}
	return out
}

// vmOpIDs lists Query/OperationsByVM, in id order.
func (f *fixture) vmOpIDs(vmID uint64, s types.OperationStatus) []uint64 {
	f.t.Helper()
	r, err := f.query.OperationsByVM(f.ctx, &types.QueryOperationsByVMRequest{VmId: vmID, Status: s})
	require.NoError(f.t, err)
	out := []uint64{}
	for _, o := range r.Operations {
		out = append(out, o.Id)
	}
	return out
}

// endBlockPruned runs one block and returns the operation ids of its vm_operations_pruned events.
func (f *fixture) endBlockPruned() []string {
	f.t.Helper()
	f.ctx = f.ctx.WithEventManager(sdk.NewEventManager())
	f.nextBlock()
	var out []string
	for _, ev := range f.ctx.EventManager().Events() {
		if ev.Type != types.EventTypeOpsPruned {
			continue
		}
		require.Empty(f.t, out, "one summary event per block")
		ids, ok := ev.GetAttribute(types.AttributeKeyOpIDs)
		require.True(f.t, ok)
		out = strings.Split(ids.Value, ",")
		n, ok := ev.GetAttribute(types.AttributeKeyCount)
		require.True(f.t, ok)
		require.Equal(f.t, fmt.Sprint(len(out)), n.Value)
	}
	return out
}

// TestPruneRetention: each final status (CANCELLED, EXECUTED, FAILED, EXPIRED) is pruned by the first
// EndBlock at height ≥ finished_height + op_retention_blocks, not before, and leaves no index entry
// behind; open operations (AWAITING_APPROVAL, QUEUED) are never pruned.
func TestPruneRetention(t *testing.T) {
	f := newFixture(t)
	const retention = 3
	f.setPruning(retention, 16)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	vm := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	other := f.createVM(5, "db", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	require.NoError(t, f.report(1, vm, types.VM_STATE_RUNNING))
	h := f.ctx.BlockHeight()

	submit := func(m func() (uint64, error)) uint64 {
		t.Helper()
		id, err := m()
		require.NoError(t, err)
		require.NotZero(t, id)
		return id
	}
	stopAt := func(vmID uint64, at int64) uint64 {
		return submit(func() (uint64, error) {
			r, err := f.msg.StopVM(f.ctx, &types.MsgStopVM{Owner: addr(5), VmId: vmID, AtHeight: at})
			if err != nil {
				return 0, err
			}
			return r.OperationId, nil
		})
	}
	// EXECUTED at h+1 (stop), FAILED at h+1 (start of a STOPPING VM), CANCELLED at h
	executed := stopAt(vm, h+1)
	failed := submit(func() (uint64, error) {
		r, err := f.msg.StartVM(f.ctx, &types.MsgStartVM{Owner: addr(5), VmId: vm, AtHeight: h + 1})
		if err != nil {
			return 0, err
		}
		return r.OperationId, nil
	})
	cancelled := stopAt(vm, h+50)
	_, err := f.msg.CancelScheduledOperation(f.ctx, &types.MsgCancelScheduledOperation{Owner: addr(5), OperationId: cancelled})
	require.NoError(t, err)
	// EXPIRED at h+2 (ttl 2 blocks)
	f.setPolicy(5, vm, 1, 2, 20)
	expired := submit(func() (uint64, error) {
		r, err := f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(5), VmId: vm})
		if err != nil {
			return 0, err
		}
		return r.OperationId, nil
	})
	// open ones: a proposal with a long ttl and an operation queued far ahead
	f.setPolicy(5, other, 1, 1_000, 20)
	awaiting := submit(func() (uint64, error) {
		r, err := f.msg.DeleteVM(f.ctx, &types.MsgDeleteVM{Owner: addr(5), VmId: other})
		if err != nil {
			return 0, err
		}
		return r.OperationId, nil
	})
	queued := stopAt(other, h+1_000)

	finishedAt := map[uint64]int64{cancelled: h, executed: h + 1, failed: h + 1, expired: h + 2}
	wantStatus := map[uint64]types.OperationStatus{cancelled: types.OPERATION_STATUS_CANCELLED, executed: types.OPERATION_STATUS_EXECUTED,
		failed: types.OPERATION_STATUS_FAILED, expired: types.OPERATION_STATUS_EXPIRED}
	seen := map[uint64]bool{}
	for f.ctx.BlockHeight() <= h+2+retention+2 {
		end := f.ctx.BlockHeight()
		pruned := f.endBlockPruned()
		var wantPruned []string
		for id, fh := range finishedAt {
			gone := end >= fh+retention
			require.Equal(t, !gone, f.hasOp(id), "operation %d finished at %d, EndBlock %d, retention %d", id, fh, end, retention)
			if gone {
				if end == fh+retention {
					wantPruned = append(wantPruned, fmt.Sprint(id))
				}
				continue
			}
			if end >= fh {
				o := f.op(id)
				require.Equal(t, wantStatus[id], o.Status)
				require.Equal(t, fh, o.FinishedHeight)
				require.Contains(t, f.vmOpIDs(o.Op.VmId, o.Status), id)
				require.Contains(t, f.opIDs(o.Status), id)
				seen[id] = true
			}
		}
		require.ElementsMatch(t, wantPruned, pruned, "EndBlock %d", end)
		require.Equal(t, types.OPERATION_STATUS_AWAITING_APPROVAL, f.op(awaiting).Status)
		require.Equal(t, types.OPERATION_STATUS_QUEUED, f.op(queued).Status)
		f.invariants()
	}
	require.Len(t, seen, 4, "every final status was observed before it was pruned")
	// only the open operations are left, and the queries by VM and status show exactly them
	require.Equal(t, []uint64{awaiting, queued}, f.opIDs(types.OPERATION_STATUS_UNSPECIFIED))
	require.Empty(t, f.vmOpIDs(vm, types.OPERATION_STATUS_UNSPECIFIED))
	require.Equal(t, []uint64{awaiting, queued}, f.vmOpIDs(other, types.OPERATION_STATUS_UNSPECIFIED))
	for _, s := range []types.OperationStatus{types.OPERATION_STATUS_EXECUTED, types.OPERATION_STATUS_FAILED,
		types.OPERATION_STATUS_EXPIRED, types.OPERATION_STATUS_CANCELLED} {
		require.Empty(t, f.opIDs(s), s.String())
	}
	// a pruned operation is unknown to the Msgs too; ids are never reused
	f.requireFailsUnchanged(types.ErrOperationNotFound, func() error { _, err := f.approve(20, expired); return err })
	f.requireFailsUnchanged(types.ErrOperationNotFound, func() error {
		_, err := f.msg.CancelScheduledOperation(f.ctx, &types.MsgCancelScheduledOperation{Owner: addr(5), OperationId: cancelled})
		return err
	})
	next := stopAt(other, f.ctx.BlockHeight()+10)
	require.Greater(t, next, queued)
}

// TestPruneKeepForever: op_retention_blocks 0 keeps finished operations.
func TestPruneKeepForever(t *testing.T) {
	f := newFixture(t)
	f.setPruning(0, 1)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	vm := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	r, err := f.msg.StopVM(f.ctx, &types.MsgStopVM{Owner: addr(5), VmId: vm, AtHeight: f.ctx.BlockHeight() + 1})
	require.NoError(t, err)
	for i := 0; i < 30; i++ {
		require.Empty(t, f.endBlockPruned())
	}
	require.Equal(t, types.OPERATION_STATUS_EXECUTED, f.op(r.OperationId).Status)
	f.invariants()
}

// TestPruneBoundedPerBlock: at most max_op_prunes_per_block per EndBlock, in (finished height, id)
// order; the backlog follows in later blocks.
func TestPruneBoundedPerBlock(t *testing.T) {
	f := newFixture(t)
	f.setPruning(1, 2)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	vm := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	var ops []uint64
	for i := 0; i < 7; i++ {
		r, err := f.msg.StopVM(f.ctx, &types.MsgStopVM{Owner: addr(5), VmId: vm, AtHeight: f.ctx.BlockHeight() + 100})
		require.NoError(t, err)
		ops = append(ops, r.OperationId)
	}
	cancel := func(id uint64) {
		_, err := f.msg.CancelScheduledOperation(f.ctx, &types.MsgCancelScheduledOperation{Owner: addr(5), OperationId: id})
		require.NoError(t, err)
	}
	// ops[2..6] finish at h, ops[0..1] at h+1: finish height first, then id
	for _, id := range ops[2:] {
		cancel(id)
	}
	require.Empty(t, f.endBlockPruned(), "EndBlock h: retention 1 keeps what finished at h")
	for _, id := range ops[:2] {
		cancel(id)
	}
	s := func(ids ...uint64) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = fmt.Sprint(id)
		}
		return out
	}
	want := [][]string{s(ops[2], ops[3]), s(ops[4], ops[5]), s(ops[6], ops[0]), s(ops[1]), nil}
	for i, w := range want {
		require.Equal(t, w, f.endBlockPruned(), "block %d", i)
		f.invariants()
	}
	require.Empty(t, f.opIDs(types.OPERATION_STATUS_UNSPECIFIED))
	require.Empty(t, f.vmOpIDs(vm, types.OPERATION_STATUS_UNSPECIFIED))
	for _, id := range ops {
		require.False(t, f.hasOp(id))
	}
}

// TestPruneGenesisRoundTrip: a state with pruned, due-but-not-yet-pruned and retained finished
// operations and open ones exports, imports byte-identically (OpsByFinish rebuilt from the
// operations), and both stores prune identically afterwards.
func TestPruneGenesisRoundTrip(t *testing.T) {
	f := newFixture(t)
	f.setPruning(4, 1)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	vm := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	open := map[uint64]bool{}
	for b := 0; b < 8; b++ {
		for i := 0; i < 3; i++ {
			r, err := f.msg.StopVM(f.ctx, &types.MsgStopVM{Owner: addr(5), VmId: vm, AtHeight: f.ctx.BlockHeight() + 500})
			require.NoError(t, err)
			if i == 2 {
				open[r.OperationId] = true
				continue
			}
			_, err = f.msg.CancelScheduledOperation(f.ctx, &types.MsgCancelScheduledOperation{Owner: addr(5), OperationId: r.OperationId})
			require.NoError(t, err)
		}
		f.nextBlock()
	}
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate(ac))
	var finished, due int
	for _, o := range gs.Operations {
		if types.Finished(o.Status) {
			finished++
			if o.FinishedHeight <= f.ctx.BlockHeight()-4 {
				due++
			}
		} else {
			require.True(t, open[o.Id])
		}
	}
	require.Less(t, len(gs.Operations), int(gs.NextOperationId-1), "some operations were pruned")
	require.Positive(t, due, "a backlog is due but not pruned yet (1 per block)")
	require.Greater(t, finished, due, "some finished operations are still within the retention")
	require.Len(t, open, len(gs.Operations)-finished)

	g := f.importedCopy(gs)
	for i := 0; i < 20; i++ {
		require.Equal(t, f.endBlockPruned(), g.endBlockPruned())
		require.Equal(t, f.storeHash(), g.storeHash())
	}
	f.invariants()
	ids := f.opIDs(types.OPERATION_STATUS_UNSPECIFIED)
	require.Len(t, ids, len(open), "only the open operations are left")
	for _, id := range ids {
		require.True(t, open[id])
	}
}

func TestPruneParamsValidation(t *testing.T) {
	f := newFixture(t)
	d := types.DefaultParams()
	require.Equal(t, int64(types.DefaultOpRetentionBlocks), d.OpRetentionBlocks)
	require.Equal(t, uint32(64), d.MaxOpPrunesPerBlock)
	for _, tc := range []struct {
		retention int64
		perBlock  uint32
		ok        bool
	}{
		{0, 1, true}, {1, 1, true}, {1 << 40, 4096, true},
		{0, 0, true}, // params stored before pruning existed: keep forever
		{-1, 16, false}, {1<<40 + 1, 16, false}, {100, 0, false}, {100, 4097, false}, {0, 4097, false},
	} {
		p := testParams()
		p.OpRetentionBlocks, p.MaxOpPrunesPerBlock = tc.retention, tc.perBlock
		if tc.ok {
			require.NoError(t, p.Validate(ac), "%+v", tc)
			continue
		}
		require.ErrorIs(t, p.Validate(ac), types.ErrInvalidParams, "%+v", tc)
		f.requireFailsUnchanged(types.ErrInvalidParams, func() error {
			_, err := f.msg.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: govAuth, Params: p})
			return err
		})
	}
}

func TestPruneGenesisValidateFinishedHeight(t *testing.T) {
	f := newFixture(t)
	f.registerHost(1, "h1", "eu-west", res(8000, 16384, 100, 0))
	vm := f.createVM(5, "web", res(1000, 1024, 1, 0), 1, types.Constraints{}).VmIds[0]
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	gs.NextOperationId = 2
	op := types.Operation{Id: 1, Owner: addr(5), Op: types.VMOperation{Kind: types.OP_KIND_STOP, VmId: vm},
		Status: types.OPERATION_STATUS_QUEUED, AtHeight: 99}
	gs.Operations = []types.Operation{op}
	require.NoError(t, gs.Validate(ac))
	gs.Operations[0].FinishedHeight = 5
	require.ErrorIs(t, gs.Validate(ac), types.ErrInvalidGenesis, "open operation with a finished height")
	gs.Operations[0].Status = types.OPERATION_STATUS_CANCELLED
	require.NoError(t, gs.Validate(ac))
	gs.Operations[0].FinishedHeight = -1
	require.ErrorIs(t, gs.Validate(ac), types.ErrInvalidGenesis, "negative finished height")
}
