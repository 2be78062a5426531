package keeper

import (
	"errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/internal/msgwalk"
	"github.com/novacron/novacron/x/quantumjob/types"
)

// CheckTxDecorator caps the jobs per transaction (every mode) and rejects oversized or
// invalid quantum jobs in CheckTx, before they reach the mempool. Each job is planned under
// the smaller of max_check_steps and what the tx's gas left pays for, and the steps are
// charged as gas. A job whose planning outgrows the tx's own gas is rejected (DeliverTx would
// fail the same way); one that only outgrows max_check_steps is passed on: DeliverTx plans it
// authoritatively in the Msg server under the gas the tx pays for. The app places this
// decorator after signature verification and fee deduction, so no engine work runs for an
// unsigned or unpaid transaction.
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
			paid := meter.Mul(ctx.GasMeter().GasRemaining(), p.CostUnitsPerGas) // steps the gas left pays for
			plan, err := PlanJob(p, m.Source, m.Shots, m.Backend, min(paid, p.MaxCheckSteps))
			ctx.GasMeter().ConsumeGas(GasForCost(p, plan.PlanSteps), "quantumjob check")
			if errors.Is(err, types.ErrBudgetExceeded) && paid > p.MaxCheckSteps {
				continue // too big to check here; paid for: DeliverTx decides
			}
			if err != nil {
				return ctx, err
			}
		}
	}
	return next(ctx, tx, simulate)
}
