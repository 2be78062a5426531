package types

import (
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/novacron/novacron/x/orbit/engine/geo"
	"github.com/novacron/novacron/x/orbit/engine/shell"
)

// State holds integers; the engine takes float64. Integer -> float64 conversions and one
// division are exact IEEE operations, so every validator hands the engine the same bits.

const micro = 1e6

func fromMicro(v int64) float64 { return float64(v) / micro }

// toMicro is used only to build default genesis from the engine's float presets.
func toMicro(v float64) int64 { return int64(math.Round(v * micro)) }

// ToShell converts a stored constellation into the engine's shell (shells only; a TLE set
// goes through ToTLENetwork).
func (c Constellation) ToShell() shell.Shell {
	return shell.Shell{
		Name: c.Name, Planes: int(c.Planes), SatsPerPlane: int(c.SatsPerPlane),
		InclinationDeg: fromMicro(c.InclinationMicrodeg), MeanMotionRevDay: fromMicro(c.MeanMotionMicroRevDay),
		AltitudeKm: float64(c.AltitudeM) / 1000, Eccentricity: float64(c.EccentricityE9) / 1e9,
		ArgPerigeeDeg: fromMicro(c.ArgPerigeeMicrodeg), PhaseDiff: c.PhaseDiff,
		MinElevationDeg: fromMicro(c.MinElevationMicrodeg), ConeRadiusKm: float64(c.ConeRadiusM) / 1000,
	}
}

// ConstellationFromShell converts an engine preset into stored form.
func ConstellationFromShell(s shell.Shell) Constellation {
	return Constellation{
		Name: s.Name, Planes: uint32(s.Planes), SatsPerPlane: uint32(s.SatsPerPlane),
		InclinationMicrodeg: toMicro(s.InclinationDeg), MeanMotionMicroRevDay: toMicro(s.MeanMotionRevDay),
		AltitudeM: int64(math.Round(s.AltitudeKm * 1000)), EccentricityE9: int64(math.Round(s.Eccentricity * 1e9)),
		ArgPerigeeMicrodeg: toMicro(s.ArgPerigeeDeg), PhaseDiff: s.PhaseDiff,
		MinElevationMicrodeg: toMicro(s.MinElevationDeg), ConeRadiusM: int64(math.Round(s.ConeRadiusKm * 1000)),
	}
}

var nameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`)

// Validate checks a constellation's ranges and lets the engine validate the shell, or
// parses and checks the TLE set (see ToTLENetwork); a constellation is one or the other.
func (c Constellation) Validate() error {
	if !nameRe.MatchString(c.Name) {
		return ErrInvalidConstellation.Wrapf("name %q: lowercase letters, digits and '-', at most 64", c.Name)
	}
	if size := c.Size(); size > MaxConstellationBytes {
		return ErrInvalidConstellation.Wrapf("%s: %d bytes encoded > %d", c.Name, size, MaxConstellationBytes)
	}
	if c.IsTLESet() {
		return c.validateTLESet()
	}
	if c.MaxIslLengthM != 0 {
		return ErrInvalidConstellation.Wrapf("%s: max_isl_length_m applies to TLE sets only (a shell's ISL limit follows its altitude)", c.Name)
	}
	if c.Planes == 0 || c.SatsPerPlane == 0 || uint64(c.Planes)*uint64(c.SatsPerPlane) > MaxSatellites {
		return ErrInvalidConstellation.Wrapf("%s: %d x %d satellites (1..20000)", c.Name, c.Planes, c.SatsPerPlane)
	}
	if err := c.ToShell().Validate(); err != nil {
		return ErrInvalidConstellation.Wrapf("%s: %v", c.Name, err)
	}
	return nil
}

// ToStation converts a region into an engine ground station with the given index.
func (r Region) ToStation(gid int) geo.GroundStation {
	return geo.GroundStation{GID: gid, Name: r.Code, LatDeg: fromMicro(r.LatMicrodeg), LonDeg: fromMicro(r.LonMicrodeg), ElevM: float64(r.ElevationM)}
}

// Validate checks a region's code and coordinates.
func (r Region) Validate() error {
	if !nameRe.MatchString(r.Code) {
		return ErrInvalidRegion.Wrapf("code %q: lowercase letters, digits and '-', at most 64", r.Code)
	}
	if r.LatMicrodeg < -90_000_000 || r.LatMicrodeg > 90_000_000 {
		return ErrInvalidRegion.Wrapf("%s: latitude %d microdegrees outside +-90 deg", r.Code, r.LatMicrodeg)
	}
	if r.LonMicrodeg < -180_000_000 || r.LonMicrodeg > 180_000_000 {
		return ErrInvalidRegion.Wrapf("%s: longitude %d microdegrees outside +-180 deg", r.Code, r.LonMicrodeg)
	}
	if r.ElevationM < -500 || r.ElevationM > 9000 {
		return ErrInvalidRegion.Wrapf("%s: elevation %d m outside [-500, 9000]", r.Code, r.ElevationM)
	}
	if len(r.Name) > 128 {
		return ErrInvalidRegion.Wrapf("%s: name longer than 128 bytes", r.Code)
	}
	return nil
}

var fold = strings.NewReplacer("á", "a", "à", "a", "â", "a", "ã", "a", "ä", "a", "é", "e", "è", "e", "ê", "e",
	"í", "i", "ì", "i", "ó", "o", "ò", "o", "ô", "o", "õ", "o", "ö", "o", "ú", "u", "ü", "u", "ç", "c", "ñ", "n")

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

// RegionCode derives a region code from a Hypatia city name: the English name in
// parentheses when present, lower case, accents folded, other characters as '-'.
func RegionCode(name string) string {
	if i, j := strings.LastIndex(name, "("), strings.LastIndex(name, ")"); i >= 0 && j > i {
		name = name[i+1 : j]
	}
	s := fold.Replace(strings.ToLower(name))
	s = strings.Trim(nonAlnum.ReplaceAllString(s, "-"), "-")
	if len(s) > 64 {
		s = strings.TrimRight(s[:64], "-")
	}
	return s
}

// RegionsFromStations converts ground stations into regions with unique codes.
func RegionsFromStations(stations []geo.GroundStation) []Region {
	seen := map[string]bool{}
	out := make([]Region, 0, len(stations))
	for _, gs := range stations {
		code := RegionCode(gs.Name)
		if code == "" || seen[code] {
			code = fmt.Sprintf("%s-%d", code, gs.GID)
		}
		seen[code] = true
		out = append(out, Region{Code: code, Name: gs.Name, LatMicrodeg: toMicro(gs.LatDeg), LonMicrodeg: toMicro(gs.LonDeg), ElevationM: int64(math.Round(gs.ElevM))})
	}
	return out
}
