package dmath

import "testing"

var sink float64

// inputs returns n pseudo-random values in [lo, hi) (a fixed LCG, so every
// run and every platform benchmarks the same inputs).
func inputs(n int, lo, hi float64) []float64 {
	xs := make([]float64, n)
	s := uint64(12345)
	for i := range xs {
		s = s*6364136223846793005 + 1442695040888963407
		xs[i] = lo + float64((hi-lo)*float64(s>>11)/(1<<53)) // no FMA: same inputs everywhere
	}
	return xs
}

var (
	bTrig  = inputs(1024, -10, 10)
	bHuge  = inputs(1024, -1e6, 1e6)
	bExp   = inputs(1024, -50, 50)
	bLog   = inputs(1024, 1e-3, 1e3)
	bAtan  = inputs(1024, -20, 20)
	bUnit  = inputs(1024, -1, 1)
	bPowX  = inputs(1024, 0.1, 50)
	bPowY  = inputs(1024, -3, 3)
	bSmall = inputs(1024, -3, 3)
)

func bench1(b *testing.B, xs []float64, f func(float64) float64) {
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += f(xs[i&1023])
	}
	sink = s
}

func bench2(b *testing.B, xs, ys []float64, f func(float64, float64) float64) {
	s := 0.0
	for i := 0; i < b.N; i++ {
		s += f(xs[i&1023], ys[(i*7)&1023])
	}
	sink = s
}

func BenchmarkSin(b *testing.B)     { bench1(b, bTrig, Sin) }
func BenchmarkSinHuge(b *testing.B) { bench1(b, bHuge, Sin) }
func BenchmarkCos(b *testing.B)     { bench1(b, bTrig, Cos) }
func BenchmarkTan(b *testing.B)     { bench1(b, bTrig, Tan) }
func BenchmarkExp(b *testing.B)     { bench1(b, bExp, Exp) }
func BenchmarkLog(b *testing.B)     { bench1(b, bLog, Log) }
func BenchmarkAtan(b *testing.B)    { bench1(b, bAtan, Atan) }
func BenchmarkAtan2(b *testing.B)   { bench2(b, bSmall, bUnit, Atan2) }
func BenchmarkAsin(b *testing.B)    { bench1(b, bUnit, Asin) }
func BenchmarkAcos(b *testing.B)    { bench1(b, bUnit, Acos) }
func BenchmarkPow(b *testing.B)     { bench2(b, bPowX, bPowY, Pow) }
func BenchmarkCbrt(b *testing.B)    { bench1(b, bLog, Cbrt) }
func BenchmarkAsinh(b *testing.B)   { bench1(b, bAtan, Asinh) }
func BenchmarkSinh(b *testing.B)    { bench1(b, bSmall, Sinh) }
func BenchmarkMod(b *testing.B)     { bench2(b, bHuge, bPowX, Mod) }
func BenchmarkPowInt(b *testing.B)  { bench1(b, bPowX, func(x float64) float64 { return Pow(x, 5) }) }
func BenchmarkLdexp(b *testing.B)   { bench1(b, bTrig, func(x float64) float64 { return Ldexp(x, 7) }) }
func BenchmarkSinCos(b *testing.B) {
	bench1(b, bTrig, func(x float64) float64 { s, c := SinCos(x); return s + c })
}
