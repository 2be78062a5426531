package keeper

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// GasPerRuleTarget is charged per target VM of MsgCreateRule, before the VM is read.
const GasPerRuleTarget = 1_000

// noteVMState records a VM_STATE trigger event, only when some rule listens for (vm, state).
func (k Keeper) noteVMState(ctx context.Context, vmID uint64, s types.VMState) error {
	listens, err := hasAny(ctx, k.Rules.Indexes.ByVMState, collections.NewSuperPrefixedTripleRange[uint64, int32, uint64](vmID, int32(s)))
	if err != nil || !listens {
		return err
	}
	return k.appendRuleEvent(ctx, types.RuleEvent{Kind: types.TRIGGER_KIND_VM_STATE, VmId: vmID, State: s})
}

// noteHost records a host trigger event, only when some rule listens for (host, kind).
func (k Keeper) noteHost(ctx context.Context, hostID string, kind types.TriggerKind) error {
	listens, err := hasAny(ctx, k.Rules.Indexes.ByHost, collections.NewSuperPrefixedTripleRange[string, int32, uint64](hostID, int32(kind)))
	if err != nil || !listens {
		return err
	}
	return k.appendRuleEvent(ctx, types.RuleEvent{Kind: kind, HostId: hostID})
}

// NoteIncident records an INCIDENT trigger event for x/heal, only when some rule listens on vmID.
func (k Keeper) NoteIncident(ctx context.Context, vmID, incidentID uint64, kind string) error {
	listens, err := hasAny(ctx, k.Rules.Indexes.ByIncident, collections.NewPrefixedPairRange[uint64, uint64](vmID))
	if err != nil || !listens {
		return err
	}
	return k.appendRuleEvent(ctx, types.RuleEvent{Kind: types.TRIGGER_KIND_INCIDENT, VmId: vmID, IncidentId: incidentID, IncidentKind: kind})
}

func hasAny[K any](ctx context.Context, ks keyWalker[K], rng collections.Ranger[K]) (bool, error) {
	found := false
	err := ks.Walk(ctx, rng, func(K) (bool, error) {
		found = true
		return true, nil
	})
	return found, err
}

func (k Keeper) appendRuleEvent(ctx context.Context, ev types.RuleEvent) error {
	seq, err := nextID(ctx, k.NextRuleEvent)
	if err != nil {
		return err
	}
	ev.Seq = seq
	ev.Height = sdk.UnwrapSDKContext(ctx).BlockHeight()
	return k.RuleEvents.Set(ctx, seq, ev)
}

func (m msgServer) CreateRule(ctx context.Context, msg *types.MsgCreateRule) (*types.MsgCreateRuleResponse, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	sdkCtx.GasMeter().ConsumeGas(GasPerGovMsg, "vmlifecycle governance")
	owner, ownerStr, err := m.signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	p, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateRuleShape(msg.Trigger, msg.Action, msg.VmIds, p); err != nil {
		return nil, err
	}
	n := 0
	if err := m.Rules.Indexes.ByOwner.Walk(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, uint64](owner),
		func(sdk.AccAddress, uint64) (bool, error) {
			n++
			return uint32(n) >= p.MaxRulesPerOwner, nil
		}); err != nil {
		return nil, err
	}
	if uint32(n) >= p.MaxRulesPerOwner {
		return nil, types.ErrTooManyRules.Wrapf("%s has %d rules (max %d)", ownerStr, n, p.MaxRulesPerOwner)
	}
	t := msg.Trigger
	switch t.Kind {
	case types.TRIGGER_KIND_VM_STATE, types.TRIGGER_KIND_INCIDENT:
		if _, err := m.ownedVM(ctx, ownerStr, t.VmId); err != nil {
			return nil, err
		}
	case types.TRIGGER_KIND_HOST_DRAINING, types.TRIGGER_KIND_HOST_DRAINED:
		if _, err := m.getHost(ctx, t.HostId); err != nil {
			return nil, err
		}
	case types.TRIGGER_KIND_HEIGHT:
		if h := sdkCtx.BlockHeight(); t.Height <= h || t.Height-h > p.MaxTimelockBlocks {
			return nil, types.ErrInvalidRule.Wrapf("trigger height %d: want %d..%d", t.Height, h+1, h+p.MaxTimelockBlocks)
		}
	}
	sdkCtx.GasMeter().ConsumeGas(GasPerRuleTarget*uint64(len(msg.VmIds)), "vmlifecycle rule targets")
	for _, id := range msg.VmIds {
		vm, err := m.ownedVM(ctx, ownerStr, id)
		if err != nil {
			return nil, err
		}
		if vm.State == types.VM_STATE_DELETED {
			return nil, types.ErrInvalidRule.Wrapf("target vm %d is deleted", id)
		}
	}
	id, err := nextID(ctx, m.NextRuleID)
	if err != nil {
		return nil, err
	}
	r := types.Rule{Id: id, Owner: ownerStr, Trigger: t, Action: msg.Action, VmIds: msg.VmIds, CreatedHeight: sdkCtx.BlockHeight()}
	if err := m.Rules.Set(ctx, id, r); err != nil {
		return nil, err
	}
	emit(ctx, types.EventTypeRuleCreated, types.AttributeKeyRuleID, fmt.Sprint(id), types.AttributeKeyOwner, ownerStr,
		types.AttributeKeyTrigger, t.Describe(), types.AttributeKeyOpKind, msg.Action.Kind.String())
	return &types.MsgCreateRuleResponse{RuleId: id}, nil
}

func (m msgServer) DeleteRule(ctx context.Context, msg *types.MsgDeleteRule) (*types.MsgDeleteRuleResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerGovMsg, "vmlifecycle governance")
	_, ownerStr, err := m.signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	r, err := m.Rules.Get(ctx, msg.RuleId)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, types.ErrRuleNotFound.Wrapf("rule %d", msg.RuleId)
	}
	if err != nil {
		return nil, err
	}
	if r.Owner != ownerStr {
		return nil, types.ErrNotRuleOwner.Wrapf("rule %d", r.Id)
	}
	if err := m.Rules.Remove(ctx, r.Id); err != nil {
		return nil, err
	}
	emit(ctx, types.EventTypeRuleDeleted, types.AttributeKeyRuleID, fmt.Sprint(r.Id), types.AttributeKeyOwner, ownerStr)
	return &types.MsgDeleteRuleResponse{}, nil
}

// evaluateRules fires rules in EndBlock, at most MaxRuleFiringsPerBlock rule evaluations in total:
// first HEIGHT rules whose height has come ((height, id) order), then the recorded trigger events in
// seq order (at most MaxRuleEventsPerBlock of them), each event's listening rules in id order. Only
// events recorded before this phase started are looked at, so state changes made by rule actions
// trigger rules in a later block at the earliest (no loops within a block). A rule fires at most once
// per block. When the budget runs out inside an event, the event keeps a cursor and resumes next block.
func (k Keeper) evaluateRules(ctx context.Context, p types.Params) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	height := sdkCtx.BlockHeight()
	budget := int(p.MaxRuleFiringsPerBlock)
	snapshot, err := k.NextRuleEvent.Peek(ctx)
	if err != nil {
		return err
	}
	due, err := dueKeys(ctx, k.Rules.Indexes.ByHeight, height, budget)
	if err != nil {
		return err
	}
	for _, key := range due {
		if err := k.fire(ctx, key.K2(), "height reached"); err != nil {
			return err
		}
		budget--
	}
	var events []types.RuleEvent
	if err := k.RuleEvents.Walk(ctx, new(collections.Range[uint64]).EndExclusive(snapshot), func(_ uint64, ev types.RuleEvent) (bool, error) {
		events = append(events, ev)
		return uint32(len(events)) >= p.MaxRuleEventsPerBlock, nil
	}); err != nil {
		return err
	}
	for _, ev := range events {
		if budget <= 0 {
			return nil
		}
		ids, err := k.listeners(ctx, ev, budget)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := k.fire(ctx, id, describeEvent(ev)); err != nil {
				return err
			}
		}
		budget -= len(ids)
		if budget <= 0 && len(ids) > 0 { // maybe more listeners: resume after the last one next block
			ev.LastRuleId = ids[len(ids)-1]
			if err := k.RuleEvents.Set(ctx, ev.Seq, ev); err != nil {
				return err
			}
			continue
		}
		if err := k.RuleEvents.Remove(ctx, ev.Seq); err != nil {
			return err
		}
	}
	return nil
}

func describeEvent(ev types.RuleEvent) string {
	if ev.Kind == types.TRIGGER_KIND_INCIDENT {
		return fmt.Sprintf("incident %d (%s) on vm %d", ev.IncidentId, ev.IncidentKind, ev.VmId)
	}
	return types.Trigger{Kind: ev.Kind, VmId: ev.VmId, State: ev.State, HostId: ev.HostId}.Describe()
}

// listeners returns up to n ids (> ev.LastRuleId) of the rules listening for ev.
func (k Keeper) listeners(ctx context.Context, ev types.RuleEvent, n int) ([]uint64, error) {
	var ids []uint64
	switch ev.Kind {
	case types.TRIGGER_KIND_VM_STATE:
		err := k.Rules.Indexes.ByVMState.Walk(ctx, tripleAfter[uint64]{ev.VmId, int32(ev.State), ev.LastRuleId},
			func(key collections.Triple[uint64, int32, uint64]) (bool, error) {
				ids = append(ids, key.K3())
				return len(ids) >= n, nil
			})
		return ids, err
	case types.TRIGGER_KIND_HOST_DRAINING, types.TRIGGER_KIND_HOST_DRAINED:
		err := k.Rules.Indexes.ByHost.Walk(ctx, tripleAfter[string]{ev.HostId, int32(ev.Kind), ev.LastRuleId},
			func(key collections.Triple[string, int32, uint64]) (bool, error) {
				ids = append(ids, key.K3())
				return len(ids) >= n, nil
			})
		return ids, err
	case types.TRIGGER_KIND_INCIDENT: // rules naming another incident kind are passed over
		rng := new(collections.Range[collections.Pair[uint64, uint64]]).
			StartExclusive(collections.Join(ev.VmId, ev.LastRuleId)).EndInclusive(collections.Join(ev.VmId, uint64(math.MaxUint64)))
		err := k.Rules.Indexes.ByIncident.Walk(ctx, rng, func(key collections.Pair[uint64, uint64]) (bool, error) {
			r, err := k.Rules.Get(ctx, key.K2())
			if err != nil {
				return true, err
			}
			if r.Trigger.IncidentKind == "" || r.Trigger.IncidentKind == ev.IncidentKind {
				ids = append(ids, key.K2())
			}
			return len(ids) >= n, nil
		})
		return ids, err
	}
	return nil, nil
}

// tripleAfter ranges (k1, k2, id) with id > after.
type tripleAfter[K1 any] struct {
	k1    K1
	k2    int32
	after uint64
}

func (r tripleAfter[K1]) RangeValues() (start, end *collections.RangeKey[collections.Triple[K1, int32, uint64]], order collections.Order, err error) {
	return collections.RangeKeyNext(collections.Join3(r.k1, r.k2, r.after)),
		collections.RangeKeyPrefixEnd(collections.TripleSuperPrefix[K1, int32, uint64](r.k1, r.k2)),
		collections.OrderAscending, nil
}

// fire applies rule id's action to each of its targets, each in its own cache context (a failing
// target is recorded in last_error and changes nothing). Actions go through submit, so a guarded
// action under an approval policy becomes a proposal. The owner is re-checked on every target.
func (k Keeper) fire(ctx context.Context, ruleID uint64, cause string) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	height := sdkCtx.BlockHeight()
	r, err := k.Rules.Get(ctx, ruleID)
	if errors.Is(err, collections.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if r.LastFiredHeight == height && r.FireCount > 0 {
		return nil // at most once per block
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	var errs []string
	okCount := 0
	for _, vmID := range r.VmIds {
		op := r.Action.Op(vmID)
		err := inCache(ctx, func(cc sdk.Context) error {
			if _, err := k.ownedVM(cc, r.Owner, vmID); err != nil {
				return err
			}
			opID, err := k.submit(cc, p, r.Owner, op, 0, 0, r.Id)
			if err != nil || opID != 0 {
				return err
			}
			_, err = k.execOp(withOrigin(cc, fmt.Sprintf("rule %d: %s", r.Id, cause)), r.Owner, op)
			return err
		})
		if err != nil {
			errs = append(errs, fmt.Sprintf("vm %d: %s", vmID, err.Error())) // %v would append the error's source frame (a build path) to state
			continue
		}
		okCount++
	}
	r.LastFiredHeight = height
	r.FireCount++
	r.LastError = strings.Join(errs, "; ")
	if len(r.LastError) > 1024 {
		r.LastError = r.LastError[:1024]
	}
	if err := k.Rules.Set(ctx, r.Id, r); err != nil {
		return err
	}
	emit(ctx, types.EventTypeRuleFired, types.AttributeKeyRuleID, fmt.Sprint(r.Id), types.AttributeKeyOwner, r.Owner,
		types.AttributeKeyTrigger, cause, types.AttributeKeyOpKind, r.Action.Kind.String(),
		types.AttributeKeyStatus, fmt.Sprintf("%d/%d targets", okCount, len(r.VmIds)), types.AttributeKeyError, r.LastError)
	return nil
}
