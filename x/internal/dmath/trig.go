package dmath

import (
	"math"
	"math/big"
	"sync"
)

// Three-part split of pi/2 (33 bits each): n*pio2x is exact for n < 2^20.
const (
	invPio2 = 6.36619772367581382433e-01
	pio2_1  = 1.57079632673412561417e+00
	pio2_1t = 6.07710050650619224932e-11
	pio2_2  = 6.07710050630396597660e-11
	pio2_2t = 2.02226624879595063154e-21
	pio2_3  = 2.02226624871116645580e-21
	pio2_3t = 8.47842766036889956997e-32
	// Cody-Waite reduction is valid up to 2^20*pi/2.
	mediumLimit = 1647099.3291652855
)

// kernelSin is sin(x+y) for |x| <= ~pi/4, y the tail of x.
func kernelSin(x, y float64) float64 {
	const (
		s1 = -1.66666666666666324348e-01
		s2 = 8.33333333332248946124e-03
		s3 = -1.98412698298579493134e-04
		s4 = 2.75573137070700676789e-06
		s5 = -2.50507602534068634195e-08
		s6 = 1.58969099521155010221e-10
	)
	z := float64(x * x)
	v := float64(z * x)
	r := s2 + float64(z*(s3+float64(z*(s4+float64(z*(s5+float64(z*s6)))))))
	if y == 0 {
		return x + float64(v*(s1+float64(z*r)))
	}
	return x - ((float64(z*(float64(0.5*y)-float64(v*r))) - y) - float64(v*s1))
}

// kernelCos is cos(x+y) for |x| <= ~pi/4.
func kernelCos(x, y float64) float64 {
	const (
		c1 = 4.16666666666666019037e-02
		c2 = -1.38888888888741095749e-03
		c3 = 2.48015872894767294178e-05
		c4 = -2.75573143513906633035e-07
		c5 = 2.08757232129817482790e-09
		c6 = -1.13596475577881948265e-11
	)
	z := float64(x * x)
	r := float64(z * (c1 + float64(z*(c2+float64(z*(c3+float64(z*(c4+float64(z*(c5+float64(z*c6)))))))))))
	hz := float64(0.5 * z)
	w := 1.0 - hz
	return w + (((1.0 - w) - hz) + (float64(z*r) - float64(x*y)))
}

// remPio2 returns n and y0+y1 = x - n*pi/2 with |y0| <= ~pi/4.
func remPio2(x float64) (n int, y0, y1 float64) {
	ax := math.Abs(x)
	if ax <= math.Pi/4 {
		return 0, x, 0
	}
	if ax < mediumLimit {
		fn := math.Floor(float64(x*invPio2) + 0.5)
		r := x - float64(fn*pio2_1)
		w := float64(fn * pio2_1t)
		j := expOf(x)
		y0 = r - w
		if j-expOf(y0) > 16 {
			t := r
			w = float64(fn * pio2_2)
			r = t - w
			w = float64(fn*pio2_2t) - ((t - r) - w)
			y0 = r - w
			if j-expOf(y0) > 49 {
				t = r
				w = float64(fn * pio2_3)
				r = t - w
				w = float64(fn*pio2_3t) - ((t - r) - w)
				y0 = r - w
			}
		}
		y1 = (r - y0) - w
		return int(int64(fn) & 3), y0, y1
	}
	return remPio2Big(x)
}

func expOf(x float64) int { return int(math.Float64bits(x)>>52) & 0x7ff }

var (
	bigOnce      sync.Once
	bigTwoOverPi *big.Float
	bigPiOver2   *big.Float
)

const bigPrec = 1700

// bigAtanInv returns atan(1/k) by its Taylor series at bigPrec bits.
func bigAtanInv(k int64) *big.Float {
	one := new(big.Float).SetPrec(bigPrec).SetInt64(1)
	kk := new(big.Float).SetPrec(bigPrec).SetInt64(k)
	x := new(big.Float).SetPrec(bigPrec).Quo(one, kk)
	x2 := new(big.Float).SetPrec(bigPrec).Mul(x, x)
	sum := new(big.Float).SetPrec(bigPrec).Set(x)
	term := new(big.Float).SetPrec(bigPrec).Set(x)
	t := new(big.Float).SetPrec(bigPrec)
	for n := int64(1); ; n++ {
		term.Mul(term, x2)
		t.Quo(term, new(big.Float).SetPrec(bigPrec).SetInt64(2*n+1))
		if t.MantExp(nil) < -bigPrec-16 {
			break
		}
		if n%2 == 1 {
			sum.Sub(sum, t)
		} else {
			sum.Add(sum, t)
		}
	}
	return sum
}

func initBig() {
	// Machin: pi = 16 atan(1/5) - 4 atan(1/239).
	a := bigAtanInv(5)
	b := bigAtanInv(239)
	pi := new(big.Float).SetPrec(bigPrec).Mul(a, big.NewFloat(16).SetPrec(bigPrec))
	pi.Sub(pi, new(big.Float).SetPrec(bigPrec).Mul(b, big.NewFloat(4).SetPrec(bigPrec)))
	bigPiOver2 = new(big.Float).SetPrec(bigPrec).Quo(pi, big.NewFloat(2).SetPrec(bigPrec))
	bigTwoOverPi = new(big.Float).SetPrec(bigPrec).Quo(big.NewFloat(1).SetPrec(bigPrec), bigPiOver2)
}

// BigReductionSteps is the work-meter price of one exact huge-argument
// reduction (remPio2Big: about 7.5 µs, as much as ~4,000 amplitude updates).
const BigReductionSteps = 4096

// HugeLimit is where an argument may reach the exact reduction, with room
// for the halving, doubling and sums engines apply before calling Sin/Cos.
const HugeLimit = mediumLimit / 4

// TrigSteps is the work-meter price of one Sin, Cos, Tan or SinCos of x.
func TrigSteps(x float64) uint64 {
	if math.Abs(x) < mediumLimit {
		return 1
	}
	return BigReductionSteps
}

// remPio2Big reduces huge arguments exactly with big floats (integer
// arithmetic underneath, hence deterministic). Rarely used, so speed is moot.
func remPio2Big(x float64) (int, float64, float64) {
	bigOnce.Do(initBig)
	q := new(big.Float).SetPrec(bigPrec).SetFloat64(x)
	q.Mul(q, bigTwoOverPi)
	half := new(big.Float).SetPrec(bigPrec).SetFloat64(0.5)
	q.Add(q, half)
	n, _ := q.Int(nil) // truncation toward zero
	if q.Sign() < 0 {
		nf := new(big.Float).SetPrec(bigPrec).SetInt(n)
		if nf.Cmp(q) != 0 {
			n.Sub(n, big.NewInt(1))
		}
	}
	q.Sub(q, half)
	f := new(big.Float).SetPrec(bigPrec).SetInt(n)
	q.Sub(q, f)
	q.Mul(q, bigPiOver2)
	y0, _ := q.Float64()
	q.Sub(q, new(big.Float).SetPrec(bigPrec).SetFloat64(y0))
	y1, _ := q.Float64()
	m := new(big.Int).And(n, big.NewInt(3))
	return int(m.Int64()), y0, y1
}

// Sin returns the sine of x (radians).
func Sin(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return math.NaN()
	}
	if math.Abs(x) < 7.450580596923828e-09 { // 2^-27: sin x == x
		return x
	}
	n, y0, y1 := remPio2(x)
	switch n {
	case 0:
		return kernelSin(y0, y1)
	case 1:
		return kernelCos(y0, y1)
	case 2:
		return -kernelSin(y0, y1)
	default:
		return -kernelCos(y0, y1)
	}
}

// Cos returns the cosine of x (radians).
func Cos(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return math.NaN()
	}
	n, y0, y1 := remPio2(x)
	switch n {
	case 0:
		return kernelCos(y0, y1)
	case 1:
		return -kernelSin(y0, y1)
	case 2:
		return -kernelCos(y0, y1)
	default:
		return kernelSin(y0, y1)
	}
}

// SinCos returns Sin(x), Cos(x) sharing one range reduction.
func SinCos(x float64) (s, c float64) {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return math.NaN(), math.NaN()
	}
	n, y0, y1 := remPio2(x)
	ks, kc := kernelSin(y0, y1), kernelCos(y0, y1)
	if math.Abs(x) < 7.450580596923828e-09 {
		ks = x
	}
	switch n {
	case 0:
		return ks, kc
	case 1:
		return kc, -ks
	case 2:
		return -ks, -kc
	default:
		return -kc, ks
	}
}

// Tan returns Sin(x)/Cos(x).
func Tan(x float64) float64 {
	s, c := SinCos(x)
	return s / c
}

var atanHi = [4]float64{
	4.63647609000806093515e-01,
	7.85398163397448278999e-01,
	9.82793723247329054082e-01,
	1.57079632679489655800e+00,
}

var atanLo = [4]float64{
	2.26987774529616870924e-17,
	3.06161699786838301793e-17,
	1.39033110312309984516e-17,
	6.12323399573676603587e-17,
}

var aT = [11]float64{
	3.33333333333329318027e-01,
	-1.99999999998764832476e-01,
	1.42857142725034663711e-01,
	-1.11111104054623557880e-01,
	9.09088713343650656196e-02,
	-7.69187620504482999495e-02,
	6.66107313738753120669e-02,
	-5.83357013379057348645e-02,
	4.97687799461593236017e-02,
	-3.65315727442169155270e-02,
	1.62858201153657823623e-02,
}

// Atan returns the arctangent of x in [-pi/2, pi/2].
func Atan(x float64) float64 {
	if math.IsNaN(x) {
		return x
	}
	neg := x < 0
	ax := math.Abs(x)
	if ax >= 7.378697629483821e+19 { // 2^66
		if neg {
			return -atanHi[3] - atanLo[3]
		}
		return atanHi[3] + atanLo[3]
	}
	id := -1
	if ax < 0.4375 {
		if ax < 7.450580596923828e-09 {
			return x
		}
	} else {
		if ax < 1.1875 {
			if ax < 0.6875 {
				id = 0
				ax = (2.0*ax - 1.0) / (2.0 + ax)
			} else {
				id = 1
				ax = (ax - 1.0) / (ax + 1.0)
			}
		} else {
			if ax < 2.4375 {
				id = 2
				ax = (ax - 1.5) / (1.0 + float64(1.5*ax))
			} else {
				id = 3
				ax = -1.0 / ax
			}
		}
	}
	if id < 0 {
		ax = x
	}
	z := float64(ax * ax)
	w := float64(z * z)
	s1 := float64(z * (aT[0] + float64(w*(aT[2]+float64(w*(aT[4]+float64(w*(aT[6]+float64(w*(aT[8]+float64(w*aT[10])))))))))))
	s2 := float64(w * (aT[1] + float64(w*(aT[3]+float64(w*(aT[5]+float64(w*(aT[7]+float64(w*aT[9])))))))))
	if id < 0 {
		return ax - float64(ax*(s1+s2))
	}
	r := atanHi[id] - ((float64(ax*(s1+s2)) - atanLo[id]) - ax)
	if neg {
		return -r
	}
	return r
}

// Atan2 returns the angle of (x, y) in (-pi, pi], following C atan2.
func Atan2(y, x float64) float64 {
	const piLo = 1.2246467991473531772e-16
	switch {
	case math.IsNaN(x) || math.IsNaN(y):
		return math.NaN()
	case y == 0:
		if x > 0 || (x == 0 && !math.Signbit(x)) {
			return y // +-0
		}
		return math.Copysign(Pi, y)
	case x == 0:
		return math.Copysign(HalfPi, y)
	case math.IsInf(x, 0):
		if math.IsInf(x, 1) {
			if math.IsInf(y, 0) {
				return math.Copysign(Pi/4, y)
			}
			return math.Copysign(0, y)
		}
		if math.IsInf(y, 0) {
			return math.Copysign(3*Pi/4, y)
		}
		return math.Copysign(Pi, y)
	case math.IsInf(y, 0):
		return math.Copysign(HalfPi, y)
	}
	// Quotient exponent checks avoid spurious over/underflow as in fdlibm.
	ey, ex := expOf(y), expOf(x)
	if ey == 0 || ex == 0 { // subnormal: compare normalised exponents
		_, ey = Frexp(y)
		_, ex = Frexp(x)
	}
	k := ey - ex
	var z float64
	switch {
	case k > 60:
		z = HalfPi + 0.5*piLo
	case x < 0 && k < -60:
		z = 0
	default:
		z = Atan(math.Abs(y / x))
	}
	switch {
	case x > 0:
		return math.Copysign(z, y)
	case y >= 0:
		return Pi - (z - piLo)
	default:
		return (z - piLo) - Pi
	}
}

// Asin returns the arcsine of x in [-pi/2, pi/2]; NaN outside [-1, 1].
func Asin(x float64) float64 {
	if x > 1 || x < -1 || math.IsNaN(x) {
		return math.NaN()
	}
	return Atan2(x, math.Sqrt(float64((1-x)*(1+x))))
}

// Acos returns the arccosine of x in [0, pi]; NaN outside [-1, 1].
func Acos(x float64) float64 {
	if x > 1 || x < -1 || math.IsNaN(x) {
		return math.NaN()
	}
	return Atan2(math.Sqrt(float64((1-x)*(1+x))), x)
}
