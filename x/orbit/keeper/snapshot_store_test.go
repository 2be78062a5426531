package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	orbittestutil "github.com/novacron/novacron/x/orbit/testutil"
)

// A pair lookup reads the header and one row, not the N x N matrix: the scheduler calls it
// once per candidate region and latency bound.
func TestPairLookupReadsOneRow(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	ctx := f.AtHeight(10)
	require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
	snap, err := f.Keeper.Snapshot.Get(ctx)
	require.NoError(t, err)
	n := len(snap.RegionCodes)

	pairCtx := ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	rtt, ok := f.Keeper.RTTUs(pairCtx, "new-york-newark", "london")
	require.True(t, ok)
	i, j := indexIn(snap.RegionCodes, "new-york-newark"), indexIn(snap.RegionCodes, "london")
	require.Equal(t, snap.RttUs[i*n+j], rtt)

	fullCtx := ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	_, err = f.Keeper.Snapshot.Get(fullCtx)
	require.NoError(t, err)
	require.Less(t, 10*pairCtx.GasMeter().GasConsumed(), fullCtx.GasMeter().GasConsumed(),
		"a pair lookup must cost far less than reading the matrix")
}

// Rows of regions that leave the matrix are removed with the next snapshot.
func TestSnapshotDropsRowsOfRemovedRegions(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	require.NoError(t, f.Keeper.MaybeSnapshot(f.AtHeight(10)))
	ctx := f.AtHeight(20)
	require.NoError(t, f.Keeper.Regions.Remove(ctx, "london"))
	require.NoError(t, f.Keeper.MaybeSnapshot(ctx))
	snap, err := f.Keeper.Snapshot.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, -1, indexIn(snap.RegionCodes, "london"))
	require.Len(t, snap.RttUs, len(snap.RegionCodes)*len(snap.RegionCodes))
	_, ok := f.Keeper.RTTUs(ctx, "london", "tokyo")
	require.False(t, ok, "the removed region's row must be gone")
	_, ok = f.Keeper.RTTUs(ctx, "tokyo", "london")
	require.False(t, ok)
}

func indexIn(codes []string, s string) int {
	for i, c := range codes {
		if c == s {
			return i
		}
	}
	return -1
}
