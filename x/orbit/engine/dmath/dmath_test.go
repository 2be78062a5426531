package dmath

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

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

const refPrec = 300

func bf(x float64) *big.Float { return new(big.Float).SetPrec(refPrec).SetFloat64(x) }

// bigExp evaluates e^x by Taylor series after halving the argument.
func bigExp(x *big.Float) *big.Float {
	r := new(big.Float).SetPrec(refPrec).Set(x)
	k := 0
	for r.MantExp(nil) > -8 {
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

// bigLog inverts bigExp by Newton's method from the float64 guess.
func bigLog(x float64) *big.Float {
	y := bf(math.Log(x))
	for i := 0; i < 6; i++ {
		e := bigExp(y)
		d := new(big.Float).SetPrec(refPrec).Quo(bf(x), e)
		d.Sub(d, bf(1))
		y.Add(y, d)
	}
	return y
}

// bigSinCos evaluates Taylor series around the reduced argument.
func bigSinCos(x float64) (s, c *big.Float) {
	bigOnce.Do(initBig)
	twoPi := new(big.Float).SetPrec(refPrec).Mul(bigPiOver2, bf(4))
	q := new(big.Float).SetPrec(refPrec).Quo(bf(x), twoPi)
	n, _ := q.Int(nil)
	r := new(big.Float).SetPrec(refPrec).Sub(bf(x), new(big.Float).SetPrec(refPrec).Mul(new(big.Float).SetPrec(refPrec).SetInt(n), twoPi))
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

func f64(b *big.Float) float64 { f, _ := b.Float64(); return f }

func TestSinCosAgainstBigFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	worst := 0.0
	for i := 0; i < 3000; i++ {
		var x float64
		switch i % 3 {
		case 0:
			x = (rng.Float64() - 0.5) * 8
		case 1:
			x = (rng.Float64() - 0.5) * 2e4
		default:
			x = (rng.Float64() - 0.5) * 1e9
		}
		s, c := bigSinCos(x)
		worst = math.Max(worst, ulps(Sin(x), f64(s)))
		worst = math.Max(worst, ulps(Cos(x), f64(c)))
		gs, gc := SinCos(x)
		if gs != Sin(x) || gc != Cos(x) {
			t.Fatalf("SinCos(%v) differs from Sin/Cos", x)
		}
	}
	t.Logf("sin/cos worst error %.3f ulp", worst)
	if worst > 1 {
		t.Fatalf("sin/cos error %.3f ulp > 1", worst)
	}
}

func TestExpLogAgainstBigFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	we, wl := 0.0, 0.0
	for i := 0; i < 1500; i++ {
		x := (rng.Float64() - 0.5) * 1400
		we = math.Max(we, ulps(Exp(x), f64(bigExp(bf(x)))))
		y := math.Exp((rng.Float64() - 0.5) * 1400)
		wl = math.Max(wl, ulps(Log(y), f64(bigLog(y))))
	}
	t.Logf("exp worst %.3f ulp, log worst %.3f ulp", we, wl)
	if we > 1 || wl > 1 {
		t.Fatalf("exp %.3f / log %.3f ulp > 1", we, wl)
	}
}

func TestPowAgainstBigFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	worst := 0.0
	ys := []float64{2.0 / 3.0, -2.0 / 3.0, 1.5, 3.5, 1.0 / 3.0, 0.123456}
	for i := 0; i < 1200; i++ {
		x := rng.Float64() * 50
		y := ys[i%len(ys)]
		ref := bigExp(new(big.Float).SetPrec(refPrec).Mul(bf(y), bigLog(x)))
		worst = math.Max(worst, ulps(Pow(x, y), f64(ref)))
	}
	t.Logf("pow worst %.3f ulp", worst)
	if worst > 1 {
		t.Fatalf("pow error %.3f ulp > 1", worst)
	}
	if Pow(3, 4) != 81 || Pow(2, -2) != 0.25 {
		t.Fatal("integer powers")
	}
}

func TestAtanAgainstStdlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	worst := 0.0
	for i := 0; i < 20000; i++ {
		y := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(8)-3))
		x := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(8)-3))
		worst = math.Max(worst, ulps(Atan2(y, x), math.Atan2(y, x)))
		worst = math.Max(worst, ulps(Atan(y/x), math.Atan(y/x)))
	}
	t.Logf("atan/atan2 worst vs stdlib %.3f ulp", worst)
	if worst > 2 {
		t.Fatalf("atan error %.3f ulp", worst)
	}
	for _, c := range [][3]float64{{0, 1, 0}, {1, 0, math.Pi / 2}, {0, -1, math.Pi}, {-1, 0, -math.Pi / 2}, {1, 1, math.Pi / 4}} {
		if got := Atan2(c[0], c[1]); ulps(got, c[2]) > 1 {
			t.Fatalf("Atan2(%v,%v)=%v want %v", c[0], c[1], got, c[2])
		}
	}
	for _, x := range []float64{-1, -0.5, 0, 0.3, 0.99, 1} {
		if ulps(Asin(x), math.Asin(x)) > 2 || ulps(Acos(x), math.Acos(x)) > 2 {
			t.Fatalf("asin/acos(%v)", x)
		}
	}
}

func TestMod(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for i := 0; i < 20000; i++ {
		x := (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(12)))
		y := rng.Float64()*10 + 1e-3
		if got, want := Mod(x, y), math.Mod(x, y); got != want {
			t.Fatalf("Mod(%v,%v)=%v want %v", x, y, got, want)
		}
	}
}

func TestSpecialValues(t *testing.T) {
	if !math.IsNaN(Sin(math.Inf(1))) || !math.IsNaN(Log(-1)) || Exp(-1000) != 0 || !math.IsInf(Exp(1000), 1) {
		t.Fatal("special values")
	}
	if Sin(1e300) != math.Sin(1e300) && ulps(Sin(1e300), math.Sin(1e300)) > 1 {
		t.Fatalf("huge sin %v vs %v", Sin(1e300), math.Sin(1e300))
	}
}

func BenchmarkSinCos(b *testing.B) {
	x := 0.0
	s := 0.0
	for i := 0; i < b.N; i++ {
		a, c := SinCos(x)
		s += a + c
		x += 0.1
	}
	_ = s
}
