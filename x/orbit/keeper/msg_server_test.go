package keeper_test

import (
	"strings"
	"testing"

	errorsmod "cosmossdk.io/errors"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/novacron/novacron/x/orbit/engine/shell"
	orbittestutil "github.com/novacron/novacron/x/orbit/testutil"
	"github.com/novacron/novacron/x/orbit/types"
)

var (
	gov      = orbittestutil.GovAuthority
	notGov   = sdk.MustBech32ifyAddressBytes(orbittestutil.AccPrefix, make([]byte, 20))
	ebsShell = shell.Shell{Name: "ebs-test", Planes: 6, SatsPerPlane: 8, InclinationDeg: 60, MeanMotionRevDay: 14.5,
		AltitudeKm: 700, Eccentricity: 1e-7, PhaseDiff: true, MinElevationDeg: 20}
)

// eventsOf renders the module's events as "type key=value ...".
func eventsOf(ctx sdk.Context) []string {
	var out []string
	for _, e := range ctx.EventManager().Events() {
		if !strings.HasPrefix(e.Type, "orbit_") {
			continue
		}
		s := e.Type
		for _, a := range e.Attributes {
			s += " " + a.Key + "=" + a.Value
		}
		out = append(out, s)
	}
	return out
}

// requireCode checks err wraps want and carries want's registered code.
func requireCode(t *testing.T, err, want error) {
	t.Helper()
	require.ErrorIs(t, err, want)
	space, code, _ := errorsmod.ABCIInfo(err, false)
	wspace, wcode, _ := errorsmod.ABCIInfo(want, false)
	require.Equal(t, wspace, space)
	require.Equal(t, wcode, code)
}

// state is everything the Msgs can change.
type state struct {
	Params         types.Params
	Constellations []types.Constellation
	Regions        []types.Region
}

func stateOf(t *testing.T, f *orbittestutil.Fixture) state {
	t.Helper()
	gs, err := f.Keeper.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	return state{gs.Params, gs.Constellations, gs.Regions}
}

// constellationNames lists the registered constellations in key order.
func constellationNames(t *testing.T, f *orbittestutil.Fixture) []string {
	t.Helper()
	var out []string
	for _, c := range stateOf(t, f).Constellations {
		out = append(out, c.Name)
	}
	return out
}

func TestRegisterConstellation(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	c := types.ConstellationFromShell(ebsShell)
	before := stateOf(t, f)

	// Refusals change nothing and emit nothing.
	_, err := f.MsgServer.RegisterConstellation(f.Ctx, &types.MsgRegisterConstellation{Authority: notGov, Constellation: c})
	require.ErrorIs(t, err, sdkerrors.ErrUnauthorized)
	_, err = f.MsgServer.RegisterConstellation(f.Ctx, &types.MsgRegisterConstellation{Authority: "", Constellation: c})
	require.ErrorIs(t, err, sdkerrors.ErrUnauthorized)
	bad := c
	bad.Planes = 2
	_, err = f.MsgServer.RegisterConstellation(f.Ctx, &types.MsgRegisterConstellation{Authority: gov, Constellation: bad})
	requireCode(t, err, types.ErrInvalidConstellation)
	bad = c
	bad.Name = "EBS"
	_, err = f.MsgServer.RegisterConstellation(f.Ctx, &types.MsgRegisterConstellation{Authority: gov, Constellation: bad})
	requireCode(t, err, types.ErrInvalidConstellation)
	dup := types.ConstellationFromShell(shell.KuiperK1)
	dup.Planes = 10 // same name, different shell: still a duplicate
	_, err = f.MsgServer.RegisterConstellation(f.Ctx, &types.MsgRegisterConstellation{Authority: gov, Constellation: dup})
	requireCode(t, err, types.ErrDuplicate)
	require.Equal(t, before, stateOf(t, f))
	require.Empty(t, eventsOf(f.Ctx))

	_, err = f.MsgServer.RegisterConstellation(f.Ctx, &types.MsgRegisterConstellation{Authority: gov, Constellation: c})
	require.NoError(t, err)
	got, err := f.Keeper.Constellations.Get(f.Ctx, "ebs-test")
	require.NoError(t, err)
	require.Equal(t, c, got)
	require.Equal(t, []string{"ebs-test", "kuiper-k1", "starlink-s1", "telesat-t1"}, constellationNames(t, f))
	require.Equal(t, []string{"orbit_constellation_registered name=ebs-test"}, eventsOf(f.Ctx))

	// A second registration of the same name is refused and leaves the first in place.
	c2 := c
	c2.AltitudeM = 900_000
	_, err = f.MsgServer.RegisterConstellation(f.Ctx, &types.MsgRegisterConstellation{Authority: gov, Constellation: c2})
	requireCode(t, err, types.ErrDuplicate)
	got, err = f.Keeper.Constellations.Get(f.Ctx, "ebs-test")
	require.NoError(t, err)
	require.Equal(t, int64(700_000), got.AltitudeM)
	require.Len(t, eventsOf(f.Ctx), 1)
}

func TestRemoveConstellation(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	before := stateOf(t, f)

	_, err := f.MsgServer.RemoveConstellation(f.Ctx, &types.MsgRemoveConstellation{Authority: notGov, Name: "kuiper-k1"})
	require.ErrorIs(t, err, sdkerrors.ErrUnauthorized)
	_, err = f.MsgServer.RemoveConstellation(f.Ctx, &types.MsgRemoveConstellation{Authority: gov, Name: "oneweb"})
	requireCode(t, err, types.ErrUnknownConstellation)
	// The active constellation cannot be removed.
	_, err = f.MsgServer.RemoveConstellation(f.Ctx, &types.MsgRemoveConstellation{Authority: gov, Name: "starlink-s1"})
	requireCode(t, err, types.ErrInUse)
	require.Equal(t, before, stateOf(t, f))
	require.Empty(t, eventsOf(f.Ctx))

	_, err = f.MsgServer.RemoveConstellation(f.Ctx, &types.MsgRemoveConstellation{Authority: gov, Name: "kuiper-k1"})
	require.NoError(t, err)
	require.Equal(t, []string{"starlink-s1", "telesat-t1"}, constellationNames(t, f))
	require.Equal(t, []string{"orbit_constellation_removed name=kuiper-k1"}, eventsOf(f.Ctx))
	_, err = f.MsgServer.RemoveConstellation(f.Ctx, &types.MsgRemoveConstellation{Authority: gov, Name: "kuiper-k1"})
	requireCode(t, err, types.ErrUnknownConstellation)

	// After switching the active constellation, the old one can go.
	p := types.DefaultParams()
	p.ActiveConstellation = "telesat-t1"
	_, err = f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: p})
	require.NoError(t, err)
	_, err = f.MsgServer.RemoveConstellation(f.Ctx, &types.MsgRemoveConstellation{Authority: gov, Name: "starlink-s1"})
	require.NoError(t, err)
	_, err = f.MsgServer.RemoveConstellation(f.Ctx, &types.MsgRemoveConstellation{Authority: gov, Name: "telesat-t1"})
	requireCode(t, err, types.ErrInUse)
	require.Equal(t, []string{"telesat-t1"}, constellationNames(t, f))
}

func TestRegisterRegion(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	r := types.Region{Code: "mauna-kea", Name: "Mauna Kea", LatMicrodeg: 19_820_667, LonMicrodeg: -155_468_056, ElevationM: 4207}
	before := stateOf(t, f)

	_, err := f.MsgServer.RegisterRegion(f.Ctx, &types.MsgRegisterRegion{Authority: notGov, Region: r})
	require.ErrorIs(t, err, sdkerrors.ErrUnauthorized)
	for _, bad := range []types.Region{
		{Code: "Mauna Kea", LatMicrodeg: 1},
		{Code: "mauna-kea", LatMicrodeg: 90_000_001},
		{Code: "mauna-kea", LonMicrodeg: -180_000_001},
		{Code: "mauna-kea", ElevationM: 10_000},
	} {
		_, err = f.MsgServer.RegisterRegion(f.Ctx, &types.MsgRegisterRegion{Authority: gov, Region: bad})
		requireCode(t, err, types.ErrInvalidRegion)
	}
	dup := r
	dup.Code = "tokyo"
	_, err = f.MsgServer.RegisterRegion(f.Ctx, &types.MsgRegisterRegion{Authority: gov, Region: dup})
	requireCode(t, err, types.ErrDuplicate)
	require.Equal(t, before, stateOf(t, f))
	require.Empty(t, eventsOf(f.Ctx))

	_, err = f.MsgServer.RegisterRegion(f.Ctx, &types.MsgRegisterRegion{Authority: gov, Region: r})
	require.NoError(t, err)
	got, err := f.Keeper.Regions.Get(f.Ctx, "mauna-kea")
	require.NoError(t, err)
	require.Equal(t, r, got)
	require.Len(t, stateOf(t, f).Regions, 101)
	require.Equal(t, []string{"orbit_region_registered code=mauna-kea"}, eventsOf(f.Ctx))
	_, err = f.MsgServer.RegisterRegion(f.Ctx, &types.MsgRegisterRegion{Authority: gov, Region: r})
	requireCode(t, err, types.ErrDuplicate)
}

func TestRegisterRegionMaxRegions(t *testing.T) {
	gs := types.DefaultGenesis()
	gs.Params.MaxRegions = 101
	f := orbittestutil.NewFixture(t, gs)

	_, err := f.MsgServer.RegisterRegion(f.Ctx, &types.MsgRegisterRegion{Authority: gov, Region: types.Region{Code: "r101"}})
	require.NoError(t, err)
	before := stateOf(t, f)
	_, err = f.MsgServer.RegisterRegion(f.Ctx, &types.MsgRegisterRegion{Authority: gov, Region: types.Region{Code: "r102"}})
	requireCode(t, err, types.ErrInvalidRegion)
	require.Equal(t, before, stateOf(t, f))
	require.Len(t, before.Regions, 101)

	// Removing one makes room again.
	_, err = f.MsgServer.RemoveRegion(f.Ctx, &types.MsgRemoveRegion{Authority: gov, Code: "tokyo"})
	require.NoError(t, err)
	_, err = f.MsgServer.RegisterRegion(f.Ctx, &types.MsgRegisterRegion{Authority: gov, Region: types.Region{Code: "r102"}})
	require.NoError(t, err)
	require.Len(t, stateOf(t, f).Regions, 101)
}

func TestRemoveRegion(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	before := stateOf(t, f)
	_, err := f.MsgServer.RemoveRegion(f.Ctx, &types.MsgRemoveRegion{Authority: notGov, Code: "tokyo"})
	require.ErrorIs(t, err, sdkerrors.ErrUnauthorized)
	_, err = f.MsgServer.RemoveRegion(f.Ctx, &types.MsgRemoveRegion{Authority: gov, Code: "atlantis"})
	requireCode(t, err, types.ErrUnknownRegion)
	require.Equal(t, before, stateOf(t, f))
	require.Empty(t, eventsOf(f.Ctx))

	_, err = f.MsgServer.RemoveRegion(f.Ctx, &types.MsgRemoveRegion{Authority: gov, Code: "tokyo"})
	require.NoError(t, err)
	has, err := f.Keeper.Regions.Has(f.Ctx, "tokyo")
	require.NoError(t, err)
	require.False(t, has)
	require.Len(t, stateOf(t, f).Regions, 99)
	require.Equal(t, []string{"orbit_region_removed code=tokyo"}, eventsOf(f.Ctx))
	_, err = f.MsgServer.RemoveRegion(f.Ctx, &types.MsgRemoveRegion{Authority: gov, Code: "tokyo"})
	requireCode(t, err, types.ErrUnknownRegion)
}

func TestUpdateParams(t *testing.T) {
	f := orbittestutil.NewFixture(t, nil)
	before := stateOf(t, f)
	p := types.Params{SnapshotIntervalBlocks: 5, ActiveConstellation: "kuiper-k1", MaxRegions: 150, CostUnitsPerGas: 20, MaxSnapshotCost: 30_000_000}

	_, err := f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: notGov, Params: p})
	require.ErrorIs(t, err, sdkerrors.ErrUnauthorized)
	for _, mutate := range []func(*types.Params){
		func(p *types.Params) { p.SnapshotIntervalBlocks = 0 },
		func(p *types.Params) { p.MaxRegions = 1 },
		func(p *types.Params) { p.CostUnitsPerGas = 0 },
		func(p *types.Params) { p.MaxSnapshotCost = 0 },
	} {
		bad := p
		mutate(&bad)
		_, err = f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: bad})
		requireCode(t, err, types.ErrInvalidParams)
	}
	bad := p
	bad.ActiveConstellation = "oneweb"
	_, err = f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: bad})
	requireCode(t, err, types.ErrUnknownConstellation)
	// max_regions below the regions already registered would leave state that no longer
	// validates (and an export that cannot be imported).
	bad = p
	bad.MaxRegions = 99
	_, err = f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: bad})
	requireCode(t, err, types.ErrInvalidParams)
	require.Equal(t, before, stateOf(t, f))

	_, err = f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: p})
	require.NoError(t, err)
	got, err := f.Keeper.Params.Get(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, p, got)

	// Exactly the number of regions is fine, and so is switching snapshots off.
	p.MaxRegions, p.ActiveConstellation = 100, ""
	_, err = f.MsgServer.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: gov, Params: p})
	require.NoError(t, err)
	got, err = f.Keeper.Params.Get(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, p, got)
	gs, err := f.Keeper.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
}
