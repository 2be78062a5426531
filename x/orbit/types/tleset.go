package types

import (
	"errors"
	"fmt"
	"math"

	"github.com/novacron/novacron/x/internal/dmath"
	"github.com/novacron/novacron/x/orbit/engine/geo"
	"github.com/novacron/novacron/x/orbit/engine/sgp4"
	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/engine/tle"
)

// Bounds of a constellation (shell or TLE set).
const (
	// MaxSatellites bounds a constellation (the engine's netgraph.MaxSatellites).
	MaxSatellites = 20000
	// TLELineLen is the exact length of a stored TLE line (no trailing blanks, no
	// Vallado start/stop/step columns).
	TLELineLen = 69
	// MaxTLELines bounds tle_lines: two lines per satellite.
	MaxTLELines = 2 * MaxSatellites
	// MaxConstellationBytes bounds the encoded constellation (a full 20,000-satellite TLE
	// set is about 2.84 MB; the rest is headroom for the other fields).
	MaxConstellationBytes = MaxTLELines*(TLELineLen+2) + 4096
	// MaxISLLengthM bounds an explicit max_isl_length_m (100,000 km).
	MaxISLLengthM = 100_000_000
)

// TLEError is the error of one TLE in a constellation's tle_lines. It carries the
// registered code of ErrInvalidConstellation (errors.Is(err, ErrInvalidConstellation) and
// the ABCI code/codespace are those of ErrInvalidConstellation) and unwraps to the
// engine's *tle.ParseError (errors.Is(err, tle.ErrChecksum), ...) or sgp4 error.
type TLEError struct {
	Constellation string
	// Line is the 1-based index into tle_lines of the offending line (line 1 of satellite
	// i is line 2i+1, its line 2 is 2i+2).
	Line int
	// Satellite is the 0-based satellite index.
	Satellite int
	Err       error
}

func (e *TLEError) Error() string {
	return fmt.Sprintf("%s: %s: tle_lines line %d (satellite %d): %v", ErrInvalidConstellation.Error(), e.Constellation, e.Line, e.Satellite, e.Err)
}

// Unwrap returns the TLE (or SGP4) error.
func (e *TLEError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInvalidConstellation) hold.
func (e *TLEError) Is(target error) bool { return target == ErrInvalidConstellation }

// ABCICode and Codespace give the error ErrInvalidConstellation's registered code.
func (e *TLEError) ABCICode() uint32 { return ErrInvalidConstellation.ABCICode() }

// Codespace is the module's codespace.
func (e *TLEError) Codespace() string { return ErrInvalidConstellation.Codespace() }

// IsTLESet reports whether the constellation is a TLE set (tle_lines non-empty).
func (c Constellation) IsTLESet() bool { return len(c.TleLines) > 0 }

// NumSatellites is planes x sats_per_plane for a shell, the number of TLEs for a TLE set.
func (c Constellation) NumSatellites() int {
	if c.IsTLESet() {
		return len(c.TleLines) / 2
	}
	return int(c.Planes) * int(c.SatsPerPlane)
}

// HasISLs reports whether the network has +Grid ISLs (always for shells; for TLE sets
// when the planes x sats_per_plane layout is given).
func (c Constellation) HasISLs() bool {
	return !c.IsTLESet() || (c.Planes > 0 && c.SatsPerPlane > 0)
}

// NumISLs is the number of undirected ISLs (+Grid: two per satellite), for cost estimates.
func (c Constellation) NumISLs() int {
	if !c.HasISLs() {
		return 0
	}
	return 2 * c.NumSatellites()
}

// shellFieldsSet names the Walker generator fields that are set (they must be empty on a TLE set).
func (c Constellation) shellFieldsSet() []string {
	var out []string
	if c.InclinationMicrodeg != 0 {
		out = append(out, "inclination_microdeg")
	}
	if c.MeanMotionMicroRevDay != 0 {
		out = append(out, "mean_motion_micro_rev_day")
	}
	if c.EccentricityE9 != 0 {
		out = append(out, "eccentricity_e9")
	}
	if c.ArgPerigeeMicrodeg != 0 {
		out = append(out, "arg_perigee_microdeg")
	}
	if c.PhaseDiff {
		out = append(out, "phase_diff")
	}
	return out
}

// ParseTLEs parses tle_lines with the strict parser: exactly 69 characters per line,
// checksums, matching satellite numbers, field ranges. Errors are *TLEError.
func (c Constellation) ParseTLEs() ([]tle.TLE, error) {
	if len(c.TleLines)%2 != 0 {
		return nil, &TLEError{Constellation: c.Name, Line: len(c.TleLines), Satellite: len(c.TleLines) / 2,
			Err: &tle.ParseError{Line: 2, Err: tle.ErrMissingLine}}
	}
	out := make([]tle.TLE, 0, len(c.TleLines)/2)
	for i := 0; i+1 < len(c.TleLines); i += 2 {
		sat := i / 2
		for j, l := range c.TleLines[i : i+2] {
			if len(l) != TLELineLen {
				return nil, &TLEError{Constellation: c.Name, Line: i + j + 1, Satellite: sat,
					Err: &tle.ParseError{Line: j + 1, Err: fmt.Errorf("%w: %d characters, want exactly %d", tle.ErrLength, len(l), TLELineLen)}}
			}
		}
		t, err := tle.Parse(c.TleLines[i], c.TleLines[i+1], tle.StrictOptions)
		if err != nil {
			line := i + 1
			var pe *tle.ParseError
			if errors.As(err, &pe) && pe.Line == 2 {
				line = i + 2
			}
			return nil, &TLEError{Constellation: c.Name, Line: line, Satellite: sat, Err: err}
		}
		out = append(out, t)
	}
	return out, nil
}

// derivedAltitudeM is the altitude of the lowest semi-major axis of the set: a = (mu/n^2)^(1/3)
// with WGS72 mu and the TLE (Kozai) mean motion, minus the WGS72 equatorial radius, rounded
// to the metre. Deterministic: dmath.Cbrt and explicitly rounded products only.
func derivedAltitudeM(tles []tle.TLE) int64 {
	maxN := 0.0
	for _, t := range tles {
		if t.MeanMotion > maxN {
			maxN = t.MeanMotion
		}
	}
	if maxN <= 0 {
		return 0
	}
	nRadS := float64(maxN*(2*math.Pi)) / 86400
	a := dmath.Cbrt(sgp4.WGS72.Mu / float64(nRadS*nRadS))
	return int64(math.Round(float64((a - geo.EarthRadiusKm) * 1000)))
}

// TLENetwork is what the engine needs to build a TLE-set network.
type TLENetwork struct {
	TLEs          []tle.TLE
	ISLs          []shell.ISL
	MaxGSLKm      float64
	MaxISLKm      float64
	EpochUnixNano int64
}

// linkShell carries a TLE set's link limits through the shell's formulas, so a TLE set
// with a shell's altitude, elevation and cone gets exactly the shell's limits.
func (c Constellation) linkShell(altitudeM int64) shell.Shell {
	return shell.Shell{Name: c.Name, Planes: int(c.Planes), SatsPerPlane: int(c.SatsPerPlane),
		AltitudeKm: float64(altitudeM) / 1000, MinElevationDeg: fromMicro(c.MinElevationMicrodeg),
		ConeRadiusKm: float64(c.ConeRadiusM) / 1000}
}

// ToTLENetwork parses and validates a TLE set and returns the engine's inputs: the TLEs in
// tle_lines order, +Grid ISLs when the layout is given, the ground-link range (Hypatia's
// cone from min_elevation_microdeg at the reference altitude, or cone_radius_m), the ISL
// limit (max_isl_length_m or Hypatia's 80 km rule at the reference altitude) and the
// earliest TLE epoch as the network's time origin.
func (c Constellation) ToTLENetwork() (TLENetwork, error) {
	var n TLENetwork
	if !c.IsTLESet() {
		return n, ErrInvalidConstellation.Wrapf("%s: not a TLE set", c.Name)
	}
	if len(c.TleLines) > MaxTLELines {
		return n, ErrInvalidConstellation.Wrapf("%s: %d tle_lines (%d satellites) > %d satellites", c.Name, len(c.TleLines), len(c.TleLines)/2, MaxSatellites)
	}
	if set := c.shellFieldsSet(); len(set) > 0 {
		return n, ErrInvalidConstellation.Wrapf("%s: tle_lines given together with shell parameters %v; a constellation is either a Walker shell or a TLE set, not both", c.Name, set)
	}
	tles, err := c.ParseTLEs()
	if err != nil {
		return n, err
	}
	sats := len(tles)
	switch {
	case c.Planes == 0 && c.SatsPerPlane == 0:
	case c.Planes < 3 || c.SatsPerPlane < 3:
		return n, ErrInvalidConstellation.Wrapf("%s: ISL layout %d x %d: +Grid needs at least 3 planes and 3 satellites per plane (or both 0 for no ISLs)", c.Name, c.Planes, c.SatsPerPlane)
	case uint64(c.Planes)*uint64(c.SatsPerPlane) != uint64(sats):
		return n, ErrInvalidConstellation.Wrapf("%s: ISL layout %d x %d = %d satellites, but tle_lines hold %d", c.Name, c.Planes, c.SatsPerPlane, uint64(c.Planes)*uint64(c.SatsPerPlane), sats)
	}
	seen := make(map[int]int, sats)
	for i, t := range tles {
		if j, dup := seen[t.SatNum]; dup {
			return n, &TLEError{Constellation: c.Name, Line: 2*i + 1, Satellite: i,
				Err: fmt.Errorf("satellite number %d repeats satellite %d", t.SatNum, j)}
		}
		seen[t.SatNum] = i
	}
	alt := c.AltitudeM
	if alt == 0 {
		alt = derivedAltitudeM(tles)
	}
	if alt <= 80_000 || alt > 50_000_000 {
		return n, ErrInvalidConstellation.Wrapf("%s: reference altitude %d m outside (80 km, 50,000 km]; set altitude_m", c.Name, alt)
	}
	if c.ConeRadiusM < 0 || c.ConeRadiusM > 50_000_000 {
		return n, ErrInvalidConstellation.Wrapf("%s: cone_radius_m %d outside [0, 50,000 km]", c.Name, c.ConeRadiusM)
	}
	if c.ConeRadiusM == 0 && !(c.MinElevationMicrodeg > 0 && c.MinElevationMicrodeg < 90_000_000) {
		return n, ErrInvalidConstellation.Wrapf("%s: min_elevation_microdeg %d outside (0, 90 deg) and no cone_radius_m", c.Name, c.MinElevationMicrodeg)
	}
	if c.MaxIslLengthM < 0 || c.MaxIslLengthM > MaxISLLengthM {
		return n, ErrInvalidConstellation.Wrapf("%s: max_isl_length_m %d outside [0, %d]", c.Name, c.MaxIslLengthM, MaxISLLengthM)
	}
	ls := c.linkShell(alt)
	n = TLENetwork{TLEs: tles, MaxGSLKm: ls.MaxGSLLengthKm(), MaxISLKm: ls.MaxISLLengthKm()}
	if c.MaxIslLengthM != 0 {
		n.MaxISLKm = float64(c.MaxIslLengthM) / 1000
	}
	if c.HasISLs() {
		n.ISLs = ls.PlusGridISLs()
	}
	for i, t := range tles {
		if ep := t.EpochUnixNano(); i == 0 || ep < n.EpochUnixNano {
			n.EpochUnixNano = ep
		}
	}
	return n, nil
}

// validateTLESet checks a TLE set completely, including SGP4 initialisation of every
// satellite, so that a registered set always builds a network.
func (c Constellation) validateTLESet() error {
	n, err := c.ToTLENetwork()
	if err != nil {
		return err
	}
	for i, t := range n.TLEs {
		if _, err := sgp4.New(t, sgp4.WGS72); err != nil {
			return &TLEError{Constellation: c.Name, Line: 2*i + 1, Satellite: i, Err: fmt.Errorf("sgp4 initialisation: %w", err)}
		}
	}
	return nil
}

// TLELinesFromTLEs formats element sets as tle_lines (line 1, line 2 per satellite).
func TLELinesFromTLEs(tles []tle.TLE) []string {
	out := make([]string, 0, 2*len(tles))
	for _, t := range tles {
		l1, l2 := t.Format()
		out = append(out, l1, l2)
	}
	return out
}
