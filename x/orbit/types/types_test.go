package types_test

import (
	"math"
	"strings"
	"testing"

	errorsmod "cosmossdk.io/errors"
	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/orbit/engine"
	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/types"
)

func TestRegionCode(t *testing.T) {
	for name, want := range map[string]string{
		"São-Paulo":                      "sao-paulo",
		"Kinki-M.M.A.-(Osaka)":           "osaka",
		"New-York-Newark":                "new-york-newark",
		"Guangzhou--Guangdong":           "guangzhou-guangdong",
		"Tokyo":                          "tokyo",
		"London":                         "london",
		"Ciudad-de-México-(Mexico-City)": "mexico-city",
		"Thành-Pho-Ho-Chí-Minh-(Ho-Chi-Minh-City)": "ho-chi-minh-city",
		"Xi'an--Shaanxi":            "xi-an-shaanxi",
		"Washington--D.C.":          "washington-d-c",
		"Kitakyushu-Fukuoka-M.M.A.": "kitakyushu-fukuoka-m-m-a",
		"Bogotá":                    "bogota",
		"Brasília":                  "brasilia",
		"Montréal":                  "montreal",
		"Medellín":                  "medellin",
		"  --Odd  Name!! ":          "odd-name",
		"":                          "",
	} {
		require.Equal(t, want, types.RegionCode(name), name)
	}
	// Long names are cut at 64 characters without a trailing '-'.
	long := types.RegionCode("ABC-" + strings.Repeat("bcdefghij-", 6) + "xyz")
	require.Equal(t, "abc-"+strings.Repeat("bcdefghij-", 5)+"bcdefghij", long)
	require.NoError(t, types.Region{Code: long}.Validate())
}

func TestRegionsFromStationsDeduplicates(t *testing.T) {
	st := engine.DefaultGroundStations()[:2]
	st[1].Name = st[0].Name // two "Tokyo"s
	rs := types.RegionsFromStations(st)
	require.Equal(t, "tokyo", rs[0].Code)
	require.Equal(t, "tokyo-1", rs[1].Code)
}

func TestDefaultGenesis(t *testing.T) {
	gs := types.DefaultGenesis()
	require.NoError(t, gs.Validate())
	require.Equal(t, types.DefaultParams(), gs.Params)

	// Three valid constellations, the active one among them.
	require.Len(t, gs.Constellations, 3)
	var names []string
	for _, c := range gs.Constellations {
		require.NoError(t, c.Validate())
		names = append(names, c.Name)
	}
	require.Equal(t, []string{"starlink-s1", "kuiper-k1", "telesat-t1"}, names)
	require.Equal(t, "starlink-s1", gs.Params.ActiveConstellation)

	// 100 valid regions with unique codes. Coordinates give the engine the very bits of
	// Hypatia's file, except Lahore and Houston whose file coordinates have 7 decimals:
	// microdegrees round them by at most half a microdegree (about 5 cm).
	stations := engine.DefaultGroundStations()
	require.Len(t, gs.Regions, 100)
	codes := map[string]bool{}
	for i, r := range gs.Regions {
		require.NoError(t, r.Validate())
		require.False(t, codes[r.Code], "duplicate %s", r.Code)
		codes[r.Code] = true
		require.Equal(t, stations[i].Name, r.Name)
		st := r.ToStation(i)
		if r.Code == "lahore" || r.Code == "houston" {
			require.InDelta(t, stations[i].LatDeg, st.LatDeg, 0.5e-6, r.Code)
			require.InDelta(t, stations[i].LonDeg, st.LonDeg, 0.5e-6, r.Code)
			require.NotEqual(t, stations[i].LatDeg, st.LatDeg, r.Code)
		} else {
			require.Equal(t, math.Float64bits(stations[i].LatDeg), math.Float64bits(st.LatDeg), r.Code)
			require.Equal(t, math.Float64bits(stations[i].LonDeg), math.Float64bits(st.LonDeg), r.Code)
		}
		require.Equal(t, stations[i].ElevM, st.ElevM)
		require.Equal(t, i, st.GID)
		require.Equal(t, r.Code, st.Name)
	}
	for _, c := range []string{"tokyo", "new-york-newark", "london", "osaka", "sao-paulo", "guangzhou-guangdong", "mexico-city", "saint-petersburg"} {
		require.True(t, codes[c], c)
	}
}

// requireSameShell compares two shells field by field, floats by their bits.
func requireSameShell(t *testing.T, want, got shell.Shell) {
	t.Helper()
	require.Equal(t, want.Name, got.Name)
	require.Equal(t, want.Planes, got.Planes)
	require.Equal(t, want.SatsPerPlane, got.SatsPerPlane)
	require.Equal(t, want.PhaseDiff, got.PhaseDiff)
	for _, f := range []struct {
		name string
		a, b float64
	}{
		{"inclination", want.InclinationDeg, got.InclinationDeg},
		{"mean motion", want.MeanMotionRevDay, got.MeanMotionRevDay},
		{"altitude", want.AltitudeKm, got.AltitudeKm},
		{"eccentricity", want.Eccentricity, got.Eccentricity},
		{"arg perigee", want.ArgPerigeeDeg, got.ArgPerigeeDeg},
		{"min elevation", want.MinElevationDeg, got.MinElevationDeg},
		{"cone radius", want.ConeRadiusKm, got.ConeRadiusKm},
	} {
		require.Equal(t, math.Float64bits(f.a), math.Float64bits(f.b), "%s %s: %v vs %v", want.Name, f.name, f.a, f.b)
	}
	require.Equal(t, want, got)
}

func TestConstellationShellRoundTrip(t *testing.T) {
	for _, sh := range []shell.Shell{shell.StarlinkS1, shell.KuiperK1, shell.TelesatT1} {
		c := types.ConstellationFromShell(sh)
		requireSameShell(t, sh, c.ToShell())

		// Through the wire format too: what a validator reads from state.
		bz, err := c.Marshal()
		require.NoError(t, err)
		var back types.Constellation
		require.NoError(t, back.Unmarshal(bz))
		require.Equal(t, c, back)
		requireSameShell(t, sh, back.ToShell())

		// Derived engine limits agree bit for bit as well.
		require.Equal(t, math.Float64bits(sh.MaxGSLLengthKm()), math.Float64bits(back.ToShell().MaxGSLLengthKm()))
		require.Equal(t, math.Float64bits(sh.MaxISLLengthKm()), math.Float64bits(back.ToShell().MaxISLLengthKm()))
	}
	s1 := types.ConstellationFromShell(shell.StarlinkS1)
	require.Equal(t, types.Constellation{Name: "starlink-s1", Planes: 72, SatsPerPlane: 22, InclinationMicrodeg: 53_000_000,
		MeanMotionMicroRevDay: 15_190_000, AltitudeM: 550_000, EccentricityE9: 100, PhaseDiff: true,
		MinElevationMicrodeg: 25_000_000, ConeRadiusM: 940_700}, s1)
}

// requireCode checks err wraps want and reports want's registered ABCI code.
func requireCode(t *testing.T, err, want error) {
	t.Helper()
	require.ErrorIs(t, err, want)
	space, code, _ := errorsmod.ABCIInfo(err, false)
	wspace, wcode, _ := errorsmod.ABCIInfo(want, false)
	require.Equal(t, types.ModuleName, space)
	require.Equal(t, wspace, space)
	require.Equal(t, wcode, code)
}

func TestRegisteredErrorCodes(t *testing.T) {
	for code, err := range map[uint32]*errorsmod.Error{
		2: types.ErrInvalidParams, 3: types.ErrInvalidConstellation, 4: types.ErrInvalidRegion,
		5: types.ErrUnknownConstellation, 6: types.ErrUnknownRegion, 7: types.ErrDuplicate,
		8: types.ErrNoSnapshot, 9: types.ErrNoRoute, 10: types.ErrTooCostly, 11: types.ErrInvalidPlan,
		12: types.ErrInvalidGenesis, 13: types.ErrInUse,
	} {
		require.Equal(t, code, err.ABCICode())
		require.Equal(t, types.ModuleName, err.Codespace())
	}
}

func TestValidateErrors(t *testing.T) {
	okRegion := types.Region{Code: "x", LatMicrodeg: 1, LonMicrodeg: 1}
	for _, tc := range []struct {
		name   string
		mutate func(gs *types.GenesisState)
		want   error
	}{
		{"zero interval", func(gs *types.GenesisState) { gs.Params.SnapshotIntervalBlocks = 0 }, types.ErrInvalidParams},
		{"max regions 1", func(gs *types.GenesisState) { gs.Params.MaxRegions = 1 }, types.ErrInvalidParams},
		{"max regions 1001", func(gs *types.GenesisState) { gs.Params.MaxRegions = 1001 }, types.ErrInvalidParams},
		{"zero cost per gas", func(gs *types.GenesisState) { gs.Params.CostUnitsPerGas = 0 }, types.ErrInvalidParams},
		{"zero snapshot cost", func(gs *types.GenesisState) { gs.Params.MaxSnapshotCost = 0 }, types.ErrInvalidParams},
		{"constellation upper case", func(gs *types.GenesisState) { gs.Constellations[1].Name = "Kuiper" }, types.ErrInvalidConstellation},
		{"constellation empty name", func(gs *types.GenesisState) { gs.Constellations[1].Name = "" }, types.ErrInvalidConstellation},
		{"constellation no planes", func(gs *types.GenesisState) { gs.Constellations[1].Planes = 0 }, types.ErrInvalidConstellation},
		{"constellation 2 planes", func(gs *types.GenesisState) { gs.Constellations[1].Planes = 2 }, types.ErrInvalidConstellation},
		{"constellation too many sats", func(gs *types.GenesisState) {
			gs.Constellations[1].Planes, gs.Constellations[1].SatsPerPlane = 200, 101
		},
			types.ErrInvalidConstellation},
		{"constellation uint32 overflow", func(gs *types.GenesisState) {
			gs.Constellations[1].Planes, gs.Constellations[1].SatsPerPlane = 1<<16, 1<<16
		}, types.ErrInvalidConstellation},
		{"constellation inclination", func(gs *types.GenesisState) { gs.Constellations[1].InclinationMicrodeg = 180_000_001 }, types.ErrInvalidConstellation},
		{"constellation mean motion", func(gs *types.GenesisState) { gs.Constellations[1].MeanMotionMicroRevDay = 18_000_000 }, types.ErrInvalidConstellation},
		{"constellation altitude", func(gs *types.GenesisState) { gs.Constellations[1].AltitudeM = 80_000 }, types.ErrInvalidConstellation},
		{"constellation eccentricity", func(gs *types.GenesisState) { gs.Constellations[1].EccentricityE9 = 100_000_000 }, types.ErrInvalidConstellation},
		{"constellation elevation", func(gs *types.GenesisState) { gs.Constellations[1].MinElevationMicrodeg = 90_000_000 }, types.ErrInvalidConstellation},
		{"duplicate constellation", func(gs *types.GenesisState) { gs.Constellations[2] = gs.Constellations[1] }, types.ErrInvalidGenesis},
		{"active constellation missing", func(gs *types.GenesisState) { gs.Constellations = gs.Constellations[1:] }, types.ErrInvalidGenesis},
		{"active constellation unknown", func(gs *types.GenesisState) { gs.Params.ActiveConstellation = "oneweb" }, types.ErrInvalidGenesis},
		{"too many regions", func(gs *types.GenesisState) { gs.Params.MaxRegions = 99 }, types.ErrInvalidGenesis},
		{"region code empty", func(gs *types.GenesisState) { gs.Regions[5].Code = "" }, types.ErrInvalidRegion},
		{"region code upper", func(gs *types.GenesisState) { gs.Regions[5].Code = "Tokyo" }, types.ErrInvalidRegion},
		{"region code leading dash", func(gs *types.GenesisState) { gs.Regions[5].Code = "-tokyo" }, types.ErrInvalidRegion},
		{"region code space", func(gs *types.GenesisState) { gs.Regions[5].Code = "new york" }, types.ErrInvalidRegion},
		{"region code 65", func(gs *types.GenesisState) { gs.Regions[5].Code = strings.Repeat("a", 65) }, types.ErrInvalidRegion},
		{"latitude > 90", func(gs *types.GenesisState) { gs.Regions[5].LatMicrodeg = 90_000_001 }, types.ErrInvalidRegion},
		{"latitude < -90", func(gs *types.GenesisState) { gs.Regions[5].LatMicrodeg = -90_000_001 }, types.ErrInvalidRegion},
		{"longitude > 180", func(gs *types.GenesisState) { gs.Regions[5].LonMicrodeg = 180_000_001 }, types.ErrInvalidRegion},
		{"longitude < -180", func(gs *types.GenesisState) { gs.Regions[5].LonMicrodeg = -180_000_001 }, types.ErrInvalidRegion},
		{"elevation", func(gs *types.GenesisState) { gs.Regions[5].ElevationM = 9001 }, types.ErrInvalidRegion},
		{"long name", func(gs *types.GenesisState) { gs.Regions[5].Name = string(make([]byte, 129)) }, types.ErrInvalidRegion},
		{"duplicate region", func(gs *types.GenesisState) { gs.Regions[7] = gs.Regions[3] }, types.ErrInvalidGenesis},
		{"duplicate region appended", func(gs *types.GenesisState) { gs.Regions = append(gs.Regions, gs.Regions[0]) }, types.ErrInvalidGenesis},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs := types.DefaultGenesis()
			tc.mutate(gs)
			requireCode(t, gs.Validate(), tc.want)
		})
	}

	// Boundaries are accepted.
	for _, r := range []types.Region{
		{Code: "north-pole", LatMicrodeg: 90_000_000, LonMicrodeg: 180_000_000, ElevationM: 9000},
		{Code: "south-pole", LatMicrodeg: -90_000_000, LonMicrodeg: -180_000_000, ElevationM: -500},
		okRegion,
	} {
		require.NoError(t, r.Validate(), r.Code)
	}
	// No active constellation is allowed (snapshots are then off).
	gs := types.DefaultGenesis()
	gs.Params.ActiveConstellation = ""
	require.NoError(t, gs.Validate())
	// An empty genesis with valid params is fine.
	require.NoError(t, types.GenesisState{Params: types.DefaultParams(), Constellations: gs.Constellations}.Validate())
}
