package orbit_test

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/orbit"
	orbittestutil "github.com/novacron/novacron/x/orbit/testutil"
	"github.com/novacron/novacron/x/orbit/types"
)

// TestEndBlock drives the snapshot through the module's EndBlock, as the app does.
func TestEndBlock(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	am := orbit.NewAppModule(f.Cdc, f.Keeper)

	ctx := f.AtHeight(9)
	require.NoError(t, am.EndBlock(ctx))
	has, err := f.Keeper.Snapshot.Has(ctx)
	require.NoError(t, err)
	require.False(t, has)

	ctx = f.AtHeight(10)
	require.NoError(t, am.EndBlock(ctx))
	snap, err := f.Keeper.Snapshot.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(10), snap.Height)
	require.Len(t, snap.RegionCodes, 100)
	require.Len(t, ctx.EventManager().Events(), 1)
	require.Equal(t, types.EventTypeSnapshot, ctx.EventManager().Events()[0].Type)
	rtt, ok := f.Keeper.LatencyUs(ctx, "new-york-newark", "london")
	require.True(t, ok)
	require.Greater(t, rtt, int64(20_000))
	require.Less(t, rtt, int64(25_000))
}

// TestGenesisJSON covers `novacrond genesis validate` and the module's init/export.
func TestGenesisJSON(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	am := orbit.NewAppModule(f.Cdc, f.Keeper)

	def := am.DefaultGenesis(f.Cdc)
	require.NoError(t, am.ValidateGenesis(f.Cdc, nil, def))
	var gs types.GenesisState
	require.NoError(t, f.Cdc.UnmarshalJSON(def, &gs))
	// JSON carries "tle_lines":[] for shells, which decodes to an empty (not nil) slice.
	for i := range gs.Constellations {
		require.Empty(t, gs.Constellations[i].TleLines)
		gs.Constellations[i].TleLines = nil
	}
	require.Equal(t, *types.DefaultGenesis(), gs)
	require.Contains(t, string(def), `"code":"new-york-newark"`)
	require.Contains(t, string(def), `"active_constellation":"starlink-s1"`)

	require.ErrorContains(t, am.ValidateGenesis(f.Cdc, nil, json.RawMessage(`{"params":5}`)), "failed to unmarshal orbit genesis")
	bad := json.RawMessage(`{"params":{"snapshot_interval_blocks":1,"active_constellation":"","max_regions":2,"cost_units_per_gas":"1","max_snapshot_cost":"1"},` +
		`"regions":[{"code":"a"},{"code":"a"}]}`)
	require.ErrorIs(t, am.ValidateGenesis(f.Cdc, nil, bad), types.ErrInvalidGenesis)

	// Init (over the default state) and export through the module: export is key order.
	small := json.RawMessage(`{"params":{"snapshot_interval_blocks":2,"active_constellation":"","max_regions":3,"cost_units_per_gas":"1","max_snapshot_cost":"1"},` +
		`"constellations":[],"regions":[{"code":"b","name":"","lat_microdeg":"1","lon_microdeg":"2","elevation_m":"3"},{"code":"a","name":"A","lat_microdeg":"0","lon_microdeg":"0","elevation_m":"0"}]}`)
	require.NoError(t, am.ValidateGenesis(f.Cdc, nil, small))
	f2 := orbittestutil.NewFixture(t, &types.GenesisState{Params: types.DefaultParams(), Constellations: types.DefaultGenesis().Constellations})
	am2 := orbit.NewAppModule(f2.Cdc, f2.Keeper)
	am2.InitGenesis(f2.Ctx, f2.Cdc, small)
	out := am2.ExportGenesis(f2.Ctx, f2.Cdc)
	var got types.GenesisState
	require.NoError(t, f2.Cdc.UnmarshalJSON(out, &got))
	require.Equal(t, []string{"a", "b"}, []string{got.Regions[0].Code, got.Regions[1].Code})
	require.Equal(t, uint32(2), got.Params.SnapshotIntervalBlocks)
	// Constellations from the fixture's genesis stay (InitGenesis only adds).
	require.Len(t, got.Constellations, 3)

	// An invalid genesis panics in InitGenesis (the app's InitChainer turns it into an error).
	require.Panics(t, func() { am2.InitGenesis(f2.Ctx, f2.Cdc, bad) })
}

// TestAutoCLICoversServices checks every Query and Msg RPC has a command.
func TestAutoCLICoversServices(t *testing.T) {
	opts := orbit.AppModule{}.AutoCLIOptions()
	methods := func(iface reflect.Type) []string {
		var out []string
		for i := 0; i < iface.NumMethod(); i++ {
			out = append(out, iface.Method(i).Name)
		}
		sort.Strings(out)
		return out
	}
	commands := func(d []string) []string { sort.Strings(d); return d }
	var q, tx []string
	for _, o := range opts.Query.RpcCommandOptions {
		q = append(q, o.RpcMethod)
		require.NotEmpty(t, o.Use)
	}
	for _, o := range opts.Tx.RpcCommandOptions {
		tx = append(tx, o.RpcMethod)
		require.True(t, o.GovProposal, o.RpcMethod)
	}
	require.Equal(t, methods(reflect.TypeOf((*types.QueryServer)(nil)).Elem()), commands(q))
	require.Equal(t, methods(reflect.TypeOf((*types.MsgServer)(nil)).Elem()), commands(tx))
	require.Equal(t, "novacron.orbit.v1.Query", opts.Query.Service)
	require.Equal(t, "novacron.orbit.v1.Msg", opts.Tx.Service)
}
