package stabilizer

import (
	"math/rand/v2"
	"testing"
)

// GHZ on many qubits: every outcome is the first random variable.
func TestGHZWide(t *testing.T) {
	n := 3000
	tb := New(n)
	tb.H(0)
	for q := 1; q < n; q++ {
		tb.CX(q-1, q)
	}
	first, random, err := tb.Measure(0, nil)
	if err != nil || !random || first.IsConst() {
		t.Fatal("first GHZ measurement must be random")
	}
	for q := 1; q < n; q += 97 {
		e, random, _ := tb.Measure(q, nil)
		if random || e.Const != first.Const || len(e.Vars) == 0 || e.Vars[0] != first.Vars[0] {
			t.Fatalf("qubit %d: %+v random=%v", q, e, random)
		}
	}
}

func TestDeterministicSigns(t *testing.T) {
	tb := New(3)
	tb.X(1)
	tb.H(2)
	tb.S(2)
	tb.S(2)
	tb.H(2) // HZH = X: |1>
	tb.CX(1, 0)
	for q, want := range []uint8{1, 1, 1} {
		e, random, _ := tb.Measure(q, nil)
		if random || e.Const != want {
			t.Fatalf("qubit %d: %+v", q, e)
		}
	}
	// Y|0> = i|1>, S H: |+i>, measuring in Y basis via Sdg H gives 0
	tb = New(1)
	tb.H(0)
	tb.S(0)
	tb.Sdg(0)
	tb.H(0)
	if e, r, _ := tb.Measure(0, nil); r || e.Const != 0 {
		t.Fatal("S Sdg should cancel")
	}
}

// BenchmarkRandomClifford: 1000 qubits, 100,000 random H/S/CX gates and a
// measurement of a random qubit after every 100 gates (1,000 measurements).
func BenchmarkRandomClifford(b *testing.B) {
	const n, gates = 1000, 100_000
	for i := 0; i < b.N; i++ {
		r := rand.New(rand.NewPCG(1, 2))
		tb := New(n)
		for g := 0; g < gates; g++ {
			switch r.IntN(3) {
			case 0:
				tb.H(r.IntN(n))
			case 1:
				tb.S(r.IntN(n))
			default:
				a, c := r.IntN(n), r.IntN(n-1)
				if c >= a {
					c++
				}
				tb.CX(a, c)
			}
			if g%100 == 99 {
				if _, _, err := tb.Measure(r.IntN(n), nil); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}
