package keeper

import (
	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/internal/keyindex"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// The secondary indexes of hosts, VMs, audit entries, operations and rules. Each is kept by its
// IndexedMap on every Set and Remove; prefixes and key layouts are those of the hand-kept key sets
// they replaced (consensus version 2), so the store needed no migration. indexes.Multi serves the
// one-entry-per-value indexes; keyindex the conditional, many-entry and triple-keyed ones.

type pairKey[A, B any] = collections.Pair[A, B]

// HostIndexes: Placement holds (scope, free cpu_millis, host id) for each scope of every ACTIVE
// host (types.HostScopes); ActiveByOperator (operator, host id) of every ACTIVE host.
type HostIndexes struct {
	ByOperator       *indexes.Multi[sdk.AccAddress, string, types.Host]
	ActiveByOperator *keyindex.Index[pairKey[sdk.AccAddress, string], string, types.Host]
	Placement        *keyindex.Index[collections.Triple[string, uint64, string], string, types.Host]
}

func (i HostIndexes) IndexesList() []collections.Index[string, types.Host] {
	return []collections.Index[string, types.Host]{i.ByOperator, i.ActiveByOperator, i.Placement}
}

// VMIndexes: ByHost holds (host id, vm id) of every placed VM.
type VMIndexes struct {
	ByOwner *indexes.Multi[sdk.AccAddress, uint64, types.VM]
	ByHost  *keyindex.Index[pairKey[string, uint64], uint64, types.VM]
}

func (i VMIndexes) IndexesList() []collections.Index[uint64, types.VM] {
	return []collections.Index[uint64, types.VM]{i.ByOwner, i.ByHost}
}

// AuditIndexes: ByVM (vm id, seq) of VM entries; ByHost (host id, seq) under the host and, for a
// migration, also the host it left.
type AuditIndexes struct {
	ByVM   *keyindex.Index[pairKey[uint64, uint64], uint64, types.AuditEntry]
	ByHost *keyindex.Index[pairKey[string, uint64], uint64, types.AuditEntry]
}

func (i AuditIndexes) IndexesList() []collections.Index[uint64, types.AuditEntry] {
	return []collections.Index[uint64, types.AuditEntry]{i.ByVM, i.ByHost}
}

// OpIndexes: DeadlineHeight / DeadlineTime hold (deadline, id) of AWAITING_APPROVAL operations,
// QueueHeight / QueueTime (at_height / not_before, id) of QUEUED ones, ByFinish (finished height,
// id) of finished ones (EXECUTED, FAILED, EXPIRED, CANCELLED), which pruning walks oldest first.
type OpIndexes struct {
	ByVM           *indexes.Multi[uint64, uint64, types.Operation]
	ByStatus       *indexes.Multi[int32, uint64, types.Operation]
	DeadlineHeight *keyindex.Index[pairKey[int64, uint64], uint64, types.Operation]
	DeadlineTime   *keyindex.Index[pairKey[int64, uint64], uint64, types.Operation]
	QueueHeight    *keyindex.Index[pairKey[int64, uint64], uint64, types.Operation]
	QueueTime      *keyindex.Index[pairKey[int64, uint64], uint64, types.Operation]
	ByFinish       *keyindex.Index[pairKey[int64, uint64], uint64, types.Operation]
}

func (i OpIndexes) IndexesList() []collections.Index[uint64, types.Operation] {
	return []collections.Index[uint64, types.Operation]{
		i.ByVM, i.ByStatus, i.DeadlineHeight, i.DeadlineTime, i.QueueHeight, i.QueueTime, i.ByFinish,
	}
}

// RuleIndexes: ByVMState (vm id, state, rule id) and ByHost (host id, trigger kind, rule id) of the
// rules listening for those events; ByHeight (height, rule id) of HEIGHT rules not fired yet.
type RuleIndexes struct {
	ByOwner   *indexes.Multi[sdk.AccAddress, uint64, types.Rule]
	ByVMState *keyindex.Index[collections.Triple[uint64, int32, uint64], uint64, types.Rule]
	ByHost    *keyindex.Index[collections.Triple[string, int32, uint64], uint64, types.Rule]
	ByHeight  *keyindex.Index[pairKey[int64, uint64], uint64, types.Rule]
	// ByIncident (vm id, rule id) of INCIDENT rules.
	ByIncident *keyindex.Index[pairKey[uint64, uint64], uint64, types.Rule]
}

func (i RuleIndexes) IndexesList() []collections.Index[uint64, types.Rule] {
	return []collections.Index[uint64, types.Rule]{i.ByOwner, i.ByVMState, i.ByHost, i.ByHeight, i.ByIncident}
}

// accAddress decodes a stored bech32 address (validated when it was written).
func accAddress(ac address.Codec, s string) (sdk.AccAddress, error) {
	bz, err := ac.StringToBytes(s)
	return sdk.AccAddress(bz), err
}

func newHostIndexes(sb *collections.SchemaBuilder, ac address.Codec) HostIndexes {
	operatorHost := collections.PairKeyCodec(sdk.AccAddressKey, collections.StringKey)
	return HostIndexes{
		ByOperator: indexes.NewMulti(sb, types.HostsByOperKey, "hosts_by_operator", sdk.AccAddressKey, collections.StringKey,
			func(_ string, h types.Host) (sdk.AccAddress, error) { return accAddress(ac, h.Operator) }),
		ActiveByOperator: keyindex.New(sb, types.ActiveHostsByOperKey, "active_hosts_by_operator", operatorHost,
			func(id string, h types.Host) ([]pairKey[sdk.AccAddress, string], error) {
				if h.Status != types.HOST_STATUS_ACTIVE {
					return nil, nil
				}
				op, err := accAddress(ac, h.Operator)
				return []pairKey[sdk.AccAddress, string]{collections.Join(op, id)}, err
			}),
		Placement: keyindex.New(sb, types.HostIndexKey, "host_index",
			collections.TripleKeyCodec(collections.StringKey, collections.Uint64Key, collections.StringKey),
			func(id string, h types.Host) ([]collections.Triple[string, uint64, string], error) {
				if h.Status != types.HOST_STATUS_ACTIVE {
					return nil, nil
				}
				free := h.Free().CpuMillis
				scopes := types.HostScopes(h)
				keys := make([]collections.Triple[string, uint64, string], len(scopes))
				for j, s := range scopes {
					keys[j] = collections.Join3(s, free, id)
				}
				return keys, nil
			}),
	}
}

func newVMIndexes(sb *collections.SchemaBuilder, ac address.Codec) VMIndexes {
	return VMIndexes{
		ByOwner: indexes.NewMulti(sb, types.VMsByOwnerKey, "vms_by_owner", sdk.AccAddressKey, collections.Uint64Key,
			func(_ uint64, vm types.VM) (sdk.AccAddress, error) { return accAddress(ac, vm.Owner) }),
		ByHost: keyindex.New(sb, types.VMsByHostKey, "vms_by_host", collections.PairKeyCodec(collections.StringKey, collections.Uint64Key),
			func(id uint64, vm types.VM) ([]pairKey[string, uint64], error) {
				if vm.HostId == "" {
					return nil, nil
				}
				return keyindex.One(collections.Join(vm.HostId, id))
			}),
	}
}

func newAuditIndexes(sb *collections.SchemaBuilder) AuditIndexes {
	return AuditIndexes{
		ByVM: keyindex.New(sb, types.AuditByVMKey, "audit_by_vm", collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key),
			func(seq uint64, e types.AuditEntry) ([]pairKey[uint64, uint64], error) {
				if e.VmId == 0 {
					return nil, nil
				}
				return keyindex.One(collections.Join(e.VmId, seq))
			}),
		ByHost: keyindex.New(sb, types.AuditByHostKey, "audit_by_host", collections.PairKeyCodec(collections.StringKey, collections.Uint64Key),
			func(seq uint64, e types.AuditEntry) ([]pairKey[string, uint64], error) {
				var keys []pairKey[string, uint64]
				for _, h := range []string{e.HostId, e.PrevHostId} {
					if h != "" {
						keys = append(keys, collections.Join(h, seq))
					}
				}
				return keys, nil
			}),
	}
}

// opAt indexes an operation under at(o) while cond(o) holds.
func opAt(sb *collections.SchemaBuilder, prefix collections.Prefix, name string, cond func(types.Operation) bool,
	at func(types.Operation) int64,
) *keyindex.Index[pairKey[int64, uint64], uint64, types.Operation] {
	return keyindex.New(sb, prefix, name, collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key),
		func(id uint64, o types.Operation) ([]pairKey[int64, uint64], error) {
			if !cond(o) {
				return nil, nil
			}
			return keyindex.One(collections.Join(at(o), id))
		})
}

func newOpIndexes(sb *collections.SchemaBuilder) OpIndexes {
	awaiting := func(o types.Operation) bool { return o.Status == types.OPERATION_STATUS_AWAITING_APPROVAL }
	queued := func(o types.Operation) bool { return o.Status == types.OPERATION_STATUS_QUEUED }
	return OpIndexes{
		ByVM: indexes.NewMulti(sb, types.OpsByVMKey, "operations_by_vm", collections.Uint64Key, collections.Uint64Key,
			func(_ uint64, o types.Operation) (uint64, error) { return o.Op.VmId, nil }),
		ByStatus: indexes.NewMulti(sb, types.OpsByStatusKey, "operations_by_status", collections.Int32Key, collections.Uint64Key,
			func(_ uint64, o types.Operation) (int32, error) { return int32(o.Status), nil }),
		DeadlineHeight: opAt(sb, types.OpDeadlineHKey, "op_deadline_height",
			func(o types.Operation) bool { return awaiting(o) && o.DeadlineHeight > 0 },
			func(o types.Operation) int64 { return o.DeadlineHeight }),
		DeadlineTime: opAt(sb, types.OpDeadlineTKey, "op_deadline_time",
			func(o types.Operation) bool { return awaiting(o) && o.DeadlineHeight <= 0 },
			func(o types.Operation) int64 { return o.DeadlineUnix }),
		QueueHeight: opAt(sb, types.OpQueueHKey, "op_queue_height",
			func(o types.Operation) bool { return queued(o) && o.AtHeight > 0 },
			func(o types.Operation) int64 { return o.AtHeight }),
		QueueTime: opAt(sb, types.OpQueueTKey, "op_queue_time",
			func(o types.Operation) bool { return queued(o) && o.AtHeight <= 0 },
			func(o types.Operation) int64 { return o.NotBefore }),
		ByFinish: opAt(sb, types.OpsByFinishKey, "operations_by_finish",
			func(o types.Operation) bool { return types.Finished(o.Status) },
			func(o types.Operation) int64 { return o.FinishedHeight }),
	}
}

func newRuleIndexes(sb *collections.SchemaBuilder, ac address.Codec) RuleIndexes {
	return RuleIndexes{
		ByOwner: indexes.NewMulti(sb, types.RulesByOwnerKey, "rules_by_owner", sdk.AccAddressKey, collections.Uint64Key,
			func(_ uint64, r types.Rule) (sdk.AccAddress, error) { return accAddress(ac, r.Owner) }),
		ByVMState: keyindex.New(sb, types.RulesByVMStateKey, "rules_by_vm_state",
			collections.TripleKeyCodec(collections.Uint64Key, collections.Int32Key, collections.Uint64Key),
			func(id uint64, r types.Rule) ([]collections.Triple[uint64, int32, uint64], error) {
				if r.Trigger.Kind != types.TRIGGER_KIND_VM_STATE {
					return nil, nil
				}
				return keyindex.One(collections.Join3(r.Trigger.VmId, int32(r.Trigger.State), id))
			}),
		ByHost: keyindex.New(sb, types.RulesByHostKey, "rules_by_host",
			collections.TripleKeyCodec(collections.StringKey, collections.Int32Key, collections.Uint64Key),
			func(id uint64, r types.Rule) ([]collections.Triple[string, int32, uint64], error) {
				if k := r.Trigger.Kind; k != types.TRIGGER_KIND_HOST_DRAINING && k != types.TRIGGER_KIND_HOST_DRAINED {
					return nil, nil
				}
				return keyindex.One(collections.Join3(r.Trigger.HostId, int32(r.Trigger.Kind), id))
			}),
		ByHeight: keyindex.New(sb, types.RulesByHeightKey, "rules_by_height", collections.PairKeyCodec(collections.Int64Key, collections.Uint64Key),
			func(id uint64, r types.Rule) ([]pairKey[int64, uint64], error) {
				if r.Trigger.Kind != types.TRIGGER_KIND_HEIGHT || r.FireCount > 0 { // height rules fire once
					return nil, nil
				}
				return keyindex.One(collections.Join(r.Trigger.Height, id))
			}),
		ByIncident: keyindex.New(sb, types.RulesByIncidentKey, "rules_by_incident", collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key),
			func(id uint64, r types.Rule) ([]pairKey[uint64, uint64], error) {
				if r.Trigger.Kind != types.TRIGGER_KIND_INCIDENT {
					return nil, nil
				}
				return keyindex.One(collections.Join(r.Trigger.VmId, id))
			}),
	}
}
