package keeper_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"

	"github.com/novacron/novacron/x/orbit/engine"
	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/engine/tle"
	orbittestutil "github.com/novacron/novacron/x/orbit/testutil"
	"github.com/novacron/novacron/x/orbit/types"
)

const telesatTLE = "telesat-t1-tle"

// registerTelesatTLE registers Telesat T1's generated TLEs as a TLE set through governance.
func registerTelesatTLE(t *testing.T, f *orbittestutil.Fixture) types.Constellation {
	t.Helper()
	c := orbittestutil.TLESetFromShell(t, telesatTLE, shell.TelesatT1)
	_, err := f.MsgServer.RegisterConstellation(f.Ctx, &types.MsgRegisterConstellation{Authority: gov, Constellation: c})
	require.NoError(t, err)
	return c
}

// snapshotOver activates a constellation and takes the snapshot at height h (block time Epoch).
func snapshotOver(t *testing.T, f *orbittestutil.Fixture, name string, h int64) types.LatencySnapshot {
	t.Helper()
	p := types.DefaultParams()
	p.ActiveConstellation = name
	_, err := f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: p})
	require.NoError(t, err)
	ctx := f.AtHeight(h)
	require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
	require.Equal(t, []string{"orbit_latency_snapshot constellation=" + name + " regions=100"}, eventsOf(ctx))
	snap, err := f.Keeper.Snapshot.Get(ctx)
	require.NoError(t, err)
	return snap
}

// TestTLESetEqualsShell: Telesat T1 registered as its own TLEs gives the shell's latency
// snapshot, routes, positions, handoffs and gas, bit for bit.
func TestTLESetEqualsShell(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	c := registerTelesatTLE(t, f)
	got, err := f.Keeper.Constellations.Get(f.Ctx, telesatTLE)
	require.NoError(t, err)
	require.Equal(t, c, got)
	require.Equal(t, []string{"orbit_constellation_registered name=" + telesatTLE}, eventsOf(f.Ctx))
	res, err := f.Query.Constellations(f.Ctx, &types.QueryConstellationsRequest{Full: true})
	require.NoError(t, err)
	require.Len(t, res.Constellations, 4)
	require.Contains(t, res.Constellations, c)
	one, err := f.Query.Constellation(f.Ctx, &types.QueryConstellationRequest{Name: telesatTLE})
	require.NoError(t, err)
	require.Equal(t, c, one.Constellation)
	sums, err := f.Query.Constellations(f.Ctx, &types.QueryConstellationsRequest{})
	require.NoError(t, err)
	require.Len(t, sums.Summaries, 4)
	require.Equal(t, types.ConstellationSummary{Name: telesatTLE, Kind: types.CONSTELLATION_KIND_TLE_SET,
		Planes: 27, SatsPerPlane: 13, Satellites: 351, Isls: 702, AltitudeM: c.AltitudeM,
		MinElevationMicrodeg: c.MinElevationMicrodeg, ConeRadiusM: c.ConeRadiusM,
		TleEpochMinUnixNano: orbittestutil.Epoch.UnixNano(), TleEpochMaxUnixNano: orbittestutil.Epoch.UnixNano(),
		EncodedBytes: uint64(c.Size())}, sums.Summaries[3]) // "telesat-t1" < "telesat-t1-tle"

	shellSnap := snapshotOver(t, f, "telesat-t1", 10)
	tleSnap := snapshotOver(t, f, telesatTLE, 20)
	require.Equal(t, shellSnap.RegionCodes, tleSnap.RegionCodes)
	require.Equal(t, shellSnap.UnixNano, tleSnap.UnixNano)
	require.Equal(t, shellSnap.RttUs, tleSnap.RttUs)
	reachable := 0
	for _, v := range tleSnap.RttUs {
		if v > 0 {
			reachable++
		}
	}
	require.Greater(t, reachable, 100)
	// Through the scheduler's interface too.
	rtt, ok := f.Keeper.RTTUs(f.Ctx, "tokyo", "london")
	require.True(t, ok)
	require.Equal(t, shellSnap.RttUs[codeIndex(shellSnap.RegionCodes, "tokyo")*100+codeIndex(shellSnap.RegionCodes, "london")], rtt)

	routes := 0
	for _, dt := range []time.Duration{0, 37 * time.Second, 10 * time.Minute} {
		at := orbittestutil.Epoch.Add(dt).UnixNano()
		for _, pair := range [][2]string{{"tokyo", "london"}, {"new-york-newark", "sydney"}, {"sao-paulo", "moscow"}} {
			gasOf := func(name string) (*types.QueryRouteResponse, uint64, error) {
				// Store reads are free here: the TLE set's larger record costs more read gas,
				// the engine charge (satellite and ISL counts) is what must be equal.
				ctx := f.Ctx.WithGasMeter(storetypes.NewGasMeter(100_000_000)).WithKVGasConfig(storetypes.GasConfig{})
				r, err := f.Query.Route(ctx, &types.QueryRouteRequest{From: pair[0], To: pair[1], Constellation: name, UnixNano: at})
				return r, ctx.GasMeter().GasConsumed(), err
			}
			want, wgas, werr := gasOf("telesat-t1")
			res, gas, err := gasOf(telesatTLE)
			if werr != nil {
				requireStatus(t, err, codes.NotFound)
				continue
			}
			require.NoError(t, err)
			require.Equal(t, want, res, "%v at +%v", pair, dt)
			require.Equal(t, wgas, gas)
			routes++
		}
		for _, idx := range []uint32{0, 13, 350} {
			want, err := f.Query.SatellitePosition(f.Ctx, &types.QuerySatellitePositionRequest{Constellation: "telesat-t1", Index: idx, UnixNano: at})
			require.NoError(t, err)
			res, err := f.Query.SatellitePosition(f.Ctx, &types.QuerySatellitePositionRequest{Constellation: telesatTLE, Index: idx, UnixNano: at})
			require.NoError(t, err)
			require.Equal(t, want, res)
		}
	}
	require.GreaterOrEqual(t, routes, 6)
	_, err = f.Query.SatellitePosition(f.Ctx, &types.QuerySatellitePositionRequest{Constellation: telesatTLE, Index: 351})
	requireStatus(t, err, codes.InvalidArgument)

	want, err := f.Query.NextHandoff(f.Ctx, &types.QueryNextHandoffRequest{Region: "london", Constellation: "telesat-t1", HorizonS: 900})
	require.NoError(t, err)
	hres, err := f.Query.NextHandoff(f.Ctx, &types.QueryNextHandoffRequest{Region: "london", Constellation: telesatTLE, HorizonS: 900})
	require.NoError(t, err)
	require.True(t, want.Found)
	require.Equal(t, want, hres)

	// The active TLE constellation cannot be removed; another one can.
	_, err = f.MsgServer.RemoveConstellation(f.Ctx, &types.MsgRemoveConstellation{Authority: gov, Name: telesatTLE})
	requireCode(t, err, types.ErrInUse)
}

// TestTLESetWithoutISLs: without a plane layout there are no ISLs (bent pipe only), and the
// snapshot is priced with zero ISLs.
func TestTLESetWithoutISLs(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	c := orbittestutil.TLESetFromShell(t, "telesat-bent-pipe", shell.TelesatT1)
	c.Planes, c.SatsPerPlane = 0, 0
	_, err := f.MsgServer.RegisterConstellation(f.Ctx, &types.MsgRegisterConstellation{Authority: gov, Constellation: c})
	require.NoError(t, err)

	// Priced with the satellite count and no ISLs: a cap between the two estimates lets the
	// bent-pipe set through and stops the +Grid shell.
	bent := engine.EstimateSnapshotCost(351, 100, 0)
	grid := engine.EstimateSnapshotCost(351, 100, 702)
	require.Less(t, bent, grid)
	p := types.DefaultParams()
	p.MaxSnapshotCost = bent
	p.ActiveConstellation = "telesat-t1"
	_, err = f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: p})
	require.NoError(t, err)
	ctx := f.AtHeight(10)
	require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
	require.Contains(t, eventsOf(ctx)[0], "orbit_latency_snapshot_failed")
	p.ActiveConstellation = "telesat-bent-pipe"
	_, err = f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: p})
	require.NoError(t, err)
	ctx = f.AtHeight(20)
	require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
	require.Equal(t, []string{"orbit_latency_snapshot constellation=telesat-bent-pipe regions=100"}, eventsOf(ctx))
	snap, err := f.Keeper.Snapshot.Get(ctx)
	require.NoError(t, err)

	// Every path is ground - satellite - ground (ground stations never relay).
	for i, a := range snap.RegionCodes {
		for j, b := range snap.RegionCodes {
			if i == j || snap.RttUs[i*100+j] < 0 {
				continue
			}
			r, err := f.Query.Route(f.Ctx, &types.QueryRouteRequest{From: a, To: b})
			require.NoError(t, err)
			require.Len(t, r.Hops, 3, "%s -> %s: %v", a, b, r.Hops)
			require.Equal(t, snap.RttUs[i*100+j], r.RttUs)
			return
		}
	}
	t.Fatal("no reachable pair over the bent pipe")
}

// TestRegisterTLESetInvalid: a bad checksum, a mixed shell+TLE constellation and a wrong
// layout are refused with ErrInvalidConstellation; nothing is stored, nothing emitted.
func TestRegisterTLESetInvalid(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	before := stateOf(t, f)
	good := orbittestutil.TLESetFromShell(t, telesatTLE, shell.TelesatT1)

	bad := good
	bad.TleLines = append([]string(nil), good.TleLines...)
	l := bad.TleLines[200] // satellite 100, line 1
	bad.TleLines[200] = l[:68] + string(rune('0'+(int(l[68]-'0')+3)%10))
	_, err := f.MsgServer.RegisterConstellation(f.Ctx, &types.MsgRegisterConstellation{Authority: gov, Constellation: bad})
	requireCode(t, err, types.ErrInvalidConstellation)
	require.ErrorIs(t, err, tle.ErrChecksum)
	var te *types.TLEError
	require.True(t, errors.As(err, &te))
	require.Equal(t, 201, te.Line)
	require.Equal(t, 100, te.Satellite)
	require.Contains(t, err.Error(), "tle_lines line 201 (satellite 100): tle: checksum mismatch")

	mixed := good
	mixed.InclinationMicrodeg, mixed.MeanMotionMicroRevDay = 98_980_000, 13_660_000
	_, err = f.MsgServer.RegisterConstellation(f.Ctx, &types.MsgRegisterConstellation{Authority: gov, Constellation: mixed})
	requireCode(t, err, types.ErrInvalidConstellation)
	require.Contains(t, err.Error(), "either a Walker shell or a TLE set, not both")

	layout := good
	layout.Planes = 26
	_, err = f.MsgServer.RegisterConstellation(f.Ctx, &types.MsgRegisterConstellation{Authority: gov, Constellation: layout})
	requireCode(t, err, types.ErrInvalidConstellation)

	// A TLE set under an existing name is a duplicate.
	dup := good
	dup.Name = "telesat-t1"
	_, err = f.MsgServer.RegisterConstellation(f.Ctx, &types.MsgRegisterConstellation{Authority: gov, Constellation: dup})
	requireCode(t, err, types.ErrDuplicate)

	require.Equal(t, before, stateOf(t, f))
	require.Empty(t, eventsOf(f.Ctx))
	has, err := f.Keeper.Constellations.Has(f.Ctx, telesatTLE)
	require.NoError(t, err)
	require.False(t, has)
}

// TestGenesisRoundTripTLESet: a TLE constellation (active) survives export, JSON and import.
func TestGenesisRoundTripTLESet(t *testing.T) {
	in := types.DefaultGenesis()
	in.Constellations = append(in.Constellations, orbittestutil.TLESetFromShell(t, telesatTLE, shell.TelesatT1))
	in.Params.ActiveConstellation = telesatTLE
	f := orbittestutil.NewFixture(t, in)
	out, err := f.Keeper.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	require.NoError(t, out.Validate())
	require.Equal(t, in.Params, out.Params)
	require.ElementsMatch(t, in.Constellations, out.Constellations)

	bz, err := f.Cdc.MarshalJSON(out)
	require.NoError(t, err)
	require.Contains(t, string(bz), `"tle_lines":["1 00001U 00000ABC 00001.00000000`)
	var decoded types.GenesisState
	require.NoError(t, f.Cdc.UnmarshalJSON(bz, &decoded))
	f2 := orbittestutil.NewFixture(t, &decoded)
	out2, err := f2.Keeper.ExportGenesis(f2.Ctx)
	require.NoError(t, err)
	require.Equal(t, out, out2)

	// Both chains take the same snapshot over the imported TLE set.
	var snaps [2]types.LatencySnapshot
	for i, fx := range []*orbittestutil.Fixture{f, f2} {
		ctx := fx.AtHeight(10)
		require.NoError(t, fx.Keeper.MaybeSnapshot(ctx))
		snaps[i], err = fx.Keeper.Snapshot.Get(ctx)
		require.NoError(t, err)
	}
	require.Equal(t, snaps[0], snaps[1])
	require.Equal(t, telesatTLE, snaps[0].Constellation)

	// A corrupted TLE in a genesis file is refused.
	corrupt := decoded
	corrupt.Constellations = append([]types.Constellation(nil), decoded.Constellations...)
	for i := range corrupt.Constellations {
		if corrupt.Constellations[i].IsTLESet() {
			lines := append([]string(nil), corrupt.Constellations[i].TleLines...)
			lines[1] = strings.Replace(lines[1], "98.9800", "98.9801", 1)
			corrupt.Constellations[i].TleLines = lines
		}
	}
	err = corrupt.Validate()
	requireCode(t, err, types.ErrInvalidConstellation)
	require.ErrorIs(t, err, tle.ErrChecksum)
}
