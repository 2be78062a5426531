package keeper

import (
	"testing"

	"cosmossdk.io/collections"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdktestutil "github.com/cosmos/cosmos-sdk/testutil"

	"github.com/novacron/novacron/x/orbit/types"
)

func TestSnapshotStoreRowsFollowRegions(t *testing.T) {
	key := storetypes.NewKVStoreKey(types.StoreKey)
	ctx := sdktestutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("t")).Ctx
	sb := collections.NewSchemaBuilder(runtime.NewKVStoreService(key))
	s := newSnapshotStore(sb, codec.NewProtoCodec(codectypes.NewInterfaceRegistry()))
	_, err := sb.Build()
	require.NoError(t, err)

	first := types.LatencySnapshot{Height: 10, Constellation: "c", RegionCodes: []string{"a", "b", "c"},
		RttUs: []int64{0, 1, 2, 1, 0, -1, 2, -1, 0}}
	require.NoError(t, s.Set(ctx, first))
	got, err := s.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, first, got)
	v, ok := s.pair(ctx, "b", "c")
	require.True(t, ok)
	require.Equal(t, int64(-1), v)

	second := types.LatencySnapshot{Height: 20, Constellation: "c", RegionCodes: []string{"a", "c"},
		RttUs: []int64{0, 5, 5, 0}}
	require.NoError(t, s.Set(ctx, second))
	got, err = s.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, second, got)
	has, err := s.rows.Has(ctx, "b")
	require.NoError(t, err)
	require.False(t, has, "the row of a region that left the matrix is deleted")
	_, ok = s.pair(ctx, "a", "b")
	require.False(t, ok)
}
