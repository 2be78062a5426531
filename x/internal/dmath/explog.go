package dmath

import "math"

const (
	ln2Hi  = 6.93147180369123816490e-01
	ln2Lo  = 1.90821492927058770002e-10
	invLn2 = 1.44269504088896338700e+00
)

// Exp returns e**x (fdlibm algorithm and coefficients).
func Exp(x float64) float64 {
	const (
		p1       = 1.66666666666666019037e-01
		p2       = -2.77777777770155933842e-03
		p3       = 6.61375632143793436117e-05
		p4       = -1.65339022054652515390e-06
		p5       = 4.13813679705723846039e-08
		overflow = 7.09782712893383973096e+02
		under    = -7.45133219101941108420e+02
	)
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case math.IsInf(x, -1):
		return 0
	case x > overflow:
		return math.Inf(1)
	case x < under:
		return 0
	case math.Abs(x) < 3.725290298461914e-09: // 2^-28
		return 1 + x
	}
	k := math.Floor(float64(x*invLn2) + 0.5)
	hi := x - float64(k*ln2Hi)
	lo := float64(k * ln2Lo)
	r := hi - lo
	t := float64(r * r)
	c := r - float64(t*(p1+float64(t*(p2+float64(t*(p3+float64(t*(p4+float64(t*p5)))))))))
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	return Ldexp(y, int(k))
}

// Log returns the natural logarithm of x (fdlibm algorithm and
// coefficients); NaN for x < 0, -Inf for 0.
func Log(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	f1, ki := Frexp(x)
	if f1 < math.Sqrt2/2 {
		f1 *= 2
		ki--
	}
	f := f1 - 1
	k := float64(ki)
	s := f / (2 + f)
	s2 := float64(s * s)
	s4 := float64(s2 * s2)
	const (
		l1 = 6.666666666666735130e-01
		l2 = 3.999999999940941908e-01
		l3 = 2.857142874366239149e-01
		l4 = 2.222219843214978396e-01
		l5 = 1.818357216161805012e-01
		l6 = 1.531383769920937332e-01
		l7 = 1.479819860511658591e-01
	)
	t1 := float64(s2 * (l1 + float64(s4*(l3+float64(s4*(l5+float64(s4*l7)))))))
	t2 := float64(s4 * (l2 + float64(s4*(l4+float64(s4*l6)))))
	r := t1 + t2
	hfsq := float64(float64(0.5*f) * f)
	return float64(k*ln2Hi) - ((hfsq - (float64(s*(hfsq+r)) + float64(k*ln2Lo))) - f)
}

// Double-double helpers (Dekker/Knuth); exact only without FMA, which the
// float64 conversions guarantee.
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	e = (a - (s - bb)) + (b - bb)
	return
}

func split(a float64) (hi, lo float64) {
	c := float64(134217729.0 * a) // 2^27+1
	hi = c - (c - a)
	lo = a - hi
	return
}

// twoProd returns p = fl(a*b) and e with p+e == a*b exactly (for |a|, |b|
// well inside the normal range).
func twoProd(a, b float64) (p, e float64) {
	p = float64(a * b)
	ah, al := split(a)
	bh, bl := split(b)
	e = ((float64(ah*bh) - p) + float64(ah*bl) + float64(al*bh)) + float64(al*bl)
	return
}

// ddMul multiplies two double-doubles (relative error about 2^-104).
func ddMul(ah, al, bh, bl float64) (hi, lo float64) {
	p, e := twoProd(ah, bh)
	e = e + (float64(ah*bl) + float64(al*bh))
	hi = p + e
	lo = e - (hi - p)
	return
}

// logInv[i] is 1/(2i+3), the coefficients of the atanh series in logDD
// (constant-folded, so bit-identical to computing 1.0/float64(2i+3)).
var logInv = [12]float64{1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13,
	1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23, 1.0 / 25}

// logDD returns log(x) as a double-double hi+lo for finite x > 0 (absolute
// error about 2^-60).
func logDD(x float64) (hi, lo float64) {
	m, k := Frexp(x)
	if m < math.Sqrt2/2 {
		m *= 2
		k--
	}
	// log(m) = 2 atanh(s), s = (m-1)/(m+1), |s| <= 0.1716.
	num := m - 1 // exact (Sterbenz)
	dh, dl := twoSum(m, 1)
	s := num / dh
	// s_lo = (num - s*(dh+dl)) / dh
	ph, pl := twoProd(s, dh)
	sl := (((num - ph) - pl) - float64(s*dl)) / dh
	s2 := float64(s * s)
	// tail = 2 s^3 (1/3 + s^2/5 + ...), 12 terms reach 1e-19 relative.
	poly := 0.0
	for i := len(logInv) - 1; i >= 0; i-- {
		poly = logInv[i] + float64(s2*poly)
	}
	tail := float64(float64(2*s)*float64(s2*poly)) + 2*sl
	// k*ln2 as double-double: ln2Hi has 32 significant bits so k*ln2Hi is exact.
	kf := float64(k)
	h, e := twoSum(float64(kf*ln2Hi), 2*s)
	e = e + float64(kf*ln2Lo) + tail
	hi, lo = twoSum(h, e)
	return
}

// Pow returns x**y with the special cases of C99 pow for finite inputs.
// Integer exponents |y| <= 64 use repeated squaring in double-double
// arithmetic (exact when x**y is representable, about half an ulp
// otherwise); the rest evaluate exp(y*log x) with a double-double logarithm
// (about one ulp while |y log x| stays moderate). A negative base is allowed
// with an integer exponent only (NaN otherwise).
func Pow(x, y float64) float64 {
	switch {
	case y == 0 || x == 1:
		return 1
	case y == 1:
		return x
	case math.IsNaN(x) || math.IsNaN(y):
		return math.NaN()
	}
	if y == 2 {
		return float64(x * x) // correctly rounded; powInt agrees except on subnormal squares
	}
	if y == math.Trunc(y) && math.Abs(y) <= 64 {
		return powInt(x, int(y))
	}
	if x < 0 {
		if y != math.Trunc(y) {
			return math.NaN()
		}
		// Integer |y| > 64: the sign follows the parity of y (every float64
		// of magnitude >= 2^53 is even).
		r := Pow(-x, y)
		if h := float64(0.5 * y); h != math.Trunc(h) {
			r = -r
		}
		return r
	}
	if x == 0 {
		if y < 0 {
			return math.Inf(1)
		}
		return 0
	}
	if math.IsInf(x, 1) {
		if y < 0 {
			return 0
		}
		return x
	}
	if math.IsInf(y, 0) {
		switch {
		case (x > 1) == (y > 0):
			return math.Inf(1)
		default:
			return 0
		}
	}
	lh, ll := logDD(x)
	zh, zl := twoProd(y, lh)
	zl = zl + float64(y*ll)
	zh, zl = twoSum(zh, zl)
	if zh > 709.782712893384 {
		return math.Inf(1)
	}
	if zh < -745.1332191019411 {
		return 0
	}
	e := Exp(zh)
	return e + float64(e*zl)
}

// powInt returns x**n for 2 <= |n| <= 64 by binary powering of the mantissa
// in double-double arithmetic, then scales by the exponent.
func powInt(x float64, n int) float64 {
	if x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		// Exact special values: plain repeated squaring gives the C99 signs.
		r, b, k := 1.0, x, n
		if k < 0 {
			k = -k
		}
		for k > 0 {
			if k&1 == 1 {
				r = float64(r * b)
			}
			b = float64(b * b)
			k >>= 1
		}
		if n < 0 {
			return 1 / r
		}
		return r
	}
	m, e := Frexp(x) // |m| in [0.5, 1): |m|**64 >= 2^-64, no under/overflow
	k := n
	if k < 0 {
		k = -k
	}
	rh, rl := 0.0, 0.0 // unset until the lowest set bit of k
	bh, bl := m, 0.0
	for {
		if k&1 == 1 {
			if rh == 0 {
				rh, rl = bh, bl
			} else {
				rh, rl = ddMul(rh, rl, bh, bl)
			}
		}
		k >>= 1
		if k == 0 {
			break
		}
		bh, bl = ddMul(bh, bl, bh, bl)
	}
	if n < 0 {
		// 1/(rh+rl): q = 1/rh, then one correction with the exact residual.
		q := 1 / rh
		ph, pl := twoProd(rh, q)
		res := ((1 - ph) - pl) - float64(rl*q)
		rh, rl = twoSum(q, float64(q*res))
		e = -e
		n = -n
	}
	return Ldexp(rh+rl, e*n)
}

// Cbrt returns the cube root of x (fdlibm/FreeBSD algorithm as in Go's
// math.Cbrt: a bit-level estimate, a rational polynomial step and one Newton
// step; error below 0.667 ulp).
func Cbrt(x float64) float64 {
	const (
		b1             = 715094163                   // (682-0.03306235651)*2**20
		b2             = 696219795                   // (664-0.03306235651)*2**20
		c              = 5.42857142857142815906e-01  // 19/35
		d              = -7.05306122448979611050e-01 // -864/1225
		e              = 1.41428571428571436819e+00  // 99/70
		f              = 1.60714285714285720630e+00  // 45/28
		g              = 3.57142857142857150787e-01  // 5/14
		smallestNormal = 2.22507385850720138309e-308 // 2**-1022
	)
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	sign := false
	if x < 0 {
		x = -x
		sign = true
	}
	// rough cbrt to 5 bits
	t := math.Float64frombits(math.Float64bits(x)/3 + b1<<32)
	if x < smallestNormal {
		t = float64(float64(1<<54) * x) // exact
		t = math.Float64frombits(math.Float64bits(t)/3 + b2<<32)
	}
	// new cbrt to 23 bits
	r := float64(t*t) / x
	s := c + float64(r*t)
	t = float64(t * (g + f/(s+e+d/s)))
	// chop to 22 bits, make larger than cbrt(x)
	t = math.Float64frombits(math.Float64bits(t)&(0xFFFFFFFFC<<28) + 1<<30)
	// one Newton step to 53 bits
	s = float64(t * t) // exact
	r = x / s
	w := t + t
	r = (r - t) / (w + r) // r-s is exact
	t = t + float64(t*r)
	if sign {
		t = -t
	}
	return t
}

// log1pDD returns log(1 + (vh+vl)) for a double-double 0 <= vh+vl.
func log1pDD(vh, vl float64) float64 {
	w, c := twoSum(1, vh) // w + c == 1 + vh exactly
	c += vl
	lh, ll := logDD(w)
	// log(w + c) = log(w) + c/w - ... ; |c/w| <= 2^-53, so the first
	// order term is enough.
	return lh + (ll + c/w)
}

// Asinh returns the inverse hyperbolic sine of x.
func Asinh(x float64) float64 {
	ax := math.Abs(x)
	var r float64
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0) || ax < 3.725290298461914e-09: // 2^-28: asinh x == x
		return x
	case ax > 268435456: // 2^28: asinh x = log(2x) to double precision
		lh, ll := logDD(ax)
		r = lh + (ll + math.Ln2)
	default:
		// asinh x = log1p(ax + ax^2/(1+sqrt(1+ax^2))): no cancellation for
		// small ax, and the sum is kept exact as a double-double.
		a2 := float64(ax * ax)
		t := a2 / (1 + math.Sqrt(1+a2))
		vh, vl := twoSum(ax, t)
		r = log1pDD(vh, vl)
	}
	if x < 0 {
		return -r
	}
	return r
}

// sinhC[i] is 1/(2i+3)!: sinh x = x + x^3 (1/3! + x^2/5! + ...).
var sinhC = [9]float64{1.0 / 6, 1.0 / 120, 1.0 / 5040, 1.0 / 362880, 1.0 / 39916800,
	1.0 / 6227020800, 1.0 / 1307674368000, 1.0 / 355687428096000, 1.0 / 121645100408832000}

// Sinh returns the hyperbolic sine of x.
func Sinh(x float64) float64 {
	ax := math.Abs(x)
	var r float64
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0) || ax < 3.725290298461914e-09: // 2^-28: sinh x == x
		return x
	case ax < 1:
		// Taylor series (no cancellation) to x^19/19!; the first omitted
		// term, x^21/21!, is below 2^-65 |x|.
		z := float64(ax * ax)
		p := 0.0
		for i := len(sinhC) - 1; i >= 0; i-- {
			p = sinhC[i] + float64(z*p)
		}
		r = ax + float64(ax*float64(z*p))
	case ax > 709.782712893384: // e^ax overflows; sinh x = (e^(ax/2))^2/2 does not yet
		h := Exp(0.5 * ax)
		r = float64(float64(0.5*h) * h)
	default:
		e := Exp(ax)
		r = 0.5 * (e - 1/e)
	}
	if x < 0 {
		return -r
	}
	return r
}
