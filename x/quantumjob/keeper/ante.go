package keeper

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/internal/msgwalk"
	"github.com/novacron/novacron/x/quantumjob/types"
)

// CheckTxDecorator rejects oversized or invalid quantum jobs in CheckTx, before they reach
// the mempool; DeliverTx repeats the same checks (PlanJob) authoritatively in the Msg server.
type CheckTxDecorator struct{ k Keeper }

// NewCheckTxDecorator builds the decorator.
func NewCheckTxDecorator(k Keeper) CheckTxDecorator { return CheckTxDecorator{k} }

func (d CheckTxDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if ctx.IsCheckTx() && !ctx.IsReCheckTx() {
		if err := msgwalk.Walk(tx.GetMsgs(), func(m sdk.Msg) error { return d.check(ctx, m) }); err != nil {
			return ctx, err
		}
	}
	return next(ctx, tx, simulate)
}

// check plans one job message; msgwalk.Walk hands it the messages inside MsgExec too.
func (d CheckTxDecorator) check(ctx sdk.Context, msg sdk.Msg) error {
	m, ok := msg.(*types.MsgSubmitJob)
	if !ok {
		return nil
	}
	p, err := d.k.Params.Get(ctx)
	if err != nil {
		return err
	}
	_, err = PlanJob(p, m.Source, m.Shots, m.Backend)
	return err
}
