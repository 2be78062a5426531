// Package shell generates Walker-delta LEO shells the way Hypatia's satgenpy
// does (generate_tles_from_scratch_manual): circular orbits (e = 1e-7, the
// smallest value its TLE tools accept), argument of perigee 0, RAAN evenly
// spread, odd planes phase-shifted by half a slot, epoch 2000-01-01 00:00
// UTC, angles written with four decimals; plus +Grid inter-satellite links.
package shell

import (
	"fmt"
	"math"

	"github.com/novacron/novacron/x/orbit/engine/geo"
	"github.com/novacron/novacron/x/orbit/engine/tle"
)

// Shell describes one Walker-delta shell.
type Shell struct {
	Name             string
	Planes           int
	SatsPerPlane     int
	InclinationDeg   float64
	MeanMotionRevDay float64
	AltitudeKm       float64
	Eccentricity     float64
	ArgPerigeeDeg    float64
	PhaseDiff        bool
	// MinElevationDeg sets the ground-link cone: cone = h / tan(elev).
	MinElevationDeg float64
	// ConeRadiusKm overrides the cone when non-zero (Hypatia's Starlink
	// uses a fixed 940.7 km).
	ConeRadiusKm float64
}

// Hypatia's shells (paper/satellite_networks_state/main_*.py).
var (
	StarlinkS1 = Shell{Name: "starlink-s1", Planes: 72, SatsPerPlane: 22, InclinationDeg: 53,
		MeanMotionRevDay: 15.19, AltitudeKm: 550, Eccentricity: 1e-7, PhaseDiff: true,
		MinElevationDeg: 25, ConeRadiusKm: 940.7}
	KuiperK1 = Shell{Name: "kuiper-k1", Planes: 34, SatsPerPlane: 34, InclinationDeg: 51.9,
		MeanMotionRevDay: 14.80, AltitudeKm: 630, Eccentricity: 1e-7, PhaseDiff: true,
		MinElevationDeg: 30}
	TelesatT1 = Shell{Name: "telesat-t1", Planes: 27, SatsPerPlane: 13, InclinationDeg: 98.98,
		MeanMotionRevDay: 13.66, AltitudeKm: 1015, Eccentricity: 1e-7, PhaseDiff: true,
		MinElevationDeg: 10}
)

// ByName returns a preset shell.
func ByName(name string) (Shell, error) {
	switch name {
	case "starlink-s1", "starlink_550", "starlink":
		return StarlinkS1, nil
	case "kuiper-k1", "kuiper_630", "kuiper":
		return KuiperK1, nil
	case "telesat-t1", "telesat_1015", "telesat":
		return TelesatT1, nil
	}
	return Shell{}, fmt.Errorf("unknown shell %q (starlink-s1, kuiper-k1, telesat-t1)", name)
}

// EpochUnixNano is the shells' common epoch, 2000-01-01T00:00:00Z.
const EpochUnixNano int64 = 946684800 * 1e9

// Validate rejects shells the generator and router cannot handle.
func (s Shell) Validate() error {
	switch {
	case s.Planes < 3 || s.SatsPerPlane < 3:
		return fmt.Errorf("shell %s: +Grid needs at least 3 planes and 3 satellites per plane", s.Name)
	case s.Planes > 20000 || s.SatsPerPlane > 20000 || s.Planes*s.SatsPerPlane > 20000: // no overflow
		return fmt.Errorf("shell %s: too many satellites", s.Name)
	case s.InclinationDeg < 0 || s.InclinationDeg > 180:
		return fmt.Errorf("shell %s: inclination out of range", s.Name)
	case !(s.MeanMotionRevDay > 0.5 && s.MeanMotionRevDay < 17.5):
		return fmt.Errorf("shell %s: mean motion out of range", s.Name)
	case s.AltitudeKm <= 80 || s.AltitudeKm > 50000:
		return fmt.Errorf("shell %s: altitude out of range", s.Name)
	case s.Eccentricity < 0 || s.Eccentricity >= 0.1:
		return fmt.Errorf("shell %s: eccentricity out of range", s.Name)
	case s.ConeRadiusKm == 0 && !(s.MinElevationDeg > 0 && s.MinElevationDeg < 90):
		return fmt.Errorf("shell %s: minimum elevation out of range", s.Name)
	}
	return nil
}

// NumSats is planes * satellites per plane.
func (s Shell) NumSats() int { return s.Planes * s.SatsPerPlane }

// MaxGSLLengthKm is Hypatia's ground-link range: sqrt(cone^2 + h^2) with
// cone = h / tan(min elevation).
func (s Shell) MaxGSLLengthKm() float64 {
	cone := s.ConeRadiusKm
	if cone == 0 {
		// Hypatia evaluates this in Python with libm; the router only
		// compares against it, so a deterministic value is what matters.
		cone = s.AltitudeKm / tanDeg(s.MinElevationDeg)
	}
	return math.Sqrt(float64(cone*cone) + float64(s.AltitudeKm*s.AltitudeKm))
}

// MaxISLLengthKm keeps ISLs above 80 km altitude (Hypatia's rule).
func (s Shell) MaxISLLengthKm() float64 {
	r := geo.EarthRadiusKm
	a := r + s.AltitudeKm
	b := r + 80
	return 2 * math.Sqrt(float64(a*a)-float64(b*b))
}

// TLEs generates the shell's element sets in satellite-id order
// (plane-major), numbered from 1 like Hypatia's catalogue.
func (s Shell) TLEs() ([]tle.TLE, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	out := make([]tle.TLE, 0, s.NumSats())
	for orbit := 0; orbit < s.Planes; orbit++ {
		raan := float64(orbit) * 360.0 / float64(s.Planes)
		shift := 0.0
		if orbit%2 == 1 && s.PhaseDiff {
			shift = 360.0 / (float64(s.SatsPerPlane) * 2.0)
		}
		for n := 0; n < s.SatsPerPlane; n++ {
			ma := shift + float64(n*360)/float64(s.SatsPerPlane)
			id := len(out) + 1
			l1 := fmt.Sprintf("1 %05dU 00000ABC 00001.00000000  .00000000  00000-0  00000+0 0    0", id%100000)
			ecc := fmt.Sprintf("%0.7f", s.Eccentricity)[2:]
			l2 := fmt.Sprintf("2 %05d %8.4f %8.4f %s %8.4f %8.4f %11.8f    0",
				id%100000, s.InclinationDeg, raan, ecc, s.ArgPerigeeDeg, ma, s.MeanMotionRevDay)
			l1 += fmt.Sprint(tle.Checksum(l1))
			l2 += fmt.Sprint(tle.Checksum(l2))
			// Parse back so the engine sees exactly the rounded TLE values.
			t, err := tle.Parse(l1, l2, tle.StrictOptions)
			if err != nil {
				return nil, fmt.Errorf("shell %s sat %d: %w", s.Name, id-1, err)
			}
			t.Name = fmt.Sprintf("%s %d", s.Name, id-1)
			t.SatNum = id
			out = append(out, t)
		}
	}
	return out, nil
}

// ISL is an undirected inter-satellite link between satellite ids A < B.
type ISL struct{ A, B int }

// PlusGridISLs links each satellite to its successor in the plane and to
// the same slot (shifted by isl_shift = 0) in the next plane: 4 per satellite.
func (s Shell) PlusGridISLs() []ISL {
	out := make([]ISL, 0, 2*s.NumSats())
	for i := 0; i < s.Planes; i++ {
		for j := 0; j < s.SatsPerPlane; j++ {
			sat := i*s.SatsPerPlane + j
			same := i*s.SatsPerPlane + (j+1)%s.SatsPerPlane
			adj := ((i+1)%s.Planes)*s.SatsPerPlane + j
			out = append(out, ISL{min(sat, same), max(sat, same)}, ISL{min(sat, adj), max(sat, adj)})
		}
	}
	return out
}
