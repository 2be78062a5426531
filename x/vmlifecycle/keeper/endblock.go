package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// EndBlocker drains the hosts of operators removed from host_operators, retries pending placements, migrates VMs off draining hosts, expires proposals, runs
// due time-locked operations, fires rules and prunes finished operations, each in bounded batches. Each item runs in its own cache context, so a failed item leaves nothing behind;
// item failures are logged, never returned, and panics are recovered (an EndBlock panic halts the chain).
func (k Keeper) EndBlocker(ctx context.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			k.logger(ctx).Error("vmlifecycle end block panic recovered", "panic", fmt.Sprint(r))
			err = nil
		}
	}()
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	// one scheduling budget for every placement of this block (types.EndBlockSchedulerSteps)
	ctx = withEndBlockMeter(sdk.UnwrapSDKContext(ctx))
	if err := k.sweepRevoked(ctx, p); err != nil {
		return err
	}
	if err := k.retryPending(ctx, p); err != nil {
		return err
	}
	if err := k.drainHosts(ctx, p); err != nil {
		return err
	}
	if err := k.expireOps(ctx, p); err != nil {
		return err
	}
	if err := k.runDueOps(ctx, p); err != nil {
		return err
	}
	if err := k.evaluateRules(ctx, p); err != nil {
		return err
	}
	return k.pruneOps(ctx, p)
}

func (k Keeper) logger(ctx context.Context) interface {
	Error(string, ...any)
} {
	return sdk.UnwrapSDKContext(ctx).Logger().With("module", "x/"+types.ModuleName)
}

// inCache runs fn on a cache context and writes it only if fn succeeds.
func inCache(ctx context.Context, fn func(ctx sdk.Context) error) error {
	cc, write := sdk.UnwrapSDKContext(ctx).CacheContext()
	if err := fn(cc); err != nil {
		return err
	}
	write()
	return nil
}

// retryPending re-schedules up to MaxPendingRetriesPerBlock PENDING VMs whose retry height has come,
// in (retry height, vm id) order.
func (k Keeper) retryPending(ctx context.Context, p types.Params) error {
	height := sdk.UnwrapSDKContext(ctx).BlockHeight()
	var due []collections.Pair[int64, uint64]
	rng := new(collections.Range[collections.Pair[int64, uint64]]).EndExclusive(collections.Join(height+1, uint64(0)))
	err := k.PendingQueue.Walk(ctx, rng, func(key collections.Pair[int64, uint64]) (bool, error) {
		due = append(due, key)
		return uint32(len(due)) >= p.MaxPendingRetriesPerBlock, nil
	})
	if err != nil {
		return err
	}
	for _, key := range due {
		if err := k.PendingQueue.Remove(ctx, key); err != nil {
			return err
		}
		vm, err := k.VMs.Get(ctx, key.K2())
		if errors.Is(err, collections.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if vm.State != types.VM_STATE_PENDING {
			continue // deleted meanwhile
		}
		err = inCache(ctx, func(cc sdk.Context) error {
			owner, _, err := k.canonical(vm.Owner)
			if err != nil {
				return err
			}
			return k.tryPlace(cc, p, &vm, owner, types.ModuleName, "retry")
		})
		if err != nil {
			// Nothing of the attempt was applied; the VM stays PENDING and is retried later
			// (a budget error also leaves its reason queryable through Query/Explain).
			k.logger(ctx).Error("pending retry failed", "vm", vm.Id, "err", err.Error())
			if errors.Is(err, types.ErrSchedulerBudget) {
				ex := types.Explanation{VmId: vm.Id, Height: height, Kind: "retry", Summary: err.Error()}
				if err := k.Explanations.Set(ctx, vm.Id, ex); err != nil {
					return err
				}
			}
			if err := k.PendingQueue.Set(ctx, collections.Join(height+p.PendingRetryIntervalBlocks, vm.Id)); err != nil {
				return err
			}
		}
	}
	return nil
}

// drainHosts migrates up to MaxDrainMigrationsPerBlock VMs off draining hosts (hosts in id order,
// VMs in id order from each host's cursor). A host with no VMs left leaves the queue.
func (k Keeper) drainHosts(ctx context.Context, p types.Params) error {
	budget := int(p.MaxDrainMigrationsPerBlock)
	var hosts []string
	if err := k.DrainQueue.Walk(ctx, nil, func(h string) (bool, error) {
		hosts = append(hosts, h)
		return len(hosts) >= budget, nil
	}); err != nil {
		return err
	}
	for _, hostID := range hosts {
		if budget == 0 {
			return nil
		}
		h, err := k.getHost(ctx, hostID)
		if err != nil {
			return err
		}
		if h.VmCount == 0 {
			if err := k.finishDrain(ctx, hostID); err != nil {
				return err
			}
			continue
		}
		cursor, err := k.DrainCursor.Get(ctx, hostID)
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return err
		}
		var batch []uint64
		err = k.VMs.Indexes.ByHost.Walk(ctx, afterCursor{hostID, cursor}, func(key collections.Pair[string, uint64]) (bool, error) {
			batch = append(batch, key.K2())
			return len(batch) >= budget, nil
		})
		if err != nil {
			return err
		}
		budget -= len(batch)
		next := uint64(0) // wrap to the start when this pass reached the end of the host's VMs
		if budget == 0 && len(batch) > 0 {
			next = batch[len(batch)-1]
		}
		for _, id := range batch {
			vm, err := k.VMs.Get(ctx, id)
			if err != nil {
				return err
			}
			if !types.CanTransition(vm.State, types.VM_STATE_MIGRATING) {
				continue // STOPPING: wait for the host to report STOPPED
			}
			var ex types.Explanation
			err = inCache(ctx, func(cc sdk.Context) error {
				var err error
				_, ex, err = k.migrate(cc, p, &vm, "", "", types.ModuleName, "drain")
				return err
			})
			if err != nil {
				k.logger(ctx).Error("drain migration failed", "vm", id, "host", hostID, "err", err.Error())
				if ex.Kind != "" { // keep the reason queryable
					if err := k.Explanations.Set(ctx, vm.Id, ex); err != nil {
						return err
					}
				}
			}
		}
		if err := k.DrainCursor.Set(ctx, hostID, next); err != nil {
			return err
		}
		if h, err = k.getHost(ctx, hostID); err != nil {
			return err
		}
		if h.VmCount == 0 {
			if err := k.finishDrain(ctx, hostID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (k Keeper) finishDrain(ctx context.Context, hostID string) error {
	if err := k.DrainQueue.Remove(ctx, hostID); err != nil {
		return err
	}
	if err := k.DrainCursor.Remove(ctx, hostID); err != nil {
		return err
	}
	if err := k.hostAudit(ctx, hostID, types.ModuleName, "drained: no VMs left"); err != nil {
		return err
	}
	if err := k.noteHost(ctx, hostID, types.TRIGGER_KIND_HOST_DRAINED); err != nil {
		return err
	}
	emit(ctx, types.EventTypeHostDrained, types.AttributeKeyHostID, hostID)
	return nil
}

// afterCursor ranges the VMs of one host with id > cursor (cursor 0 = all).
type afterCursor struct {
	host   string
	cursor uint64
}

func (r afterCursor) RangeValues() (start, end *collections.RangeKey[collections.Pair[string, uint64]], order collections.Order, err error) {
	return collections.RangeKeyNext(collections.Join(r.host, r.cursor)),
		collections.RangeKeyPrefixEnd(collections.PairPrefix[string, uint64](r.host)),
		collections.OrderAscending, nil
}
