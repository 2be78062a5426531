package keeper_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/orbit/keeper"
	orbittestutil "github.com/novacron/novacron/x/orbit/testutil"
	"github.com/novacron/novacron/x/orbit/types"
)

// smallChain is a fixture over ebsShell (active) and three regions, with a snapshot at height
// 10 (the fixture's context stays there).
func smallChain(t *testing.T) *orbittestutil.Fixture {
	t.Helper()
	gs := types.DefaultGenesis()
	gs.Constellations = append(gs.Constellations, types.ConstellationFromShell(ebsShell))
	gs.Params.ActiveConstellation = ebsShell.Name
	gs.Regions = []types.Region{
		{Code: "london", LatMicrodeg: 51_507_351, LonMicrodeg: -127_758},
		{Code: "new-york", LatMicrodeg: 40_712_775, LonMicrodeg: -74_005_973},
		{Code: "paris", LatMicrodeg: 48_856_614, LonMicrodeg: 2_352_222},
	}
	f := orbittestutil.NewFixture(t, gs)
	require.NoError(t, f.Keeper.MaybeSnapshot(f.AtHeight(10)))
	has, err := f.Keeper.Snapshot.Has(f.Ctx)
	require.NoError(t, err)
	require.True(t, has)
	return f
}

// setParams stores mutated params directly, without validation.
func setParams(t *testing.T, f *orbittestutil.Fixture, mutate func(*types.Params)) {
	t.Helper()
	p, err := f.Keeper.Params.Get(f.Ctx)
	require.NoError(t, err)
	mutate(&p)
	require.NoError(t, f.Keeper.Params.Set(f.Ctx, p))
}

// rowKey is the store key of the snapshot row of a region.
func rowKey(code string) []byte { return append(types.SnapshotRowsKey.Bytes(), code...) }

// TestCheckInvariants: the default genesis, a chain with a snapshot, and each way of breaking
// the state, which CheckInvariants reports as ErrBrokenInvariant.
func TestCheckInvariants(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	require.NoError(t, f.Keeper.CheckInvariants(f.Ctx))

	for _, tc := range []struct {
		name    string
		want    string
		breakIt func(t *testing.T, f *orbittestutil.Fixture)
	}{
		{"invalid params", "params: snapshot_interval_blocks", func(t *testing.T, f *orbittestutil.Fixture) {
			setParams(t, f, func(p *types.Params) { p.SnapshotIntervalBlocks = 0 })
		}},
		{"active constellation gone", "active constellation \"ebs-test\" is not registered", func(t *testing.T, f *orbittestutil.Fixture) {
			require.NoError(t, f.Keeper.Constellations.Remove(f.Ctx, ebsShell.Name))
		}},
		{"constellation under another name", "stored under \"other\"", func(t *testing.T, f *orbittestutil.Fixture) {
			require.NoError(t, f.Keeper.Constellations.Set(f.Ctx, "other", types.ConstellationFromShell(ebsShell)))
		}},
		{"invalid constellation", "constellation ebs-test: ", func(t *testing.T, f *orbittestutil.Fixture) {
			c := types.ConstellationFromShell(ebsShell)
			c.Planes = 1
			require.NoError(t, f.Keeper.Constellations.Set(f.Ctx, c.Name, c))
		}},
		{"invalid region", "region pole: ", func(t *testing.T, f *orbittestutil.Fixture) {
			require.NoError(t, f.Keeper.Regions.Set(f.Ctx, "pole", types.Region{Code: "pole", LatMicrodeg: 91_000_000}))
		}},
		{"more regions than max_regions", "3 regions > max_regions 2", func(t *testing.T, f *orbittestutil.Fixture) {
			setParams(t, f, func(p *types.Params) { p.MaxRegions = 2 })
		}},
		{"snapshot from a later block", "snapshot of height 10 at height 9", func(t *testing.T, f *orbittestutil.Fixture) {
			f.AtHeight(9)
		}},
		{"row missing", "2 snapshot rows for 3 regions", func(t *testing.T, f *orbittestutil.Fixture) {
			f.Ctx.KVStore(f.Key).Delete(rowKey("paris"))
		}},
		{"row of no region of the snapshot", "row \"tokyo\" of no region", func(t *testing.T, f *orbittestutil.Fixture) {
			f.Ctx.KVStore(f.Key).Set(rowKey("tokyo"), make([]byte, 24))
		}},
		{"row too short", "of 16 bytes, want 24", func(t *testing.T, f *orbittestutil.Fixture) {
			f.Ctx.KVStore(f.Key).Set(rowKey("paris"), make([]byte, 16))
		}},
		{"asymmetric round trip", "london-new-york", func(t *testing.T, f *orbittestutil.Fixture) {
			st := f.Ctx.KVStore(f.Key)
			row := st.Get(rowKey("london"))
			binary.BigEndian.PutUint64(row[8:], binary.BigEndian.Uint64(row[8:])+2) // london -> new-york
			st.Set(rowKey("london"), row)
		}},
		{"round trip to itself", "paris-paris is 5", func(t *testing.T, f *orbittestutil.Fixture) {
			st := f.Ctx.KVStore(f.Key)
			row := st.Get(rowKey("paris"))
			binary.BigEndian.PutUint64(row[16:], 5)
			st.Set(rowKey("paris"), row)
		}},
		{"header out of order", "out of order", func(t *testing.T, f *orbittestutil.Fixture) {
			snap, err := f.Keeper.Snapshot.Get(f.Ctx)
			require.NoError(t, err)
			snap.RttUs = nil
			snap.RegionCodes[0], snap.RegionCodes[1] = snap.RegionCodes[1], snap.RegionCodes[0]
			f.Ctx.KVStore(f.Key).Set(types.SnapshotKey.Bytes(), f.Cdc.MustMarshal(&snap))
		}},
		{"header with the matrix", "header holds 9 round trips", func(t *testing.T, f *orbittestutil.Fixture) {
			snap, err := f.Keeper.Snapshot.Get(f.Ctx)
			require.NoError(t, err)
			f.Ctx.KVStore(f.Key).Set(types.SnapshotKey.Bytes(), f.Cdc.MustMarshal(&snap))
		}},
		{"rows without a snapshot", "row \"london\" of no region", func(t *testing.T, f *orbittestutil.Fixture) {
			f.Ctx.KVStore(f.Key).Delete(types.SnapshotKey.Bytes())
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := smallChain(t)
			require.NoError(t, f.Keeper.CheckInvariants(f.Ctx))
			tc.breakIt(t, f)
			err := f.Keeper.CheckInvariants(f.Ctx)
			require.ErrorIs(t, err, keeper.ErrBrokenInvariant)
			require.ErrorContains(t, err, tc.want)
		})
	}
}
