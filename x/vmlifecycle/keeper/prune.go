package keeper

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// pruneOps removes up to MaxOpPrunesPerBlock finished operations (EXECUTED, FAILED, EXPIRED,
// CANCELLED) with finished_height ≤ height − OpRetentionBlocks, in (finished height, id) order, from
// Ops (and so from its indexes). OpRetentionBlocks 0 keeps them
// forever. The walk is one range over OpsByFinish, so the work is bounded by the param whatever the
// number of operations; the rest follow in later blocks. One summary event per block that pruned.
func (k Keeper) pruneOps(ctx context.Context, p types.Params) error {
	if p.OpRetentionBlocks <= 0 {
		return nil
	}
	cutoff := sdk.UnwrapSDKContext(ctx).BlockHeight() - p.OpRetentionBlocks
	if cutoff < 0 {
		return nil
	}
	keys, err := dueKeys(ctx, k.Ops.Indexes.ByFinish, cutoff, int(p.MaxOpPrunesPerBlock))
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(keys))
	for _, key := range keys {
		o, err := k.Ops.Get(ctx, key.K2())
		switch {
		case errors.Is(err, collections.ErrNotFound), err == nil && (!types.Finished(o.Status) || o.FinishedHeight != key.K1()):
			// A stale entry (cannot happen while the IndexedMap keeps the index): drop the entry
			// only, so pruning keeps moving and never removes an open operation.
			k.logger(ctx).Error("stale finished-operation index entry dropped", "operation", key.K2(), "finished_height", key.K1())
			if err := k.Ops.Indexes.ByFinish.Entries().Remove(ctx, key); err != nil {
				return err
			}
			continue
		case err != nil:
			return err
		}
		if err := k.Ops.Remove(ctx, o.Id); err != nil {
			return err
		}
		ids = append(ids, fmt.Sprint(o.Id))
	}
	if len(ids) > 0 {
		emit(ctx, types.EventTypeOpsPruned, types.AttributeKeyCount, fmt.Sprint(len(ids)),
			types.AttributeKeyOpIDs, strings.Join(ids, ","), types.AttributeKeyCutoff, fmt.Sprint(cutoff))
	}
	return nil
}
