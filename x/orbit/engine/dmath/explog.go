package dmath

import "math"

const (
	ln2Hi  = 6.93147180369123816490e-01
	ln2Lo  = 1.90821492927058770002e-10
	invLn2 = 1.44269504088896338700e+00
)

// Exp returns e**x.
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
	return expMulti(hi, lo, int(k), p1, p2, p3, p4, p5)
}

func expMulti(hi, lo float64, k int, p1, p2, p3, p4, p5 float64) float64 {
	r := hi - lo
	t := float64(r * r)
	c := r - float64(t*(p1+float64(t*(p2+float64(t*(p3+float64(t*(p4+float64(t*p5)))))))))
	y := 1 - ((lo - float64(r*c)/(2-c)) - hi)
	return math.Ldexp(y, k)
}

// Log returns the natural logarithm of x.
func Log(x float64) float64 {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 1):
		return x
	case x < 0:
		return math.NaN()
	case x == 0:
		return math.Inf(-1)
	}
	f1, ki := math.Frexp(x)
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

func twoProd(a, b float64) (p, e float64) {
	p = float64(a * b)
	ah, al := split(a)
	bh, bl := split(b)
	e = ((float64(ah*bh) - p) + float64(ah*bl) + float64(al*bh)) + float64(al*bl)
	return
}

// logDD returns log(x) as a double-double hi+lo for finite x > 0.
func logDD(x float64) (hi, lo float64) {
	m, k := math.Frexp(x)
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
	for n := 25; n >= 3; n -= 2 {
		poly = 1.0/float64(n) + float64(s2*poly)
	}
	tail := float64(float64(2*s)*float64(s2*poly)) + 2*sl
	// k*ln2 as double-double: ln2Hi has 32 significant bits so k*ln2Hi is exact.
	kf := float64(k)
	h, e := twoSum(float64(kf*ln2Hi), 2*s)
	e = e + float64(kf*ln2Lo) + tail
	hi, lo = twoSum(h, e)
	return
}

// Pow returns x**y. Integer exponents use repeated squaring; the rest
// evaluate exp(y*log x) with a double-double logarithm (about one ulp).
func Pow(x, y float64) float64 {
	switch {
	case y == 0 || x == 1:
		return 1
	case y == 1:
		return x
	case math.IsNaN(x) || math.IsNaN(y):
		return math.NaN()
	}
	if y == math.Trunc(y) && math.Abs(y) <= 64 {
		n := int(math.Abs(y))
		r, b := 1.0, x
		for n > 0 {
			if n&1 == 1 {
				r = float64(r * b)
			}
			b = float64(b * b)
			n >>= 1
		}
		if y < 0 {
			return 1 / r
		}
		return r
	}
	if x < 0 {
		return math.NaN()
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

// Cbrt returns the cube root of x.
func Cbrt(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	if x < 0 {
		return -Pow(-x, 1.0/3.0)
	}
	return Pow(x, 1.0/3.0)
}

// Asinh returns the inverse hyperbolic sine of x.
func Asinh(x float64) float64 {
	ax := math.Abs(x)
	r := Log(ax + math.Sqrt(float64(ax*ax)+1))
	if x < 0 {
		return -r
	}
	return r
}

// Sinh returns the hyperbolic sine of x.
func Sinh(x float64) float64 {
	e := Exp(x)
	return 0.5 * (e - 1/e)
}
