package simulation_test

import (
	"math/rand"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/types/kv"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/x/vmlifecycle"
	"github.com/novacron/novacron/x/vmlifecycle/keeper"
	"github.com/novacron/novacron/x/vmlifecycle/simulation"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

type env struct {
	*testkit.Env
	k  keeper.Keeper
	am vmlifecycle.AppModule
}

func newEnv(t *testing.T) *env {
	e := testkit.NewEnv(t, types.StoreKey, types.RegisterInterfaces)
	e.Ctx = e.Ctx.WithBlockTime(testkit.SimGenesisTime)
	k := keeper.NewKeeper(e.Cdc, e.StoreService, testkit.AccCodec, testkit.GovAuthority)
	return &env{Env: e, k: k, am: vmlifecycle.NewAppModule(e.Cdc, k)}
}

func TestRandomizedGenState(t *testing.T) {
	e := newEnv(t)
	for seed := int64(1); seed <= 20; seed++ {
		ss := testkit.SimState(rand.New(rand.NewSource(seed)), e.Cdc, 1+int(seed%6), 0)
		e.am.GenerateGenesisState(ss)
		var gs types.GenesisState
		e.Cdc.MustUnmarshalJSON(ss.GenState[types.ModuleName], &gs)
		require.NoError(t, gs.Validate(e.k.AddressCodec()), "seed %d", seed)
		require.Len(t, gs.Params.HostOperators, min(len(ss.Accounts), simulation.MaxOperators))
		require.GreaterOrEqual(t, gs.Params.MaxCandidates, uint32(4))
	}
}

// TestSimulationKeepsInvariants runs the module's weighted operations, picked by weight, for
// 300 blocks on top of a random genesis, with EndBlock between blocks and CheckInvariants after
// every block; then the exported genesis must validate and re-import.
func TestSimulationKeepsInvariants(t *testing.T) {
	seeds := []int64{1}
	if os.Getenv("VMLIFECYCLE_SIM_SEEDS") == "all" {
		seeds = []int64{1, 2, 3}
	}
	for _, seed := range seeds {
		e := newEnv(t)
		r := rand.New(rand.NewSource(seed))
		ss := testkit.SimState(r, e.Cdc, 8, 0)
		e.am.GenerateGenesisState(ss)
		e.am.InitGenesis(e.Ctx, e.Cdc, ss.GenState[types.ModuleName])

		ops := e.am.WeightedOperations(*ss)
		require.Len(t, ops, 18)
		tally := testkit.NewSimTally()
		// every operation as last seen: finished ones are pruned within the run, so the checks
		// below count what happened, not what is left
		seen := map[uint64]types.Operation{}
		for b := 0; b < 300; b++ {
			testkit.RunOps(t, r, ops, e.Ctx, ss.Accounts, 10, tally)
			require.NoError(t, e.k.EndBlocker(e.Ctx))
			require.NoError(t, e.k.CheckInvariants(e.Ctx), "seed %d block %d", seed, b)
			require.NoError(t, e.k.Ops.Walk(e.Ctx, nil, func(id uint64, o types.Operation) (bool, error) {
				seen[id] = o
				return false, nil
			}))
			e.Ctx = e.AtHeight(e.Ctx.BlockHeight() + 1).WithBlockTime(e.Ctx.BlockTime().Add(5 * time.Second))
		}
		okByType := tally.Delivered
		t.Logf("seed %d: delivered %v, no-ops %v", seed, okByType, tally.NoOps)
		for _, name := range []string{"MsgRegisterHost", "MsgCreateVM", "MsgReportVMStatus", "MsgStopVM", "MsgStartVM", "MsgMigrateVM", "MsgDeleteVM", "MsgDrainHost", "MsgUndrainHost"} {
			found := false
			for k, n := range okByType {
				if strings.HasSuffix(k, name) && n > 0 {
					found = true
				}
			}
			require.True(t, found, "seed %d: no successful %s", seed, name)
		}
		for _, name := range []string{"MsgSetApprovalPolicy", "MsgClearApprovalPolicy", "MsgApproveOperation",
			"MsgCancelScheduledOperation", "MsgCreateRule", "MsgDeleteRule"} {
			require.Positive(t, okByType["/novacron.vmlifecycle.v1."+name], "seed %d: no successful %s (%v)", seed, name, okByType)
		}
		// The governance paths were exercised: time-locked operations ran in EndBlock, proposals were
		// approved into execution, expired and were cancelled, and rules fired.
		byStatus := map[types.OperationStatus]int{}
		var timeLockedRan, approvedRan, fromRule, pruned int
		params, err := e.k.Params.Get(e.Ctx)
		require.NoError(t, err)
		for id, o := range seen {
			stored, err := e.k.Ops.Has(e.Ctx, id)
			require.NoError(t, err)
			if !stored {
				pruned++
				require.True(t, types.Finished(o.Status), "seed %d: open operation %d (%s) was pruned", seed, id, o.Status)
				require.LessOrEqual(t, o.FinishedHeight, e.Ctx.BlockHeight()-1-params.OpRetentionBlocks,
					"seed %d: operation %d pruned within the retention", seed, id)
			}
			byStatus[o.Status]++
			done := o.Status == types.OPERATION_STATUS_EXECUTED || o.Status == types.OPERATION_STATUS_FAILED
			if done && (o.AtHeight != 0 || o.NotBefore != 0) {
				timeLockedRan++
			}
			if done && o.Threshold > 0 {
				approvedRan++
			}
			if o.RuleId != 0 {
				fromRule++
			}
		}
		var fired int
		require.NoError(t, e.k.Rules.Walk(e.Ctx, nil, func(_ uint64, ru types.Rule) (bool, error) {
			if ru.FireCount > 0 {
				fired++
			}
			return false, nil
		}))
		t.Logf("seed %d: operations by status %v, %d time-locked ran, %d approved ran, %d proposed by rules, %d rules fired, %d pruned (retention %d, %d per block)",
			seed, byStatus, timeLockedRan, approvedRan, fromRule, fired, pruned, params.OpRetentionBlocks, params.MaxOpPrunesPerBlock)
		require.Positive(t, pruned)
		require.Positive(t, timeLockedRan)
		require.Positive(t, approvedRan)
		require.Positive(t, byStatus[types.OPERATION_STATUS_EXPIRED])
		require.Positive(t, byStatus[types.OPERATION_STATUS_CANCELLED])
		require.Positive(t, fired)

		gs, err := e.k.ExportGenesis(e.Ctx)
		require.NoError(t, err)
		require.NoError(t, gs.Validate(e.k.AddressCodec()))
		require.NotEmpty(t, gs.Vms)
		f := newEnv(t)
		f.am.InitGenesis(f.Ctx, f.Cdc, e.am.ExportGenesis(e.Ctx, e.Cdc))
		require.NoError(t, f.k.CheckInvariants(f.Ctx))

		// The store decoder prints every key of the final store.
		sdr := simtypes.StoreDecoderRegistry{}
		e.am.RegisterStoreDecoder(sdr)
		dec := sdr[types.StoreKey]
		require.NotNil(t, dec)
		pairs := e.StorePairs()
		for _, p := range pairs {
			require.NotPanics(t, func() { require.NotEmpty(t, dec(p, p)) })
		}
		require.GreaterOrEqual(t, len(testkit.Prefixes(pairs)), 15)
	}
}

func TestDecodeStore(t *testing.T) {
	e := newEnv(t)
	dec := simulation.NewDecodeStore(e.Cdc)
	host := types.Host{Id: "h1", Region: "london"}
	vm := types.VM{Id: 7, Name: "web"}
	hb, vb := e.Cdc.MustMarshal(&host), e.Cdc.MustMarshal(&vm)
	out := dec(kv.Pair{Key: append([]byte{types.HostsKey[0]}, "h1"...), Value: hb}, kv.Pair{Key: append([]byte{types.HostsKey[0]}, "h1"...), Value: hb})
	require.Contains(t, out, "london")
	out = dec(kv.Pair{Key: []byte{types.VMsKey[0], 7}, Value: vb}, kv.Pair{Key: []byte{types.VMsKey[0], 7}, Value: vb})
	require.Contains(t, out, "web")
	out = dec(kv.Pair{Key: []byte{types.NextVMIDKey[0]}, Value: []byte{0, 0, 0, 0, 0, 0, 0, 9}}, kv.Pair{Key: []byte{types.NextVMIDKey[0]}, Value: []byte{0, 0, 0, 0, 0, 0, 0, 10}})
	require.Equal(t, "9\n10", out)
	require.Equal(t, "0102\n03", dec(kv.Pair{Key: []byte{0xEE}, Value: []byte{1, 2}}, kv.Pair{Key: []byte{0xEE}, Value: []byte{3}}))
	require.Panics(t, func() { dec(kv.Pair{Key: []byte{1}}, kv.Pair{Key: []byte{2}}) }, "different collections")
}
