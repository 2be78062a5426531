package dmath

import (
	"math"
	"math/big"
)

// 300-bit math/big references. Only the tests use them (and math.Log /
// math.Log1p for Newton starting points, which the references then refine).

const refPrec = 300

func bf(x float64) *big.Float { return new(big.Float).SetPrec(refPrec).SetFloat64(x) }
func bn() *big.Float          { return new(big.Float).SetPrec(refPrec) }

func f64(b *big.Float) float64 { f, _ := b.Float64(); return f }

// ulps returns |a-b| in ulps of b (b is the correctly rounded reference).
func ulps(a, b float64) float64 {
	if a == b {
		return 0
	}
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.Inf(1)
	}
	u := math.Abs(math.Nextafter(b, math.Inf(1)) - b)
	return math.Abs(a-b) / u
}

// ulpErr returns the true error |got-ref| in units of the last place of the
// float64 binade that holds ref (not of its rounding): a correctly rounded
// result has ulpErr <= 0.5.
func ulpErr(got float64, ref *big.Float) float64 {
	rf := f64(ref)
	if math.IsNaN(got) || math.IsInf(got, 0) || math.IsInf(rf, 0) {
		if got == rf {
			return 0
		}
		return math.Inf(1)
	}
	var u float64
	if ref.Sign() == 0 {
		u = math.SmallestNonzeroFloat64
	} else {
		e := new(big.Float).Abs(ref).MantExp(nil) // |ref| in [2^(e-1), 2^e)
		u = math.Ldexp(1, max(e-53, -1074))
	}
	d := bn().Sub(bf(got), ref)
	d.Abs(d)
	return f64(d.Quo(d, bf(u)))
}

// bigExp evaluates e^x by Taylor series after halving the argument.
func bigExp(x *big.Float) *big.Float {
	r := bn().Set(x)
	k := 0
	for r.Sign() != 0 && r.MantExp(nil) > -8 {
		r.Quo(r, bf(2))
		k++
	}
	sum, term := bf(1), bf(1)
	for n := 1; n < 80; n++ {
		term.Mul(term, r)
		term.Quo(term, bf(float64(n)))
		sum.Add(sum, term)
	}
	for ; k > 0; k-- {
		sum.Mul(sum, sum)
	}
	return sum
}

// bigLogBig inverts bigExp by Newton's method on the mantissa of x > 0.
func bigLogBig(x *big.Float) *big.Float {
	m := bn()
	e := x.MantExp(m) // x = m 2^e, m in [0.5, 1)
	mf, _ := m.Float64()
	y := bf(math.Log(mf))
	for i := 0; i < 6; i++ {
		d := bn().Quo(m, bigExp(y))
		d.Sub(d, bf(1))
		y.Add(y, d)
	}
	return y.Add(y, bn().Mul(bigLn2(), bf(float64(e))))
}

func bigLog(x float64) *big.Float { return bigLogBig(bf(x)) }

var bigLn2Val *big.Float

func bigLn2() *big.Float {
	if bigLn2Val == nil {
		y := bf(math.Ln2)
		for i := 0; i < 6; i++ {
			d := bn().Quo(bf(2), bigExp(y))
			d.Sub(d, bf(1))
			y.Add(y, d)
		}
		bigLn2Val = y
	}
	return bigLn2Val
}

func bigPi() *big.Float {
	bigOnce.Do(initBig)
	return bn().Mul(bigPiOver2, bf(2))
}

// bigSinCos reduces x exactly (1700-bit pi) and sums the Taylor series.
func bigSinCos(x float64) (s, c *big.Float) {
	bigOnce.Do(initBig)
	twoPi := new(big.Float).SetPrec(bigPrec).Mul(bigPiOver2, big.NewFloat(4))
	xb := new(big.Float).SetPrec(bigPrec).SetFloat64(x)
	q := new(big.Float).SetPrec(bigPrec).Quo(xb, twoPi)
	n, _ := q.Int(nil)
	r := bn().Sub(xb, new(big.Float).SetPrec(bigPrec).Mul(new(big.Float).SetPrec(bigPrec).SetInt(n), twoPi))
	s, c = bf(0), bf(0)
	term := bf(1)
	for n := 0; n < 120; n++ {
		if n > 0 {
			term.Mul(term, r)
			term.Quo(term, bf(float64(n)))
		}
		switch n % 4 {
		case 0:
			c.Add(c, term)
		case 1:
			s.Add(s, term)
		case 2:
			c.Sub(c, term)
		case 3:
			s.Sub(s, term)
		}
	}
	return
}

func bigTan(x float64) *big.Float { s, c := bigSinCos(x); return s.Quo(s, c) }

// bigAtan halves the argument with atan a = 2 atan(a/(1+sqrt(1+a^2))) until
// it is small, then sums the Taylor series.
func bigAtan(x *big.Float) *big.Float {
	a := bn().Abs(x)
	k := 0
	for a.Cmp(bf(1.0/64)) > 0 {
		t := bn().Mul(a, a)
		t.Add(t, bf(1))
		t.Sqrt(t)
		t.Add(t, bf(1))
		a.Quo(a, t)
		k++
	}
	a2 := bn().Mul(a, a)
	sum, term := bn().Set(a), bn().Set(a)
	for n := 1; n < 100; n++ {
		term.Mul(term, a2)
		t := bn().Quo(term, bf(float64(2*n+1)))
		if n%2 == 1 {
			sum.Sub(sum, t)
		} else {
			sum.Add(sum, t)
		}
	}
	sum.SetMantExp(sum, k)
	if x.Sign() < 0 {
		sum.Neg(sum)
	}
	return sum
}

// bigAtan2 is the reference for finite, nonzero y and x.
func bigAtan2(y, x float64) *big.Float {
	a := bigAtan(bn().Quo(bf(y), bf(x)))
	if x < 0 {
		if y >= 0 {
			a.Add(a, bigPi())
		} else {
			a.Sub(a, bigPi())
		}
	}
	return a
}

func bigAsin(x float64) *big.Float {
	if math.Abs(x) == 1 {
		h := bn().Quo(bigPi(), bf(2))
		if x < 0 {
			h.Neg(h)
		}
		return h
	}
	t := bn().Mul(bf(x), bf(x))
	t.Sub(bf(1), t)
	t.Sqrt(t)
	return bigAtan(bn().Quo(bf(x), t))
}

func bigAcos(x float64) *big.Float {
	h := bn().Quo(bigPi(), bf(2))
	return h.Sub(h, bigAsin(x))
}

func bigPow(x, y float64) *big.Float {
	r := bigExp(bn().Mul(bf(y), bigLog(math.Abs(x))))
	if x < 0 && math.Mod(y, 2) != 0 {
		r.Neg(r)
	}
	return r
}

// bigCbrt polishes exp(log(x)/3) with Newton steps.
func bigCbrt(x float64) *big.Float {
	ax := bf(math.Abs(x))
	r := bigExp(bn().Quo(bigLogBig(ax), bf(3)))
	for i := 0; i < 3; i++ {
		d := bn().Quo(ax, bn().Mul(r, r))
		d.Sub(d, r)
		r.Add(r, d.Quo(d, bf(3)))
	}
	if x < 0 {
		r.Neg(r)
	}
	return r
}

// bigLog1p sums 2 atanh(u/(2+u)) for u >= 0.
func bigLog1p(u *big.Float) *big.Float {
	s := bn().Quo(u, bn().Add(bf(2), u))
	s2 := bn().Mul(s, s)
	sum, term := bn().Set(s), bn().Set(s)
	for n := 1; n < 2000 && term.Sign() != 0; n++ {
		term.Mul(term, s2)
		t := bn().Quo(term, bf(float64(2*n+1)))
		if t.Sign() == 0 || t.MantExp(nil)-sum.MantExp(nil) < -refPrec-8 {
			break
		}
		sum.Add(sum, t)
	}
	return sum.Mul(sum, bf(2))
}

// bigAsinh is log1p(|x| + x^2/(1+sqrt(1+x^2))), exact to 300 bits.
func bigAsinh(x float64) *big.Float {
	ax := bf(math.Abs(x))
	a2 := bn().Mul(ax, ax)
	t := bn().Add(a2, bf(1))
	t.Sqrt(t)
	t.Add(t, bf(1))
	t.Quo(a2, t)
	t.Add(t, ax)
	var r *big.Float
	if t.Cmp(bf(1)) < 0 {
		r = bigLog1p(t)
	} else {
		r = bigLogBig(t.Add(t, bf(1)))
	}
	if x < 0 {
		r.Neg(r)
	}
	return r
}

func bigSinh(x float64) *big.Float {
	e := bigExp(bf(x))
	r := bn().Quo(bf(1), e)
	r.Sub(e, r)
	return r.Quo(r, bf(2))
}
