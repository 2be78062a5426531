// Package dmath is the deterministic math layer of the orbit engine.
//
// Every function here is pure Go built from IEEE-754 +, -, *, / and
// math.Sqrt/Floor/Abs only, so it returns the same bits on every platform.
// Each product that feeds an addition is wrapped in float64(...) because the
// Go spec lets the compiler fuse x*y+z into an FMA (arm64 always, amd64 with
// GOAMD64=v3); an explicit conversion forbids that fusion.
//
// Polynomial kernels follow the classic fdlibm/Cephes minimax coefficients
// (error below one ulp); range reduction uses a three-part Cody-Waite split
// of pi/2 and, for huge arguments, exact big-float reduction.
package dmath

import "math"

// Pi and friends as float64 constants.
const (
	Pi      = math.Pi
	TwoPi   = 2 * math.Pi
	HalfPi  = math.Pi / 2
	Deg2Rad = math.Pi / 180
	Rad2Deg = 180 / math.Pi
)

// Mod returns the floating-point remainder of x/y with the sign of x, like C
// fmod. The result is exact, so any correct algorithm is deterministic; this
// one subtracts scaled copies of y.
func Mod(x, y float64) float64 {
	if y == 0 || math.IsInf(x, 0) || math.IsNaN(x) || math.IsNaN(y) {
		return math.NaN()
	}
	y = math.Abs(y)
	yfr, yexp := math.Frexp(y)
	r := x
	if x < 0 {
		r = -x
	}
	for r >= y {
		rfr, rexp := math.Frexp(r)
		if rfr < yfr {
			rexp--
		}
		r = r - math.Ldexp(y, rexp-yexp)
	}
	if x < 0 {
		r = -r
	}
	return r
}

// Sqrt is math.Sqrt (IEEE correctly rounded on every architecture).
func Sqrt(x float64) float64 { return math.Sqrt(x) }
