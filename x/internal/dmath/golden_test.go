package dmath

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"testing"
)

// TestGoldenDmath pins the bits of every function of the package on a fixed
// grid. It must hold under the default build, GODEBUG=cpu.fma=off,
// GOAMD64=v3 and GOARCH=arm64 (docs/ARCHITECTURE.md, Determinism rule 4): run
//
//	go test -run Golden ./x/internal/dmath/
//
// in those four configurations (as scripts/test-determinism.sh does for the
// engines, which also pin these functions through their own goldens).
func TestGoldenDmath(t *testing.T) {
	h := sha256.New()
	var b [8]byte
	put := func(v float64) {
		binary.BigEndian.PutUint64(b[:], math.Float64bits(v))
		h.Write(b[:])
	}
	for i := -2000; i <= 2000; i++ {
		x := float64(i) * 0.0137
		ax := math.Abs(x)
		s, c := SinCos(x * 37)
		f, e := Frexp(x * 1e-300)
		for _, v := range []float64{Sin(x), Cos(x), s, c, Sin(x * 1e6), Cos(x * 1e12), Tan(x / 20),
			Atan(x), Atan2(x, 0.3), Atan2(-0.7, x), Asin(x / 28), Acos(x / 28),
			Exp(x / 10), Exp(x * 27), Log(ax + 1e-3), Log(ax * 1e-310),
			Pow(ax+0.5, 1.7), Pow(ax, 2.0/3.0), Pow(x, float64(i%129-64)), Pow(-1.0001, float64(i*i)),
			Cbrt(x * 1e5), Asinh(x * x * x), Sinh(x / 4), Mod(x*1e3, 0.37), Sqrt(ax),
			f, float64(e), Ldexp(x, i/2), Mul(x, 1.1)} {
			put(v)
		}
	}
	got := hex.EncodeToString(h.Sum(nil))
	const want = "2cc1df1c6efa193ac30802d7e4ca148f133ff3b2a7b2b04777cf753ef75b7122"
	if got != want {
		t.Fatalf("golden dmath digest %s, want %s", got, want)
	}
}
