package types_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/engine/tle"
	"github.com/novacron/novacron/x/orbit/types"
)

// TestSummaryMirrorsConstellation: every Constellation field but tle_lines is in
// ConstellationSummary under the same Go name and the same protobuf tag (number, type,
// JSON name), so a field added to Constellation fails here until the summary carries it
// (or the test names it as too large for a summary).
func TestSummaryMirrorsConstellation(t *testing.T) {
	c, s := reflect.TypeOf(types.Constellation{}), reflect.TypeOf(types.ConstellationSummary{})
	for i := 0; i < c.NumField(); i++ {
		f := c.Field(i)
		if f.Name == "TleLines" {
			_, has := s.FieldByName(f.Name)
			require.False(t, has, "a summary never carries TLE lines")
			continue
		}
		g, has := s.FieldByName(f.Name)
		require.True(t, has, "ConstellationSummary lacks %s", f.Name)
		require.Equal(t, f.Type, g.Type, f.Name)
		require.Equal(t, f.Tag.Get("protobuf"), g.Tag.Get("protobuf"), f.Name)
	}
}

func TestSummaryShell(t *testing.T) {
	c := types.ConstellationFromShell(shell.StarlinkS1)
	require.Equal(t, types.CONSTELLATION_KIND_WALKER_SHELL, c.Kind())
	s, err := c.Summary()
	require.NoError(t, err)
	require.Equal(t, types.ConstellationSummary{Name: c.Name, Planes: 72, SatsPerPlane: 22,
		InclinationMicrodeg: c.InclinationMicrodeg, MeanMotionMicroRevDay: c.MeanMotionMicroRevDay, AltitudeM: c.AltitudeM,
		EccentricityE9: c.EccentricityE9, ArgPerigeeMicrodeg: c.ArgPerigeeMicrodeg, PhaseDiff: c.PhaseDiff,
		MinElevationMicrodeg: c.MinElevationMicrodeg, ConeRadiusM: c.ConeRadiusM,
		Kind: types.CONSTELLATION_KIND_WALKER_SHELL, Satellites: 1584, Isls: 3168, EncodedBytes: uint64(c.Size())}, s)
}

func TestSummaryTLESet(t *testing.T) {
	c := telesatTLESet(t)
	tles, err := c.ParseTLEs()
	require.NoError(t, err)
	// Epochs across a year boundary: the earliest is the last satellite's, the latest the 6th's.
	for i := range tles {
		tles[i].EpochYear, tles[i].EpochDay = 2024, 150
	}
	tles[5].EpochDay = 200.125
	tles[len(tles)-1].EpochYear, tles[len(tles)-1].EpochDay = 2023, 365.75
	c.TleLines = types.TLELinesFromTLEs(tles)
	c.Planes, c.SatsPerPlane = 0, 0 // bent pipe: no ISLs
	require.NoError(t, c.Validate())
	require.Equal(t, types.CONSTELLATION_KIND_TLE_SET, c.Kind())

	s, err := c.Summary()
	require.NoError(t, err)
	require.Equal(t, types.CONSTELLATION_KIND_TLE_SET, s.Kind)
	require.Equal(t, uint32(351), s.Satellites)
	require.Zero(t, s.Isls)
	require.Equal(t, c.AltitudeM, s.AltitudeM)
	require.Equal(t, uint64(c.Size()), s.EncodedBytes)
	minEp := time.Date(2023, 12, 31, 18, 0, 0, 0, time.UTC).UnixNano()
	maxEp := time.Date(2024, 7, 18, 3, 0, 0, 0, time.UTC).UnixNano()
	require.Equal(t, minEp, s.TleEpochMinUnixNano)
	require.Equal(t, maxEp, s.TleEpochMaxUnixNano)
	// The earliest epoch is the network's time origin.
	n, err := c.ToTLENetwork()
	require.NoError(t, err)
	require.Equal(t, n.EpochUnixNano, s.TleEpochMinUnixNano)

	// A line 1 whose epoch does not parse (never stored: registration parses every line).
	bad := append([]string(nil), c.TleLines...)
	bad[4] = bad[4][:20] + "   .00000000" + bad[4][32:]
	c.TleLines = bad
	_, err = c.Summary()
	var te *types.TLEError
	require.True(t, errors.As(err, &te), "%v", err)
	require.Equal(t, 5, te.Line)
	require.Equal(t, 2, te.Satellite)
	require.ErrorIs(t, err, tle.ErrField)
	require.ErrorIs(t, err, types.ErrInvalidConstellation)
}
