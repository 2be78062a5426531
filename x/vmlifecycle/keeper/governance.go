package keeper

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// GasPerGovMsg is charged before any work of a policy, approval, cancel or rule message.
const GasPerGovMsg = 5_000

// policyFor returns the policy guarding vmID of owner: the VM's own, else the owner-wide one.
func (k Keeper) policyFor(ctx context.Context, owner sdk.AccAddress, vmID uint64) (*types.ApprovalPolicy, error) {
	for _, id := range []uint64{vmID, 0} {
		pol, err := k.Policies.Get(ctx, collections.Join(owner, id))
		if err == nil {
			return &pol, nil
		}
		if !errors.Is(err, collections.ErrNotFound) {
			return nil, err
		}
	}
	return nil, nil
}

// submit decides the fate of an owner's operation before anything is written: a guarded operation
// (delete, migrate, resize) under an approval policy becomes a proposal; a time-locked one is queued;
// otherwise it returns 0 and the caller executes the operation now. Proposals and queued operations
// are checked (fields, VM exists, owned, not deleted) before they are stored.
func (k Keeper) submit(ctx context.Context, p types.Params, ownerStr string, op types.VMOperation, notBefore, atHeight int64, ruleID uint64) (uint64, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	height, now := sdkCtx.BlockHeight(), sdkCtx.BlockTime().Unix()
	if err := types.ValidateTimeLock(notBefore, atHeight, now, height, p); err != nil {
		return 0, err
	}
	owner, _, err := k.canonical(ownerStr)
	if err != nil {
		return 0, err
	}
	var pol *types.ApprovalPolicy
	if types.Guarded(op.Kind) {
		if pol, err = k.policyFor(ctx, owner, op.VmId); err != nil {
			return 0, err
		}
	}
	if pol == nil && notBefore == 0 && atHeight == 0 {
		return 0, nil
	}
	if err := types.ValidateOpFields(op, p); err != nil {
		return 0, err
	}
	vm, err := k.ownedVM(ctx, ownerStr, op.VmId)
	if err != nil {
		return 0, err
	}
	if vm.State == types.VM_STATE_DELETED {
		return 0, types.ErrIllegalTransition.Wrapf("vm %d is deleted", vm.Id)
	}
	id, err := nextID(ctx, k.NextOpID)
	if err != nil {
		return 0, err
	}
	o := types.Operation{
		Id: id, Owner: ownerStr, Op: op, NotBefore: notBefore, AtHeight: atHeight,
		CreatedHeight: height, RuleId: ruleID, Status: types.OPERATION_STATUS_QUEUED,
	}
	if pol != nil {
		o.Status = types.OPERATION_STATUS_AWAITING_APPROVAL
		o.Approvers = slices.Clone(pol.Approvers)
		o.Threshold = pol.Threshold
		if pol.TtlBlocks > 0 {
			o.DeadlineHeight = height + pol.TtlBlocks
		} else {
			o.DeadlineUnix = now + pol.TtlSeconds
		}
	}
	if err := k.Ops.Set(ctx, o.Id, o); err != nil {
		return 0, err
	}
	typ := types.EventTypeOpQueued
	if pol != nil {
		typ = types.EventTypeOpProposed
	}
	emit(ctx, typ, types.AttributeKeyOpID, fmt.Sprint(id), types.AttributeKeyVMID, fmt.Sprint(op.VmId),
		types.AttributeKeyOpKind, op.Kind.String(), types.AttributeKeyOwner, ownerStr,
		types.AttributeKeyThreshold, fmt.Sprint(o.Threshold), types.AttributeKeyDue, dueString(o),
		types.AttributeKeyRuleID, fmt.Sprint(ruleID))
	return id, nil
}

func dueString(o types.Operation) string {
	switch {
	case o.AtHeight > 0:
		return fmt.Sprintf("height %d", o.AtHeight)
	case o.NotBefore > 0:
		return fmt.Sprintf("time %d", o.NotBefore)
	}
	return ""
}

func (k Keeper) getOp(ctx context.Context, id uint64) (types.Operation, error) {
	o, err := k.Ops.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return o, types.ErrOperationNotFound.Wrapf("operation %d", id)
	}
	return o, err
}

// isDue reports whether o's time-lock (if any) has come.
func isDue(ctx context.Context, o types.Operation) bool {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	switch {
	case o.AtHeight > 0:
		return sdkCtx.BlockHeight() >= o.AtHeight
	case o.NotBefore > 0:
		return sdkCtx.BlockTime().Unix() >= o.NotBefore
	}
	return true
}

// pastDeadline reports whether approvals are no longer accepted for o.
func pastDeadline(ctx context.Context, o types.Operation) bool {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if o.DeadlineHeight > 0 {
		return sdkCtx.BlockHeight() > o.DeadlineHeight
	}
	return sdkCtx.BlockTime().Unix() > o.DeadlineUnix
}

// runOp executes o in a cache context: EXECUTED, or FAILED with the error and nothing applied.
// The caller stores o. The execution error is returned too (ApproveOperation fails its transaction
// on ErrSchedulerBudget: the approver did not pay for the work, as with running out of gas).
func (k Keeper) runOp(ctx context.Context, o *types.Operation) error {
	err := inCache(ctx, func(cc sdk.Context) error {
		_, err := k.execOp(withOrigin(cc, fmt.Sprintf("operation %d", o.Id)), o.Owner, o.Op)
		return err
	})
	o.FinishedHeight = sdk.UnwrapSDKContext(ctx).BlockHeight()
	attrs := []string{types.AttributeKeyOpID, fmt.Sprint(o.Id), types.AttributeKeyVMID, fmt.Sprint(o.Op.VmId),
		types.AttributeKeyOpKind, o.Op.Kind.String()}
	if err != nil {
		o.Status = types.OPERATION_STATUS_FAILED
		o.Error = err.Error()
		emit(ctx, types.EventTypeOpFailed, append(attrs, types.AttributeKeyError, o.Error)...)
		return err
	}
	o.Status = types.OPERATION_STATUS_EXECUTED
	emit(ctx, types.EventTypeOpExecuted, attrs...)
	return nil
}

// release moves an approved operation on: queued when its time-lock is still ahead, else executed
// (the execution error, if any, is returned; o records it either way).
func (k Keeper) release(ctx context.Context, o *types.Operation) error {
	if !isDue(ctx, *o) {
		o.Status = types.OPERATION_STATUS_QUEUED
		emit(ctx, types.EventTypeOpQueued, types.AttributeKeyOpID, fmt.Sprint(o.Id), types.AttributeKeyVMID,
			fmt.Sprint(o.Op.VmId), types.AttributeKeyOpKind, o.Op.Kind.String(), types.AttributeKeyDue, dueString(*o))
		return nil
	}
	return k.runOp(ctx, o)
}

func (m msgServer) SetApprovalPolicy(ctx context.Context, msg *types.MsgSetApprovalPolicy) (*types.MsgSetApprovalPolicyResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerGovMsg, "vmlifecycle governance")
	owner, ownerStr, err := m.signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	p, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := types.ValidatePolicyFields(m.addressCodec, msg.Approvers, msg.Threshold, msg.TtlBlocks, msg.TtlSeconds, p); err != nil {
		return nil, err
	}
	if msg.VmId != 0 {
		vm, err := m.ownedVM(ctx, ownerStr, msg.VmId)
		if err != nil {
			return nil, err
		}
		if vm.State == types.VM_STATE_DELETED {
			return nil, types.ErrInvalidPolicy.Wrapf("vm %d is deleted", vm.Id)
		}
	}
	pol := types.ApprovalPolicy{Owner: ownerStr, VmId: msg.VmId, Approvers: msg.Approvers, Threshold: msg.Threshold,
		TtlBlocks: msg.TtlBlocks, TtlSeconds: msg.TtlSeconds}
	if err := m.Policies.Set(ctx, collections.Join(owner, msg.VmId), pol); err != nil {
		return nil, err
	}
	emit(ctx, types.EventTypePolicySet, types.AttributeKeyOwner, ownerStr, types.AttributeKeyVMID, fmt.Sprint(msg.VmId),
		types.AttributeKeyThreshold, fmt.Sprintf("%d/%d", msg.Threshold, len(msg.Approvers)))
	return &types.MsgSetApprovalPolicyResponse{}, nil
}

func (m msgServer) ClearApprovalPolicy(ctx context.Context, msg *types.MsgClearApprovalPolicy) (*types.MsgClearApprovalPolicyResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerGovMsg, "vmlifecycle governance")
	owner, ownerStr, err := m.signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	key := collections.Join(owner, msg.VmId)
	if has, err := m.Policies.Has(ctx, key); err != nil {
		return nil, err
	} else if !has {
		return nil, types.ErrPolicyNotFound.Wrapf("%s vm %d", ownerStr, msg.VmId)
	}
	if err := m.Policies.Remove(ctx, key); err != nil {
		return nil, err
	}
	emit(ctx, types.EventTypePolicyCleared, types.AttributeKeyOwner, ownerStr, types.AttributeKeyVMID, fmt.Sprint(msg.VmId))
	return &types.MsgClearApprovalPolicyResponse{}, nil
}

func (m msgServer) ApproveOperation(ctx context.Context, msg *types.MsgApproveOperation) (*types.MsgApproveOperationResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerGovMsg, "vmlifecycle governance")
	_, approver, err := m.signer(msg.Approver)
	if err != nil {
		return nil, err
	}
	o, err := m.getOp(ctx, msg.OperationId)
	if err != nil {
		return nil, err
	}
	switch {
	case o.Status == types.OPERATION_STATUS_EXPIRED,
		o.Status == types.OPERATION_STATUS_AWAITING_APPROVAL && pastDeadline(ctx, o):
		return nil, types.ErrOperationExpired.Wrapf("operation %d", o.Id)
	case o.Status != types.OPERATION_STATUS_AWAITING_APPROVAL:
		return nil, types.ErrOperationNotPending.Wrapf("operation %d is %s", o.Id, o.Status)
	}
	if i := sort.SearchStrings(o.Approvers, approver); i >= len(o.Approvers) || o.Approvers[i] != approver {
		return nil, types.ErrNotApprover.Wrapf("%s on operation %d", approver, o.Id)
	}
	if slices.Contains(o.Approvals, approver) {
		return nil, types.ErrAlreadyApproved.Wrapf("%s on operation %d", approver, o.Id)
	}
	o.Approvals = append(slices.Clone(o.Approvals), approver)
	emit(ctx, types.EventTypeOpApproved, types.AttributeKeyOpID, fmt.Sprint(o.Id), types.AttributeKeyApprover, approver,
		types.AttributeKeyApprovals, fmt.Sprint(len(o.Approvals)), types.AttributeKeyThreshold, fmt.Sprint(o.Threshold))
	if uint32(len(o.Approvals)) >= o.Threshold {
		// The operation's scheduler work is paid from this transaction's gas: a budget error
		// fails the approval (nothing recorded, like running out of gas), so it can be sent again
		// with more gas; any other execution error is recorded on the operation (FAILED).
		if err := m.release(ctx, &o); errors.Is(err, types.ErrSchedulerBudget) {
			return nil, err
		}
	}
	if err := m.Ops.Set(ctx, o.Id, o); err != nil {
		return nil, err
	}
	return &types.MsgApproveOperationResponse{Status: o.Status, Approvals: uint32(len(o.Approvals)), Error: o.Error}, nil
}

func (m msgServer) CancelScheduledOperation(ctx context.Context, msg *types.MsgCancelScheduledOperation) (*types.MsgCancelScheduledOperationResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerGovMsg, "vmlifecycle governance")
	_, ownerStr, err := m.signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	o, err := m.getOp(ctx, msg.OperationId)
	if err != nil {
		return nil, err
	}
	if o.Owner != ownerStr {
		return nil, types.ErrNotOperationOwner.Wrapf("operation %d", o.Id)
	}
	switch {
	case o.Status == types.OPERATION_STATUS_QUEUED && isDue(ctx, o):
		return nil, types.ErrNotCancellable.Wrapf("operation %d is due (%s)", o.Id, dueString(o))
	case o.Status != types.OPERATION_STATUS_QUEUED && o.Status != types.OPERATION_STATUS_AWAITING_APPROVAL:
		return nil, types.ErrNotCancellable.Wrapf("operation %d is %s", o.Id, o.Status)
	}
	o.Status = types.OPERATION_STATUS_CANCELLED
	o.FinishedHeight = sdk.UnwrapSDKContext(ctx).BlockHeight()
	if err := m.Ops.Set(ctx, o.Id, o); err != nil {
		return nil, err
	}
	emit(ctx, types.EventTypeOpCancelled, types.AttributeKeyOpID, fmt.Sprint(o.Id), types.AttributeKeyVMID, fmt.Sprint(o.Op.VmId),
		types.AttributeKeyOwner, ownerStr)
	return &types.MsgCancelScheduledOperationResponse{}, nil
}

// dueKeys collects up to n keys ≤ upTo of a (due, id) index, in order.
func dueKeys(ctx context.Context, ks keyWalker[collections.Pair[int64, uint64]], upTo int64, n int) ([]collections.Pair[int64, uint64], error) {
	var out []collections.Pair[int64, uint64]
	if n <= 0 {
		return nil, nil
	}
	rng := new(collections.Range[collections.Pair[int64, uint64]]).EndExclusive(collections.Join(upTo+1, uint64(0)))
	err := ks.Walk(ctx, rng, func(key collections.Pair[int64, uint64]) (bool, error) {
		out = append(out, key)
		return len(out) >= n, nil
	})
	return out, err
}

// keyWalker is a key set or a keyindex.Index.
type keyWalker[K any] interface {
	Walk(ctx context.Context, ranger collections.Ranger[K], fn func(key K) (stop bool, err error)) error
}

// expireOps marks up to MaxExpirationsPerBlock proposals whose deadline has passed (deadline ≤ this
// block) EXPIRED: height deadlines first, then time deadlines, each in (deadline, id) order.
func (k Keeper) expireOps(ctx context.Context, p types.Params) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	budget := int(p.MaxExpirationsPerBlock)
	byH, err := dueKeys(ctx, k.Ops.Indexes.DeadlineHeight, sdkCtx.BlockHeight(), budget)
	if err != nil {
		return err
	}
	byT, err := dueKeys(ctx, k.Ops.Indexes.DeadlineTime, sdkCtx.BlockTime().Unix(), budget-len(byH))
	if err != nil {
		return err
	}
	for _, key := range append(byH, byT...) {
		o, err := k.getOp(ctx, key.K2())
		if err != nil {
			return err
		}
		o.Status = types.OPERATION_STATUS_EXPIRED
		o.Error = fmt.Sprintf("%d of %d approvals by the deadline", len(o.Approvals), o.Threshold)
		o.FinishedHeight = sdkCtx.BlockHeight()
		if err := k.Ops.Set(ctx, o.Id, o); err != nil {
			return err
		}
		emit(ctx, types.EventTypeOpExpired, types.AttributeKeyOpID, fmt.Sprint(o.Id), types.AttributeKeyVMID, fmt.Sprint(o.Op.VmId),
			types.AttributeKeyApprovals, fmt.Sprint(len(o.Approvals)))
	}
	return nil
}

// runDueOps executes up to MaxScheduledOpsPerBlock due QUEUED operations (at_height ≤ height or
// not_before ≤ block time), oldest operation id first; each runs in its own cache context and a
// failure is recorded on the operation, never returned. Once less than a placement's worth of the
// block's scheduling budget is left, the remaining due operations wait for the next block.
func (k Keeper) runDueOps(ctx context.Context, p types.Params) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	budget := int(p.MaxScheduledOpsPerBlock)
	byH, err := dueKeys(ctx, k.Ops.Indexes.QueueHeight, sdkCtx.BlockHeight(), budget)
	if err != nil {
		return err
	}
	byT, err := dueKeys(ctx, k.Ops.Indexes.QueueTime, sdkCtx.BlockTime().Unix(), budget)
	if err != nil {
		return err
	}
	ids := make([]uint64, 0, len(byH)+len(byT))
	for _, key := range append(byH, byT...) {
		ids = append(ids, key.K2())
	}
	slices.Sort(ids)
	if len(ids) > budget {
		ids = ids[:budget]
	}
	for _, id := range ids {
		if !endBlockSchedulingLeft(ctx) {
			// the block's scheduling budget is nearly spent: the rest stay QUEUED (still due) and
			// run next block, rather than fail for want of budget that is not theirs
			return nil
		}
		o, err := k.getOp(ctx, id)
		if err != nil {
			return err
		}
		_ = k.runOp(ctx, &o) // recorded on the operation (FAILED), never returned from EndBlock
		if o.Status == types.OPERATION_STATUS_FAILED {
			k.logger(ctx).Error("scheduled operation failed", "operation", o.Id, "err", o.Error)
		}
		if err := k.Ops.Set(ctx, o.Id, o); err != nil {
			return err
		}
	}
	return nil
}
