// Package planets gives approximate heliocentric positions from JPL's
// "Keplerian Elements for Approximate Positions of the Major Planets"
// (E. M. Standish), Table 1, valid 1800-2050, and the Earth-Mars light time.
// Deterministic: dmath functions and explicitly rounded products.
package planets

import (
	"math"

	"github.com/novacron/novacron/x/internal/dmath"
)

// Elements: a (au), e, I (deg), L (deg), long. peri. (deg), long. node (deg),
// each with its rate per Julian century.
type Elements struct {
	A, E, I, L, Peri, Node                   float64
	ADot, EDot, IDot, LDot, PeriDot, NodeDot float64
}

// Table 1 rows (J2000 ecliptic and equinox).
var (
	EMBary = Elements{1.00000261, 0.01671123, -0.00001531, 100.46457166, 102.93768193, 0.0,
		0.00000562, -0.00004392, -0.01294668, 35999.37244981, 0.32327364, 0.0}
	Mars = Elements{1.52371034, 0.09339410, 1.84969142, -4.55343205, -23.94362959, 49.55953891,
		0.00001847, 0.00007882, -0.00813131, 19140.30268499, 0.44441088, -0.29257343}
)

const (
	// AUKm is the astronomical unit (IAU 2012).
	AUKm = 149597870.7
	// SpeedOfLightKmS in vacuum.
	SpeedOfLightKmS = 299792.458
	unixEpochJD     = 2440587.5
)

func m2(a, b float64) float64 { return float64(a * b) }

// Position returns heliocentric J2000 ecliptic coordinates (au) at Julian
// ephemeris date jd (TT; UTC is within about a minute, negligible here).
func (el Elements) Position(jd float64) [3]float64 {
	t := (jd - 2451545.0) / 36525.0
	a := el.A + m2(el.ADot, t)
	e := el.E + m2(el.EDot, t)
	inc := m2(el.I+m2(el.IDot, t), dmath.Deg2Rad)
	l := el.L + m2(el.LDot, t)
	peri := el.Peri + m2(el.PeriDot, t)
	node := el.Node + m2(el.NodeDot, t)
	w := m2(peri-node, dmath.Deg2Rad)
	om := m2(node, dmath.Deg2Rad)
	// Mean anomaly in (-180, 180].
	mdeg := dmath.Mod(l-peri, 360)
	if mdeg > 180 {
		mdeg -= 360
	} else if mdeg <= -180 {
		mdeg += 360
	}
	m := m2(mdeg, dmath.Deg2Rad)
	// Kepler's equation by Newton iteration (fixed count: deterministic).
	ecc := m + m2(e, dmath.Sin(m))
	for i := 0; i < 12; i++ {
		s, c := dmath.SinCos(ecc)
		de := (m - (ecc - m2(e, s))) / (1 - m2(e, c))
		ecc += de
		if math.Abs(de) < 1e-15 {
			break
		}
	}
	se, ce := dmath.SinCos(ecc)
	xp := m2(a, ce-e)
	yp := m2(m2(a, math.Sqrt(1-m2(e, e))), se)
	sw, cw := dmath.SinCos(w)
	so, co := dmath.SinCos(om)
	si, ci := dmath.SinCos(inc)
	x := m2(m2(cw, co)-m2(m2(sw, so), ci), xp) + m2(-m2(sw, co)-m2(m2(cw, so), ci), yp)
	y := m2(m2(cw, so)+m2(m2(sw, co), ci), xp) + m2(-m2(sw, so)+m2(m2(cw, co), ci), yp)
	z := m2(m2(sw, si), xp) + m2(m2(cw, si), yp)
	return [3]float64{x, y, z}
}

// JDFromUnixNano converts Unix nanoseconds to a Julian date.
func JDFromUnixNano(ns int64) float64 {
	days := ns / 86400e9
	rem := ns % 86400e9
	return unixEpochJD + float64(days) + float64(rem)/86400e9
}

// EarthMarsDistanceKm is the Earth(-Moon barycentre)-Mars distance.
func EarthMarsDistanceKm(unixNs int64) float64 {
	jd := JDFromUnixNano(unixNs)
	e := EMBary.Position(jd)
	m := Mars.Position(jd)
	dx, dy, dz := m[0]-e[0], m[1]-e[1], m[2]-e[2]
	return m2(math.Sqrt(m2(dx, dx)+m2(dy, dy)+m2(dz, dz)), AUKm)
}

// EarthMarsLightTimeSeconds is the one-way light time.
func EarthMarsLightTimeSeconds(unixNs int64) float64 {
	return EarthMarsDistanceKm(unixNs) / SpeedOfLightKmS
}

// EarthMarsLightTimeMs is the quantised on-chain value (milliseconds,
// rounded half up).
func EarthMarsLightTimeMs(unixNs int64) int64 {
	return int64(math.Floor(m2(EarthMarsLightTimeSeconds(unixNs), 1000) + 0.5))
}
