package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// Keeper stores hosts, VMs, the placement index, the audit log and placement explanations.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	authority    string
	latency      types.LatencyProvider

	Schema collections.Schema
	Params collections.Item[types.Params]

	Hosts *collections.IndexedMap[string, types.Host, HostIndexes]
	// RevokedOperators: the operators that are not on params.host_operators but still have an
	// ACTIVE host (EndBlock drains those hosts in bounded batches, see revoked.go).
	RevokedOperators collections.KeySet[sdk.AccAddress]
	// RegionHosts counts registered hosts per region (the known regions).
	RegionHosts collections.Map[string, uint64]

	NextVMID collections.Sequence
	VMs      *collections.IndexedMap[uint64, types.VM, VMIndexes]
	VMByName collections.Map[collections.Pair[sdk.AccAddress, string], uint64]
	// GroupOnHost counts VMs of (owner, anti-affinity group) on a host.
	GroupOnHost collections.Map[collections.Triple[sdk.AccAddress, string, string], uint64]
	// OwnerOnHost counts VMs of an owner on a host (the scheduler's spread term).
	OwnerOnHost collections.Map[collections.Pair[string, sdk.AccAddress], uint64]

	AuditSeq collections.Sequence
	Audit    *collections.IndexedMap[uint64, types.AuditEntry, AuditIndexes]

	Explanations collections.Map[uint64, types.Explanation]

	DrainQueue   collections.KeySet[string]
	DrainCursor  collections.Map[string, uint64]
	PendingQueue collections.KeySet[collections.Pair[int64, uint64]]

	// Governance of operations (governance.go, rules.go).
	// Policies: (owner, vm id; 0 = every VM of the owner) → policy.
	Policies collections.Map[collections.Pair[sdk.AccAddress, uint64], types.ApprovalPolicy]
	NextOpID collections.Sequence
	Ops      *collections.IndexedMap[uint64, types.Operation, OpIndexes]

	NextRuleID    collections.Sequence
	Rules         *collections.IndexedMap[uint64, types.Rule, RuleIndexes]
	NextRuleEvent collections.Sequence
	RuleEvents    collections.Map[uint64, types.RuleEvent]
}

// NewKeeper builds the keeper; authority is the x/gov module address. Latency comes from the
// params table until SetLatencyProvider installs x/orbit's keeper.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, ac address.Codec, authority string) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		addressCodec: ac,
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Hosts: collections.NewIndexedMap(sb, types.HostsKey, "hosts", collections.StringKey, codec.CollValue[types.Host](cdc),
			newHostIndexes(sb, ac)),
		RevokedOperators: collections.NewKeySet(sb, types.RevokedOperatorsKey, "revoked_operators", sdk.AccAddressKey),
		RegionHosts:      collections.NewMap(sb, types.RegionHostsKey, "region_hosts", collections.StringKey, collections.Uint64Value),
		NextVMID:         collections.NewSequence(sb, types.NextVMIDKey, "next_vm_id"),
		VMs: collections.NewIndexedMap(sb, types.VMsKey, "vms", collections.Uint64Key, codec.CollValue[types.VM](cdc),
			newVMIndexes(sb, ac)),
		VMByName: collections.NewMap(sb, types.VMByNameKey, "vm_by_name",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.StringKey), collections.Uint64Value),
		GroupOnHost: collections.NewMap(sb, types.GroupOnHostKey, "group_on_host",
			collections.TripleKeyCodec(sdk.AccAddressKey, collections.StringKey, collections.StringKey), collections.Uint64Value),
		OwnerOnHost: collections.NewMap(sb, types.OwnerOnHostKey, "owner_on_host",
			collections.PairKeyCodec(collections.StringKey, sdk.AccAddressKey), collections.Uint64Value),
		AuditSeq: collections.NewSequence(sb, types.AuditSeqKey, "audit_seq"),
		Audit: collections.NewIndexedMap(sb, types.AuditKey, "audit", collections.Uint64Key, codec.CollValue[types.AuditEntry](cdc),
			newAuditIndexes(sb)),
		Explanations: collections.NewMap(sb, types.ExplanationsKey, "explanations", collections.Uint64Key, codec.CollValue[types.Explanation](cdc)),
		DrainQueue:   collections.NewKeySet(sb, types.DrainQueueKey, "drain_queue", collections.StringKey),
		DrainCursor:  collections.NewMap(sb, types.DrainCursorKey, "drain_cursor", collections.StringKey, collections.Uint64Value),
		PendingQueue: collections.NewKeySet(sb, types.PendingQueueKey, "pending_queue",
			collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key)),
		Policies: collections.NewMap(sb, types.PoliciesKey, "approval_policies",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.Uint64Key), codec.CollValue[types.ApprovalPolicy](cdc)),
		NextOpID: collections.NewSequence(sb, types.NextOpIDKey, "next_operation_id"),
		Ops: collections.NewIndexedMap(sb, types.OpsKey, "operations", collections.Uint64Key, codec.CollValue[types.Operation](cdc),
			newOpIndexes(sb)),
		NextRuleID: collections.NewSequence(sb, types.NextRuleIDKey, "next_rule_id"),
		Rules: collections.NewIndexedMap(sb, types.RulesKey, "rules", collections.Uint64Key, codec.CollValue[types.Rule](cdc),
			newRuleIndexes(sb, ac)),
		NextRuleEvent: collections.NewSequence(sb, types.NextRuleEventKey, "next_rule_event_seq"),
		RuleEvents:    collections.NewMap(sb, types.RuleEventsKey, "rule_events", collections.Uint64Key, codec.CollValue[types.RuleEvent](cdc)),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	k.latency = ParamsLatency{k: &k.Params}
	return k
}

// SetLatencyProvider replaces the params latency table (x/orbit will call this when wired).
func (k *Keeper) SetLatencyProvider(lp types.LatencyProvider) { k.latency = lp }

// Authority is the governance address.
func (k Keeper) Authority() string { return k.authority }

// AddressCodec parses account addresses.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

// ParamsLatency implements types.LatencyProvider from Params.RegionLatencies.
type ParamsLatency struct {
	k *collections.Item[types.Params]
}

func (pl ParamsLatency) LatencyUs(ctx context.Context, from, to string) (int64, bool) {
	if p, ok := ctx.Value(searchParamsKey{}).(*types.Params); ok && p != nil {
		return p.TableLatencyUs(from, to) // inside a scheduler search: the params it started with
	}
	p, err := pl.k.Get(ctx)
	if err != nil {
		return 0, false
	}
	return p.TableLatencyUs(from, to)
}

// canonical parses a bech32 address and returns its bytes and canonical string.
func (k Keeper) canonical(s string) (sdk.AccAddress, string, error) {
	bz, err := k.addressCodec.StringToBytes(s)
	if err != nil || len(bz) == 0 {
		return nil, "", fmt.Errorf("address %q: %v", s, err)
	}
	str, err := k.addressCodec.BytesToString(bz)
	if err != nil {
		return nil, "", err
	}
	return sdk.AccAddress(bz), str, nil
}

// getHost returns the host or ErrHostNotFound.
func (k Keeper) getHost(ctx context.Context, id string) (types.Host, error) {
	h, err := k.Hosts.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return h, types.ErrHostNotFound.Wrapf("host %q", id)
	}
	return h, err
}

// getVM returns the VM or ErrVMNotFound.
func (k Keeper) getVM(ctx context.Context, id uint64) (types.VM, error) {
	vm, err := k.VMs.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return vm, types.ErrVMNotFound.Wrapf("vm %d", id)
	}
	return vm, err
}

func addCount[K any](ctx context.Context, m collections.Map[K, uint64], key K, delta int) error {
	n, err := m.Get(ctx, key)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	if delta < 0 {
		if n == 0 {
			return fmt.Errorf("vmlifecycle: counter underflow")
		}
		n--
		if n == 0 {
			return m.Remove(ctx, key)
		}
	} else {
		n++
	}
	return m.Set(ctx, key, n)
}

// attach puts vm on host h (capacity already checked) and updates the per-host counters.
func (k Keeper) attach(ctx context.Context, vm *types.VM, h types.Host) error {
	owner, _, err := k.canonical(vm.Owner)
	if err != nil {
		return err
	}
	h.Allocated = h.Allocated.Add(vm.Resources)
	h.VmCount++
	if err := k.Hosts.Set(ctx, h.Id, h); err != nil {
		return err
	}
	vm.HostId = h.Id // VMs.ByHost follows when the caller stores vm
	if g := vm.Constraints.AntiAffinityGroup; g != "" {
		if err := addCount(ctx, k.GroupOnHost, collections.Join3(owner, g, h.Id), +1); err != nil {
			return err
		}
	}
	return addCount(ctx, k.OwnerOnHost, collections.Join(h.Id, owner), +1)
}

// detach removes vm from its host and frees its resources.
func (k Keeper) detach(ctx context.Context, vm *types.VM) error {
	if vm.HostId == "" {
		return nil
	}
	owner, _, err := k.canonical(vm.Owner)
	if err != nil {
		return err
	}
	h, err := k.getHost(ctx, vm.HostId)
	if err != nil {
		return err
	}
	h.Allocated = h.Allocated.Sub(vm.Resources)
	h.VmCount--
	if err := k.Hosts.Set(ctx, h.Id, h); err != nil {
		return err
	}
	if g := vm.Constraints.AntiAffinityGroup; g != "" {
		if err := addCount(ctx, k.GroupOnHost, collections.Join3(owner, g, h.Id), -1); err != nil {
			return err
		}
	}
	vm.HostId = ""
	return addCount(ctx, k.OwnerOnHost, collections.Join(h.Id, owner), -1)
}

// appendAudit appends an immutable audit entry (seq is assigned here) and indexes it.
func (k Keeper) appendAudit(ctx context.Context, e types.AuditEntry) (uint64, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	seq, err := k.AuditSeq.Next(ctx)
	if err != nil {
		return 0, err
	}
	if seq == 0 { // seqs start at 1
		if seq, err = k.AuditSeq.Next(ctx); err != nil {
			return 0, err
		}
	}
	e.Seq = seq
	e.Height = sdkCtx.BlockHeight()
	e.TimeUnixNs = sdkCtx.BlockTime().UnixNano()
	return seq, k.Audit.Set(ctx, seq, e)
}

// hostAudit records a host-level event (no VM).
func (k Keeper) hostAudit(ctx context.Context, hostID, actor, reason string) error {
	_, err := k.appendAudit(ctx, types.AuditEntry{HostId: hostID, Actor: actor, Reason: reason})
	return err
}

// transition moves vm to state `to` through the table, stores it, audits and emits an event.
// prevHost is the host the VM left (migrations) or "".
func (k Keeper) transition(ctx context.Context, vm *types.VM, to types.VMState, actor, reason, prevHost string) error {
	if err := types.CheckTransition(vm.State, to); err != nil {
		return err
	}
	if types.Placed(to) && vm.HostId == "" {
		return types.ErrIllegalTransition.Wrapf("%s → %s needs a host", vm.State, to)
	}
	return k.record(ctx, vm, to, actor, reason, prevHost)
}

// originKey marks a context in which a deferred path (a rule firing, an approved or due operation)
// runs an operation; record appends the origin to the audit reason, so that such a transition can be
// told apart from the owner's own Msg (the actor is the owner in every case).
type originKey struct{}

func withOrigin(ctx sdk.Context, origin string) sdk.Context {
	return ctx.WithValue(originKey{}, origin)
}

// record stores vm in state `to` and audits the change without consulting the table (creation, resize).
func (k Keeper) record(ctx context.Context, vm *types.VM, to types.VMState, actor, reason, prevHost string) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if origin, ok := ctx.Value(originKey{}).(string); ok && origin != "" {
		reason += " (" + origin + ")"
	}
	from := vm.State
	vm.State = to
	vm.UpdatedHeight = sdkCtx.BlockHeight()
	if err := k.VMs.Set(ctx, vm.Id, *vm); err != nil {
		return err
	}
	seq, err := k.appendAudit(ctx, types.AuditEntry{
		Actor: actor, VmId: vm.Id, HostId: vm.HostId, PrevState: from, NewState: to, Reason: reason, PrevHostId: prevHost,
	})
	if err != nil {
		return err
	}
	emit(ctx, types.EventTypeVMStateChanged, types.AttributeKeyVMID, fmt.Sprint(vm.Id),
		types.AttributeKeyPrevState, from.String(), types.AttributeKeyNewState, to.String(),
		types.AttributeKeyHostID, vm.HostId, types.AttributeKeyPrevHostID, prevHost, types.AttributeKeyActor, actor,
		types.AttributeKeyReason, reason, types.AttributeKeyAuditSeq, fmt.Sprint(seq))
	if from != to {
		return k.noteVMState(ctx, vm.Id, to)
	}
	return nil
}

// LatencyChain asks each provider in order and returns the first known latency, e.g.
// LatencyChain{orbitKeeper, keeper.ParamsLatencyOf(k)} keeps the params table as a fallback.
type LatencyChain []types.LatencyProvider

func (c LatencyChain) LatencyUs(ctx context.Context, from, to string) (int64, bool) {
	for _, p := range c {
		if lat, ok := p.LatencyUs(ctx, from, to); ok {
			return lat, true
		}
	}
	return 0, false
}

// ParamsLatencyOf returns the params-table provider of k.
func ParamsLatencyOf(k *Keeper) types.LatencyProvider { return ParamsLatency{k: &k.Params} }

// nextID draws from a sequence whose ids start at 1.
func nextID(ctx context.Context, seq collections.Sequence) (uint64, error) {
	id, err := seq.Next(ctx)
	if err != nil {
		return 0, err
	}
	if id == 0 {
		return seq.Next(ctx)
	}
	return id, nil
}

// ownedVM loads a VM and checks that ownerStr owns it.
func (k Keeper) ownedVM(ctx context.Context, ownerStr string, id uint64) (types.VM, error) {
	vm, err := k.getVM(ctx, id)
	if err != nil {
		return vm, err
	}
	if vm.Owner != ownerStr {
		return vm, types.ErrNotVMOwner.Wrapf("vm %d", id)
	}
	return vm, nil
}
