package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections/indexes"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// CheckInvariants walks the whole state (tests and simulation only; unbounded) and returns the
// first violation of: allocated ≤ capacity and allocated = Σ placed VMs on every host; every
// placed VM on an existing host and indexed there; audit log strictly increasing in seq with
// non-decreasing height and time; placement index exactly mirrors ACTIVE hosts' free cpu.
func (k Keeper) CheckInvariants(ctx context.Context) error {
	sums := map[string]types.Resources{}
	counts := map[string]uint64{}
	err := k.VMs.Walk(ctx, nil, func(id uint64, vm types.VM) (bool, error) {
		if !types.Placed(vm.State) {
			if vm.HostId != "" {
				return true, fmt.Errorf("vm %d is %s but on host %s", id, vm.State, vm.HostId)
			}
			return false, nil
		}
		if has, err := k.Hosts.Has(ctx, vm.HostId); err != nil || !has {
			return true, fmt.Errorf("vm %d placed on missing host %q", id, vm.HostId)
		}
		sums[vm.HostId] = sums[vm.HostId].Add(vm.Resources)
		counts[vm.HostId]++
		return false, nil
	})
	if err != nil {
		return err
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	active := 0
	revoked := map[string]bool{}
	err = k.Hosts.Walk(ctx, nil, func(id string, h types.Host) (bool, error) {
		if !h.Allocated.Fits(h.Capacity) {
			return true, fmt.Errorf("host %s allocated %s > capacity %s", id, h.Allocated.Describe(), h.Capacity.Describe())
		}
		if sums[id] != h.Allocated || counts[id] != h.VmCount {
			return true, fmt.Errorf("host %s allocated %s/%d != Σ VMs %s/%d", id, h.Allocated.Describe(), h.VmCount, sums[id].Describe(), counts[id])
		}
		if h.Status == types.HOST_STATUS_ACTIVE {
			op, _, err := k.canonical(h.Operator)
			if err != nil {
				return true, err
			}
			active++
			if !p.IsHostOperator(h.Operator) {
				revoked[string(op)] = true
			}
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	if err := k.checkIndexes(ctx); err != nil {
		return err
	}
	if err := k.checkOperations(ctx); err != nil {
		return err
	}
	if err := k.checkRevokedOperators(ctx, revoked); err != nil {
		return err
	}
	var prev *types.AuditEntry
	return k.Audit.Walk(ctx, nil, func(seq uint64, e types.AuditEntry) (bool, error) {
		if e.Seq != seq {
			return true, fmt.Errorf("audit key %d holds seq %d", seq, e.Seq)
		}
		if prev != nil && (e.Height < prev.Height || e.TimeUnixNs < prev.TimeUnixNs) {
			return true, fmt.Errorf("audit seq %d goes back in height/time", seq)
		}
		prev = &e
		return false, nil
	})
}

// checkOperations: only finished operations have a finished height.
func (k Keeper) checkOperations(ctx context.Context) error {
	return k.Ops.Walk(ctx, nil, func(id uint64, o types.Operation) (bool, error) {
		if !types.Finished(o.Status) && o.FinishedHeight != 0 {
			return true, fmt.Errorf("%s operation %d has finished_height %d", o.Status, id, o.FinishedHeight)
		}
		return false, nil
	})
}

// checkIndexes: every index holds exactly the entries of its map's values (a migration or a
// store written outside the IndexedMaps would break this).
func (k Keeper) checkIndexes(ctx context.Context) error {
	hosts := func(fn func(string, types.Host) (bool, error)) error { return k.Hosts.Walk(ctx, nil, fn) }
	vms := func(fn func(uint64, types.VM) (bool, error)) error { return k.VMs.Walk(ctx, nil, fn) }
	audit := func(fn func(uint64, types.AuditEntry) (bool, error)) error { return k.Audit.Walk(ctx, nil, fn) }
	ops := func(fn func(uint64, types.Operation) (bool, error)) error { return k.Ops.Walk(ctx, nil, fn) }
	rules := func(fn func(uint64, types.Rule) (bool, error)) error { return k.Rules.Walk(ctx, nil, fn) }
	for _, check := range []func() error{
		func() error { return k.Hosts.Indexes.Placement.Verify(ctx, hosts) },
		func() error { return k.Hosts.Indexes.ActiveByOperator.Verify(ctx, hosts) },
		func() error {
			return checkMulti(ctx, "hosts_by_operator", k.Hosts.Indexes.ByOperator, k.Hosts.Get, hosts,
				func(h types.Host) string { return h.Operator }, k.bech32)
		},
		func() error { return k.VMs.Indexes.ByHost.Verify(ctx, vms) },
		func() error {
			return checkMulti(ctx, "vms_by_owner", k.VMs.Indexes.ByOwner, k.VMs.Get, vms,
				func(vm types.VM) string { return vm.Owner }, k.bech32)
		},
		func() error { return k.Audit.Indexes.ByVM.Verify(ctx, audit) },
		func() error { return k.Audit.Indexes.ByHost.Verify(ctx, audit) },
		func() error {
			return checkMulti(ctx, "operations_by_vm", k.Ops.Indexes.ByVM, k.Ops.Get, ops,
				func(o types.Operation) string { return fmt.Sprint(o.Op.VmId) }, fmtRef[uint64])
		},
		func() error {
			return checkMulti(ctx, "operations_by_status", k.Ops.Indexes.ByStatus, k.Ops.Get, ops,
				func(o types.Operation) string { return fmt.Sprint(int32(o.Status)) }, fmtRef[int32])
		},
		func() error { return k.Ops.Indexes.DeadlineHeight.Verify(ctx, ops) },
		func() error { return k.Ops.Indexes.DeadlineTime.Verify(ctx, ops) },
		func() error { return k.Ops.Indexes.QueueHeight.Verify(ctx, ops) },
		func() error { return k.Ops.Indexes.QueueTime.Verify(ctx, ops) },
		func() error { return k.Ops.Indexes.ByFinish.Verify(ctx, ops) },
		func() error {
			return checkMulti(ctx, "rules_by_owner", k.Rules.Indexes.ByOwner, k.Rules.Get, rules,
				func(r types.Rule) string { return r.Owner }, k.bech32)
		},
		func() error { return k.Rules.Indexes.ByVMState.Verify(ctx, rules) },
		func() error { return k.Rules.Indexes.ByHost.Verify(ctx, rules) },
		func() error { return k.Rules.Indexes.ByHeight.Verify(ctx, rules) },
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (k Keeper) bech32(a sdk.AccAddress) string {
	s, _ := k.addressCodec.BytesToString(a)
	return s
}

func fmtRef[R any](r R) string { return fmt.Sprint(r) }

// checkMulti: every entry (ref, pk) of idx names a stored value whose reference is ref, and there
// is one entry per value.
func checkMulti[R, PK, V any](ctx context.Context, name string, idx *indexes.Multi[R, PK, V], get func(context.Context, PK) (V, error),
	walk func(func(PK, V) (bool, error)) error, refOf func(V) string, refString func(R) string,
) error {
	entries := 0
	if err := idx.Walk(ctx, nil, func(ref R, pk PK) (bool, error) {
		entries++
		v, err := get(ctx, pk)
		if err != nil {
			return true, fmt.Errorf("index %s: entry of %v: %w", name, pk, err)
		}
		if got := refString(ref); got != refOf(v) {
			return true, fmt.Errorf("index %s: %v is under %s, its value says %s", name, pk, got, refOf(v))
		}
		return false, nil
	}); err != nil {
		return err
	}
	values := 0
	if err := walk(func(PK, V) (bool, error) { values++; return false, nil }); err != nil {
		return err
	}
	if entries != values {
		return fmt.Errorf("index %s has %d entries for %d values", name, entries, values)
	}
	return nil
}

// checkRevokedOperators: RevokedOperators holds exactly the operators off host_operators with an
// ACTIVE host.
func (k Keeper) checkRevokedOperators(ctx context.Context, revoked map[string]bool) error {
	n := 0
	err := k.RevokedOperators.Walk(ctx, nil, func(op sdk.AccAddress) (bool, error) {
		if !revoked[string(op)] {
			return true, fmt.Errorf("RevokedOperators holds %X, which is allowlisted or has no ACTIVE host", op)
		}
		n++
		return false, nil
	})
	if err != nil {
		return err
	}
	if n != len(revoked) {
		return fmt.Errorf("RevokedOperators has %d entries, expected %d", n, len(revoked))
	}
	return nil
}
