package keeper_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/novacron/novacron/x/quantumjob/engine"
	"github.com/novacron/novacron/x/quantumjob/engine/algo"
	"github.com/novacron/novacron/x/quantumjob/engine/qasm"
	"github.com/novacron/novacron/x/quantumjob/keeper"
	qjtestutil "github.com/novacron/novacron/x/quantumjob/testutil"
	"github.com/novacron/novacron/x/quantumjob/types"
)

var gov = qjtestutil.GovAuthority

// eventsOf renders the module's events as "type k=v k=v".
func eventsOf(ctx sdk.Context) []string {
	var out []string
	for _, e := range ctx.EventManager().Events() {
		if !strings.HasPrefix(e.Type, "quantumjob_") {
			continue
		}
		s := e.Type
		for _, a := range e.Attributes {
			s += " " + a.Key + "=" + a.Value
		}
		out = append(out, s)
	}
	return out
}

// wantGas is everything SubmitJob charges for src.
func wantGas(t *testing.T, p types.Params, src string, shots uint32) (plan engine.Estimate, gas uint64) {
	t.Helper()
	plan, err := keeper.PlanJob(p, src, shots, "", p.BlockCostBudget)
	require.NoError(t, err)
	return plan, keeper.GasPerJob + keeper.GasPerSourceByte*uint64(len(src)) + keeper.GasForCost(p, plan.Cost) +
		keeper.GasPerResultByte*keeper.ResultBytesBound(plan, shots, p)
}

func TestSubmitJobStoresQueuedJob(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	p := types.DefaultParams()
	plan, gas := wantGas(t, p, qjtestutil.GHZ3, 1024)
	require.Equal(t, engine.BackendStabilizer, plan.Backend) // Clifford-only under auto

	// With the store's own KV gas switched off the meter shows exactly the module's charges.
	ctx := f.Ctx.WithGasMeter(storetypes.NewGasMeter(10_000_000)).WithKVGasConfig(storetypes.GasConfig{})
	res, err := f.MsgServer.SubmitJob(ctx, &types.MsgSubmitJob{Owner: qjtestutil.AddrStr(1), Source: qjtestutil.GHZ3, Shots: 1024})
	require.NoError(t, err)
	require.Equal(t, &types.MsgSubmitJobResponse{JobId: 1, Cost: plan.Cost}, res)
	require.Equal(t, gas, ctx.GasMeter().GasConsumed())
	require.GreaterOrEqual(t, ctx.GasMeter().GasConsumed(), keeper.GasForCost(p, plan.Cost))

	require.Equal(t, types.Job{
		Id: 1, Owner: qjtestutil.AddrStr(1), Source: qjtestutil.GHZ3, Shots: 1024, Backend: "stabilizer",
		Status: types.JOB_STATUS_QUEUED, SubmittedHeight: qjtestutil.Height, Cost: plan.Cost,
	}, f.Job(t, 1))
	require.Equal(t, []uint64{1}, f.Queued(t))
	require.Equal(t, uint64(1), f.QueueSize(t))
	it, err := f.Keeper.Jobs.Indexes.Owner.MatchExact(f.Ctx, qjtestutil.Addr(1))
	require.NoError(t, err)
	ids, err := it.PrimaryKeys()
	require.NoError(t, err)
	require.Equal(t, []uint64{1}, ids, "the owner index follows the job")
	has, err := f.Keeper.Results.Has(f.Ctx, 1)
	require.NoError(t, err)
	require.False(t, has, "nothing runs before EndBlock")
	require.Equal(t, []string{fmt.Sprintf("quantumjob_submitted job_id=1 owner=%s backend=stabilizer cost=%d",
		qjtestutil.AddrStr(1), plan.Cost)}, eventsOf(ctx))

	// Ids increase; an explicit backend is stored as resolved.
	res, err = f.MsgServer.SubmitJob(f.Ctx, &types.MsgSubmitJob{Owner: qjtestutil.AddrStr(1), Source: qjtestutil.Bell, Shots: 10, Backend: "statevector"})
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.JobId)
	require.Equal(t, "statevector", f.Job(t, 2).Backend)
	require.Equal(t, uint64(2), f.QueueSize(t))
}

func TestSubmitJobGasScalesWithCost(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	p := types.DefaultParams()
	// A 20-qubit state-vector circuit costs ~2^20 x ops units: its simulation gas dominates.
	var sb strings.Builder
	sb.WriteString("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[20];\n")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&sb, "h q[%d];\nt q[%d];\n", i, i)
	}
	src := sb.String()
	plan, gas := wantGas(t, p, src, 0)
	require.Equal(t, engine.BackendStateVector, plan.Backend)
	require.Greater(t, keeper.GasForCost(p, plan.Cost), uint64(400_000))

	// With the store's KV gas (the default config) the meter grows by the module's charges and more.
	ctx := f.Ctx.WithGasMeter(storetypes.NewGasMeter(100_000_000))
	_, err := f.MsgServer.SubmitJob(ctx, &types.MsgSubmitJob{Owner: qjtestutil.AddrStr(1), Source: src})
	require.NoError(t, err)
	require.Greater(t, ctx.GasMeter().GasConsumed(), gas)
	require.GreaterOrEqual(t, ctx.GasMeter().GasConsumed(), keeper.GasForCost(p, plan.Cost))
}

func TestGasForCostRoundsUp(t *testing.T) {
	p := types.DefaultParams() // 10 units per gas
	for cost, want := range map[uint64]uint64{0: 0, 1: 1, 9: 1, 10: 1, 11: 2, 3092: 310, 177_860_225: 17_786_023} {
		require.Equal(t, want, keeper.GasForCost(p, cost), "cost %d", cost)
	}
}

func TestResultBytesBound(t *testing.T) {
	p := types.DefaultParams()
	// GHZ-3: 3 clbits, so at most 8 outcomes of each kind, keys of at most 6 characters.
	require.Equal(t, uint64((8+8)*(6+18)), keeper.ResultBytesBound(engine.Estimate{Qubits: 3, Clbits: 3}, 1024, p))
	// 20 unmeasured qubits, no shots: at most MaxOutcomes probabilities of 20-character keys.
	require.Equal(t, uint64(4096*(20+18)), keeper.ResultBytesBound(engine.Estimate{Qubits: 20}, 0, p))
	// 300 measured qubits: shots bound the counts.
	require.Equal(t, uint64((4096+65536)*(600+18)), keeper.ResultBytesBound(engine.Estimate{Qubits: 300, Clbits: 300}, 65536, p))
}

// An out-of-gas meter panics (as baseapp expects) before anything is stored: the source gas
// is charged before the source is even looked at, planning runs under what the gas left pays
// for (a budget error, its steps charged), and the simulation is charged before queueing.
func TestSubmitJobOutOfGasStoresNothing(t *testing.T) {
	p := types.DefaultParams()
	sourceGas := keeper.GasPerJob + keeper.GasPerSourceByte*uint64(len(qjtestutil.GHZ3))
	plan, err := keeper.PlanJob(p, qjtestutil.GHZ3, 1024, "", p.BlockCostBudget)
	require.NoError(t, err)
	planGas := keeper.GasForCost(p, plan.PlanSteps)
	for name, tc := range map[string]struct {
		limit uint64
		src   string
		panic string // "" : a budget error instead
	}{
		"below source gas, bad source": {sourceGas - 1, strings.Repeat("x", len(qjtestutil.GHZ3)), "quantumjob source"},
		"below source gas":             {sourceGas - 1, qjtestutil.GHZ3, "quantumjob source"},
		"planning not paid":            {sourceGas + planGas - 1, qjtestutil.GHZ3, ""},
		"planning paid, simulation not": {sourceGas + keeper.GasForCost(p, plan.PlanSteps) +
			keeper.GasForCost(p, plan.Cost-plan.PlanSteps) - 1, qjtestutil.GHZ3, "quantumjob simulation"},
	} {
		t.Run(name, func(t *testing.T) {
			f := qjtestutil.NewFixture(t, nil)
			ctx := f.Ctx.WithGasMeter(storetypes.NewGasMeter(tc.limit)).WithKVGasConfig(storetypes.GasConfig{})
			submit := func() (*types.MsgSubmitJobResponse, error) {
				return f.MsgServer.SubmitJob(ctx, &types.MsgSubmitJob{Owner: qjtestutil.AddrStr(1), Source: tc.src, Shots: 1024})
			}
			if tc.panic != "" {
				require.PanicsWithValue(t, storetypes.ErrorOutOfGas{Descriptor: tc.panic}, func() { _, _ = submit() })
			} else {
				_, err := submit()
				require.ErrorIs(t, err, types.ErrBudgetExceeded)
				require.LessOrEqual(t, ctx.GasMeter().GasConsumed(), tc.limit)
			}
			assertNothingStored(t, f)
		})
	}
}

func assertNothingStored(t *testing.T, f *qjtestutil.Fixture) {
	t.Helper()
	it, err := f.Keeper.Jobs.Iterate(f.Ctx, nil)
	require.NoError(t, err)
	require.False(t, it.Valid(), "a job was stored")
	it.Close()
	require.Empty(t, f.Queued(t))
	require.Zero(t, f.QueueSize(t))
	next, err := f.Keeper.NextJobID.Peek(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(1), next)
	oit, err := f.Keeper.Jobs.Indexes.Owner.Iterate(f.Ctx, nil)
	require.NoError(t, err)
	require.False(t, oit.Valid())
	oit.Close()
}

func TestSubmitJobBadInput(t *testing.T) {
	qasm := func(body string) string { return "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n" + body }
	big := qasm("qreg q[25];\ncreg c[25];\nh q;\nt q[0];\nmeasure q -> c;\n")
	nc, err := keeper.PlanJob(types.DefaultParams(), qjtestutil.NonClifford, 1, "", 1<<40)
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		msg     types.MsgSubmitJob
		params  func(*types.Params)
		want    *errorsmod.Error
		contain string
	}{
		"bad qasm has line:col": {
			msg: types.MsgSubmitJob{Source: qasm("qreg q[2];\nh q[5];\n"), Shots: 1}, want: types.ErrInvalidCircuit, contain: "4:",
		},
		"unknown gate has line:col": {
			msg: types.MsgSubmitJob{Source: "OPENQASM 2.0;\nqreg q[1];\nfoo q[0];\n", Shots: 1}, want: types.ErrInvalidCircuit, contain: "3:1",
		},
		"too many qubits for the state vector": {
			msg: types.MsgSubmitJob{Source: big, Shots: 1}, want: types.ErrTooLarge, contain: "25",
		},
		"too many qubits, explicit statevector": {
			msg: types.MsgSubmitJob{Source: qasm("qreg q[25];\nh q;\n"), Backend: "statevector"}, want: types.ErrTooLarge,
		},
		"non-Clifford on the stabilizer": {
			msg: types.MsgSubmitJob{Source: qjtestutil.NonClifford, Shots: 1, Backend: "stabilizer"}, want: types.ErrInvalidBackend, contain: "not Clifford",
		},
		"unknown backend": {
			msg: types.MsgSubmitJob{Source: qjtestutil.Bell, Shots: 1, Backend: "gpu"}, want: types.ErrInvalidBackend, contain: `"gpu"`,
		},
		"too many shots": {
			msg: types.MsgSubmitJob{Source: qjtestutil.Bell, Shots: 65537}, want: types.ErrInvalidShots, contain: "65537 shots > max 65536",
		},
		"source too large": {
			msg:    types.MsgSubmitJob{Source: qjtestutil.Bell + strings.Repeat("// padding\n", 10), Shots: 1},
			params: func(p *types.Params) { p.MaxSourceBytes = 100 }, want: types.ErrTooLarge, contain: "> max 100",
		},
		"too many gates": {
			msg:    types.MsgSubmitJob{Source: qjtestutil.GHZ3, Shots: 1},
			params: func(p *types.Params) { p.MaxGates = 2 }, want: types.ErrTooLarge, contain: "gates",
		},
		"cost over the block budget": {
			msg:    types.MsgSubmitJob{Source: qjtestutil.NonClifford, Shots: 1},
			params: func(p *types.Params) { p.BlockCostBudget = nc.PlanSteps }, want: types.ErrTooLarge, contain: "cost",
		},
		"planning over the block budget": {
			msg:    types.MsgSubmitJob{Source: qjtestutil.NonClifford, Shots: 1},
			params: func(p *types.Params) { p.BlockCostBudget = 10 }, want: types.ErrBudgetExceeded, contain: "budget 10",
		},
		"opaque gate": {
			msg: types.MsgSubmitJob{Source: qjtestutil.Opaque, Shots: 1}, want: types.ErrInvalidCircuit, contain: "opaque",
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := qjtestutil.NewFixture(t, nil)
			if tc.params != nil {
				f.SetParams(t, tc.params)
			}
			msg := tc.msg
			msg.Owner = qjtestutil.AddrStr(1)
			_, err := f.MsgServer.SubmitJob(f.Ctx, &msg)
			require.ErrorIs(t, err, tc.want)
			require.Contains(t, err.Error(), tc.contain)
			// Registered codes survive to the client.
			codespace, code, _ := errorsmod.ABCIInfo(err, false)
			require.Equal(t, types.ModuleName, codespace)
			require.Equal(t, tc.want.ABCICode(), code)
			assertNothingStored(t, f)
			require.Empty(t, eventsOf(f.Ctx))
		})
	}
}

func TestSubmitJobBadOwner(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	for _, owner := range []string{"", "cosmos1qqqsyqcyq5rqwzqfpg9scrgwpugpzysnzs23v9", "nova1notanaddress"} {
		_, err := f.MsgServer.SubmitJob(f.Ctx, &types.MsgSubmitJob{Owner: owner, Source: qjtestutil.Bell, Shots: 1})
		require.ErrorIs(t, err, sdkerrors.ErrInvalidAddress, owner)
	}
	assertNothingStored(t, f)
}

func TestSubmitJobQueueFull(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	f.SetParams(t, func(p *types.Params) { p.MaxQueueLength = 2 })
	f.Submit(t, 1, qjtestutil.Bell, 1, "")
	f.Submit(t, 2, qjtestutil.Bell, 1, "")
	_, err := f.MsgServer.SubmitJob(f.Ctx, &types.MsgSubmitJob{Owner: qjtestutil.AddrStr(3), Source: qjtestutil.Bell, Shots: 1})
	require.ErrorIs(t, err, types.ErrQueueFull)
	require.Contains(t, err.Error(), "2 jobs waiting")
	require.Equal(t, []uint64{1, 2}, f.Queued(t))
	require.Equal(t, uint64(2), f.QueueSize(t))
	_, err = f.Keeper.Jobs.Get(f.Ctx, 3)
	require.True(t, errors.Is(err, collections.ErrNotFound))

	// Running one frees a slot.
	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(qjtestutil.Height+1)))
	require.Zero(t, f.QueueSize(t))
	res := f.Submit(t, 3, qjtestutil.Bell, 1, "")
	require.Equal(t, uint64(3), res.JobId)
	require.Equal(t, uint64(1), f.QueueSize(t))
}

func TestUpdateParams(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	p := types.DefaultParams()
	p.MaxJobsPerBlock = 9
	p.MaxShots = 100

	_, err := f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: qjtestutil.AddrStr(1), Params: p})
	require.ErrorIs(t, err, sdkerrors.ErrUnauthorized)
	got, err := f.Keeper.Params.Get(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), got)

	bad := p
	bad.CostUnitsPerGas = 0
	_, err = f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: bad})
	require.ErrorIs(t, err, types.ErrInvalidParams)
	got, err = f.Keeper.Params.Get(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), got)

	_, err = f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: p})
	require.NoError(t, err)
	got, err = f.Keeper.Params.Get(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, p, got)

	// The new limits apply to the next submission.
	_, err = f.MsgServer.SubmitJob(f.Ctx, &types.MsgSubmitJob{Owner: qjtestutil.AddrStr(1), Source: qjtestutil.Bell, Shots: 101})
	require.ErrorIs(t, err, types.ErrInvalidShots)
}

func TestParamsValidate(t *testing.T) {
	require.NoError(t, types.DefaultParams().Validate())
	for name, mutate := range map[string]func(*types.Params){
		"zero sv qubits":     func(p *types.Params) { p.MaxQubitsStatevector = 0 },
		"31 sv qubits":       func(p *types.Params) { p.MaxQubitsStatevector = 31 },
		"zero stab qubits":   func(p *types.Params) { p.MaxQubitsStabilizer = 0 },
		"huge stab qubits":   func(p *types.Params) { p.MaxQubitsStabilizer = 5001 },
		"zero gates":         func(p *types.Params) { p.MaxGates = 0 },
		"huge gates":         func(p *types.Params) { p.MaxGates = 500_001 },
		"zero shots":         func(p *types.Params) { p.MaxShots = 0 },
		"zero source":        func(p *types.Params) { p.MaxSourceBytes = 0 },
		"huge source":        func(p *types.Params) { p.MaxSourceBytes = 1<<20 + 1 },
		"zero units per gas": func(p *types.Params) { p.CostUnitsPerGas = 0 },
		"zero budget":        func(p *types.Params) { p.BlockCostBudget = 0 },
		"zero jobs":          func(p *types.Params) { p.MaxJobsPerBlock = 0 },
		"zero queue":         func(p *types.Params) { p.MaxQueueLength = 0 },
	} {
		p := types.DefaultParams()
		mutate(&p)
		require.ErrorIs(t, p.Validate(), types.ErrInvalidParams, name)
	}
}

// TestGasTable pins the README's gas table (default params, KV gas off).
func TestGasTable(t *testing.T) {
	qft, err := qasm.Export(algo.QFTCircuit(20, 0x5a5a5).C)
	require.NoError(t, err)
	// Terminal measurements are read from the final state (no extra passes): measured, with
	// 1024 shots, QFT-20 costs one sampling pass more and fits the default block budget.
	measured := strings.Replace(qft, "qreg q[20];", "qreg q[20];\ncreg c[20];", 1) + "measure q -> c;\n"
	for _, tc := range []struct {
		name    string
		src     string
		shots   uint32
		cost    uint64
		gas     uint64
		backend string
	}{
		{"Bell", qjtestutil.Bell, 1024, 94_232, 35_664, "stabilizer"},
		{"GHZ-3", qjtestutil.GHZ3, 1024, 99_930, 42_613, "stabilizer"},
		{"QFT-20", qft, 0, 177_911_745, 22_556_635, "statevector"},
		{"QFT-20 measured", measured, 1024, 179_108_653, 26_915_966, "statevector"},
	} {
		f := qjtestutil.NewFixture(t, nil)
		ctx := f.Ctx.WithGasMeter(storetypes.NewInfiniteGasMeter()).WithKVGasConfig(storetypes.GasConfig{})
		res, err := f.MsgServer.SubmitJob(ctx, &types.MsgSubmitJob{Owner: qjtestutil.AddrStr(1), Source: tc.src, Shots: tc.shots})
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.cost, res.Cost, tc.name)
		require.Equal(t, tc.gas, ctx.GasMeter().GasConsumed(), tc.name)
		require.Equal(t, tc.backend, f.Job(t, 1).Backend, tc.name)
	}
	require.Len(t, measured, 7_630)

	// QFT-21 is over the default block budget.
	qft21, err := qasm.Export(algo.QFTCircuit(21, 0x5a5a5).C)
	require.NoError(t, err)
	_, err = keeper.PlanJob(types.DefaultParams(), qft21, 0, "", types.DefaultParams().BlockCostBudget)
	require.ErrorIs(t, err, types.ErrTooLarge)
	require.Contains(t, err.Error(), "> 250000000")
}
