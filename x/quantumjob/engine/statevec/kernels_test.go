package statevec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// specialFloat draws values that stress rounding and signs: zeros of both
// signs, subnormals, huge and ordinary numbers.
func specialFloat(r *rand.Rand) float64 {
	switch r.IntN(8) {
	case 0:
		return 0
	case 1:
		return math.Copysign(0, -1)
	case 2:
		return (r.Float64() - 0.5) * 1e-310
	case 3:
		return (r.Float64() - 0.5) * 1e300
	default:
		return r.Float64()*2 - 1
	}
}

func sameBits(t *testing.T, what string, got, want []complex128) {
	t.Helper()
	for i := range want {
		if math.Float64bits(real(got[i])) != math.Float64bits(real(want[i])) ||
			math.Float64bits(imag(got[i])) != math.Float64bits(imag(want[i])) {
			t.Fatalf("%s: amplitude %d: %v, want %v", what, i, got[i], want[i])
		}
	}
}

// TestKernelsMatchGo: the assembly kernels give the bits of the Go loops for
// every shape (odd lengths, strides, single pairs) and special values.
func TestKernelsMatchGo(t *testing.T) {
	if !useAVX {
		t.Skip("no assembly kernels on this platform")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for it := 0; it < 4000; it++ {
		n := 1 + r.IntN(13)
		d := n + r.IntN(3)
		step := 2*d + r.IntN(3)
		if it%16 == 0 { // adjacent pairs (qubit 0), AVX only
			n, d, step = 1, 1, 2
		}
		blocks := 1 + r.IntN(5)
		size := span(d, n, step, blocks) + r.IntN(3)
		a := make([]complex128, size)
		for i := range a {
			a[i] = complex(specialFloat(r), specialFloat(r))
		}
		var m mat
		for _, p := range []*float64{&m.ar, &m.ai, &m.br, &m.bi, &m.cr, &m.ci, &m.dr, &m.di} {
			*p = specialFloat(r)
		}
		want := append([]complex128(nil), a...)
		got := append([]complex128(nil), a...)
		wide := useAVX512 && it%2 == 1 // the AVX-512 versions on odd iterations
		switch it % 4 {
		case 3:
			tb := make([]complex128, size)
			for i := range tb {
				tb[i] = complex(specialFloat(r), specialFloat(r))
			}
			mul(want, tb)
			if wide {
				mulAVX512(&got[0], &tb[0], size)
			} else {
				mulAVX(&got[0], &tb[0], size)
			}
		case 0:
			for b := 0; b < blocks; b++ {
				kern(want[b*step:b*step+n], want[b*step+d:b*step+d+n], m)
			}
			if wide {
				kernAVX512(&got[0], &got[d], n, step, blocks, &m)
			} else {
				kernAVX(&got[0], &got[d], n, step, blocks, &m)
			}
		case 1:
			for b := 0; b < blocks; b++ {
				realKern(want[b*step:b*step+n], want[b*step+d:b*step+d+n], m)
			}
			if wide {
				realKernAVX512(&got[0], &got[d], n, step, blocks, &m)
			} else {
				realKernAVX(&got[0], &got[d], n, step, blocks, &m)
			}
		case 2:
			for b := 0; b < blocks; b++ {
				scale(want[b*step:b*step+n], m.ar, m.ai)
			}
			if wide {
				scaleAVX512(&got[0], n, step, blocks, m.ar, m.ai)
			} else {
				scaleAVX(&got[0], n, step, blocks, m.ar, m.ai)
			}
		}
		sameBits(t, "kernel", got, want)
	}
}

// TestGatesMatchGo runs whole gates with the assembly kernels and with the
// Go loops: same bits, single- and multi-threaded.
func TestGatesMatchGo(t *testing.T) {
	if !useAVX {
		t.Skip("no assembly kernels on this platform")
	}
	defer func(v, w bool) { useAVX, useAVX512 = v, w }(useAVX, useAVX512)
	have512 := useAVX512
	for _, threads := range []int{1, 3} {
		for _, q := range []int{0, 1, 2, 5, 6, 9, 16} {
			var states [3]*State
			for k, mode := range []struct{ avx, avx512 bool }{{false, false}, {true, false}, {true, have512}} {
				useAVX, useAVX512 = mode.avx, mode.avx512
				s := randomState(17, 4)
				s.Threads = threads
				s.Apply1(q, [4]complex128{complex(0.6, 0.1), complex(-0.2, 0.7), complex(0.3, -0.4), complex(0.5, 0.5)})
				s.Apply1(q, [4]complex128{0.6, 0.8, 0.8, -0.6})
				s.ApplyDiag1(q, complex(0.6, 0.8), complex(0, 1))
				s.ApplyPhase([]int{q, (q + 3) % 17}, complex(0.28, 0.96))
				s.ApplyDiagTerms([]DiagTerm{{Mask: 1<<q | 1<<12, Val: 1 << q, Re: 0.8, Im: -0.6}, {Mask: 5 << q, Val: 4 << q, Re: 0, Im: -1}})
				s.ApplyDiagTable([]DiagTerm{{Mask: 1<<q | 1<<14, Val: 1<<q | 1<<14, Re: 0.6, Im: 0.8}, {Mask: 3 << q, Val: 1 << q, Re: -0.28, Im: 0.96}, {Mask: 1 << 15, Val: 1 << 15, Re: 0, Im: 1}})
				states[k] = s
			}
			sameBits(t, "gates (AVX)", states[1].Amp, states[0].Amp)
			sameBits(t, "gates (AVX-512)", states[2].Amp, states[0].Amp)
		}
	}
}
