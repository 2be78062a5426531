package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"

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
		if has, err := k.VMsByHost.Has(ctx, collections.Join(vm.HostId, id)); err != nil || !has {
			return true, fmt.Errorf("vm %d not in VMsByHost(%s)", id, vm.HostId)
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
	indexed, active := 0, 0
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
			if has, err := k.ActiveHostsByOperator.Has(ctx, collections.Join(op, id)); err != nil || !has {
				return true, fmt.Errorf("active host %s missing from ActiveHostsByOperator", id)
			}
			active++
			if !p.IsHostOperator(h.Operator) {
				revoked[string(op)] = true
			}
			for _, s := range types.HostScopes(h) {
				has, err := k.HostIndex.Has(ctx, collections.Join3(s, h.Free().CpuMillis, id))
				if err != nil || !has {
					return true, fmt.Errorf("host %s missing from index scope %q", id, s)
				}
				indexed++
			}
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	total := 0
	if err := k.HostIndex.Walk(ctx, nil, func(collections.Triple[string, uint64, string]) (bool, error) {
		total++
		return false, nil
	}); err != nil {
		return err
	}
	if err := k.checkGovernanceIndexes(ctx); err != nil {
		return err
	}
	if err := k.checkOperatorIndexes(ctx, active, revoked); err != nil {
		return err
	}
	if total != indexed {
		return fmt.Errorf("placement index has %d entries, expected %d", total, indexed)
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

// checkGovernanceIndexes: every operation is indexed under its VM and its status, every
// AWAITING_APPROVAL one under its deadline, every QUEUED one under its due height/time, every finished
// one under its finished height (which only finished ones have), and nothing else is indexed (so a
// pruned operation left no entry behind).
func (k Keeper) checkGovernanceIndexes(ctx context.Context) error {
	counts := map[string]int{}
	err := k.Ops.Walk(ctx, nil, func(id uint64, o types.Operation) (bool, error) {
		if has, err := k.OpsByStatus.Has(ctx, collections.Join(int32(o.Status), id)); err != nil || !has {
			return true, fmt.Errorf("operation %d not indexed under %s", id, o.Status)
		}
		if has, err := k.OpsByVM.Has(ctx, collections.Join(o.Op.VmId, id)); err != nil || !has {
			return true, fmt.Errorf("operation %d not indexed under vm %d", id, o.Op.VmId)
		}
		counts["status"]++
		switch {
		case o.Status == types.OPERATION_STATUS_AWAITING_APPROVAL:
			counts["deadline"]++
		case o.Status == types.OPERATION_STATUS_QUEUED:
			counts["queue"]++
		case types.Finished(o.Status):
			if has, err := k.OpsByFinish.Has(ctx, collections.Join(o.FinishedHeight, id)); err != nil || !has {
				return true, fmt.Errorf("%s operation %d not indexed under finished height %d", o.Status, id, o.FinishedHeight)
			}
			counts["finish"]++
		}
		if !types.Finished(o.Status) && o.FinishedHeight != 0 {
			return true, fmt.Errorf("%s operation %d has finished_height %d", o.Status, id, o.FinishedHeight)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	n := func(ks ...collections.KeySet[collections.Pair[int64, uint64]]) int {
		c := 0
		for _, s := range ks {
			_ = s.Walk(ctx, nil, func(collections.Pair[int64, uint64]) (bool, error) { c++; return false, nil })
		}
		return c
	}
	st, byVM := 0, 0
	if err := k.OpsByStatus.Walk(ctx, nil, func(collections.Pair[int32, uint64]) (bool, error) { st++; return false, nil }); err != nil {
		return err
	}
	if err := k.OpsByVM.Walk(ctx, nil, func(collections.Pair[uint64, uint64]) (bool, error) { byVM++; return false, nil }); err != nil {
		return err
	}
	if st != counts["status"] || byVM != counts["status"] || n(k.OpDeadlineH, k.OpDeadlineT) != counts["deadline"] ||
		n(k.OpQueueH, k.OpQueueT) != counts["queue"] || n(k.OpsByFinish) != counts["finish"] {
		return fmt.Errorf("operation indexes out of sync: status %d/%d, vm %d/%d, deadline %d/%d, queue %d/%d, finish %d/%d",
			st, counts["status"], byVM, counts["status"], n(k.OpDeadlineH, k.OpDeadlineT), counts["deadline"],
			n(k.OpQueueH, k.OpQueueT), counts["queue"], n(k.OpsByFinish), counts["finish"])
	}
	return nil
}

// checkOperatorIndexes: ActiveHostsByOperator has exactly the ACTIVE hosts (active of them, each
// checked by the caller) and RevokedOperators exactly the operators off host_operators with an
// ACTIVE host.
func (k Keeper) checkOperatorIndexes(ctx context.Context, active int, revoked map[string]bool) error {
	n := 0
	if err := k.ActiveHostsByOperator.Walk(ctx, nil, func(collections.Pair[sdk.AccAddress, string]) (bool, error) {
		n++
		return false, nil
	}); err != nil {
		return err
	}
	if n != active {
		return fmt.Errorf("ActiveHostsByOperator has %d entries, %d hosts are ACTIVE", n, active)
	}
	n = 0
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
