package keeper

import (
	"context"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// InitGenesis loads the state; the IndexedMaps write their indexes, the counters are rebuilt here.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.addressCodec); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.NextVMID.Set(ctx, max(gs.NextVmId, 1)); err != nil {
		return err
	}
	if err := k.AuditSeq.Set(ctx, max(gs.NextAuditSeq, 1)); err != nil {
		return err
	}
	for _, h := range gs.Hosts {
		_, opStr, err := k.canonical(h.Operator)
		if err != nil {
			return err
		}
		h.Operator = opStr
		if err := k.Hosts.Set(ctx, h.Id, h); err != nil {
			return err
		}
		if err := addCount(ctx, k.RegionHosts, h.Region, +1); err != nil {
			return err
		}
	}
	// Operators no longer on host_operators that still have ACTIVE hosts (an export taken while
	// EndBlock was draining them, or a hand-written genesis): EndBlock goes on draining them.
	for _, h := range gs.Hosts {
		if h.Status != types.HOST_STATUS_ACTIVE {
			continue
		}
		op, opStr, err := k.canonical(h.Operator)
		if err != nil {
			return err
		}
		if gs.Params.IsHostOperator(opStr) {
			continue
		}
		if err := k.RevokedOperators.Set(ctx, op); err != nil {
			return err
		}
	}
	for _, h := range gs.DrainQueue {
		if err := k.DrainQueue.Set(ctx, h); err != nil {
			return err
		}
	}
	for _, vm := range gs.Vms {
		owner, ownerStr, err := k.canonical(vm.Owner)
		if err != nil {
			return err
		}
		vm.Owner = ownerStr
		if err := k.VMs.Set(ctx, vm.Id, vm); err != nil {
			return err
		}
		if vm.State != types.VM_STATE_DELETED {
			if err := k.VMByName.Set(ctx, collections.Join(owner, vm.Name), vm.Id); err != nil {
				return err
			}
		}
		if types.Placed(vm.State) {
			if g := vm.Constraints.AntiAffinityGroup; g != "" {
				if err := addCount(ctx, k.GroupOnHost, collections.Join3(owner, g, vm.HostId), +1); err != nil {
					return err
				}
			}
			if err := addCount(ctx, k.OwnerOnHost, collections.Join(vm.HostId, owner), +1); err != nil {
				return err
			}
		}
	}
	for _, e := range gs.AuditLog {
		if err := k.Audit.Set(ctx, e.Seq, e); err != nil {
			return err
		}
	}
	for _, ex := range gs.Explanations {
		if err := k.Explanations.Set(ctx, ex.VmId, ex); err != nil {
			return err
		}
	}
	for _, p := range gs.Pending {
		if err := k.PendingQueue.Set(ctx, collections.Join(p.RetryHeight, p.VmId)); err != nil {
			return err
		}
	}
	for _, c := range gs.DrainCursors {
		if err := k.DrainCursor.Set(ctx, c.HostId, c.LastVmId); err != nil {
			return err
		}
	}
	return k.initGovernance(ctx, gs)
}

// initGovernance loads policies, operations, rules and rule events.
func (k Keeper) initGovernance(ctx context.Context, gs *types.GenesisState) error {
	for _, seq := range []struct {
		s collections.Sequence
		v uint64
	}{{k.NextOpID, gs.NextOperationId}, {k.NextRuleID, gs.NextRuleId}, {k.NextRuleEvent, gs.NextRuleEventSeq}} {
		if err := seq.s.Set(ctx, max(seq.v, 1)); err != nil {
			return err
		}
	}
	for _, pol := range gs.ApprovalPolicies {
		owner, ownerStr, err := k.canonical(pol.Owner)
		if err != nil {
			return err
		}
		pol.Owner = ownerStr
		if err := k.Policies.Set(ctx, collections.Join(owner, pol.VmId), pol); err != nil {
			return err
		}
	}
	for _, o := range gs.Operations {
		if err := k.Ops.Set(ctx, o.Id, o); err != nil {
			return err
		}
	}
	for _, r := range gs.Rules {
		if err := k.Rules.Set(ctx, r.Id, r); err != nil {
			return err
		}
	}
	for _, ev := range gs.RuleEvents {
		if err := k.RuleEvents.Set(ctx, ev.Seq, ev); err != nil {
			return err
		}
	}
	return nil
}

func (k Keeper) exportGovernance(ctx context.Context, gs *types.GenesisState) error {
	var err error
	if gs.NextOperationId, err = k.NextOpID.Peek(ctx); err != nil {
		return err
	}
	if gs.NextRuleId, err = k.NextRuleID.Peek(ctx); err != nil {
		return err
	}
	if gs.NextRuleEventSeq, err = k.NextRuleEvent.Peek(ctx); err != nil {
		return err
	}
	gs.NextOperationId, gs.NextRuleId, gs.NextRuleEventSeq = max(gs.NextOperationId, 1), max(gs.NextRuleId, 1), max(gs.NextRuleEventSeq, 1)
	if err := k.Policies.Walk(ctx, nil, func(_ collections.Pair[sdk.AccAddress, uint64], p types.ApprovalPolicy) (bool, error) {
		gs.ApprovalPolicies = append(gs.ApprovalPolicies, p)
		return false, nil
	}); err != nil {
		return err
	}
	if err := k.Ops.Walk(ctx, nil, func(_ uint64, o types.Operation) (bool, error) {
		gs.Operations = append(gs.Operations, o)
		return false, nil
	}); err != nil {
		return err
	}
	if err := k.Rules.Walk(ctx, nil, func(_ uint64, r types.Rule) (bool, error) {
		gs.Rules = append(gs.Rules, r)
		return false, nil
	}); err != nil {
		return err
	}
	return k.RuleEvents.Walk(ctx, nil, func(_ uint64, ev types.RuleEvent) (bool, error) {
		gs.RuleEvents = append(gs.RuleEvents, ev)
		return false, nil
	})
}

// ExportGenesis writes the state in key order (indexes are derived and not exported).
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	var err error
	if gs.Params, err = k.Params.Get(ctx); err != nil {
		return nil, err
	}
	if gs.NextVmId, err = k.NextVMID.Peek(ctx); err != nil {
		return nil, err
	}
	if gs.NextAuditSeq, err = k.AuditSeq.Peek(ctx); err != nil {
		return nil, err
	}
	gs.NextVmId, gs.NextAuditSeq = max(gs.NextVmId, 1), max(gs.NextAuditSeq, 1)
	if err := k.Hosts.Walk(ctx, nil, func(_ string, h types.Host) (bool, error) {
		gs.Hosts = append(gs.Hosts, h)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.VMs.Walk(ctx, nil, func(_ uint64, vm types.VM) (bool, error) {
		gs.Vms = append(gs.Vms, vm)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Audit.Walk(ctx, nil, func(_ uint64, e types.AuditEntry) (bool, error) {
		gs.AuditLog = append(gs.AuditLog, e)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Explanations.Walk(ctx, nil, func(_ uint64, ex types.Explanation) (bool, error) {
		gs.Explanations = append(gs.Explanations, ex)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.PendingQueue.Walk(ctx, nil, func(key collections.Pair[int64, uint64]) (bool, error) {
		gs.Pending = append(gs.Pending, types.PendingEntry{RetryHeight: key.K1(), VmId: key.K2()})
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.DrainCursor.Walk(ctx, nil, func(h string, c uint64) (bool, error) {
		gs.DrainCursors = append(gs.DrainCursors, types.DrainCursor{HostId: h, LastVmId: c})
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.DrainQueue.Walk(ctx, nil, func(h string) (bool, error) {
		gs.DrainQueue = append(gs.DrainQueue, h)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.exportGovernance(ctx, gs); err != nil {
		return nil, err
	}
	return gs, nil
}
