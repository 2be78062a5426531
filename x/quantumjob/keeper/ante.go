package keeper

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/internal/msgwalk"
	"github.com/novacron/novacron/x/quantumjob/types"
)

// CheckTxDecorator caps the jobs per transaction (every mode) and rejects oversized or
// invalid quantum jobs in CheckTx, before they reach the mempool, planning each under
// max_plan_steps and charging its steps as gas; DeliverTx repeats the same checks (PlanJob)
// authoritatively in the Msg server. The app places it after signature verification and fee
// deduction, so no engine work runs for an unsigned or unpaid transaction.
type CheckTxDecorator struct{ k Keeper }

// NewCheckTxDecorator builds the decorator.
func NewCheckTxDecorator(k Keeper) CheckTxDecorator { return CheckTxDecorator{k} }

func (d CheckTxDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	var jobs []*types.MsgSubmitJob
	if err := msgwalk.Walk(tx.GetMsgs(), func(m sdk.Msg) error {
		if j, ok := m.(*types.MsgSubmitJob); ok {
			jobs = append(jobs, j)
		}
		return nil
	}); err != nil {
		return ctx, err
	}
	if len(jobs) == 0 {
		return next(ctx, tx, simulate)
	}
	p, err := d.k.Params.Get(ctx)
	if err != nil {
		return ctx, err
	}
	if uint64(len(jobs)) > uint64(p.MaxJobsPerTx) {
		return ctx, types.ErrTooManyJobs.Wrapf("%d jobs > max_jobs_per_tx %d", len(jobs), p.MaxJobsPerTx)
	}
	if ctx.IsCheckTx() && !ctx.IsReCheckTx() {
		for _, m := range jobs {
			plan, err := PlanJob(p, m.Source, m.Shots, m.Backend, p.MaxPlanSteps)
			ctx.GasMeter().ConsumeGas(GasForCost(p, plan.PlanSteps), "quantumjob check")
			if err != nil {
				return ctx, err
			}
		}
	}
	return next(ctx, tx, simulate)
}
