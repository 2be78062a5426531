package types

import "github.com/novacron/novacron/x/orbit/engine/tle"

// Kind is CONSTELLATION_KIND_TLE_SET when tle_lines is non-empty, else
// CONSTELLATION_KIND_WALKER_SHELL.
func (c Constellation) Kind() ConstellationKind {
	if c.IsTLESet() {
		return CONSTELLATION_KIND_TLE_SET
	}
	return CONSTELLATION_KIND_WALKER_SHELL
}

// Summary is the constellation without its TLE lines: its scalar fields as stored, its kind,
// satellite and ISL counts, the encoded size of the whole constellation and, for a TLE set,
// the earliest and latest TLE epoch. The epochs come from the epoch columns of each line 1
// (tle.ParseEpoch, exact), not from decoding whole element sets. The error is a *TLEError
// naming a line whose epoch does not parse; a registered constellation has none
// (registration parses every line).
func (c Constellation) Summary() (ConstellationSummary, error) {
	s := ConstellationSummary{
		Name: c.Name, Planes: c.Planes, SatsPerPlane: c.SatsPerPlane,
		InclinationMicrodeg: c.InclinationMicrodeg, MeanMotionMicroRevDay: c.MeanMotionMicroRevDay,
		AltitudeM: c.AltitudeM, EccentricityE9: c.EccentricityE9, ArgPerigeeMicrodeg: c.ArgPerigeeMicrodeg,
		PhaseDiff: c.PhaseDiff, MinElevationMicrodeg: c.MinElevationMicrodeg, ConeRadiusM: c.ConeRadiusM,
		MaxIslLengthM: c.MaxIslLengthM,
		Kind:          c.Kind(), Satellites: uint32(c.NumSatellites()), Isls: uint32(c.NumISLs()),
		EncodedBytes: uint64(c.Size()),
	}
	for i := 0; i+1 < len(c.TleLines); i += 2 {
		ep, err := tle.ParseEpoch(c.TleLines[i])
		if err != nil {
			return ConstellationSummary{}, &TLEError{Constellation: c.Name, Line: i + 1, Satellite: i / 2, Err: err}
		}
		if i == 0 || ep < s.TleEpochMinUnixNano {
			s.TleEpochMinUnixNano = ep
		}
		if i == 0 || ep > s.TleEpochMaxUnixNano {
			s.TleEpochMaxUnixNano = ep
		}
	}
	return s, nil
}
