// Package geo holds ground stations and the frame conversions the router
// needs: geodetic -> ECEF on WGS72/WGS84, ECEF -> TEME by GMST rotation,
// elevation angles and great-circle (fibre) distances. Deterministic: only
// dmath transcendental functions and explicitly rounded products.
package geo

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/novacron/novacron/x/internal/dmath"
	"github.com/novacron/novacron/x/orbit/engine/sgp4"
)

// Physical constants.
const (
	SpeedOfLightKmS = 299792.458
	// FibreIndex is the refractive index used for fibre latency (c/1.47).
	FibreIndex = 1.47
	// EarthRadiusKm is the WGS72 equatorial radius Hypatia uses for
	// great-circle distances.
	EarthRadiusKm = 6378.135
)

// Ellipsoid is a reference ellipsoid: equatorial radius (km), flattening.
type Ellipsoid struct {
	Name string
	A, F float64
}

var (
	WGS72 = Ellipsoid{"wgs72", 6378.135, 1 / 298.26}
	WGS84 = Ellipsoid{"wgs84", 6378.137, 1 / 298.257223563}
)

func m2(a, b float64) float64 { return float64(a * b) }

// GroundStation is one row of a Hypatia ground-station file.
type GroundStation struct {
	GID    int
	Name   string
	LatDeg float64
	LonDeg float64
	ElevM  float64
}

// ParseGroundStations reads Hypatia "basic" (gid,name,lat,lon,elev) or
// "extended" (plus x,y,z) files. Ids must count up from 0, as in Hypatia.
func ParseGroundStations(r io.Reader) ([]GroundStation, error) {
	sc := bufio.NewScanner(r)
	var out []GroundStation
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		f := strings.Split(l, ",")
		if len(f) != 5 && len(f) != 8 {
			return nil, fmt.Errorf("ground stations line %d: want 5 or 8 columns, got %d", line, len(f))
		}
		gid, err := strconv.Atoi(strings.TrimSpace(f[0]))
		if err != nil || gid != len(out) {
			return nil, fmt.Errorf("ground stations line %d: gid %q must be %d", line, f[0], len(out))
		}
		var v [3]float64
		for i := 0; i < 3; i++ {
			v[i], err = strconv.ParseFloat(strings.TrimSpace(f[2+i]), 64)
			if err != nil || math.IsNaN(v[i]) || math.IsInf(v[i], 0) {
				return nil, fmt.Errorf("ground stations line %d: bad number %q", line, f[2+i])
			}
		}
		if v[0] < -90 || v[0] > 90 || v[1] < -180 || v[1] > 360 {
			return nil, fmt.Errorf("ground stations line %d: latitude/longitude out of range", line)
		}
		out = append(out, GroundStation{GID: gid, Name: strings.TrimSpace(f[1]), LatDeg: v[0], LonDeg: v[1], ElevM: v[2]})
	}
	return out, sc.Err()
}

// ECEF returns the Earth-fixed position (km) of a geodetic point.
func (e Ellipsoid) ECEF(latDeg, lonDeg, elevM float64) [3]float64 {
	sl, cl := dmath.SinCos(m2(latDeg, dmath.Deg2Rad))
	so, co := dmath.SinCos(m2(lonDeg, dmath.Deg2Rad))
	e2 := m2(2, e.F) - m2(e.F, e.F)
	n := e.A / math.Sqrt(1-m2(e2, m2(sl, sl)))
	h := elevM / 1000
	return [3]float64{
		m2(m2(n+h, cl), co),
		m2(m2(n+h, cl), so),
		m2(m2(n, 1-e2)+h, sl),
	}
}

// JulianDate splits a Unix-nanosecond UTC time into whole and fractional
// Julian date (UT1 taken as UTC).
func JulianDate(unixNs int64) (jd, frac float64) {
	const nsPerDay = 86400e9
	days := unixNs / int64(nsPerDay)
	rem := unixNs % int64(nsPerDay)
	if rem < 0 {
		rem += int64(nsPerDay)
		days--
	}
	return 2440587.5 + float64(days), float64(rem) / nsPerDay
}

// GMST returns Greenwich mean sidereal time (IAU-82, rad) at a Unix time.
func GMST(unixNs int64) float64 {
	jd, f := JulianDate(unixNs)
	return sgp4.GSTime(jd + f)
}

// ECEFToTEME rotates an Earth-fixed vector into TEME by GMST (polar motion
// neglected, as SGP4 users usually do).
func ECEFToTEME(p [3]float64, gmst float64) [3]float64 {
	s, c := dmath.SinCos(gmst)
	return [3]float64{m2(c, p[0]) - m2(s, p[1]), m2(s, p[0]) + m2(c, p[1]), p[2]}
}

// TEMEToECEF is the inverse rotation.
func TEMEToECEF(p [3]float64, gmst float64) [3]float64 {
	s, c := dmath.SinCos(gmst)
	return [3]float64{m2(c, p[0]) + m2(s, p[1]), -m2(s, p[0]) + m2(c, p[1]), p[2]}
}

// Distance is the Euclidean distance between two points (km).
func Distance(a, b [3]float64) float64 {
	dx, dy, dz := a[0]-b[0], a[1]-b[1], a[2]-b[2]
	return math.Sqrt(m2(dx, dx) + m2(dy, dy) + m2(dz, dz))
}

// ElevationDeg is the elevation of target seen from a station at geodetic
// latitude/longitude with Earth-fixed position site (both ECEF, km).
func ElevationDeg(e Ellipsoid, latDeg, lonDeg float64, site, target [3]float64) float64 {
	sl, cl := dmath.SinCos(m2(latDeg, dmath.Deg2Rad))
	so, co := dmath.SinCos(m2(lonDeg, dmath.Deg2Rad))
	d := [3]float64{target[0] - site[0], target[1] - site[1], target[2] - site[2]}
	// "up" component of the geodetic normal.
	up := m2(m2(cl, co), d[0]) + m2(m2(cl, so), d[1]) + m2(sl, d[2])
	r := math.Sqrt(m2(d[0], d[0]) + m2(d[1], d[1]) + m2(d[2], d[2]))
	return m2(dmath.Asin(up/r), dmath.Rad2Deg)
}

// GreatCircleKm is the haversine great-circle distance on a sphere of
// radius EarthRadiusKm (geopy's great_circle, as Hypatia uses).
func GreatCircleKm(lat1, lon1, lat2, lon2 float64) float64 {
	p1, p2 := m2(lat1, dmath.Deg2Rad), m2(lat2, dmath.Deg2Rad)
	dl := m2(lon2-lon1, dmath.Deg2Rad)
	s1, c1 := dmath.SinCos(p1)
	s2, c2 := dmath.SinCos(p2)
	sdl, cdl := dmath.SinCos(dl)
	// Vincenty's spherical formula: accurate at all separations.
	a := m2(c2, sdl)
	b := m2(c1, s2) - m2(m2(s1, c2), cdl)
	num := math.Sqrt(m2(a, a) + m2(b, b))
	den := m2(s1, s2) + m2(m2(c1, c2), cdl)
	return m2(EarthRadiusKm, dmath.Atan2(num, den))
}

// FibreOneWayNs is the one-way latency over a great-circle fibre at c/1.47.
func FibreOneWayNs(lat1, lon1, lat2, lon2 float64) float64 {
	return float64(GreatCircleKm(lat1, lon1, lat2, lon2) / (SpeedOfLightKmS / FibreIndex) * 1e9)
}
