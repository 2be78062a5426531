package keeper_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	protov2 "google.golang.org/protobuf/proto"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/novacron/novacron/x/quantumjob/keeper"
	qjtestutil "github.com/novacron/novacron/x/quantumjob/testutil"
	"github.com/novacron/novacron/x/quantumjob/types"
)

type fakeTx struct{ msgs []sdk.Msg }

func (tx fakeTx) GetMsgs() []sdk.Msg                    { return tx.msgs }
func (tx fakeTx) GetMsgsV2() ([]protov2.Message, error) { return nil, nil }

// anteRun runs the decorator and reports whether the next handler was reached.
func anteRun(ctx sdk.Context, k keeper.Keeper, msgs ...sdk.Msg) (bool, error) {
	reached := false
	next := func(ctx sdk.Context, _ sdk.Tx, _ bool) (sdk.Context, error) {
		reached = true
		return ctx, nil
	}
	_, err := keeper.NewCheckTxDecorator(k).AnteHandle(ctx, fakeTx{msgs}, false, next)
	return reached, err
}

func TestCheckTxDecorator(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	owner := qjtestutil.AddrStr(1)
	good := &types.MsgSubmitJob{Owner: owner, Source: qjtestutil.GHZ3, Shots: 1024}
	tooBig := &types.MsgSubmitJob{Owner: owner, Source: "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[25];\nh q;\n", Backend: "statevector"}
	badQasm := &types.MsgSubmitJob{Owner: owner, Source: "OPENQASM 2.0;\nqreg q[1];\nfoo q[0];\n"}
	tooManyShots := &types.MsgSubmitJob{Owner: owner, Source: qjtestutil.Bell, Shots: 1 << 20}
	oversizeSource := &types.MsgSubmitJob{Owner: owner, Source: qjtestutil.Bell + strings.Repeat(" ", 1<<20)}
	send := &banktypes.MsgSend{FromAddress: owner, ToAddress: qjtestutil.AddrStr(2)}
	exec := func(msgs ...sdk.Msg) *authz.MsgExec {
		m := authz.NewMsgExec(qjtestutil.Addr(3), msgs)
		return &m
	}

	checkTx := f.Ctx.WithIsCheckTx(true)
	for name, tc := range map[string]struct {
		msgs []sdk.Msg
		want error
	}{
		"good":                {[]sdk.Msg{good}, nil},
		"other messages":      {[]sdk.Msg{send}, nil},
		"too many qubits":     {[]sdk.Msg{good, tooBig}, types.ErrTooLarge},
		"bad qasm":            {[]sdk.Msg{send, badQasm}, types.ErrInvalidCircuit},
		"too many shots":      {[]sdk.Msg{tooManyShots}, types.ErrInvalidShots},
		"source too large":    {[]sdk.Msg{oversizeSource}, types.ErrTooLarge},
		"in authz exec":       {[]sdk.Msg{exec(send, tooBig)}, types.ErrTooLarge},
		"in nested exec":      {[]sdk.Msg{exec(exec(badQasm))}, types.ErrInvalidCircuit},
		"good in authz exec":  {[]sdk.Msg{exec(good, send)}, nil},
		"good in nested exec": {[]sdk.Msg{exec(exec(good))}, nil},
	} {
		reached, err := anteRun(checkTx, f.Keeper, tc.msgs...)
		if tc.want == nil {
			require.NoError(t, err, name)
			require.True(t, reached, name)
			continue
		}
		require.ErrorIs(t, err, tc.want, name)
		require.False(t, reached, "%s: a rejected tx must not reach the next decorator", name)
	}

	// The error names the line:column, as the client sees it.
	_, err := anteRun(checkTx, f.Keeper, badQasm)
	require.Contains(t, err.Error(), "3:1")

	// ReCheckTx and DeliverTx pass everything on (the Msg server re-checks authoritatively).
	for name, ctx := range map[string]sdk.Context{
		"recheck": f.Ctx.WithIsCheckTx(true).WithIsReCheckTx(true),
		"deliver": f.Ctx,
	} {
		reached, err := anteRun(ctx, f.Keeper, tooBig, exec(badQasm))
		require.NoError(t, err, name)
		require.True(t, reached, name)
	}

	// Limits are read from the current params.
	f.SetParams(t, func(p *types.Params) { p.MaxShots = 10 })
	_, err = anteRun(checkTx, f.Keeper, good)
	require.ErrorIs(t, err, types.ErrInvalidShots)
}

// bomb is issue 10's node-freeze input: 2^60 calls of empty gates, no op ever emitted.
func bomb() string {
	var b strings.Builder
	b.WriteString("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ngate g0 a { }\n")
	for k := 1; k <= 60; k++ {
		fmt.Fprintf(&b, "gate g%d a { g%d a; g%d a; }\n", k, k-1, k-1)
	}
	b.WriteString("g60 q[0];\n")
	return b.String()
}

// The pre-check plans under the smaller of max_check_steps and the tx's gas, charging the
// steps as gas. Issue 10's expansion bomb: with little gas it is rejected with the budget
// error (DeliverTx could not do better); with plenty it costs CheckTx exactly
// max_check_steps and is passed on, and the Msg server then fails it within the gas it paid.
// The job count per tx is capped in every mode.
func TestCheckTxDecoratorBudgetAndJobCount(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	owner := qjtestutil.AddrStr(1)
	p := types.DefaultParams()
	bombMsg := &types.MsgSubmitJob{Owner: owner, Source: bomb()}
	checkTx := func(gas uint64) sdk.Context {
		return f.Ctx.WithIsCheckTx(true).WithGasMeter(storetypes.NewGasMeter(gas)).WithKVGasConfig(storetypes.GasConfig{})
	}

	low := checkTx(100_000) // pays for 10^6 steps < max_check_steps
	reached, err := anteRun(low, f.Keeper, bombMsg)
	require.ErrorIs(t, err, types.ErrBudgetExceeded)
	require.Contains(t, err.Error(), "budget 1000000")
	require.False(t, reached)
	require.InDelta(t, 100_000, low.GasMeter().GasConsumed(), 10, "the work done was charged")

	high := checkTx(10_000_000)
	reached, err = anteRun(high, f.Keeper, bombMsg)
	require.NoError(t, err)
	require.True(t, reached, "too big to check, paid for: left to DeliverTx")
	require.InDelta(t, keeper.GasForCost(p, p.MaxCheckSteps), high.GasMeter().GasConsumed(), 10)
	require.LessOrEqual(t, high.GasMeter().GasConsumed(), keeper.GasForCost(p, p.MaxCheckSteps))

	// DeliverTx: planning runs under the gas left and fails within it; nothing is stored
	deliver := f.Ctx.WithGasMeter(storetypes.NewGasMeter(2_000_000)).WithKVGasConfig(storetypes.GasConfig{})
	_, err = f.MsgServer.SubmitJob(deliver, bombMsg)
	require.ErrorIs(t, err, types.ErrBudgetExceeded)
	require.LessOrEqual(t, deliver.GasMeter().GasConsumed(), uint64(2_000_000))
	require.Greater(t, deliver.GasMeter().GasConsumed(), uint64(1_900_000), "the gas paid for the work is used")
	assertNothingStored(t, f)

	good := &types.MsgSubmitJob{Owner: owner, Source: qjtestutil.Bell, Shots: 1}
	many := make([]sdk.Msg, p.MaxJobsPerTx+1)
	for i := range many {
		many[i] = good
	}
	for _, c := range []sdk.Context{f.Ctx.WithIsCheckTx(true), f.Ctx} {
		_, err = anteRun(c, f.Keeper, many...)
		require.ErrorIs(t, err, types.ErrTooManyJobs)
		_, err = anteRun(c, f.Keeper, &authz.MsgExec{Grantee: owner, Msgs: nil}, many[0])
		require.NoError(t, err)
	}
	nested := authz.NewMsgExec(qjtestutil.Addr(3), many[:p.MaxJobsPerTx])
	_, err = anteRun(f.Ctx, f.Keeper, &nested, good)
	require.ErrorIs(t, err, types.ErrTooManyJobs, "jobs inside MsgExec count too")
}
