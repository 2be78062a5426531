// Package dmath is a deterministic math layer for the quantum engine.
//
// Every function is pure Go and every product is wrapped in an explicit
// float64() conversion so that no compiler may fuse it into an FMA; results
// are therefore bit-identical on amd64 (any GOAMD64 level), arm64 and under
// GODEBUG=cpu.fma=off. Algorithms and coefficients follow the Cephes/FreeBSD
// code used by Go's own math package. Only math.Sqrt (IEEE exact) and bit
// manipulation helpers from package math are used.
package dmath

import "math"

// Pi is the float64 nearest to pi.
const Pi = math.Pi

// maxTrigArg bounds the argument of Sin/Cos: Cody–Waite reduction is exact
// enough below it; larger angles are meaningless for gates and return NaN.
const maxTrigArg = 1 << 29

// Sqrt is IEEE correctly rounded on every platform.
func Sqrt(x float64) float64 { return math.Sqrt(x) }

var sinC = [...]float64{
	1.58962301576546568060e-10,
	-2.50507477628578072866e-8,
	2.75573136213857245213e-6,
	-1.98412698295895385996e-4,
	8.33333333332211858878e-3,
	-1.66666666666666307295e-1,
}

var cosC = [...]float64{
	-1.13585365213876817300e-11,
	2.08757008419747316778e-9,
	-2.75573141792967388112e-7,
	2.48015872888517045348e-5,
	-1.38888888888730564116e-3,
	4.16666666666665929218e-2,
}

const (
	pi4A = 7.85398125648498535156e-1
	pi4B = 3.77489470793079817668e-8
	pi4C = 2.69515142907905952645e-15
)

// reduce maps x >= 0 to an octant j (0..7, even) and a remainder z in
// [-pi/4, pi/4].
func reduce(x float64) (uint64, float64) {
	j := uint64(float64(x * (4 / Pi)))
	y := float64(j)
	if j&1 == 1 {
		j++
		y++
	}
	j &= 7
	z := ((x - float64(y*pi4A)) - float64(y*pi4B)) - float64(y*pi4C)
	return j, z
}

func sinPoly(z, zz float64) float64 {
	p := float64(sinC[0] * zz)
	p = float64((p+sinC[1])*zz) + sinC[2]
	p = float64(p*zz) + sinC[3]
	p = float64(p*zz) + sinC[4]
	p = float64(p*zz) + sinC[5]
	return z + float64(float64(z*zz)*p)
}

func cosPoly(zz float64) float64 {
	p := float64(cosC[0] * zz)
	p = float64((p+cosC[1])*zz) + cosC[2]
	p = float64(p*zz) + cosC[3]
	p = float64(p*zz) + cosC[4]
	p = float64(p*zz) + cosC[5]
	return 1.0 - float64(0.5*zz) + float64(float64(zz*zz)*p)
}

// Sin returns sin(x); NaN for non-finite or |x| >= 2^29.
func Sin(x float64) float64 {
	if x != x || x >= maxTrigArg || x <= -maxTrigArg {
		return math.NaN()
	}
	if x == 0 {
		return x
	}
	sign := false
	if x < 0 {
		x = -x
		sign = true
	}
	j, z := reduce(x)
	if j > 3 {
		sign = !sign
		j -= 4
	}
	zz := float64(z * z)
	var y float64
	if j == 1 || j == 2 {
		y = cosPoly(zz)
	} else {
		y = sinPoly(z, zz)
	}
	if sign {
		y = -y
	}
	return y
}

// Cos returns cos(x); NaN for non-finite or |x| >= 2^29.
func Cos(x float64) float64 {
	if x != x || x >= maxTrigArg || x <= -maxTrigArg {
		return math.NaN()
	}
	if x < 0 {
		x = -x
	}
	sign := false
	j, z := reduce(x)
	if j > 3 {
		j -= 4
		sign = !sign
	}
	if j > 1 {
		sign = !sign
	}
	zz := float64(z * z)
	var y float64
	if j == 1 || j == 2 {
		y = sinPoly(z, zz)
	} else {
		y = cosPoly(zz)
	}
	if sign {
		y = -y
	}
	return y
}

// SinCos returns Sin(x), Cos(x).
func SinCos(x float64) (float64, float64) { return Sin(x), Cos(x) }

// Tan returns sin(x)/cos(x).
func Tan(x float64) float64 { return Sin(x) / Cos(x) }

// Frexp splits x into a fraction in [0.5, 1) and a power of two.
func Frexp(x float64) (float64, int) {
	if x == 0 || x != x || x > math.MaxFloat64 || x < -math.MaxFloat64 {
		return x, 0
	}
	e := 0
	b := math.Float64bits(x)
	if (b>>52)&0x7ff == 0 { // subnormal: scale into the normal range
		x = float64(x * (1 << 52))
		b = math.Float64bits(x)
		e = -52
	}
	e += int((b>>52)&0x7ff) - 1022
	b &^= 0x7ff << 52
	b |= 1022 << 52
	return math.Float64frombits(b), e
}

// pow2 returns 2^k for -1022 <= k <= 1023.
func pow2(k int) float64 { return math.Float64frombits(uint64(k+1023) << 52) }

// Ldexp returns frac * 2^exp.
func Ldexp(frac float64, exp int) float64 {
	for exp > 1023 {
		frac = float64(frac * pow2(1023))
		exp -= 1023
		if frac > math.MaxFloat64 || frac < -math.MaxFloat64 {
			return frac
		}
	}
	for exp < -1022 {
		// step through the subnormal range in two exact-as-possible steps
		if exp < -1022-60 {
			frac = float64(frac * pow2(-1022))
			exp += 1022
			if frac == 0 {
				return frac
			}
			continue
		}
		frac = float64(frac * pow2(-60))
		exp += 60
	}
	return float64(frac * pow2(exp))
}

// Exp returns e^x.
func Exp(x float64) float64 {
	const (
		ln2Hi     = 6.93147180369123816490e-01
		ln2Lo     = 1.90821492927058770002e-10
		log2e     = 1.44269504088896338700e+00
		overflow  = 7.09782712893383973096e+02
		underflow = -7.45133219101941108420e+02
		nearZero  = 1.0 / (1 << 28)
	)
	switch {
	case x != x || x > overflow:
		if x != x {
			return x
		}
		return math.Inf(1)
	case x < underflow:
		return 0
	case -nearZero < x && x < nearZero:
		return 1 + x
	}
	var k int
	if x < 0 {
		k = int(float64(log2e*x) - 0.5)
	} else {
		k = int(float64(log2e*x) + 0.5)
	}
	hi := x - float64(float64(k)*ln2Hi)
	lo := float64(float64(k) * ln2Lo)
	return expmulti(hi, lo, k)
}

func expmulti(hi, lo float64, k int) float64 {
	const (
		p1 = 1.66666666666666657415e-01
		p2 = -2.77777777770155933842e-03
		p3 = 6.61375632143793436117e-05
		p4 = -1.65339022054652515390e-06
		p5 = 4.13813679705723846039e-08
	)
	r := hi - lo
	t := float64(r * r)
	q := p4 + float64(t*p5)
	q = p3 + float64(t*q)
	q = p2 + float64(t*q)
	q = p1 + float64(t*q)
	c := r - float64(t*q)
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	return Ldexp(y, k)
}

// Ln returns the natural logarithm; NaN for x < 0, -Inf for 0.
func Ln(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
		l1    = 6.666666666666735130e-01
		l2    = 3.999999999940941908e-01
		l3    = 2.857142874366239149e-01
		l4    = 2.222219843214978396e-01
		l5    = 1.818357216161805012e-01
		l6    = 1.531383769920937332e-01
		l7    = 1.479819860511658591e-01
	)
	switch {
	case x != x || x > math.MaxFloat64:
		return x
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	f1, ki := Frexp(x)
	if f1 < math.Sqrt2/2 {
		f1 = float64(f1 * 2)
		ki--
	}
	f := f1 - 1
	k := float64(ki)
	s := f / (2 + f)
	s2 := float64(s * s)
	s4 := float64(s2 * s2)
	t1 := float64(s2 * (l1 + float64(s4*(l3+float64(s4*(l5+float64(s4*l7)))))))
	t2 := float64(s4 * (l2 + float64(s4*(l4+float64(s4*l6)))))
	r := t1 + t2
	hfsq := float64(float64(0.5*f) * f)
	return float64(k*ln2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(k*ln2Lo))) - f)
}

func xatan(x float64) float64 {
	const (
		p0 = -8.750608600031904122785e-01
		p1 = -1.615753718733365076637e+01
		p2 = -7.500855792314704667340e+01
		p3 = -1.228866684490136173410e+02
		p4 = -6.485021904942025371773e+01
		q0 = +2.485846490142306297962e+01
		q1 = +1.650270098316988542046e+02
		q2 = +4.328810604912902668951e+02
		q3 = +4.853903996359136964868e+02
		q4 = +1.945506571482613964425e+02
	)
	z := float64(x * x)
	num := float64(p0 * z)
	num = float64((num+p1)*z) + p2
	num = float64(num*z) + p3
	num = float64(num*z) + p4
	den := float64((z+q0)*z) + q1
	den = float64(den*z) + q2
	den = float64(den*z) + q3
	den = float64(den*z) + q4
	z = float64(z*num) / den
	return float64(x*z) + x
}

func satan(x float64) float64 {
	const (
		morebits = 6.123233995736765886130e-17
		tan3pio8 = 2.41421356237309504880
	)
	if x <= 0.66 {
		return xatan(x)
	}
	if x > tan3pio8 {
		return Pi/2 - xatan(1/x) + morebits
	}
	return Pi/4 + xatan((x-1)/(x+1)) + 0.5*morebits
}

// Atan returns the arctangent of x.
func Atan(x float64) float64 {
	if x == 0 || x != x {
		return x
	}
	if x > 0 {
		return satan(x)
	}
	return -satan(-x)
}

// Atan2 returns the angle of the point (x, y) in (-pi, pi].
func Atan2(y, x float64) float64 {
	switch {
	case y != y || x != x:
		return math.NaN()
	case y == 0:
		if x >= 0 && !math.Signbit(x) {
			return y
		}
		if math.Signbit(y) {
			return -Pi
		}
		return Pi
	case x == 0:
		if y > 0 {
			return Pi / 2
		}
		return -Pi / 2
	}
	q := Atan(y / x)
	if x < 0 {
		if q <= 0 {
			return q + Pi
		}
		return q - Pi
	}
	return q
}

// Asin returns the arcsine of x in [-pi/2, pi/2].
func Asin(x float64) float64 {
	if x > 1 || x < -1 {
		return math.NaN()
	}
	return Atan2(x, math.Sqrt(float64((1-x)*(1+x))))
}

// Acos returns the arccosine of x in [0, pi].
func Acos(x float64) float64 {
	if x > 1 || x < -1 {
		return math.NaN()
	}
	return Atan2(math.Sqrt(float64((1-x)*(1+x))), x)
}

// Pow returns x^y: exact repeated squaring for integer exponents up to 2^20,
// exp(y ln x) otherwise (NaN for a negative base with a fractional exponent).
func Pow(x, y float64) float64 {
	if y == 0 {
		return 1
	}
	if y == float64(int64(y)) && y <= 1<<20 && y >= -(1<<20) {
		n := int64(y)
		neg := n < 0
		if neg {
			n = -n
		}
		r, b := 1.0, x
		for n > 0 {
			if n&1 == 1 {
				r = float64(r * b)
			}
			b = float64(b * b)
			n >>= 1
		}
		if neg {
			return 1 / r
		}
		return r
	}
	if x < 0 || x != x || y != y {
		return math.NaN()
	}
	if x == 0 {
		if y > 0 {
			return 0
		}
		return math.Inf(1)
	}
	return Exp(float64(y * Ln(x)))
}

// Mul returns the rounded product a*b; use it where an expression would
// otherwise invite fusion.
func Mul(a, b float64) float64 { return float64(a * b) }
