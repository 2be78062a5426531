package algo

import (
	"math"
	"testing"

	"github.com/novacron/novacron/x/internal/dmath"
	"github.com/novacron/novacron/x/quantumjob/engine"
	"github.com/novacron/novacron/x/quantumjob/engine/stabilizer"
)

func TestGrover(t *testing.T) {
	want := map[int]float64{3: 0.945313, 4: 0.961319, 5: 0.999182, 6: 0.996586, 8: 0.999947, 10: 0.999461}
	for n, p := range want {
		marked := uint64(5*n+3) % (1 << n)
		r, err := GroverSearch(n, marked)
		if err != nil {
			t.Fatal(err)
		}
		got := float64(r.SuccessPPT) / 1e12
		if math.Abs(got-p) > 5e-7 || r.Found != marked {
			t.Errorf("n=%d k=%d: success %.6f (want %.6f), found %d (want %d)", n, r.Iterations, got, p, r.Found, marked)
		}
	}
}

func TestQFTBasisStateUniform(t *testing.T) {
	for _, n := range []int{1, 3, 6} {
		for _, x := range []uint64{0, 1, uint64(1)<<n - 1, 5 % (1 << n)} {
			st, err := engine.StateVector(QFTCircuit(n, x).C, 1)
			if err != nil {
				t.Fatal(err)
			}
			for i, p := range st.Probabilities() {
				if engine.Quantise(p) != engine.Quantise(1/float64(uint64(1)<<n)) {
					t.Fatalf("n=%d x=%d: p[%d]=%v", n, x, i, p)
				}
			}
			// the phases are the Fourier kernel: amp_k = e^{2 pi i x k / N}/sqrt(N)
			N := float64(uint64(1) << n)
			for k, a := range st.Amp {
				w := 2 * dmath.Pi * float64(x) * float64(k) / N
				if math.Abs(real(a)-dmath.Cos(w)/math.Sqrt(N)) > 1e-12 || math.Abs(imag(a)-dmath.Sin(w)/math.Sqrt(N)) > 1e-12 {
					t.Fatalf("n=%d x=%d amp[%d]=%v", n, x, k, a)
				}
			}
		}
	}
}

func TestShor(t *testing.T) {
	cases := []struct {
		N, a, r uint64
		f       [2]uint64
	}{{15, 7, 4, [2]uint64{3, 5}}, {21, 2, 6, [2]uint64{3, 7}}}
	for _, c := range cases {
		res, err := Shor(c.N, c.a)
		if err != nil {
			t.Fatalf("N=%d: %v", c.N, err)
		}
		if res.Order != c.r || res.Factors != c.f {
			t.Fatalf("N=%d a=%d: order %d factors %v (peaks %v)", c.N, c.a, res.Order, res.Factors, res.Peaks)
		}
	}
}

func TestVQEH2(t *testing.T) {
	res, err := VQE(H2Hamiltonian, H2Ansatz, []float64{0.1, 0.2, 0.3, 0.4}, H2NuclearRepulsion)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.Total-(-1.137306)) > 1e-6 {
		t.Fatalf("total energy %.9f Ha (electronic %.9f), want -1.137306", res.Total, res.Electronic)
	}
	// exact ground state of the 4x4 Hamiltonian: block {00,11} and {01,10}
	a, b, c, d := -1.052373245772859, 0.39793742484318045, -0.01128010425623538, 0.18093119978423156
	// |00>: a+b-b+c... diagonal entries for Z-eigenvalues (z1 z0): a + b z0 - b z1 + c z0 z1
	e01 := a + b*(-1) - b*(1) + c*(-1) // z0=-1 (bit0=1), z1=+1
	e10 := a + b*(1) - b*(-1) + c*(-1)
	ground := (e01+e10)/2 - math.Sqrt(((e01-e10)/2)*((e01-e10)/2)+d*d)
	if math.Abs(res.Electronic-ground) > 1e-9 {
		t.Fatalf("electronic %.12f, exact %.12f", res.Electronic, ground)
	}
	again, _ := VQE(H2Hamiltonian, H2Ansatz, []float64{0.1, 0.2, 0.3, 0.4}, H2NuclearRepulsion)
	if again.TotalNanoHartree != res.TotalNanoHartree || again.Evaluations != res.Evaluations {
		t.Fatal("VQE is not deterministic")
	}
	t.Logf("VQE H2: %.9f Ha after %d sweeps, %d evaluations", res.Total, res.Sweeps, res.Evaluations)
}

func TestQAOAMaxCut(t *testing.T) {
	r, err := ExpectedCutRatio(6, CompleteBipartite(3, 3), dmath.Atan(1/math.Sqrt(2)), dmath.Pi/8)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(r-0.692450) > 5e-7 {
		t.Fatalf("K3,3: %.7f", r)
	}
	for _, n := range []int{4, 6, 8, 10} {
		r, err := ExpectedCutRatio(n, Ring(n), dmath.Pi/4, dmath.Pi/8)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(r-0.75) > 1e-9 {
			t.Fatalf("ring %d: %.9f", n, r)
		}
	}
}

func TestBB84(t *testing.T) {
	clean := BB84(4000, false, engine.SeedFromUint64(1))
	if clean.Errors != 0 || clean.Sifted < 1800 || clean.Sifted > 2200 {
		t.Fatalf("no eavesdropper: %+v", clean.Sifted)
	}
	tapped := BB84(4000, true, engine.SeedFromUint64(1))
	q := float64(tapped.QBERPPM) / 1e6
	sigma := math.Sqrt(0.25 * 0.75 / float64(tapped.Sifted))
	if math.Abs(q-0.25) > 4*sigma {
		t.Fatalf("intercept-resend QBER %.4f, want 0.25 +- %.4f", q, 4*sigma)
	}
	if again := BB84(4000, true, engine.SeedFromUint64(1)); again.Errors != tapped.Errors {
		t.Fatal("BB84 not deterministic")
	}
	t.Logf("BB84: sifted %d, QBER clean %d ppm, with Eve %d ppm", tapped.Sifted, clean.QBERPPM, tapped.QBERPPM)
}

func binomOK(k, n int, p float64) bool {
	mu := float64(n) * p
	return math.Abs(float64(k)-mu) <= 5*math.Sqrt(mu*(1-p))+2
}

func TestRepetitionCode(t *testing.T) {
	for _, p := range []float64{0.01, 0.05, 0.1} {
		r3 := RepetitionCode(3, uint64(p*1e6), 20000, engine.SeedFromUint64(2))
		want := 3*p*p - 2*p*p*p
		if !binomOK(r3.LogicalErrors, r3.Trials, want) || float64(r3.LogicalPPM)/1e6 >= p {
			t.Fatalf("d=3 p=%v: logical %d ppm, want ~%.0f", p, r3.LogicalPPM, want*1e6)
		}
		r5 := RepetitionCode(5, uint64(p*1e6), 20000, engine.SeedFromUint64(3))
		if r5.LogicalPPM > r3.LogicalPPM {
			t.Fatalf("d=5 worse than d=3 at p=%v", p)
		}
		t.Logf("repetition p=%.2f: d=3 %d ppm (theory %.0f), d=5 %d ppm", p, r3.LogicalPPM, want*1e6, r5.LogicalPPM)
	}
}

func TestSteaneCode(t *testing.T) {
	// every single X, Y or Z error is corrected
	for q := 0; q < 7; q++ {
		for e := 1; e <= 3; e++ {
			tab := stabilizer.New(8)
			SteaneEncode(tab)
			if e&1 != 0 {
				tab.X(q)
			}
			if e&2 != 0 {
				tab.Z(q)
			}
			zero := func() uint8 { return 0 }
			SteaneRound(tab, zero)
			if SteaneReadout(tab, zero) != 0 {
				t.Fatalf("single error %d on qubit %d not corrected", e, q)
			}
		}
	}
	// two X errors defeat a distance-3 code
	tab := stabilizer.New(8)
	SteaneEncode(tab)
	tab.X(0)
	tab.X(1)
	zero := func() uint8 { return 0 }
	SteaneRound(tab, zero)
	if SteaneReadout(tab, zero) != 1 {
		t.Fatal("double error should cause a logical error")
	}
	for _, p := range []float64{0.005, 0.02} {
		r := SteaneCode(uint64(p*1e6), 20000, engine.SeedFromUint64(4))
		// a logical flip needs >= 2 of the 7 independent X errors (~21 p^2)
		want := 1 - math.Pow(1-p, 7) - 7*p*math.Pow(1-p, 6)
		if float64(r.LogicalPPM)/1e6 >= p || !binomOK(r.LogicalErrors, r.Trials, want) {
			t.Fatalf("p=%v: logical %d ppm, want ~%.0f", p, r.LogicalPPM, want*1e6)
		}
		t.Logf("Steane p=%.3f: logical %d ppm (theory ~%.0f), physical %d ppm", p, r.LogicalPPM, want*1e6, r.PhysicalPPM)
	}
}
