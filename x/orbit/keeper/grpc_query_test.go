package keeper_test

import (
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/novacron/novacron/x/orbit/engine"
	"github.com/novacron/novacron/x/orbit/engine/geo"
	"github.com/novacron/novacron/x/orbit/engine/shell"
	orbittestutil "github.com/novacron/novacron/x/orbit/testutil"
	"github.com/novacron/novacron/x/orbit/types"
)

func requireStatus(t *testing.T, err error, want codes.Code) {
	t.Helper()
	require.Error(t, err)
	st, ok := status.FromError(err)
	require.True(t, ok, "not a gRPC status: %v", err)
	require.Equal(t, want, st.Code(), st.Message())
}

// starlinkRouteGas is what a Route over Starlink S1 and the 100 regions must charge.
func starlinkRouteGas() uint64 {
	sats := shell.StarlinkS1.NumSats()
	return engine.EstimateRouteCost(sats, 100, 2*sats) / types.DefaultParams().CostUnitsPerGas
}

func TestQueryParamsConstellations(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	p, err := f.Query.Params(f.Ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), p.Params)
	cs, err := f.Query.Constellations(f.Ctx, &types.QueryConstellationsRequest{Full: true})
	require.NoError(t, err)
	require.Len(t, cs.Constellations, 3)
	require.Equal(t, "kuiper-k1", cs.Constellations[0].Name) // key order
	require.Equal(t, types.ConstellationFromShell(shell.KuiperK1), cs.Constellations[0])
	// By default: summaries (see TestQueryConstellations).
	cs, err = f.Query.Constellations(f.Ctx, &types.QueryConstellationsRequest{})
	require.NoError(t, err)
	require.Empty(t, cs.Constellations)
	require.Len(t, cs.Summaries, 3)
	require.Equal(t, "kuiper-k1", cs.Summaries[0].Name)
}

func TestQueryRoute(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	req := &types.QueryRouteRequest{From: "new-york-newark", To: "london"}
	res, err := f.Query.Route(f.Ctx, req)
	require.NoError(t, err)
	require.Equal(t, orbittestutil.Epoch.UnixNano(), res.UnixNano)
	require.GreaterOrEqual(t, len(res.Hops), 3)
	require.Equal(t, "new-york-newark", res.Hops[0])
	require.Equal(t, "london", res.Hops[len(res.Hops)-1])
	for _, h := range res.Hops[1 : len(res.Hops)-1] {
		require.True(t, strings.HasPrefix(h, "sat:"), h) // ground stations never relay
	}
	require.Greater(t, res.RttUs, int64(40_000))
	require.Less(t, res.RttUs, int64(50_000))
	require.InDelta(t, 2*res.OneWayUs, res.RttUs, 1)
	// Path length and one-way latency agree at light speed (mm per us).
	require.InDelta(t, float64(res.LengthMm)/(geo.SpeedOfLightKmS*1e6/1e6), float64(res.OneWayUs), 1)
	// Fibre is slower: ~54.7 ms great-circle at c/1.47.
	require.Greater(t, res.FibreRttUs, res.RttUs)
	require.InDelta(t, 54_700, res.FibreRttUs, 200)

	// The route agrees with the all-pairs snapshot at the same time.
	require.NoError(t, f.Keeper.MaybeSnapshot(f.AtHeight(10)))
	rtt, ok := f.Keeper.RTTUs(f.Ctx, "new-york-newark", "london")
	require.True(t, ok)
	require.Equal(t, rtt, res.RttUs)

	// Reverse direction: same RTT, hops reversed.
	back, err := f.Query.Route(f.Ctx, &types.QueryRouteRequest{From: "london", To: "new-york-newark"})
	require.NoError(t, err)
	require.Equal(t, res.RttUs, back.RttUs)
	require.Equal(t, "london", back.Hops[0])

	// Another constellation and an explicit time.
	at := orbittestutil.Epoch.Add(time.Minute).UnixNano()
	k1, err := f.Query.Route(f.Ctx, &types.QueryRouteRequest{From: "new-york-newark", To: "london", Constellation: "kuiper-k1", UnixNano: at})
	require.NoError(t, err)
	require.Equal(t, at, k1.UnixNano)
	require.Equal(t, res.FibreRttUs, k1.FibreRttUs)
	require.Greater(t, k1.RttUs, int64(35_000))
	require.Less(t, k1.RttUs, res.FibreRttUs)

	// Errors.
	_, err = f.Query.Route(f.Ctx, nil)
	requireStatus(t, err, codes.InvalidArgument)
	_, err = f.Query.Route(f.Ctx, &types.QueryRouteRequest{From: "atlantis", To: "london"})
	requireStatus(t, err, codes.NotFound)
	_, err = f.Query.Route(f.Ctx, &types.QueryRouteRequest{From: "london", To: "atlantis"})
	requireStatus(t, err, codes.NotFound)
	_, err = f.Query.Route(f.Ctx, &types.QueryRouteRequest{From: "london", To: "tokyo", Constellation: "oneweb"})
	requireStatus(t, err, codes.NotFound)
}

func TestQueryRouteUnreachable(t *testing.T) {
	// Two regions 1,000 km apart under a tiny polar shell of 9 satellites: mostly no
	// satellite in view, so no route.
	tiny := shell.Shell{Name: "tiny", Planes: 3, SatsPerPlane: 3, InclinationDeg: 90, MeanMotionRevDay: 15,
		AltitudeKm: 500, Eccentricity: 1e-7, MinElevationDeg: 60}
	gs := types.DefaultGenesis()
	gs.Constellations = append(gs.Constellations, types.ConstellationFromShell(tiny))
	gs.Regions = []types.Region{{Code: "a", LatMicrodeg: 0, LonMicrodeg: 0}, {Code: "b", LatMicrodeg: 0, LonMicrodeg: 9_000_000}}
	f := orbittestutil.NewFixture(t, gs)
	_, err := f.Query.Route(f.Ctx, &types.QueryRouteRequest{From: "a", To: "b", Constellation: "tiny"})
	requireStatus(t, err, codes.NotFound)
	require.Contains(t, err.Error(), "no route")
}

func TestQueryRouteGas(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	req := &types.QueryRouteRequest{From: "tokyo", To: "sydney"}

	ctx := f.Ctx.WithGasMeter(storetypes.NewGasMeter(10_000_000))
	_, err := f.Query.Route(ctx, req)
	require.NoError(t, err)
	used := ctx.GasMeter().GasConsumed()
	require.GreaterOrEqual(t, used, starlinkRouteGas())
	t.Logf("route gas: %d (engine estimate %d)", used, starlinkRouteGas())

	// The same query on a meter one short runs out of work budget: the engine stops at the
	// charge that does not fit (before that work), the steps done are charged as gas, within
	// the limit (no out-of-gas panic), and the error is ResourceExhausted.
	for _, limit := range []uint64{used - 1, starlinkRouteGas(), 20_000} {
		ctx = f.Ctx.WithGasMeter(storetypes.NewGasMeter(limit))
		_, err = f.Query.Route(ctx, req)
		requireStatus(t, err, codes.ResourceExhausted)
		require.Contains(t, err.Error(), "work budget exceeded")
		require.LessOrEqual(t, ctx.GasMeter().GasConsumed(), limit)
		if limit == used-1 { // it stopped in the last Dijkstra charges: almost all of it was paid
			require.Greater(t, ctx.GasMeter().GasConsumed(), limit-limit/100)
		}
	}

	// Kuiper K1 (1,156 satellites) is cheaper than Starlink S1 (1,584).
	ctx = f.Ctx.WithGasMeter(storetypes.NewGasMeter(10_000_000))
	_, err = f.Query.Route(ctx, &types.QueryRouteRequest{From: "tokyo", To: "sydney", Constellation: "kuiper-k1"})
	require.NoError(t, err)
	require.Less(t, ctx.GasMeter().GasConsumed(), used)
}

func TestQuerySatellitePosition(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	_, err := f.Query.SatellitePosition(f.Ctx, &types.QuerySatellitePositionRequest{Index: 72 * 22})
	requireStatus(t, err, codes.InvalidArgument)
	_, err = f.Query.SatellitePosition(f.Ctx, &types.QuerySatellitePositionRequest{Constellation: "oneweb"})
	requireStatus(t, err, codes.NotFound)
	_, err = f.Query.SatellitePosition(f.Ctx, nil)
	requireStatus(t, err, codes.InvalidArgument)

	ctx := f.Ctx.WithGasMeter(storetypes.NewGasMeter(10_000_000))
	for _, idx := range []uint32{0, 1, 72*22 - 1} {
		res, err := f.Query.SatellitePosition(ctx, &types.QuerySatellitePositionRequest{Index: idx})
		require.NoError(t, err)
		require.Len(t, res.PositionMm, 3)
		require.Len(t, res.VelocityMmS, 3)
		require.Equal(t, orbittestutil.Epoch.UnixNano(), res.UnixNano)
		r := math.Sqrt(sq(res.PositionMm[0])+sq(res.PositionMm[1])+sq(res.PositionMm[2])) / 1e6 // km
		v := math.Sqrt(sq(res.VelocityMmS[0])+sq(res.VelocityMmS[1])+sq(res.VelocityMmS[2])) / 1e6
		// Hypatia's Starlink shell is nominally 550 km up, but SGP4 flies the 15.19 rev/day
		// mean motion, whose circular orbit is ~6,888 km from the centre (~510 km up):
		// within 5 km of that radius, and within 45 km of Earth radius + 550 km.
		require.InDelta(t, radiusFromMeanMotion(15.19), r, 5, "sat %d radius %.1f km", idx, r)
		require.InDelta(t, geo.EarthRadiusKm+550, r, 45, "sat %d radius %.1f km", idx, r)
		require.InDelta(t, 7.6, v, 0.15, "sat %d speed %.3f km/s", idx, v)
		t.Logf("sat %d: |r| = %.3f km, |v| = %.4f km/s", idx, r, v)
	}
	require.GreaterOrEqual(t, ctx.GasMeter().GasConsumed(), 3*uint64(72*22)*engine.CostPerPropagation/types.DefaultParams().CostUnitsPerGas)

	// Bit for bit the engine's state; a later time moves the satellite.
	res, err := f.Query.SatellitePosition(f.Ctx, &types.QuerySatellitePositionRequest{Constellation: "telesat-t1", Index: 5, UnixNano: orbittestutil.Epoch.Add(time.Minute).UnixNano()})
	require.NoError(t, err)
	net, err := engine.NewShellNetwork(shell.TelesatT1, nil)
	require.NoError(t, err)
	st, err := engine.SatelliteStateMM(net, 5, orbittestutil.Epoch.Add(time.Minute).UnixNano())
	require.NoError(t, err)
	require.Equal(t, []int64{st.X, st.Y, st.Z}, res.PositionMm)
	require.Equal(t, []int64{st.VX, st.VY, st.VZ}, res.VelocityMmS)
	r := math.Sqrt(sq(res.PositionMm[0])+sq(res.PositionMm[1])+sq(res.PositionMm[2])) / 1e6
	require.InDelta(t, radiusFromMeanMotion(13.66), r, 5)
	require.InDelta(t, geo.EarthRadiusKm+1015, r, 45)
}

func sq(v int64) float64 { return float64(v) * float64(v) }

// radiusFromMeanMotion is the two-body circular orbit radius (km) for a mean motion in
// revolutions per day (WGS72 mu).
func radiusFromMeanMotion(revDay float64) float64 {
	n := revDay * 2 * math.Pi / 86400
	return math.Cbrt(398600.8 / (n * n))
}

func TestQueryNextHandoff(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	for _, tc := range []struct{ horizon, step int64 }{
		{-1, 0}, {86_401, 0}, {600, -1}, {600, 1}, // 600,000 steps
		{10, 10_001}, // step longer than the horizon
		{86_400, 1 << 62},
	} {
		_, err := f.Query.NextHandoff(f.Ctx, &types.QueryNextHandoffRequest{Region: "tokyo", HorizonS: tc.horizon, StepMs: tc.step})
		requireStatus(t, err, codes.InvalidArgument)
	}
	_, err := f.Query.NextHandoff(f.Ctx, &types.QueryNextHandoffRequest{Region: "atlantis"})
	requireStatus(t, err, codes.NotFound)
	_, err = f.Query.NextHandoff(f.Ctx, nil)
	requireStatus(t, err, codes.InvalidArgument)

	ctx := f.Ctx.WithGasMeter(storetypes.NewGasMeter(100_000_000))
	res, err := f.Query.NextHandoff(ctx, &types.QueryNextHandoffRequest{Region: "tokyo"}) // 600 s at 1 s
	require.NoError(t, err)
	require.True(t, res.Found)
	t0 := orbittestutil.Epoch.UnixNano()
	require.Greater(t, res.UnixNano, t0)
	require.LessOrEqual(t, res.UnixNano, t0+600e9)
	require.Zero(t, (res.UnixNano-t0)%1e9) // on the 1 s grid
	require.NotEqual(t, res.FromSatellite, res.ToSatellite)
	require.GreaterOrEqual(t, res.ToSatellite, int64(-1))
	require.Less(t, res.ToSatellite, int64(72*22))
	sats := uint64(72 * 22)
	require.GreaterOrEqual(t, ctx.GasMeter().GasConsumed(), 600*sats*(engine.CostPerPropagation+engine.CostPerLinkCheck)/types.DefaultParams().CostUnitsPerGas)

	// The engine agrees.
	regions := sortedRegions()
	stations := make([]geo.GroundStation, len(regions))
	for i, r := range regions {
		stations[i] = r.ToStation(i)
	}
	net, err := engine.NewShellNetwork(shell.StarlinkS1, stations)
	require.NoError(t, err)
	ev, found, err := net.NextHandoff(codeIndex(snapCodes(regions), "tokyo"), t0, 600e9, 1e9)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, ev.UnixNano, res.UnixNano)
	require.Equal(t, int64(ev.From), res.FromSatellite)
	require.Equal(t, int64(ev.To), res.ToSatellite)

	// Starting at the handoff, the next one is later.
	res2, err := f.Query.NextHandoff(f.Ctx, &types.QueryNextHandoffRequest{Region: "tokyo", UnixNano: res.UnixNano, HorizonS: 600, StepMs: 1000})
	require.NoError(t, err)
	if res2.Found {
		require.Greater(t, res2.UnixNano, res.UnixNano)
		require.Equal(t, res.ToSatellite, res2.FromSatellite)
	}
}

func snapCodes(rs []types.Region) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}

const ionPlan = `# small ION plan
m horizon +0
a contact +0 +100 1 2 1000
a contact +50 +200 2 3 1000
a contact +300 +400 1 3 1000
a range +0 +1000 1 2 1
a range +0 +1000 2 3 2
`

func TestQueryDtnRoute(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	ctx := f.Ctx.WithGasMeter(storetypes.NewGasMeter(10_000_000))
	res, err := f.Query.DtnRoute(ctx, &types.QueryDtnRouteRequest{ContactPlan: ionPlan, FromNode: 1, ToNode: 3,
		BundleBytes: 500, StartUs: 0, ExpiryUs: 1_000_000_000})
	require.NoError(t, err)
	// 1->2 at t=0: 0.5 s to send + 1 s light time; 2->3 opens at 50 s: 0.5 s + 2 s.
	require.Equal(t, int64(52_500_000), res.ArrivalUs)
	require.Equal(t, []uint32{0, 1}, res.Contacts)
	require.GreaterOrEqual(t, ctx.GasMeter().GasConsumed(), uint64(2*len(ionPlan)))

	// Starting after the 1->2 contact closed, only the direct contact remains (no range:
	// zero light time).
	res, err = f.Query.DtnRoute(f.Ctx, &types.QueryDtnRouteRequest{ContactPlan: ionPlan, FromNode: 1, ToNode: 3,
		BundleBytes: 500, StartUs: 150_000_000, ExpiryUs: 1_000_000_000})
	require.NoError(t, err)
	require.Equal(t, int64(300_500_000), res.ArrivalUs)
	require.Equal(t, []uint32{2}, res.Contacts)

	// Expiring before any arrival: no route.
	_, err = f.Query.DtnRoute(f.Ctx, &types.QueryDtnRouteRequest{ContactPlan: ionPlan, FromNode: 1, ToNode: 3,
		BundleBytes: 500, StartUs: 0, ExpiryUs: 52_000_000})
	requireStatus(t, err, codes.NotFound)
	require.Contains(t, err.Error(), "no route")
	// Unknown destination: no route.
	_, err = f.Query.DtnRoute(f.Ctx, &types.QueryDtnRouteRequest{ContactPlan: ionPlan, FromNode: 1, ToNode: 9, ExpiryUs: 1e9})
	requireStatus(t, err, codes.NotFound)

	// Invalid plans.
	for _, plan := range []string{
		"a contact +10 +5 1 2 1000", // ends before it starts
		"a contact +0 +5 1 2 0",     // zero rate
		"a contact +0 +5 1 -2 1000", // negative node
		"a contact +0 +5 1 2",       // missing field
		"a range +0 +5 1 2 -1",      // negative light time
		"a contact +0 +x 1 2 1000",  // not a number
		"a contact 2000/13/01-00:00:00 +5 1 2 1000",
	} {
		_, err = f.Query.DtnRoute(f.Ctx, &types.QueryDtnRouteRequest{ContactPlan: plan, FromNode: 1, ToNode: 2, ExpiryUs: 1e9})
		requireStatus(t, err, codes.InvalidArgument)
		require.Contains(t, err.Error(), types.ErrInvalidPlan.Error(), plan)
	}
	_, err = f.Query.DtnRoute(f.Ctx, &types.QueryDtnRouteRequest{ContactPlan: strings.Repeat(" ", 1<<20+1)})
	requireStatus(t, err, codes.InvalidArgument)
	_, err = f.Query.DtnRoute(f.Ctx, nil)
	requireStatus(t, err, codes.InvalidArgument)
}

func TestQueryMarsLightTime(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	res, err := f.Query.MarsLightTime(f.Ctx, &types.QueryMarsLightTimeRequest{})
	require.NoError(t, err)
	require.Equal(t, orbittestutil.Epoch.UnixNano(), res.UnixNano)
	require.Greater(t, res.OneWayMs, int64(3*60_000))
	require.Less(t, res.OneWayMs, int64(23*60_000))
	require.Equal(t, engine.EarthMarsLightTimeMs(res.UnixNano), res.OneWayMs)

	// The 2003 opposition: close to the 3.0-minute minimum.
	opp := time.Date(2003, 8, 27, 0, 0, 0, 0, time.UTC).UnixNano()
	res2, err := f.Query.MarsLightTime(f.Ctx, &types.QueryMarsLightTimeRequest{UnixNano: opp})
	require.NoError(t, err)
	require.Equal(t, opp, res2.UnixNano)
	require.Greater(t, res2.OneWayMs, int64(3*60_000))
	require.Less(t, res2.OneWayMs, int64(3*60_000+15_000))
	require.Less(t, res2.OneWayMs, res.OneWayMs)

	_, err = f.Query.MarsLightTime(f.Ctx, nil)
	requireStatus(t, err, codes.InvalidArgument)
}

func TestQueryRegionsPagination(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	var got []string
	var key []byte
	pages := 0
	for {
		res, err := f.Query.Regions(f.Ctx, &types.QueryRegionsRequest{Pagination: &query.PageRequest{Key: key, Limit: 30, CountTotal: key == nil}})
		require.NoError(t, err)
		pages++
		if key == nil {
			require.Equal(t, uint64(100), res.Pagination.Total)
		}
		require.LessOrEqual(t, len(res.Regions), 30)
		for _, r := range res.Regions {
			got = append(got, r.Code)
		}
		key = res.Pagination.NextKey
		if key == nil {
			break
		}
	}
	require.Equal(t, 4, pages)
	require.Len(t, got, 100)
	require.True(t, sort.StringsAreSorted(got))
	require.Equal(t, snapCodes(sortedRegions()), got)

	// Offset pagination and the default page.
	res, err := f.Query.Regions(f.Ctx, &types.QueryRegionsRequest{Pagination: &query.PageRequest{Offset: 95, Limit: 10}})
	require.NoError(t, err)
	require.Equal(t, got[95:], snapCodes(res.Regions))
	res, err = f.Query.Regions(f.Ctx, &types.QueryRegionsRequest{})
	require.NoError(t, err)
	require.Len(t, res.Regions, 100)
	tokyo, err := f.Keeper.Regions.Get(f.Ctx, "tokyo")
	require.NoError(t, err)
	require.Contains(t, res.Regions, tokyo)
	_, err = f.Query.Regions(f.Ctx, nil)
	requireStatus(t, err, codes.InvalidArgument)
}

func TestQueryLatencyMatrix(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	_, err := f.Query.LatencyMatrix(f.Ctx, &types.QueryLatencyMatrixRequest{})
	requireStatus(t, err, codes.NotFound)

	require.NoError(t, f.Keeper.MaybeSnapshot(f.AtHeight(10)))
	res, err := f.Query.LatencyMatrix(f.Ctx, &types.QueryLatencyMatrixRequest{})
	require.NoError(t, err)
	snap, err := f.Keeper.Snapshot.Get(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, snap, res.Snapshot)
	require.Len(t, res.Snapshot.RttUs, 100*100)
}
