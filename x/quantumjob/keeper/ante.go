package keeper

import (
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"

	"github.com/novacron/novacron/x/quantumjob/types"
)

// maxExecDepth bounds recursion into nested authz MsgExec.
const maxExecDepth = 6

// CheckTxDecorator rejects oversized or invalid quantum jobs in CheckTx, before they reach
// the mempool; DeliverTx repeats the same checks (PlanJob) authoritatively in the Msg server.
type CheckTxDecorator struct{ k Keeper }

// NewCheckTxDecorator builds the decorator.
func NewCheckTxDecorator(k Keeper) CheckTxDecorator { return CheckTxDecorator{k} }

func (d CheckTxDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if ctx.IsCheckTx() && !ctx.IsReCheckTx() {
		if err := d.check(ctx, tx.GetMsgs(), 0); err != nil {
			return ctx, err
		}
	}
	return next(ctx, tx, simulate)
}

func (d CheckTxDecorator) check(ctx sdk.Context, msgs []sdk.Msg, depth int) error {
	for _, msg := range msgs {
		switch m := msg.(type) {
		case *types.MsgSubmitJob:
			p, err := d.k.Params.Get(ctx)
			if err != nil {
				return err
			}
			if _, err := PlanJob(p, m.Source, m.Shots, m.Backend); err != nil {
				return err
			}
		case *authz.MsgExec:
			if depth >= maxExecDepth {
				continue
			}
			inner, err := m.GetMessages()
			if err != nil {
				return err
			}
			if err := d.check(ctx, inner, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}
