package statevec

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// refDiagTable is ApplyDiagTable's definition written out per amplitude.
func refDiagTable(s *State, ts []DiagTerm) {
	bs := 1 << min(s.N, BlockBits)
	times := func(x complex128, r, i float64) complex128 { // the scale kernel
		return complex(float64(r*real(x))-float64(i*imag(x)), float64(r*imag(x))+float64(i*real(x)))
	}
	for x := range s.Amp {
		tab := complex(1, 0)
		var c complex128
		hasC := false
		for _, t := range ts {
			if x&t.Mask != t.Val {
				continue
			}
			if t.Mask&(bs-1) != 0 {
				tab = times(tab, t.Re, t.Im)
			} else if hasC {
				c = complex(float64(real(c)*t.Re)-float64(imag(c)*t.Im), float64(real(c)*t.Im)+float64(imag(c)*t.Re))
			} else {
				c, hasC = complex(t.Re, t.Im), true
			}
		}
		a := s.Amp[x]
		// a block is touched when some non-constant term can hold in it
		blockHas := false
		for _, t := range ts {
			hm := t.Mask &^ (bs - 1)
			if t.Mask&(bs-1) != 0 && x&hm == t.Val&hm {
				blockHas = true
			}
		}
		if blockHas {
			ar, ai := real(a), imag(a)
			a = complex(float64(ar*real(tab))-float64(ai*imag(tab)), float64(ai*real(tab))+float64(ar*imag(tab)))
		}
		if hasC {
			a = times(a, real(c), imag(c))
		}
		s.Amp[x] = a
	}
}

func randomTerms(r *rand.Rand, n, k int) []DiagTerm {
	ts := make([]DiagTerm, k)
	for i := range ts {
		m := 0
		for b := 0; b < 1+r.IntN(3); b++ {
			m |= 1 << r.IntN(n)
		}
		// a random unit phase (no stdlib transcendentals in engine code)
		re, im := r.Float64()*2-1, r.Float64()*2-1
		norm := math.Sqrt(re*re + im*im)
		ts[i] = DiagTerm{Mask: m, Val: m & r.IntN(1<<n), Re: re / norm, Im: im / norm}
	}
	return ts
}

// TestDiagTableDefinition: ApplyDiagTable equals its per-amplitude
// definition bit for bit (single- and multi-threaded, states smaller and
// larger than a block) and ApplyDiagTerms to rounding.
func TestDiagTableDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for it := 0; it < 40; it++ {
		n := []int{3, 9, 13, 16, 17}[it%5]
		ts := randomTerms(r, n, 1+r.IntN(30))
		ref := randomState(n, uint64(it))
		seq := ref.Clone()
		got := ref.Clone()
		got.Threads = 1 + it%3
		refDiagTable(ref, ts)
		seq.ApplyDiagTerms(ts)
		got.ApplyDiagTable(ts)
		sameBits(t, "table", got.Amp, ref.Amp)
		for i := range seq.Amp {
			if cmplx.Abs(seq.Amp[i]-got.Amp[i]) > 1e-14 {
				t.Fatalf("n=%d amp %d: %v vs sequential %v", n, i, got.Amp[i], seq.Amp[i])
			}
		}
	}
}

func TestDiagTableWorthIt(t *testing.T) {
	cz := func(a, b int) DiagTerm { m := 1<<a | 1<<b; return DiagTerm{Mask: m, Val: m, Re: -1} }
	few := []DiagTerm{cz(0, 1), cz(2, 3), cz(4, 5)}   // 3/4 of the amplitudes
	many := append(few, cz(1, 2), cz(3, 4), cz(0, 5)) // 6/4
	if DiagTableWorthIt(6, few) || DiagTableWorthIt(6, many) {
		t.Fatal("short runs should stay gate by gate")
	}
	if !DiagTableWorthIt(6, append(many, cz(0, 2), cz(1, 3))) { // 8/4
		t.Fatal("two touches per amplitude should use the table")
	}
}
