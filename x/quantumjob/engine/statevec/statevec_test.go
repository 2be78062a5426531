package statevec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

var hMat = [4]complex128{0.7071067811865476, 0.7071067811865476, 0.7071067811865476, -0.7071067811865476}

func randomState(n int, seed uint64) *State {
	r := rand.New(rand.NewPCG(seed, 1))
	s := New(n)
	for i := range s.Amp {
		s.Amp[i] = complex(r.Float64()-0.5, r.Float64()-0.5)
	}
	return s
}

// The parallel kernels must give the same bits as the sequential ones.
func TestParallelBitIdentical(t *testing.T) {
	u := [4]complex128{complex(0.6, 0.1), complex(-0.3, 0.7), complex(0.2, -0.5), complex(0.8, 0.05)}
	ur := [4]complex128{0.6, -0.8, 0.8, 0.6}
	m2 := make([]complex128, 16)
	for i := range m2 {
		m2[i] = complex(float64(i)/7, float64(15-i)/11)
	}
	a, b := randomState(17, 1), randomState(17, 1)
	b.Threads = 3
	for _, s := range []*State{a, b} {
		for q := 0; q < 17; q += 3 {
			s.Apply1(q, u)
			s.Apply1((q+1)%17, ur)
			s.ApplyDiag1(q, complex(0.6, 0.8), complex(0, 1))
			s.ApplyX(q)
			s.ApplyC1([]int{(q + 1) % 17}, q, u)
			s.ApplyCX([]int{(q + 5) % 17, (q + 2) % 17}, q)
			s.ApplyPhase([]int{q, (q + 4) % 17}, complex(0.6, -0.8))
			s.ApplySwap(nil, q, (q+7)%17)
			s.Apply2([]int{(q + 9) % 17}, q, (q+3)%17, m2)
		}
		s.ApplyPerm([]int{0}, []int{3, 4, 5}, []uint32{1, 2, 3, 4, 5, 6, 7, 0})
	}
	for i := range a.Amp {
		if a.Amp[i] != b.Amp[i] {
			t.Fatalf("amp %d differs: %v vs %v", i, a.Amp[i], b.Amp[i])
		}
	}
}

func TestKernelsAgainstDefinition(t *testing.T) {
	s := New(3)
	s.Apply1(1, hMat) // (|000> + |010>)/sqrt2
	s.ApplyCX([]int{1}, 2)
	p := s.Probabilities()
	if p[0] < 0.49999 || p[6] < 0.49999 {
		t.Fatal(p)
	}
	if p1 := s.Prob1(2); p1 < 0.4999999 || p1 > 0.5000001 {
		t.Fatal(p1)
	}
	s.Collapse(2, 1, 0.5)
	if p := s.Probabilities(); p[6] < 0.9999999 {
		t.Fatal(p)
	}
	s.ApplyPerm(nil, []int{0, 1, 2}, []uint32{0, 0, 0, 0, 0, 0, 7, 6}[0:8:8])
}

// uMat is a dense complex gate (u3(0.3,0.2,0.1)) for the complex kernel.
var uMat = [4]complex128{complex(0.9887710779360422, 0), complex(-0.14869989356326375, -0.014919807398469913),
	complex(0.14585154353127614, 0.029552020666133956), complex(0.9442765008197913, 0.2918920527306813)}

// BenchmarkGate1QDense is BenchmarkGate1Q with a dense complex matrix.
func BenchmarkGate1QDense(b *testing.B) {
	for _, n := range []int{20, 24} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			s := New(n)
			s.Apply1(0, hMat)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.Apply1(i%n, uMat)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Amp)), "ns/amp")
		})
	}
}

// BenchmarkGate1Q applies a dense one-qubit gate to every qubit in turn and
// reports ns per amplitude per gate (single thread).
func BenchmarkGate1Q(b *testing.B) {
	for _, n := range []int{20, 24} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			s := New(n)
			s.Apply1(0, hMat) // touch every page before timing
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.Apply1(i%n, hMat)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Amp)), "ns/amp")
		})
	}
}

// BenchmarkGate1QParallel is the off-chain multi-threaded path.
func BenchmarkGate1QParallel(b *testing.B) {
	n := 24
	s := New(n)
	s.Threads = 2
	s.Apply1(0, hMat)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Apply1(i%n, hMat)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Amp)), "ns/amp")
}

func BenchmarkGate1QByQubit(b *testing.B) {
	for _, q := range []int{0, 1, 3, 6, 12, 23} {
		b.Run(fmt.Sprintf("q=%d", q), func(b *testing.B) {
			s := New(24)
			s.Apply1(0, hMat)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.Apply1(q, hMat)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Amp)), "ns/amp")
		})
	}
}

// BenchmarkStreamFloor multiplies every amplitude of a 2^24 state by i in
// place with the vectorised scale kernel: the memory-bandwidth floor a
// one-qubit gate cannot beat (one read and one write of each amplitude).
func BenchmarkStreamFloor(b *testing.B) {
	s := New(24)
	s.Apply1(0, hMat)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		scaleRuns(s.Amp, 0, len(s.Amp), 0, 1, 0, 1)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Amp)), "ns/amp")
}

// BenchmarkGate1QBlocked applies H to qubits 0..12 of a 2^24 state as one
// cache-blocked segment (ForBlocks: 13 gates per memory pass, what the
// runner does for runs of low-qubit gates) and reports ns per amplitude per
// gate.
func BenchmarkGate1QBlocked(b *testing.B) {
	s := New(24)
	s.Apply1(0, hMat)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.ForBlocks(func(blk *Block) {
			for q := 0; q < BlockBits; q++ {
				blk.Apply1(q, hMat)
			}
		})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(s.Amp))/BlockBits, "ns/amp")
}

// TestDiagTermsBitIdentical: a run of diagonal terms applied blockwise gives
// the same bits as the single-gate kernels (controlled phases: their
// per-amplitude arithmetic) one after another, on masks that
// straddle the block boundary, single- and multi-threaded.
func TestDiagTermsBitIdentical(t *testing.T) {
	const n = 16
	ph := func(k int) complex128 { return complex(0.6+float64(k)/97, 0.8-float64(k)/89) }
	for _, threads := range []int{1, 2} {
		ref := randomState(n, 5)
		got := ref.Clone()
		got.Threads = threads
		var ts []DiagTerm
		k := 0
		for _, qs := range [][]int{{0, 15}, {3, 14}, {12, 13}, {0, 1}, {7}, {15}, {2, 9, 14}, {5, 6}} {
			m := maskOf(qs)
			// per amplitude, as the single-gate scale kernel multiplies
			r, im := real(ph(k)), imag(ph(k))
			for i, a := range ref.Amp {
				if i&m == m {
					ref.Amp[i] = complex(float64(r*real(a))-float64(im*imag(a)), float64(r*imag(a))+float64(im*real(a)))
				}
			}
			ts = append(ts, DiagTerm{Mask: m, Val: m, Re: real(ph(k)), Im: imag(ph(k))})
			k++
		}
		for _, q := range []int{0, 4, 13, 15} {
			d0, d1 := ph(k), ph(k+1)
			ref.ApplyDiag1(q, d0, d1)
			ts = append(ts, DiagTerm{Mask: 1 << q, Val: 0, Re: real(d0), Im: imag(d0)},
				DiagTerm{Mask: 1 << q, Val: 1 << q, Re: real(d1), Im: imag(d1)})
			k += 2
		}
		ref.ApplyC1([]int{14}, 1, [4]complex128{ph(k), 0, 0, ph(k + 1)})
		ts = append(ts, DiagTerm{Mask: 1<<14 | 2, Val: 1<<14 | 2, Re: real(ph(k + 1)), Im: imag(ph(k + 1))},
			DiagTerm{Mask: 1<<14 | 2, Val: 1 << 14, Re: real(ph(k)), Im: imag(ph(k))})
		got.ApplyDiagTerms(ts)
		for i := range ref.Amp {
			if math.Float64bits(real(ref.Amp[i])) != math.Float64bits(real(got.Amp[i])) ||
				math.Float64bits(imag(ref.Amp[i])) != math.Float64bits(imag(got.Amp[i])) {
				t.Fatalf("threads=%d amp %d: %v != %v", threads, i, got.Amp[i], ref.Amp[i])
			}
		}
	}
}

func TestXMaskEqualsX(t *testing.T) {
	for _, threads := range []int{1, 2} {
		ref := randomState(17, 9)
		got := ref.Clone()
		got.Threads = threads
		for _, q := range []int{0, 3, 16, 8} {
			ref.ApplyX(q)
		}
		got.ApplyXMask(1 | 1<<3 | 1<<16 | 1<<8)
		for i := range ref.Amp {
			if ref.Amp[i] != got.Amp[i] {
				t.Fatalf("threads=%d amp %d", threads, i)
			}
		}
	}
}
