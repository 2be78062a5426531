package types_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/engine/tle"
	"github.com/novacron/novacron/x/orbit/types"
)

// telesatTLESet is Telesat T1 registered as a TLE set with the shell's link parameters.
func telesatTLESet(t *testing.T) types.Constellation {
	t.Helper()
	tles, err := shell.TelesatT1.TLEs()
	require.NoError(t, err)
	sh := types.ConstellationFromShell(shell.TelesatT1)
	return types.Constellation{Name: "telesat-t1-tle", Planes: sh.Planes, SatsPerPlane: sh.SatsPerPlane,
		AltitudeM: sh.AltitudeM, MinElevationMicrodeg: sh.MinElevationMicrodeg, ConeRadiusM: sh.ConeRadiusM,
		TleLines: types.TLELinesFromTLEs(tles)}
}

// flipChecksum replaces a line's checksum digit with a wrong one.
func flipChecksum(l string) string {
	d := (int(l[68]-'0') + 1) % 10
	return l[:68] + string(rune('0'+d))
}

func TestTLESetMatchesShellInputs(t *testing.T) {
	c := telesatTLESet(t)
	require.NoError(t, c.Validate())
	require.True(t, c.IsTLESet())
	require.Equal(t, 351, c.NumSatellites())
	require.Equal(t, 702, c.NumISLs())
	for _, l := range c.TleLines {
		require.Len(t, l, types.TLELineLen)
	}

	n, err := c.ToTLENetwork()
	require.NoError(t, err)
	sh := types.ConstellationFromShell(shell.TelesatT1).ToShell()
	want, err := sh.TLEs()
	require.NoError(t, err)
	require.Len(t, n.TLEs, len(want))
	for i := range want {
		w := want[i]
		w.Name = "" // names are not stored (no name lines)
		require.Equal(t, w, n.TLEs[i], "satellite %d", i)
	}
	require.Equal(t, sh.PlusGridISLs(), n.ISLs)
	require.Equal(t, math.Float64bits(sh.MaxGSLLengthKm()), math.Float64bits(n.MaxGSLKm))
	require.Equal(t, math.Float64bits(sh.MaxISLLengthKm()), math.Float64bits(n.MaxISLKm))
	require.Equal(t, shell.EpochUnixNano, n.EpochUnixNano)

	// The shell form has the same counts.
	shc := types.ConstellationFromShell(shell.TelesatT1)
	require.False(t, shc.IsTLESet())
	require.Equal(t, 351, shc.NumSatellites())
	require.Equal(t, 702, shc.NumISLs())
}

func TestTLESetDerivedLimits(t *testing.T) {
	c := telesatTLESet(t)
	c.AltitudeM = 0
	c.Planes, c.SatsPerPlane = 0, 0
	c.MaxIslLengthM = 0
	require.NoError(t, c.Validate())
	require.Equal(t, 0, c.NumISLs())
	n, err := c.ToTLENetwork()
	require.NoError(t, err)
	require.Empty(t, n.ISLs)
	// 13.66 rev/day with WGS72 mu: a = 7392.106 km, 1013.971 km above the equatorial radius
	// (Hypatia calls the shell "1015 km"; its altitude and mean motion are independent inputs).
	alt := c
	alt.AltitudeM = 1_013_971
	na, err := alt.ToTLENetwork()
	require.NoError(t, err)
	require.Equal(t, math.Float64bits(na.MaxGSLKm), math.Float64bits(n.MaxGSLKm))
	require.Equal(t, math.Float64bits(na.MaxISLKm), math.Float64bits(n.MaxISLKm))
	require.Greater(t, n.MaxGSLKm, 0.0)

	// Explicit ISL limit and cone.
	c.MaxIslLengthM = 5_000_000
	c.ConeRadiusM = 940_700
	n, err = c.ToTLENetwork()
	require.NoError(t, err)
	require.Equal(t, 5000.0, n.MaxISLKm)
	require.Equal(t, math.Sqrt(940.7*940.7+1013.971*1013.971), n.MaxGSLKm)
}

func TestTLESetInvalid(t *testing.T) {
	base := telesatTLESet(t)
	for _, tc := range []struct {
		name    string
		mutate  func(c *types.Constellation)
		line    int   // expected TLEError line, 0 when not a TLEError
		tleErr  error // expected engine error in the chain
		message string
	}{
		{"bad checksum line 1", func(c *types.Constellation) { c.TleLines[4] = flipChecksum(c.TleLines[4]) }, 5, tle.ErrChecksum, "tle_lines line 5 (satellite 2)"},
		{"bad checksum line 2", func(c *types.Constellation) { c.TleLines[7] = flipChecksum(c.TleLines[7]) }, 8, tle.ErrChecksum, "tle_lines line 8 (satellite 3)"},
		{"short line", func(c *types.Constellation) { c.TleLines[0] = c.TleLines[0][:68] }, 1, tle.ErrLength, "line 1"},
		{"trailing blank", func(c *types.Constellation) { c.TleLines[3] += " " }, 4, tle.ErrLength, "line 4"},
		{"vallado columns", func(c *types.Constellation) { c.TleLines[1] += "      0.0   1440.0   360.0" }, 2, tle.ErrLength, "line 2"},
		{"odd line count", func(c *types.Constellation) { c.TleLines = c.TleLines[:len(c.TleLines)-1] }, 701, tle.ErrMissingLine, "line 701"},
		{"name line", func(c *types.Constellation) {
			c.TleLines = append([]string{strings.Repeat("TELESAT ", 9)[:types.TLELineLen]}, c.TleLines[:len(c.TleLines)-1]...)
		}, 1, tle.ErrLineNumber, "line 1"},
		{"satnum mismatch", func(c *types.Constellation) {
			l := []byte(c.TleLines[1])
			l[6] = '9'
			s := string(l[:68])
			c.TleLines[1] = s + string(rune('0'+tle.Checksum(s)))
		}, 2, tle.ErrSatNum, "line 2"},
		{"duplicate satnum", func(c *types.Constellation) { c.TleLines[2], c.TleLines[3] = c.TleLines[0], c.TleLines[1] }, 3, nil, "repeats satellite 0"},
		{"mixed shell and TLE", func(c *types.Constellation) { c.InclinationMicrodeg = 98_980_000 }, 0, nil, "either a Walker shell or a TLE set"},
		{"mixed shell and TLE (phase diff)", func(c *types.Constellation) { c.PhaseDiff = true; c.MeanMotionMicroRevDay = 13_660_000 }, 0, nil, "[mean_motion_micro_rev_day phase_diff]"},
		{"layout mismatch", func(c *types.Constellation) { c.SatsPerPlane = 12 }, 0, nil, "ISL layout 27 x 12 = 324 satellites, but tle_lines hold 351"},
		{"layout half set", func(c *types.Constellation) { c.Planes = 0 }, 0, nil, "at least 3 planes"},
		{"layout 1 x 351", func(c *types.Constellation) { c.Planes, c.SatsPerPlane = 1, 351 }, 0, nil, "at least 3 planes"},
		{"no elevation", func(c *types.Constellation) { c.MinElevationMicrodeg = 0 }, 0, nil, "min_elevation_microdeg"},
		{"negative cone", func(c *types.Constellation) { c.ConeRadiusM = -1 }, 0, nil, "cone_radius_m"},
		{"altitude too low", func(c *types.Constellation) { c.AltitudeM = 80_000 }, 0, nil, "reference altitude"},
		{"max isl negative", func(c *types.Constellation) { c.MaxIslLengthM = -1 }, 0, nil, "max_isl_length_m"},
		{"too many satellites", func(c *types.Constellation) {
			lines := make([]string, 0, 2*(types.MaxSatellites+1))
			for len(lines) < cap(lines) {
				lines = append(lines, c.TleLines[0], c.TleLines[1])
			}
			c.TleLines, c.Planes, c.SatsPerPlane = lines, 0, 0
		}, 0, nil, "20001 satellites) > 20000"},
		{"too many bytes", func(c *types.Constellation) {
			c.TleLines = []string{strings.Repeat("1", types.MaxConstellationBytes)}
		}, 0, nil, "bytes encoded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			c.TleLines = append([]string(nil), base.TleLines...)
			tc.mutate(&c)
			err := c.Validate()
			requireCode(t, err, types.ErrInvalidConstellation)
			require.Contains(t, err.Error(), tc.message)
			require.Contains(t, err.Error(), "invalid constellation")
			var te *types.TLEError
			if tc.line == 0 {
				require.False(t, errors.As(err, &te), "%v", err)
				return
			}
			require.True(t, errors.As(err, &te), "%v", err)
			require.Equal(t, tc.line, te.Line)
			require.Equal(t, "telesat-t1-tle", te.Constellation)
			if tc.tleErr != nil {
				require.ErrorIs(t, err, tc.tleErr)
				var pe *tle.ParseError
				require.True(t, errors.As(err, &pe))
			}
		})
	}

	// A shell may not carry a TLE-only field.
	sh := types.ConstellationFromShell(shell.KuiperK1)
	sh.MaxIslLengthM = 1_000_000
	requireCode(t, sh.Validate(), types.ErrInvalidConstellation)
}

func TestTLESetSGP4Failure(t *testing.T) {
	// Eccentricity 0.99 at 0.6 rev/day parses but its perigee is inside the Earth: SGP4's
	// initialisation fails, so the set is refused at registration, not at the first snapshot.
	c := types.Constellation{Name: "bad-orbit", MinElevationMicrodeg: 10_000_000, AltitudeM: 1_000_000}
	t1, err := tle.Parse("1 00001U 00000ABC 00001.00000000  .00000000  00000-0  00000-0 0    05",
		"2 00001  53.0000   0.0000 9900000   0.0000   0.0000  0.60000000    00", tle.Vallado)
	require.NoError(t, err)
	c.TleLines = types.TLELinesFromTLEs([]tle.TLE{t1})
	err = c.Validate()
	requireCode(t, err, types.ErrInvalidConstellation)
	require.Contains(t, err.Error(), "sgp4")
}

func TestGenesisWithTLESet(t *testing.T) {
	gs := types.DefaultGenesis()
	gs.Constellations = append(gs.Constellations, telesatTLESet(t))
	gs.Params.ActiveConstellation = "telesat-t1-tle"
	require.NoError(t, gs.Validate())
	gs.Constellations[3].TleLines[10] = flipChecksum(gs.Constellations[3].TleLines[10])
	err := gs.Validate()
	requireCode(t, err, types.ErrInvalidConstellation)
	require.ErrorIs(t, err, tle.ErrChecksum)
}
