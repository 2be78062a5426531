// Package dmath is the deterministic math layer shared by the pure engines
// under x/ (orbit, quantumjob, ...). See docs/ARCHITECTURE.md, "Determinism".
//
// Every function here is pure Go built from IEEE-754 +, -, *, / and
// math.Sqrt/Floor/Trunc/Abs plus bit manipulation (math.Float64bits), so it
// returns the same bits on every platform: amd64 at any GOAMD64 level, arm64,
// and under GODEBUG=cpu.fma=off. No function of the standard library with an
// assembly or FMA-using implementation (math.Exp, math.Log, math.Sin, ...) is
// called. Each product that feeds an addition is wrapped in float64(...)
// because the Go spec lets the compiler fuse x*y+z into an FMA (arm64 always,
// amd64 with GOAMD64=v3); an explicit conversion forbids that fusion. The
// orbit engine's TestNoFusedMultiplyAdd (ORBIT_FMA_CHECK=1) disassembles this
// package for arm64 and amd64 v3 and fails on any FMA instruction.
//
// Polynomial kernels follow the classic fdlibm minimax coefficients; range
// reduction uses a three-part Cody-Waite split of pi/2 and, for huge
// arguments, exact big-float reduction. The error against 300-bit math/big
// references is bounded by the tests (TestAccuracyAgainstBigFloat): below
// one ulp for Sin, Cos, SinCos, Exp, Log, Atan, Cbrt, Asinh and integer
// powers; at most 1.25 ulp for Atan2 and Pow with moderate |y log x| (4 ulp
// at |y log x| ~ 200); at most 2 ulp for Tan, Asin, Acos and Sinh. Frexp,
// Ldexp, Mod, Mul and Sqrt are exact (correctly rounded).
//
// The package merges the former x/orbit/engine/dmath and
// x/quantumjob/engine/dmath; where both had an implementation, the more
// accurate one (against the big-float references) was kept.
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

// Sqrt is math.Sqrt (IEEE correctly rounded on every architecture).
func Sqrt(x float64) float64 { return math.Sqrt(x) }

// Mul returns the rounded product a*b. Use it where an expression would
// otherwise invite fusion: Mul(a, b) + c is never an FMA.
func Mul(a, b float64) float64 { return float64(a * b) }

// Frexp splits x into a fraction in [0.5, 1) and a power of two, like
// math.Frexp (same results, including subnormals, +-0, +-Inf and NaN).
func Frexp(x float64) (frac float64, exp int) {
	b := math.Float64bits(x)
	e := int(b>>52) & 0x7ff
	switch {
	case e == 0x7ff || x == 0: // +-Inf, NaN, +-0
		return x, 0
	case e == 0: // subnormal: scale into the normal range (exact)
		x = float64(x * (1 << 52))
		b = math.Float64bits(x)
		e = int(b>>52)&0x7ff - 52
	}
	b &^= 0x7ff << 52
	b |= 1022 << 52
	return math.Float64frombits(b), e - 1022
}

// pow2 returns 2^k for -1022 <= k <= 1023.
func pow2(k int) float64 { return math.Float64frombits(uint64(k+1023) << 52) }

// Ldexp returns frac * 2^exp, correctly rounded (one rounding only, also for
// subnormal results), like math.Ldexp.
func Ldexp(frac float64, exp int) float64 {
	b := math.Float64bits(frac)
	if e := int(b>>52) & 0x7ff; e != 0 && e != 0x7ff && exp > -0x7ff && exp < 0x7ff {
		if ne := e + exp; ne > 0 && ne < 0x7ff { // normal in, normal out: exact
			return math.Float64frombits(b&^(0x7ff<<52) | uint64(ne)<<52)
		}
	}
	if frac == 0 || math.IsInf(frac, 0) || math.IsNaN(frac) {
		return frac
	}
	// Clamp so that exp+e cannot overflow int; the result saturates anyway.
	exp = min(max(exp, -4000), 4000)
	f, e := Frexp(frac) // f in [0.5, 1)
	exp += e
	switch {
	case exp > 1024:
		return math.Copysign(math.Inf(1), frac)
	case exp < -1075: // |result| < 2^-1076: rounds to zero
		return math.Copysign(0, frac)
	case exp < -1021: // subnormal result: f*2^(exp+60) is exact and normal, the final scaling rounds once
		return float64(float64(f*pow2(exp+60)) * pow2(-60))
	case exp > 1023:
		return float64(float64(f*pow2(exp-1)) * 2)
	}
	return float64(f * pow2(exp))
}

// Mod returns the floating-point remainder of x/y with the sign of x, like C
// fmod. The result is exact, so any correct algorithm is deterministic; this
// one subtracts scaled copies of y.
func Mod(x, y float64) float64 {
	if y == 0 || math.IsInf(x, 0) || math.IsNaN(x) || math.IsNaN(y) {
		return math.NaN()
	}
	y = math.Abs(y)
	yfr, yexp := Frexp(y)
	r := x
	if x < 0 {
		r = -x
	}
	for r >= y {
		rfr, rexp := Frexp(r)
		if rfr < yfr {
			rexp--
		}
		r = r - Ldexp(y, rexp-yexp)
	}
	if x < 0 {
		r = -r
	}
	return r
}
