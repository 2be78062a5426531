package keeper_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	"github.com/novacron/novacron/x/orbit/engine"
	"github.com/novacron/novacron/x/orbit/engine/netgraph"
	"github.com/novacron/novacron/x/orbit/engine/sgp4"
	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/engine/tle"
	"github.com/novacron/novacron/x/orbit/keeper"
	orbittestutil "github.com/novacron/novacron/x/orbit/testutil"
	"github.com/novacron/novacron/x/orbit/types"
)

// TestQueryGasIndependentOfCache: a query charges the same gas, and fails with the same
// error under the same gas, whether this node's network cache holds the network (a hit
// charges what the build charged) or not.
func TestQueryGasIndependentOfCache(t *testing.T) {
	type query func(f *orbittestutil.Fixture, ctx sdk.Context) error
	queries := map[string]query{
		"route": func(f *orbittestutil.Fixture, ctx sdk.Context) error {
			_, err := f.Query.Route(ctx, &types.QueryRouteRequest{From: "tokyo", To: "sydney", Constellation: "kuiper-k1"})
			return err
		},
		"satellite": func(f *orbittestutil.Fixture, ctx sdk.Context) error {
			_, err := f.Query.SatellitePosition(ctx, &types.QuerySatellitePositionRequest{Constellation: "telesat-t1", Index: 9})
			return err
		},
		"handoff": func(f *orbittestutil.Fixture, ctx sdk.Context) error {
			_, err := f.Query.NextHandoff(ctx, &types.QueryNextHandoffRequest{Region: "tokyo", Constellation: "telesat-t1", HorizonS: 60})
			return err
		},
	}
	// gasOf runs q under limit gas (store reads charged unless noStoreGas).
	gasOf := func(f *orbittestutil.Fixture, q query, limit uint64, noStoreGas bool) (uint64, error) {
		ctx := f.Ctx.WithGasMeter(storetypes.NewGasMeter(limit))
		if noStoreGas {
			ctx = ctx.WithKVGasConfig(storetypes.GasConfig{})
		}
		err := q(f, ctx)
		return ctx.GasMeter().GasConsumed(), err
	}
	for name, q := range queries {
		warm := orbittestutil.NewFixture(t, nil)
		want, err := gasOf(warm, q, 100_000_000, false) // builds and caches
		require.NoError(t, err, name)
		hit, err := gasOf(warm, q, 100_000_000, false)
		require.NoError(t, err, name)
		require.Equal(t, want, hit, name)
		require.Equal(t, 1, keeper.CachedNetworks(warm.Keeper))
		engineGas, err := gasOf(warm, q, 100_000_000, true)
		require.NoError(t, err, name)

		for _, limit := range []uint64{want - 1, want - engineGas/4, want - engineGas/2, want - engineGas*9/10} {
			cold := orbittestutil.NewFixture(t, nil)
			gotCold, errCold := gasOf(cold, q, limit, false)
			gotWarm, errWarm := gasOf(warm, q, limit, false)
			requireStatus(t, errCold, codes.ResourceExhausted)
			require.Equal(t, errCold.Error(), errWarm.Error(), "%s under %d gas", name, limit)
			require.Equal(t, gotCold, gotWarm, "%s under %d gas", name, limit)
			require.LessOrEqual(t, gotCold, limit)
			t.Logf("%s under %d gas: %v", name, limit, errCold)
			// Stopped in the build, nothing is cached; with the gas it needs it runs.
			inBuild := false
			for _, stage := range []string{netgraph.StageTLEs, netgraph.StageSetup, netgraph.StageLinks} {
				inBuild = inBuild || strings.Contains(errCold.Error(), stage+" needs ")
			}
			require.Equal(t, !inBuild, keeper.CachedNetworks(cold.Keeper) == 1, errCold.Error())
			got, err := gasOf(cold, q, want, false)
			require.NoError(t, err, name)
			require.Equal(t, want, got, name)
		}
	}
}

// adversarialSet is engine/testdata/adversarial_resonant.tle cycled to the maximum of 20,000
// satellites (numbered 1..20000) as a TLE set without ISLs: resonant deep-space orbits whose
// SDP4 integrator runs from epochs decades away from the block time on every propagation.
func adversarialSet(t *testing.T) types.Constellation {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "engine", "testdata", "adversarial_resonant.tle"))
	require.NoError(t, err)
	defer f.Close()
	seeds, err := tle.ParseFile(f, tle.StrictOptions)
	require.NoError(t, err)
	tles := make([]tle.TLE, types.MaxSatellites)
	for i := range tles {
		tles[i] = seeds[i%len(seeds)]
		tles[i].SatNum = i + 1
	}
	return types.Constellation{Name: "resonant-20k", AltitudeM: 35_786_000, ConeRadiusM: 20_000_000,
		TleLines: types.TLELinesFromTLEs(tles)}
}

// TestAdversarialTLESetMetered: a maximum-size TLE set of resonant satellites passes the
// cost estimate (which prices one propagation per satellite) but would take minutes to
// snapshot in 2025; EndBlock's meter stops it in the propagation, after a few satellites,
// with the same event on a cache miss, a cache hit and another node; queries stop where
// their gas runs out.
func TestAdversarialTLESetMetered(t *testing.T) {
	c := adversarialSet(t)
	gs := types.DefaultGenesis()
	gs.Constellations = append(gs.Constellations, c)
	gs.Params.ActiveConstellation = c.Name
	require.LessOrEqual(t, engine.EstimateSnapshotCost(types.MaxSatellites, 100, 0), gs.Params.MaxSnapshotCost)
	block := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

	var events []string
	for i := 0; i < 2; i++ {
		f := orbittestutil.NewFixture(t, gs)
		for _, h := range []int64{10, 20} { // a miss, then a hit
			ctx := f.AtHeight(h).WithBlockTime(block)
			start := time.Now()
			require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
			ev := eventsOf(ctx)
			require.Len(t, ev, 1)
			t.Logf("snapshot at height %d in %v: %s", h, time.Since(start), ev[0])
			events = append(events, ev[0])
			has, err := f.Keeper.Snapshot.Has(ctx)
			require.NoError(t, err)
			require.False(t, has)
		}
		require.Equal(t, 1, keeper.CachedNetworks(f.Keeper)) // the build fitted; the snapshot did not
	}
	require.True(t, strings.HasPrefix(events[0], "orbit_latency_snapshot_failed constellation=resonant-20k error="+netgraph.StagePropagate+" needs "), events[0])
	require.Contains(t, events[0], "budget 300000000: work budget exceeded")
	for _, e := range events[1:] {
		require.Equal(t, events[0], e)
	}

	// Queries: store gas is free here (the record is 2.8 MB). 500k gas (5e7 steps) does not pay
	// for the TLE source (6.1e7), 1M stops in the SGP4 set-up (6.1e7 more), 2.5M pays for the
	// build but stops in the propagation.
	f := orbittestutil.NewFixture(t, gs)
	for _, c := range []struct {
		gas   uint64
		stage string
	}{{500_000, netgraph.StageTLEs}, {1_000_000, netgraph.StageSetup}, {2_500_000, netgraph.StagePropagate}} {
		ctx := f.Ctx.WithBlockTime(block).WithGasMeter(storetypes.NewGasMeter(c.gas)).WithKVGasConfig(storetypes.GasConfig{})
		_, err := f.Query.Route(ctx, &types.QueryRouteRequest{From: "tokyo", To: "london"})
		requireStatus(t, err, codes.ResourceExhausted)
		require.Contains(t, err.Error(), c.stage+" needs ")
		require.LessOrEqual(t, ctx.GasMeter().GasConsumed(), c.gas)
	}
	build := uint64(types.MaxSatellites) * (netgraph.TLESourceSteps + sgp4.DeepSetupSteps)
	ctx := f.Ctx.WithBlockTime(block).WithGasMeter(storetypes.NewGasMeter(3_000_000)).WithKVGasConfig(storetypes.GasConfig{})
	// One propagation after the build: 68 years of integration, paid for, then SGP4 itself
	// gives up (the lunar-solar terms drove the eccentricity out of range).
	_, err := f.Query.SatellitePosition(ctx, &types.QuerySatellitePositionRequest{Index: 0})
	requireStatus(t, err, codes.InvalidArgument)
	require.Contains(t, err.Error(), "sgp4: error 1")
	require.Greater(t, ctx.GasMeter().GasConsumed(), types.DefaultParams().GasForSteps(build))
}

// TestSnapshotNotBlockedByQueryBuild: a query holds its network build in the middle (the
// hook blocks it there) while EndBlock snapshots over the same cache key and then over
// another constellation: neither waits for the query's build. Released, the query completes
// with what the cache (now filled by EndBlock) gives.
func TestSnapshotNotBlockedByQueryBuild(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	entered, release := make(chan string, 1), make(chan struct{})
	var first sync.Once
	keeper.SetNetworkBuildHook(f.Keeper, func(name string) {
		hold := false
		first.Do(func() { hold = true })
		if hold {
			entered <- name
			<-release
		}
	})
	var released sync.Once
	unblock := func() { released.Do(func() { close(release) }) }
	t.Cleanup(unblock)

	type result struct {
		res *types.QueryRouteResponse
		err error
	}
	queried := make(chan result, 1)
	qctx := f.Ctx.WithGasMeter(storetypes.NewGasMeter(100_000_000)).WithKVGasConfig(storetypes.GasConfig{})
	req := &types.QueryRouteRequest{From: "new-york-newark", To: "london", Constellation: "starlink-s1"}
	go func() {
		res, err := f.Query.Route(qctx, req)
		queried <- result{res, err}
	}()
	// The query has read its inputs and is inside the build of Starlink S1 over the 100
	// regions: the network EndBlock needs.
	require.Equal(t, "starlink-s1", <-entered)

	snapped := make(chan error, 1)
	go func() {
		err := f.Keeper.MaybeSnapshot(f.AtHeight(10))
		if err == nil {
			p := types.DefaultParams()
			p.ActiveConstellation = "kuiper-k1"
			_, err = f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: p})
		}
		if err == nil {
			err = f.Keeper.MaybeSnapshot(f.AtHeight(20))
		}
		snapped <- err
	}()
	select {
	case err := <-snapped:
		require.NoError(t, err)
	case <-time.After(5 * time.Minute): // a watchdog only: before the fix this waited forever
		t.Fatal("EndBlock waited for the query's network build")
	}
	snap, err := f.Keeper.Snapshot.Get(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, "kuiper-k1", snap.Constellation)
	require.Equal(t, int64(20), snap.Height)
	require.Equal(t, 2, keeper.CachedNetworks(f.Keeper))
	select {
	case r := <-queried:
		t.Fatalf("the query finished while held: %+v", r)
	default:
	}

	unblock()
	r := <-queried
	require.NoError(t, r.err)
	require.Equal(t, 2, keeper.CachedNetworks(f.Keeper)) // EndBlock's network stayed
	// The same as the query run now (a cache hit), gas included (store gas aside: the
	// params changed size).
	ctx := f.Ctx.WithGasMeter(storetypes.NewGasMeter(100_000_000)).WithKVGasConfig(storetypes.GasConfig{})
	again, err := f.Query.Route(ctx, req)
	require.NoError(t, err)
	require.Equal(t, again, r.res)
	require.Equal(t, ctx.GasMeter().GasConsumed(), qctx.GasMeter().GasConsumed())
	rtt, ok := f.Keeper.RTTUs(f.Ctx, "new-york-newark", "london") // over Kuiper K1 now
	require.True(t, ok)
	require.NotEqual(t, rtt, r.res.RttUs)
}

// TestLargestRouteFitsQueryGasLimit: a route over the largest network, a 20,000-satellite TLE
// set with +Grid ISLs, store reads of its 2.8 MB record included, fits app.toml's default
// query-gas-limit (app.DefaultQueryGasLimit, 10,000,000), on a cache miss and a hit alike.
func TestLargestRouteFitsQueryGasLimit(t *testing.T) {
	const queryGasLimit = 10_000_000
	big := shell.StarlinkS1
	big.Name, big.Planes, big.SatsPerPlane = "grid-20k", 100, 200
	gs := types.DefaultGenesis()
	gs.Constellations = append(gs.Constellations, orbittestutil.TLESetFromShell(t, "grid-20k-tle", big))
	f := orbittestutil.NewFixture(t, gs)
	var gas [2]uint64
	for i := range gas {
		ctx := f.Ctx.WithGasMeter(storetypes.NewGasMeter(queryGasLimit))
		_, err := f.Query.Route(ctx, &types.QueryRouteRequest{From: "tokyo", To: "london", Constellation: "grid-20k-tle"})
		require.NoError(t, err)
		gas[i] = ctx.GasMeter().GasConsumed()
	}
	require.Equal(t, gas[0], gas[1])
	kv := f.Ctx.WithGasMeter(storetypes.NewGasMeter(queryGasLimit)).WithKVGasConfig(storetypes.GasConfig{})
	_, err := f.Query.Route(kv, &types.QueryRouteRequest{From: "tokyo", To: "london", Constellation: "grid-20k-tle"})
	require.NoError(t, err)
	t.Logf("route over 20,000 satellites: %d gas (engine %d, store %d) of %d", gas[0], kv.GasMeter().GasConsumed(),
		gas[0]-kv.GasMeter().GasConsumed(), queryGasLimit)
}
