package simulation_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"cosmossdk.io/log/v2"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/kv"
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/x/orbit"
	"github.com/novacron/novacron/x/orbit/keeper"
	"github.com/novacron/novacron/x/orbit/simulation"
	orbittestutil "github.com/novacron/novacron/x/orbit/testutil"
	"github.com/novacron/novacron/x/orbit/types"
)

// randomGenesis draws the module's random genesis from r, with 6 simulation accounts.
func randomGenesis(t *testing.T, r *rand.Rand) (*types.GenesisState, *module.SimulationState) {
	t.Helper()
	env := testkit.NewEnv(t, types.StoreKey, types.RegisterInterfaces)
	ss := testkit.SimState(r, env.Cdc, 6, 1)
	orbit.AppModule{}.GenerateGenesisState(ss)
	var gs types.GenesisState
	env.Cdc.MustUnmarshalJSON(ss.GenState[types.ModuleName], &gs)
	return &gs, ss
}

func TestRandomizedGenState(t *testing.T) {
	tle := 0
	for seed := int64(1); seed <= 20; seed++ {
		gs, _ := randomGenesis(t, rand.New(rand.NewSource(seed)))
		require.NoError(t, gs.Validate(), "seed %d", seed)
		require.NotEmpty(t, gs.Constellations)
		for _, c := range gs.Constellations {
			require.LessOrEqual(t, c.NumSatellites(), 64, c.Name)
			if c.IsTLESet() {
				tle++
			}
		}
		require.GreaterOrEqual(t, len(gs.Regions), 2)
		require.LessOrEqual(t, gs.Params.MaxRegions, uint32(simulation.MaxSimRegions))
		f := orbittestutil.NewFixture(t, gs)
		require.NoError(t, f.Keeper.CheckInvariants(f.Ctx), "seed %d", seed)
	}
	require.Positive(t, tle, "no TLE set in 20 genesis files")
}

// snapshotEvents counts EndBlock's snapshot events in ctx: taken and failed.
func snapshotEvents(ctx sdk.Context) (taken, failed int) {
	for _, e := range ctx.EventManager().Events() {
		switch e.Type {
		case types.EventTypeSnapshot:
			taken++
		case types.EventTypeSnapshotFailed:
			failed++
		}
	}
	return taken, failed
}

// TestSimulationKeepsInvariants runs, for three seeds, the weighted governance operations for
// 200 blocks of 3 on top of a random genesis, with EndBlock (the latency snapshot) at every
// height and the invariants after every block: among them, the snapshot's rows match its
// sorted region codes and the matrix is symmetric. Then the export validates, imports into a
// fresh fixture to the same export, and both chains take the same next snapshot.
func TestSimulationKeepsInvariants(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) { simulate(t, seed) })
	}
}

func simulate(t *testing.T, seed int64) {
	r := rand.New(rand.NewSource(seed))
	gs, ss := randomGenesis(t, r)
	f := orbittestutil.NewFixture(t, gs)
	am := orbit.NewAppModule(f.Cdc, f.Keeper)
	ops := am.WeightedOperations(*ss)
	require.Len(t, ops, 5)
	tally := testkit.NewSimTally()
	var taken, failed int
	start := time.Now()
	for b := int64(0); b < 200; b++ {
		f.Ctx = f.AtHeight(10 + b).WithBlockTime(orbittestutil.Epoch.Add(time.Duration(b) * 6 * time.Second))
		testkit.RunOps(t, r, ops, f.Ctx, ss.Accounts, 3, tally)
		require.NoError(t, am.EndBlock(f.Ctx))
		tk, fl := snapshotEvents(f.Ctx)
		taken, failed = taken+tk, failed+fl
		require.NoError(t, f.Keeper.CheckInvariants(f.Ctx), "block %d", b)
	}
	t.Logf("%v: delivered %v, no-ops %v, %d snapshots taken, %d failed", time.Since(start), tally.Delivered, tally.NoOps, taken, failed)
	for _, msg := range []sdk.Msg{&types.MsgRegisterConstellation{}, &types.MsgRemoveConstellation{},
		&types.MsgRegisterRegion{}, &types.MsgRemoveRegion{}, &types.MsgUpdateParams{}} {
		require.Positive(t, tally.Delivered[sdk.MsgTypeURL(msg)], "no %s delivered", sdk.MsgTypeURL(msg))
	}
	for _, err := range []error{sdkerrors.ErrUnauthorized, types.ErrDuplicate, types.ErrInUse, types.ErrUnknownConstellation} {
		require.Positive(t, tally.NoOps[err.Error()], "no %q no-op in %v", err, tally.NoOps)
	}
	require.Greater(t, taken, 10)
	require.Positive(t, failed)

	exported := am.ExportGenesis(f.Ctx, f.Cdc)
	require.NoError(t, am.ValidateGenesis(f.Cdc, nil, exported))
	// A fresh chain with nothing registered but params, then the export through the module.
	empty := &types.GenesisState{Params: types.DefaultParams()}
	empty.Params.ActiveConstellation = ""
	g := orbittestutil.NewFixture(t, empty)
	am2 := orbit.NewAppModule(g.Cdc, g.Keeper)
	am2.InitGenesis(g.Ctx, g.Cdc, exported)
	require.NoError(t, g.Keeper.CheckInvariants(g.Ctx))
	require.JSONEq(t, string(exported), string(am2.ExportGenesis(g.Ctx, g.Cdc)))

	// Both take the same snapshot at the next interval height, or fail it the same way (the
	// import has no snapshot yet: the failure leaves it without one).
	p, err := f.Keeper.Params.Get(f.Ctx)
	require.NoError(t, err)
	h := (f.Ctx.BlockHeight()/int64(p.SnapshotIntervalBlocks) + 1) * int64(p.SnapshotIntervalBlocks)
	var events [2]sdk.Events
	var snaps [2]types.LatencySnapshot
	for i, fx := range []*orbittestutil.Fixture{f, g} {
		fx.Ctx = fx.AtHeight(h).WithBlockTime(f.Ctx.BlockTime())
		require.NoError(t, orbit.NewAppModule(fx.Cdc, fx.Keeper).EndBlock(fx.Ctx))
		require.NoError(t, fx.Keeper.CheckInvariants(fx.Ctx))
		events[i] = fx.Ctx.EventManager().Events()
		snaps[i], _ = fx.Keeper.Snapshot.Get(fx.Ctx)
	}
	require.Equal(t, events[0], events[1])
	if taken, _ := snapshotEvents(f.Ctx); taken == 1 {
		require.Equal(t, h, snaps[0].Height)
		require.Equal(t, snaps[0], snaps[1])
	} else {
		has, err := g.Keeper.Snapshot.Has(g.Ctx)
		require.NoError(t, err)
		require.False(t, has)
	}
}

func TestDecodeStore(t *testing.T) {
	c, err := simulation.RandomConstellation(rand.New(rand.NewSource(3)), "sim-decode")
	require.NoError(t, err)
	gs := &types.GenesisState{Params: types.DefaultParams(), Constellations: []types.Constellation{c}, Regions: types.DefaultGenesis().Regions[:3]}
	gs.Params.ActiveConstellation = c.Name
	f := orbittestutil.NewFixture(t, gs)
	f.AtHeight(10)
	require.NoError(t, f.Keeper.MaybeSnapshot(f.Ctx))
	pairs := f.StorePairs()
	require.Equal(t, []byte{types.ParamsKey[0], types.ConstellationsKey[0], types.RegionsKey[0], types.SnapshotKey[0], types.SnapshotRowsKey[0]},
		testkit.Prefixes(pairs))
	dec := simulation.NewDecodeStore(f.Cdc)
	for _, p := range pairs {
		out := dec(p, p)
		parts := strings.Split(out, "\n")
		require.Len(t, parts, 2, "%X", p.Key)
		require.Equal(t, parts[0], parts[1])
		switch p.Key[0] {
		case types.ConstellationsKey[0]:
			require.Contains(t, out, "sim-decode")
		case types.SnapshotRowsKey[0]:
			require.True(t, strings.HasPrefix(out, "["), out)
			require.Len(t, strings.Fields(parts[0]), 3)
		}
	}
	require.Equal(t, "[0 -1]\n0102", dec(kv.Pair{Key: []byte{types.SnapshotRowsKey[0], 'a'}, Value: []byte{0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255}},
		kv.Pair{Key: []byte{types.SnapshotRowsKey[0], 'b'}, Value: []byte{1, 2}}))
	require.Equal(t, "AB\nCD", dec(kv.Pair{Key: []byte{9}, Value: []byte{0xab}}, kv.Pair{Key: []byte{9}, Value: []byte{0xcd}}))
	require.Panics(t, func() { dec(kv.Pair{Key: []byte{1}}, kv.Pair{Key: []byte{2}}) })
	require.Panics(t, func() { dec(kv.Pair{}, kv.Pair{}) })
}

// TestDeliverThroughAppRouter: given an app that routes x/orbit's messages, an operation
// delivers through the app's router; a refused message leaves the state as it was.
func TestDeliverThroughAppRouter(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	app := baseapp.NewBaseApp("sim", log.NewNopLogger(), dbm.NewMemDB(), nil)
	app.MsgServiceRouter().SetInterfaceRegistry(f.Cdc.InterfaceRegistry())
	types.RegisterMsgServer(app.MsgServiceRouter(), keeper.NewMsgServerImpl(f.Keeper))
	own := simulation.OwnRouter(f.Keeper)

	reg := &types.MsgRegisterRegion{Authority: f.Keeper.Authority(), Region: types.Region{Code: "sim-app", LatMicrodeg: 1}}
	require.NoError(t, simulation.Deliver(app, own, f.Ctx, reg))
	has, err := f.Keeper.Regions.Has(f.Ctx, "sim-app")
	require.NoError(t, err)
	require.True(t, has)
	require.ErrorIs(t, simulation.Deliver(app, own, f.Ctx, reg), types.ErrDuplicate)
	require.ErrorIs(t, simulation.Deliver(nil, own, f.Ctx, reg), types.ErrDuplicate)

	// Refused after a write (the active constellation): nothing of it stays.
	up := &types.MsgUpdateParams{Authority: f.Keeper.Authority(), Params: types.DefaultParams()}
	up.Params.ActiveConstellation = "sim-none"
	before, err := f.Keeper.Params.Get(f.Ctx)
	require.NoError(t, err)
	require.ErrorIs(t, simulation.Deliver(app, own, f.Ctx, up), types.ErrUnknownConstellation)
	after, err := f.Keeper.Params.Get(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, before, after)

	ops := orbit.NewAppModule(f.Cdc, f.Keeper).WeightedOperations(*testkit.SimState(rand.New(rand.NewSource(1)), f.Cdc, 3, 1))
	res, _, err := ops[3].Op()(rand.New(rand.NewSource(2)), app, f.Ctx, nil, testkit.ChainID)
	require.NoError(t, err)
	require.True(t, res.OK, res.Comment)
	require.Equal(t, sdk.MsgTypeURL(&types.MsgRemoveRegion{}), res.Name)
	var removed types.MsgRemoveRegion
	require.NoError(t, removed.Unmarshal(res.Msg))
	has, err = f.Keeper.Regions.Has(f.Ctx, removed.Code)
	require.NoError(t, err)
	require.False(t, has, removed.Code)
}
