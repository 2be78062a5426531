package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/quantumjob/types"
)

// CheckInvariants verifies the module's state is consistent (x/crisis is deprecated in v0.54:
// tests and the simulation call this after every block):
//   - QueueSize is the number of queued ids, and every queued id is a QUEUED job;
//   - every QUEUED job is queued;
//   - results exist exactly for SUCCEEDED jobs, and a result never counted more steps than
//     the job's cost (the budget it ran under);
//   - the owner index holds exactly (owner, id) for every job.
func (k Keeper) CheckInvariants(ctx context.Context) error {
	var queued uint64
	err := k.Queue.Walk(ctx, nil, func(id uint64) (bool, error) {
		queued++
		j, err := k.Jobs.Get(ctx, id)
		if err != nil {
			return true, fmt.Errorf("queued job %d: %w", id, err)
		}
		if j.Status != types.JOB_STATUS_QUEUED {
			return true, fmt.Errorf("queued job %d is %s", id, j.Status)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	if n, err := k.QueueSize.Get(ctx); err != nil || n != queued {
		return fmt.Errorf("queue size %d, %d queued (%v)", n, queued, err)
	}
	var jobs uint64
	err = k.Jobs.Walk(ctx, nil, func(id uint64, j types.Job) (bool, error) {
		jobs++
		inQueue, err := k.Queue.Has(ctx, id)
		if err != nil {
			return true, err
		}
		if inQueue != (j.Status == types.JOB_STATUS_QUEUED) {
			return true, fmt.Errorf("job %d is %s, queued %v", id, j.Status, inQueue)
		}
		r, err := k.Results.Get(ctx, id)
		hasResult := err == nil
		if err != nil && !isNotFound(err) {
			return true, err
		}
		if hasResult != (j.Status == types.JOB_STATUS_SUCCEEDED) {
			return true, fmt.Errorf("job %d is %s, has result %v", id, j.Status, hasResult)
		}
		if hasResult && r.Steps > j.Cost {
			return true, fmt.Errorf("job %d counted %d steps, more than its cost %d", id, r.Steps, j.Cost)
		}
		owner, err := k.addressCodec.StringToBytes(j.Owner)
		if err != nil {
			return true, fmt.Errorf("job %d owner %q: %w", id, j.Owner, err)
		}
		it, err := k.Jobs.Indexes.Owner.MatchExact(ctx, owner)
		if err != nil {
			return true, err
		}
		ids, err := it.PrimaryKeys()
		if err != nil {
			return true, err
		}
		found := false
		for _, x := range ids {
			found = found || x == id
		}
		if !found {
			return true, fmt.Errorf("job %d missing from its owner's index", id)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	var indexed uint64
	err = k.Jobs.Indexes.Owner.Walk(ctx, nil, func(sdk.AccAddress, uint64) (bool, error) {
		indexed++
		return false, nil
	})
	if err == nil && indexed != jobs {
		return fmt.Errorf("owner index has %d entries for %d jobs", indexed, jobs)
	}
	return err
}

func isNotFound(err error) bool { return errors.Is(err, collections.ErrNotFound) }
