package keeper_test

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	"github.com/novacron/novacron/x/orbit/engine"
	"github.com/novacron/novacron/x/orbit/engine/geo"
	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/keeper"
	orbittestutil "github.com/novacron/novacron/x/orbit/testutil"
	"github.com/novacron/novacron/x/orbit/types"
	vmtypes "github.com/novacron/novacron/x/vmlifecycle/types"
)

// sortedRegions is the default genesis' regions in code order (the matrix order).
func sortedRegions() []types.Region {
	rs := types.DefaultGenesis().Regions
	sort.Slice(rs, func(i, j int) bool { return rs[i].Code < rs[j].Code })
	return rs
}

func codeIndex(codes []string, code string) int {
	for i, c := range codes {
		if c == code {
			return i
		}
	}
	return -1
}

// chordRTTUs is the round trip at light speed along the straight line through the Earth
// between two regions: a lower bound of any RTT.
func chordRTTUs(a, b types.Region) float64 {
	pa := geo.WGS72.ECEF(a.ToStation(0).LatDeg, a.ToStation(0).LonDeg, 0)
	pb := geo.WGS72.ECEF(b.ToStation(0).LatDeg, b.ToStation(0).LonDeg, 0)
	return 2 * geo.Distance(pa, pb) / geo.SpeedOfLightKmS * 1e6
}

func TestSnapshotOnlyAtIntervalHeights(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	for _, h := range []int64{1, 7, 9, 11, 15, 19} {
		ctx := f.AtHeight(h)
		require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
		has, err := f.Keeper.Snapshot.Has(ctx)
		require.NoError(t, err)
		require.False(t, has, "height %d", h)
		require.Empty(t, eventsOf(ctx))
	}
	_, ok := f.Keeper.RTTUs(f.Ctx, "new-york-newark", "london")
	require.False(t, ok)
	_, ok = f.Keeper.LatencyUs(f.Ctx, "new-york-newark", "london")
	require.False(t, ok)

	// No active constellation: snapshots are off even at interval heights.
	p := types.DefaultParams()
	p.ActiveConstellation = ""
	_, err := f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: p})
	require.NoError(t, err)
	ctx := f.AtHeight(10)
	require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
	has, err := f.Keeper.Snapshot.Has(ctx)
	require.NoError(t, err)
	require.False(t, has)
	require.Empty(t, eventsOf(ctx))
}

func TestSnapshotStarlinkTop100(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	ctx := f.AtHeight(10)
	start := time.Now()
	require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
	t.Logf("first snapshot (network build + routing): %v", time.Since(start))
	require.Equal(t, []string{"orbit_latency_snapshot constellation=starlink-s1 regions=100"}, eventsOf(ctx))

	snap, err := f.Keeper.Snapshot.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(10), snap.Height)
	require.Equal(t, orbittestutil.Epoch.UnixNano(), snap.UnixNano)
	require.Equal(t, "starlink-s1", snap.Constellation)

	regions := sortedRegions()
	var codes []string
	for _, r := range regions {
		codes = append(codes, r.Code)
	}
	require.True(t, sort.StringsAreSorted(snap.RegionCodes))
	require.Equal(t, codes, snap.RegionCodes)
	const n = 100
	require.Len(t, snap.RttUs, n*n)

	unreachable := 0
	for i := 0; i < n; i++ {
		require.Zero(t, snap.RttUs[i*n+i], codes[i])
		for j := 0; j < n; j++ {
			v := snap.RttUs[i*n+j]
			require.Equal(t, v, snap.RttUs[j*n+i], "%s-%s", codes[i], codes[j])
			if i == j {
				continue
			}
			if v < 0 {
				require.Equal(t, int64(-1), v)
				unreachable++
				continue
			}
			// Never faster than light along the chord, never slower than a few
			// hundred ms (the longest Earth paths are ~20,000 km).
			require.GreaterOrEqual(t, float64(v), chordRTTUs(regions[i], regions[j])-1, "%s-%s", codes[i], codes[j])
			require.Less(t, v, int64(400_000), "%s-%s", codes[i], codes[j])
		}
	}
	require.Less(t, unreachable, n*n/10, "unreachable pairs")
	t.Logf("unreachable pairs: %d", unreachable)

	ny, ldn := codeIndex(codes, "new-york-newark"), codeIndex(codes, "london")
	rtt := snap.RttUs[ny*n+ldn]
	require.Greater(t, rtt, int64(40_000))
	require.Less(t, rtt, int64(50_000))
	got, ok := f.Keeper.RTTUs(ctx, "new-york-newark", "london")
	require.True(t, ok)
	require.Equal(t, rtt, got)
	lat, ok := f.Keeper.LatencyUs(ctx, "london", "new-york-newark")
	require.True(t, ok)
	require.Equal(t, rtt/2, lat)
	lat, ok = f.Keeper.LatencyUs(ctx, "tokyo", "tokyo")
	require.True(t, ok)
	require.Zero(t, lat)
	for _, pair := range [][2]string{{"atlantis", "london"}, {"london", "atlantis"}, {"", ""}} {
		_, ok = f.Keeper.RTTUs(ctx, pair[0], pair[1])
		require.False(t, ok, pair)
		_, ok = f.Keeper.LatencyUs(ctx, pair[0], pair[1])
		require.False(t, ok, pair)
	}

	// Bit for bit what the engine computes over the same stations in code order.
	stations := make([]geo.GroundStation, n)
	for i, r := range regions {
		stations[i] = r.ToStation(i)
	}
	net, err := engine.NewShellNetwork(shell.StarlinkS1, stations)
	require.NoError(t, err)
	m := engine.ComputeLatencyMatrix(net, orbittestutil.Epoch.UnixNano())
	require.Equal(t, m.RTTUs, snap.RttUs)
	require.Equal(t, m.UnixNano, snap.UnixNano)

	// The network cache does not change results: recomputing (from the cache) at the next
	// interval height and the same time stores the same matrix.
	ctx20 := f.AtHeight(20)
	start = time.Now()
	require.NoError(t, f.Keeper.MaybeSnapshot(ctx20))
	t.Logf("cached snapshot: %v", time.Since(start))
	snap2, err := f.Keeper.Snapshot.Get(ctx20)
	require.NoError(t, err)
	require.Equal(t, int64(20), snap2.Height)
	snap2.Height = snap.Height
	require.Equal(t, snap, snap2)

	// A later block time gives a different matrix, still what the engine says.
	later := orbittestutil.Epoch.Add(90 * time.Second)
	ctx30 := f.AtHeight(30).WithBlockTime(later)
	require.NoError(t, f.Keeper.MaybeSnapshot(ctx30))
	snap3, err := f.Keeper.Snapshot.Get(ctx30)
	require.NoError(t, err)
	require.Equal(t, later.UnixNano(), snap3.UnixNano)
	require.NotEqual(t, snap.RttUs, snap3.RttUs)
	require.Equal(t, engine.ComputeLatencyMatrix(net, later.UnixNano()).RTTUs, snap3.RttUs)
}

func TestSnapshotDeterministicAcrossKeepers(t *testing.T) {
	var bzs [][]byte
	for i := 0; i < 2; i++ {
		f := orbittestutil.NewFixture(t, nil)
		ctx := f.AtHeight(40)
		require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
		snap, err := f.Keeper.Snapshot.Get(ctx)
		require.NoError(t, err)
		bz, err := f.Cdc.Marshal(&snap)
		require.NoError(t, err)
		bzs = append(bzs, bz)
	}
	require.Equal(t, bzs[0], bzs[1])
	require.Greater(t, len(bzs[0]), 100*100)
}

func TestSnapshotTooCostly(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	// A first snapshot at height 10 succeeds.
	require.NoError(t, f.Keeper.MaybeSnapshot(f.AtHeight(10)))
	first, err := f.Keeper.Snapshot.Get(f.Ctx)
	require.NoError(t, err)

	// Lower max_snapshot_cost just below the estimate for Starlink S1 and 100 regions.
	sats := shell.StarlinkS1.NumSats()
	cost := engine.EstimateSnapshotCost(sats, 100, 2*sats)
	p := types.DefaultParams()
	p.MaxSnapshotCost = cost - 1
	_, err = f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: p})
	require.NoError(t, err)

	ctx := f.AtHeight(20)
	require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
	ev := eventsOf(ctx)
	require.Len(t, ev, 1)
	require.True(t, strings.HasPrefix(ev[0], "orbit_latency_snapshot_failed constellation=starlink-s1 error="), ev[0])
	require.Contains(t, ev[0], "computation exceeds the allowed cost")
	// Nothing stored: the previous snapshot stays.
	got, err := f.Keeper.Snapshot.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, first, got)

	// Exactly at the estimate it runs again.
	p.MaxSnapshotCost = cost
	_, err = f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: p})
	require.NoError(t, err)
	ctx = f.AtHeight(30)
	require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
	require.Equal(t, []string{"orbit_latency_snapshot constellation=starlink-s1 regions=100"}, eventsOf(ctx))
	got, err = f.Keeper.Snapshot.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(30), got.Height)
}

func TestSnapshotTooCostlyOnFreshChain(t *testing.T) {
	gs := types.DefaultGenesis()
	gs.Params.MaxSnapshotCost = 1_000_000
	f := orbittestutil.NewFixture(t, gs)
	ctx := f.AtHeight(10)
	require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
	ev := eventsOf(ctx)
	require.Len(t, ev, 1)
	require.Contains(t, ev[0], "orbit_latency_snapshot_failed")
	has, err := f.Keeper.Snapshot.Has(ctx)
	require.NoError(t, err)
	require.False(t, has)
	_, err = f.Query.LatencyMatrix(ctx, &types.QueryLatencyMatrixRequest{})
	requireStatus(t, err, codes.NotFound)
}

func TestSnapshotFewerThanTwoRegions(t *testing.T) {
	gs := types.DefaultGenesis()
	gs.Regions = gs.Regions[:1]
	f := orbittestutil.NewFixture(t, gs)
	ctx := f.AtHeight(10)
	require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
	ev := eventsOf(ctx)
	require.Len(t, ev, 1)
	require.Contains(t, ev[0], "orbit_latency_snapshot_failed constellation=starlink-s1 error=")
	has, err := f.Keeper.Snapshot.Has(ctx)
	require.NoError(t, err)
	require.False(t, has)
}

func TestSnapshotFollowsRegionChanges(t *testing.T) {
	// A small custom shell keeps this fast; the region set changes between snapshots.
	gs := types.DefaultGenesis()
	gs.Constellations = append(gs.Constellations, types.ConstellationFromShell(ebsShell))
	gs.Params.ActiveConstellation = ebsShell.Name
	gs.Regions = gs.Regions[:10]
	f := orbittestutil.NewFixture(t, gs)
	require.NoError(t, f.Keeper.MaybeSnapshot(f.AtHeight(10)))
	snap, err := f.Keeper.Snapshot.Get(f.Ctx)
	require.NoError(t, err)
	require.Len(t, snap.RegionCodes, 10)
	require.Equal(t, ebsShell.Name, snap.Constellation)
	require.Contains(t, snap.RegionCodes, "tokyo")

	_, err = f.MsgServer.RemoveRegion(f.Ctx, &types.MsgRemoveRegion{Authority: gov, Code: "tokyo"})
	require.NoError(t, err)
	_, err = f.MsgServer.RegisterRegion(f.Ctx, &types.MsgRegisterRegion{Authority: gov,
		Region: types.Region{Code: "aaa-first", LatMicrodeg: 10_000_000, LonMicrodeg: 20_000_000}})
	require.NoError(t, err)
	// Until the next snapshot, the old matrix answers (the new region is unknown to it).
	_, ok := f.Keeper.RTTUs(f.Ctx, "aaa-first", "delhi")
	require.False(t, ok)

	require.NoError(t, f.Keeper.MaybeSnapshot(f.AtHeight(20)))
	snap, err = f.Keeper.Snapshot.Get(f.Ctx)
	require.NoError(t, err)
	require.Len(t, snap.RegionCodes, 10)
	require.Equal(t, "aaa-first", snap.RegionCodes[0])
	require.NotContains(t, snap.RegionCodes, "tokyo")
	require.Len(t, snap.RttUs, 100)
	_, ok = f.Keeper.RTTUs(f.Ctx, "tokyo", "delhi")
	require.False(t, ok)
	v, ok := f.Keeper.RTTUs(f.Ctx, "delhi", "delhi")
	require.True(t, ok)
	require.Zero(t, v)

	// Unreachable pairs are -1 in the matrix and not ok for the scheduler.
	for i, a := range snap.RegionCodes {
		for j, b := range snap.RegionCodes {
			v := snap.RttUs[i*10+j]
			got, ok := f.Keeper.RTTUs(f.Ctx, a, b)
			require.Equal(t, v >= 0, ok, "%s-%s", a, b)
			if ok {
				require.Equal(t, v, got)
				lat, _ := f.Keeper.LatencyUs(f.Ctx, a, b)
				require.Equal(t, v/2, lat)
			}
			require.GreaterOrEqual(t, v, int64(-1), "%s-%s", a, b)
		}
	}
}

// The keeper is the latency source x/vmlifecycle's scheduler expects.
var _ vmtypes.LatencyProvider = keeper.Keeper{}
