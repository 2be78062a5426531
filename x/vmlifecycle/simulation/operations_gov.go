package simulation

import (
	"math/rand"
	"slices"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	simkit "github.com/novacron/novacron/x/internal/simulation"
	"github.com/novacron/novacron/x/vmlifecycle/keeper"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// Operations for the governance of VM operations: approval policies, approvals, cancels, rules and
// time-locked VM operations. Like the others they are built from the current state with the right
// signer most of the time, and now and then with a wrong one (a rejected message is a no-op).

// liveVM picks a VM that is not deleted.
func liveVM(r *rand.Rand, ctx sdk.Context, k keeper.Keeper) (types.VM, bool) {
	return randomVM(r, ctx, k, func(v types.VM) bool { return v.State != types.VM_STATE_DELETED })
}

// randomApprovers returns 1..3 distinct accounts, sorted (the policy's canonical order); the VM's
// owner is one of them now and then.
func randomApprovers(k keeper.Keeper, r *rand.Rand, accs []simtypes.Account, owner string) []string {
	n := 1 + r.Intn(3)
	set := map[string]bool{}
	if r.Intn(4) == 0 {
		set[owner] = true
	}
	for tries := 0; len(set) < n && tries < 10 && len(accs) > 0; tries++ {
		set[bech32(k, accs[r.Intn(len(accs))].Address)] = true
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// GenSetApprovalPolicy guards a VM (one time in five all the owner's VMs) with k-of-n
// approvals and a short ttl, so that proposals are approved, expire or are cancelled within the run.
func GenSetApprovalPolicy(k keeper.Keeper) simkit.Gen[*types.MsgSetApprovalPolicy] {
	return func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (*types.MsgSetApprovalPolicy, string) {
		msg := &types.MsgSetApprovalPolicy{}
		vm, ok := liveVM(r, ctx, k)
		if !ok {
			return msg, "no VM"
		}
		msg.Owner, msg.VmId = vm.Owner, vm.Id
		if r.Intn(5) == 0 {
			msg.VmId = 0
		}
		msg.Approvers = randomApprovers(k, r, accs, vm.Owner)
		msg.Threshold = uint32(1 + r.Intn(len(msg.Approvers)))
		if r.Intn(3) == 0 {
			msg.TtlSeconds = int64(10 + r.Intn(60))
		} else {
			msg.TtlBlocks = int64(1 + r.Intn(15))
		}
		return msg, ""
	}
}

// SimulateMsgSetApprovalPolicy delivers GenSetApprovalPolicy's message.
func SimulateMsgSetApprovalPolicy(k keeper.Keeper) simtypes.Operation {
	return op(k, GenSetApprovalPolicy(k))
}

// GenClearApprovalPolicy clears a stored policy (among the first 64), by its owner.
func GenClearApprovalPolicy(k keeper.Keeper) simkit.Gen[*types.MsgClearApprovalPolicy] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account) (*types.MsgClearApprovalPolicy, string) {
		msg := &types.MsgClearApprovalPolicy{}
		var pols []types.ApprovalPolicy
		_ = k.Policies.Walk(ctx, nil, func(_ collections.Pair[sdk.AccAddress, uint64], p types.ApprovalPolicy) (bool, error) {
			pols = append(pols, p)
			return len(pols) >= 64, nil
		})
		if len(pols) == 0 {
			return msg, "no policy"
		}
		p := pols[r.Intn(len(pols))]
		msg.Owner, msg.VmId = p.Owner, p.VmId
		return msg, ""
	}
}

// SimulateMsgClearApprovalPolicy delivers GenClearApprovalPolicy's message.
func SimulateMsgClearApprovalPolicy(k keeper.Keeper) simtypes.Operation {
	return op(k, GenClearApprovalPolicy(k))
}

// opsWithStatus returns up to 64 operations in one of the statuses (newest ids last).
func opsWithStatus(ctx sdk.Context, k keeper.Keeper, statuses ...types.OperationStatus) []types.Operation {
	var out []types.Operation
	for _, st := range statuses {
		rng := collections.NewPrefixedPairRange[int32, uint64](int32(st))
		_ = k.Ops.Indexes.ByStatus.Walk(ctx, rng, func(_ int32, id uint64) (bool, error) {
			if o, err := k.Ops.Get(ctx, id); err == nil {
				out = append(out, o)
			}
			return len(out) >= 64, nil
		})
	}
	return out
}

// GenApproveOperation approves a proposal awaiting approvals, by one of its approvers that has
// not approved yet (one time in six by a random account: not an approver, or already approved).
func GenApproveOperation(k keeper.Keeper) simkit.Gen[*types.MsgApproveOperation] {
	return func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (*types.MsgApproveOperation, string) {
		msg := &types.MsgApproveOperation{}
		ops := opsWithStatus(ctx, k, types.OPERATION_STATUS_AWAITING_APPROVAL)
		if len(ops) == 0 {
			return msg, "no proposal"
		}
		o := ops[r.Intn(len(ops))]
		msg.OperationId = o.Id
		var left []string
		for _, a := range o.Approvers {
			if !slices.Contains(o.Approvals, a) {
				left = append(left, a)
			}
		}
		switch {
		case r.Intn(6) == 0 && len(accs) > 0:
			msg.Approver = bech32(k, accs[r.Intn(len(accs))].Address)
		case len(left) > 0:
			msg.Approver = left[r.Intn(len(left))]
		default:
			msg.Approver = o.Approvers[0]
		}
		return msg, ""
	}
}

// SimulateMsgApproveOperation delivers GenApproveOperation's message.
func SimulateMsgApproveOperation(k keeper.Keeper) simtypes.Operation {
	return op(k, GenApproveOperation(k))
}

// GenCancelScheduledOperation cancels a queued operation or a proposal, by its owner (one
// time in six by a random account).
func GenCancelScheduledOperation(k keeper.Keeper) simkit.Gen[*types.MsgCancelScheduledOperation] {
	return func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (*types.MsgCancelScheduledOperation, string) {
		msg := &types.MsgCancelScheduledOperation{}
		ops := opsWithStatus(ctx, k, types.OPERATION_STATUS_QUEUED, types.OPERATION_STATUS_AWAITING_APPROVAL)
		if len(ops) == 0 {
			return msg, "no operation to cancel"
		}
		o := ops[r.Intn(len(ops))]
		msg.Owner, msg.OperationId = o.Owner, o.Id
		if r.Intn(6) == 0 && len(accs) > 0 {
			msg.Owner = bech32(k, accs[r.Intn(len(accs))].Address)
		}
		return msg, ""
	}
}

// SimulateMsgCancelScheduledOperation delivers GenCancelScheduledOperation's message.
func SimulateMsgCancelScheduledOperation(k keeper.Keeper) simtypes.Operation {
	return op(k, GenCancelScheduledOperation(k))
}

var ruleStates = []types.VMState{types.VM_STATE_FAILED, types.VM_STATE_FAILED, types.VM_STATE_RUNNING, types.VM_STATE_STOPPED}

// randomAction is an action of any kind; start and stop are the most frequent.
func randomAction(r *rand.Rand) types.RuleAction {
	switch r.Intn(8) {
	case 0:
		return types.RuleAction{Kind: types.OP_KIND_RESIZE, Resources: randomResources(r, false)}
	case 1:
		a := types.RuleAction{Kind: types.OP_KIND_MIGRATE}
		if r.Intn(2) == 0 {
			a.NearestRegion = Regions[r.Intn(len(Regions))]
		}
		return a
	case 2:
		return types.RuleAction{Kind: types.OP_KIND_DELETE}
	case 3, 4:
		return types.RuleAction{Kind: types.OP_KIND_STOP}
	default:
		return types.RuleAction{Kind: types.OP_KIND_START}
	}
}

// GenCreateRule creates a rule of a VM's owner with a trigger of every kind (VM state of one
// of the targets, host draining/drained, a height a few blocks ahead) and a random action on the
// VM, and one time in three on a second VM of the same owner.
func GenCreateRule(k keeper.Keeper) simkit.Gen[*types.MsgCreateRule] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account) (*types.MsgCreateRule, string) {
		msg := &types.MsgCreateRule{}
		vm, ok := liveVM(r, ctx, k)
		if !ok {
			return msg, "no VM"
		}
		msg.Owner, msg.VmIds = vm.Owner, []uint64{vm.Id}
		if r.Intn(3) == 0 {
			if other, ok := randomVM(r, ctx, k, func(v types.VM) bool {
				return v.Owner == vm.Owner && v.Id != vm.Id && v.State != types.VM_STATE_DELETED
			}); ok {
				msg.VmIds = append(msg.VmIds, other.Id)
				slices.Sort(msg.VmIds)
			}
		}
		switch x := r.Intn(10); {
		case x < 6:
			msg.Trigger = types.Trigger{Kind: types.TRIGGER_KIND_VM_STATE, VmId: vm.Id, State: ruleStates[r.Intn(len(ruleStates))]}
		case x < 8:
			h, ok := randomHost(r, ctx, k)
			if !ok {
				return msg, "no host"
			}
			msg.Trigger = types.Trigger{Kind: types.TRIGGER_KIND_HOST_DRAINING, HostId: h.Id}
			if x == 7 {
				msg.Trigger.Kind = types.TRIGGER_KIND_HOST_DRAINED
			}
		default:
			msg.Trigger = types.Trigger{Kind: types.TRIGGER_KIND_HEIGHT, Height: ctx.BlockHeight() + 1 + int64(r.Intn(20))}
		}
		msg.Action = randomAction(r)
		return msg, ""
	}
}

// SimulateMsgCreateRule delivers GenCreateRule's message.
func SimulateMsgCreateRule(k keeper.Keeper) simtypes.Operation { return op(k, GenCreateRule(k)) }

// GenDeleteRule deletes a rule (among the first 64), by its owner.
func GenDeleteRule(k keeper.Keeper) simkit.Gen[*types.MsgDeleteRule] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account) (*types.MsgDeleteRule, string) {
		msg := &types.MsgDeleteRule{}
		var rules []types.Rule
		_ = k.Rules.Walk(ctx, nil, func(_ uint64, ru types.Rule) (bool, error) {
			rules = append(rules, ru)
			return len(rules) >= 64, nil
		})
		if len(rules) == 0 {
			return msg, "no rule"
		}
		ru := rules[r.Intn(len(rules))]
		msg.Owner, msg.RuleId = ru.Owner, ru.Id
		return msg, ""
	}
}

// SimulateMsgDeleteRule delivers GenDeleteRule's message.
func SimulateMsgDeleteRule(k keeper.Keeper) simtypes.Operation { return op(k, GenDeleteRule(k)) }

// GenTimeLockedVMOp is a MsgStartVM/StopVM/ResizeVM/MigrateVM/DeleteVM (kind 0..4; a random
// one for kind < 0) with at_height (1..10 blocks ahead) or not_before (5..60 s ahead) for a VM
// of its owner; under an approval policy a guarded kind becomes a proposal that then waits for
// its time-lock.
func GenTimeLockedVMOp(k keeper.Keeper, kind int) simkit.Gen[sdk.Msg] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account) (sdk.Msg, string) {
		var atHeight, notBefore int64
		if r.Intn(2) == 0 {
			atHeight = ctx.BlockHeight() + 1 + int64(r.Intn(10))
		} else {
			notBefore = ctx.BlockTime().Unix() + 5 + int64(r.Intn(56))
		}
		vm, ok := liveVM(r, ctx, k)
		if kind < 0 {
			kind = r.Intn(5)
		}
		var msg sdk.Msg
		switch kind {
		case 0:
			msg = &types.MsgStartVM{Owner: vm.Owner, VmId: vm.Id, AtHeight: atHeight, NotBefore: notBefore}
		case 1:
			msg = &types.MsgStopVM{Owner: vm.Owner, VmId: vm.Id, AtHeight: atHeight, NotBefore: notBefore}
		case 2:
			msg = &types.MsgResizeVM{Owner: vm.Owner, VmId: vm.Id, Resources: randomResources(r, false), AtHeight: atHeight, NotBefore: notBefore}
		case 3:
			m := &types.MsgMigrateVM{Owner: vm.Owner, VmId: vm.Id, AtHeight: atHeight, NotBefore: notBefore}
			if r.Intn(2) == 0 {
				m.NearestRegion = Regions[r.Intn(len(Regions))]
			}
			msg = m
		default:
			msg = &types.MsgDeleteVM{Owner: vm.Owner, VmId: vm.Id, AtHeight: atHeight, NotBefore: notBefore}
		}
		if !ok {
			return msg, "no VM"
		}
		return msg, ""
	}
}

// SimulateTimeLockedVMOp delivers GenTimeLockedVMOp's message of a random kind.
func SimulateTimeLockedVMOp(k keeper.Keeper) simtypes.Operation {
	return op(k, GenTimeLockedVMOp(k, -1))
}
