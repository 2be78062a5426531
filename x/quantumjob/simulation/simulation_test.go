package simulation_test

import (
	"encoding/json"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/types/kv"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/novacron/novacron/x/quantumjob"
	"github.com/novacron/novacron/x/quantumjob/simulation"
	qjtestutil "github.com/novacron/novacron/x/quantumjob/testutil"
	"github.com/novacron/novacron/x/quantumjob/types"
)

func simState(r *rand.Rand, f *qjtestutil.Fixture) *module.SimulationState {
	return &module.SimulationState{AppParams: simtypes.AppParams{}, Cdc: f.Cdc, Rand: r,
		GenState: map[string]json.RawMessage{}, Accounts: simtypes.RandomAccounts(r, 6), GenTimestamp: time.Unix(1_700_000_000, 0)}
}

func TestRandomizedGenState(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	am := quantumjob.NewAppModule(f.Cdc, f.Keeper)
	for seed := int64(1); seed <= 20; seed++ {
		ss := simState(rand.New(rand.NewSource(seed)), f)
		am.GenerateGenesisState(ss)
		var gs types.GenesisState
		f.Cdc.MustUnmarshalJSON(ss.GenState[types.ModuleName], &gs)
		require.NoError(t, gs.Validate(f.Keeper.AddressCodec()), "seed %d", seed)
		require.Less(t, gs.Params.MaxQubitsStatevector, types.DefaultParams().MaxQubitsStatevector)
	}
}

// TestSimulationKeepsInvariants submits random circuits (and, one in ten, generated
// adversarial ones) for 150 blocks on top of a random genesis, runs EndBlock between blocks
// and checks the invariants after every block (among them: no result counted more steps than
// its job's cost); then the export must validate and re-import to the same export.
func TestSimulationKeepsInvariants(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	am := quantumjob.NewAppModule(f.Cdc, f.Keeper)
	r := rand.New(rand.NewSource(1))
	ss := simState(r, f)
	am.GenerateGenesisState(ss)
	g := qjtestutil.NewFixture(t, nil)
	am = quantumjob.NewAppModule(g.Cdc, g.Keeper)
	am.InitGenesis(g.Ctx, g.Cdc, ss.GenState[types.ModuleName])
	ops := am.WeightedOperations(*ss)
	require.Len(t, ops, 1)
	delivered, noops := 0, map[string]int{}
	for b := 0; b < 150; b++ {
		ctx := g.AtHeight(int64(10 + b))
		for i := 0; i < 4; i++ {
			res, future, err := ops[0].Op()(r, nil, ctx, ss.Accounts, "sim-chain")
			require.NoError(t, err)
			require.Empty(t, future)
			if res.OK {
				delivered++
			} else {
				reason := res.Comment
				if k := strings.Index(reason, ":"); k > 0 {
					reason = reason[:k]
				}
				noops[reason]++
			}
		}
		require.NoError(t, am.EndBlock(ctx))
		require.NoError(t, g.Keeper.CheckInvariants(ctx), "block %d", b)
	}
	t.Logf("delivered %d, no-ops %v", delivered, noops)
	require.Greater(t, delivered, 50)
	var succeeded, failed int
	require.NoError(t, g.Keeper.Jobs.Walk(g.Ctx, nil, func(_ uint64, j types.Job) (bool, error) {
		switch j.Status {
		case types.JOB_STATUS_SUCCEEDED:
			succeeded++
		case types.JOB_STATUS_FAILED:
			failed++
		}
		return false, nil
	}))
	require.Positive(t, succeeded)

	exported := am.ExportGenesis(g.Ctx, g.Cdc)
	var gs types.GenesisState
	g.Cdc.MustUnmarshalJSON(exported, &gs)
	require.NoError(t, gs.Validate(g.Keeper.AddressCodec()))
	h := qjtestutil.NewFixture(t, nil)
	am2 := quantumjob.NewAppModule(h.Cdc, h.Keeper)
	am2.InitGenesis(h.Ctx, h.Cdc, exported)
	require.NoError(t, h.Keeper.CheckInvariants(h.Ctx))
	require.JSONEq(t, string(exported), string(am2.ExportGenesis(h.Ctx, h.Cdc)))
}

func TestDecodeStore(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	dec := simulation.NewDecodeStore(f.Cdc)
	job := types.Job{Id: 3, Owner: qjtestutil.AddrStr(1), Source: qjtestutil.Bell}
	bz := f.Cdc.MustMarshal(&job)
	out := dec(kv.Pair{Key: append(types.JobsKey.Bytes(), 3), Value: bz}, kv.Pair{Key: append(types.JobsKey.Bytes(), 3), Value: bz})
	require.Contains(t, out, qjtestutil.AddrStr(1))
	require.Equal(t, "7\n8", dec(kv.Pair{Key: types.QueueSizeKey.Bytes(), Value: []byte{0, 0, 0, 0, 0, 0, 0, 7}},
		kv.Pair{Key: types.QueueSizeKey.Bytes(), Value: []byte{0, 0, 0, 0, 0, 0, 0, 8}}))
	require.Panics(t, func() { dec(kv.Pair{Key: []byte{2}}, kv.Pair{Key: []byte{3}}) })
}
