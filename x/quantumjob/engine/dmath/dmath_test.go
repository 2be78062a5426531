package dmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

func ulpDiff(a, b float64) float64 {
	if a == b {
		return 0
	}
	d := math.Abs(a - b)
	u := math.Abs(math.Nextafter(b, math.Inf(1)) - b)
	if u == 0 {
		return d
	}
	return d / u
}

func check(t *testing.T, name string, f, ref func(float64) float64, lo, hi float64, maxULP, absTol float64) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		x := lo + r.Float64()*(hi-lo)
		got, want := f(x), ref(x)
		if math.Abs(got-want) <= absTol {
			continue
		}
		if ulpDiff(got, want) > maxULP {
			t.Fatalf("%s(%v) = %v want %v (%.1f ulp)", name, x, got, want, ulpDiff(got, want))
		}
	}
}

func TestAgainstStdlib(t *testing.T) {
	check(t, "Sin", Sin, math.Sin, -100, 100, 2, 1e-16)
	check(t, "Cos", Cos, math.Cos, -100, 100, 2, 1e-16)
	check(t, "Tan", Tan, math.Tan, -1.5, 1.5, 4, 1e-16)
	check(t, "Exp", Exp, math.Exp, -700, 700, 2, 0)
	check(t, "Ln", Ln, math.Log, 1e-300, 1e300, 2, 0)
	check(t, "Ln", Ln, math.Log, 0, 4, 2, 1e-16)
	check(t, "Atan", Atan, math.Atan, -50, 50, 2, 0)
	check(t, "Asin", Asin, math.Asin, -1, 1, 4, 1e-14)
	check(t, "Acos", Acos, math.Acos, -1, 1, 4, 1e-14)
	if Sin(Pi) > 1.3e-16 || Cos(Pi/2) > 1e-16 || Sin(0) != 0 || Cos(0) != 1 {
		t.Fatal("special values")
	}
	if Pow(2, 10) != 1024 || Pow(2, -1) != 0.5 || math.Abs(Pow(2, 0.5)-math.Sqrt2) > 1e-15 {
		t.Fatal("pow")
	}
	if !math.IsNaN(Sin(math.Inf(1))) || !math.IsNaN(Ln(-1)) || Exp(-1000) != 0 {
		t.Fatal("edge")
	}
	for _, x := range []float64{5e-324, 1e-310, 3, 0.75} {
		f, e := Frexp(x)
		f2, e2 := math.Frexp(x)
		if f != f2 || e != e2 || Ldexp(f, e) != x {
			t.Fatalf("frexp %v", x)
		}
	}
	for _, y := range []float64{0.3, -2, 1, -0.0} {
		for _, x := range []float64{0.7, -0.7, 0, -0.0} {
			if a, b := Atan2(y, x), math.Atan2(y, x); math.Abs(a-b) > 1e-15 && !(math.IsNaN(a) && math.IsNaN(b)) {
				t.Fatalf("atan2(%v,%v)=%v want %v", y, x, a, b)
			}
		}
	}
}
