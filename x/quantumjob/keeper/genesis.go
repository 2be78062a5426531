package keeper

import (
	"context"

	"github.com/novacron/novacron/x/quantumjob/types"
)

// InitGenesis loads params, jobs, results and rebuilds the queue and owner index. Every
// QUEUED job is planned again under the genesis params, as a submission would be: its cost
// (the budget it runs under) is what planning says now, and a job that no longer plans is
// imported as FAILED with the planning error instead of running unchecked.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(k.addressCodec); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	next := max(gs.NextJobId, 1)
	if err := k.NextJobID.Set(ctx, next); err != nil {
		return err
	}
	var queued uint64
	for _, j := range gs.Jobs {
		if j.Status == types.JOB_STATUS_QUEUED {
			plan, err := PlanJob(gs.Params, j.Source, j.Shots, j.Backend, gs.Params.BlockCostBudget)
			if err != nil {
				j.Status, j.Error = types.JOB_STATUS_FAILED, err.Error()
			} else {
				j.Cost, j.Backend = plan.Cost, string(plan.Backend)
			}
		}
		if err := k.Jobs.Set(ctx, j.Id, j); err != nil { // indexes the owner too
			return err
		}
		if j.Status == types.JOB_STATUS_QUEUED {
			if err := k.Queue.Set(ctx, j.Id); err != nil {
				return err
			}
			queued++
		}
	}
	for _, r := range gs.Results {
		if err := k.Results.Set(ctx, r.JobId, r); err != nil {
			return err
		}
	}
	return k.QueueSize.Set(ctx, queued)
}

// ExportGenesis dumps state in id order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	next, err := k.NextJobID.Peek(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: p, NextJobId: next}
	if err := k.Jobs.Walk(ctx, nil, func(_ uint64, j types.Job) (bool, error) {
		gs.Jobs = append(gs.Jobs, j)
		return false, nil
	}); err != nil {
		return nil, err
	}
	err = k.Results.Walk(ctx, nil, func(_ uint64, r types.Result) (bool, error) {
		gs.Results = append(gs.Results, r)
		return false, nil
	})
	return gs, err
}
