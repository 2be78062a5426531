// Package sgp4 implements the SGP4/SDP4 orbit propagator (Vallado et al.
// 2006, "Revisiting Spacetrack Report #3") in pure, deterministic Go.
//
// All transcendental functions come from dmath and every product feeding a
// sum is rounded explicitly, so a propagation yields identical bits on every
// architecture. Propagate is a pure function of its inputs (the deep-space
// resonance integrator restarts from epoch on every call) and is safe for
// concurrent use.
package sgp4

import "math"

// Gravity holds the geopotential constants of one Earth model.
type Gravity struct {
	Name     string
	Mu       float64 // km^3/s^2
	RadiusKm float64
	Xke      float64 // sqrt(mu/r^3) in er^1.5/min
	TuMin    float64
	J2, J3   float64
	J4       float64
	J3OJ2    float64
}

func newGravity(name string, mu, r, j2, j3, j4 float64, xke float64) Gravity {
	if xke == 0 {
		xke = 60.0 / math.Sqrt(float64(float64(r*r)*r)/mu)
	}
	return Gravity{Name: name, Mu: mu, RadiusKm: r, Xke: xke, TuMin: 1 / xke, J2: j2, J3: j3, J4: j4, J3OJ2: j3 / j2}
}

// Earth models. WGS72 is what the verification set and TLE producers use.
var (
	WGS72Old = newGravity("wgs72old", 398600.79964, 6378.135, 0.001082616, -0.00000253881, -0.00000165597, 0.0743669161)
	WGS72    = newGravity("wgs72", 398600.8, 6378.135, 0.001082616, -0.00000253881, -0.00000165597, 0)
	WGS84    = newGravity("wgs84", 398600.5, 6378.137, 0.00108262998905, -0.00000253215306, -0.00000161098761, 0)
)
