package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/orbit/engine/shell"
	orbittestutil "github.com/novacron/novacron/x/orbit/testutil"
	"github.com/novacron/novacron/x/orbit/types"
)

func TestGenesisRoundTrip(t *testing.T) {
	// Not in key order, with a custom constellation and region.
	in := &types.GenesisState{
		Params: types.Params{SnapshotIntervalBlocks: 3, ActiveConstellation: "ebs-test", MaxRegions: 5, CostUnitsPerGas: 7, MaxSnapshotCost: 123_456},
		Constellations: []types.Constellation{
			types.ConstellationFromShell(shell.TelesatT1), types.ConstellationFromShell(ebsShell), types.ConstellationFromShell(shell.KuiperK1),
		},
		Regions: []types.Region{
			{Code: "zurich", Name: "Zürich", LatMicrodeg: 47_376_887, LonMicrodeg: 8_541_694, ElevationM: 408},
			{Code: "auckland", Name: "Auckland", LatMicrodeg: -36_848_460, LonMicrodeg: 174_763_332},
			{Code: "mauna-kea", LatMicrodeg: 19_820_667, LonMicrodeg: -155_468_056, ElevationM: 4207},
		},
	}
	f := orbittestutil.NewFixture(t, in)
	out, err := f.Keeper.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, in.Params, out.Params)
	require.Equal(t, []types.Constellation{in.Constellations[1], in.Constellations[2], in.Constellations[0]}, out.Constellations)
	require.Equal(t, []types.Region{in.Regions[1], in.Regions[2], in.Regions[0]}, out.Regions)
	require.NoError(t, out.Validate())

	// export(import(export)) == export, through JSON as a genesis file carries it.
	bz, err := f.Cdc.MarshalJSON(out)
	require.NoError(t, err)
	var decoded types.GenesisState
	require.NoError(t, f.Cdc.UnmarshalJSON(bz, &decoded))
	f2 := orbittestutil.NewFixture(t, &decoded)
	out2, err := f2.Keeper.ExportGenesis(f2.Ctx)
	require.NoError(t, err)
	require.Equal(t, out, out2)

	// The snapshot is not exported: it is recomputed after import.
	require.NoError(t, f.Keeper.MaybeSnapshot(f.AtHeight(3)))
	has, err := f.Keeper.Snapshot.Has(f.Ctx)
	require.NoError(t, err)
	require.True(t, has)
	out3, err := f.Keeper.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, out, out3)
}

func TestGenesisDefaultRoundTrip(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	out, err := f.Keeper.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	def := types.DefaultGenesis()
	require.Equal(t, def.Params, out.Params)
	require.ElementsMatch(t, def.Constellations, out.Constellations)
	require.ElementsMatch(t, def.Regions, out.Regions)
	require.Equal(t, sortedRegions(), out.Regions)
}

func TestInitGenesisInvalid(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	before := stateOf(t, f)
	bad := types.DefaultGenesis()
	bad.Regions = append(bad.Regions, types.Region{Code: "new-region"}, bad.Regions[0])
	requireCode(t, f.Keeper.InitGenesis(f.Ctx, bad), types.ErrInvalidGenesis)
	bad = types.DefaultGenesis()
	bad.Params.ActiveConstellation = "oneweb"
	requireCode(t, f.Keeper.InitGenesis(f.Ctx, bad), types.ErrInvalidGenesis)
	// Validation runs first: nothing was written.
	require.Equal(t, before, stateOf(t, f))
}
