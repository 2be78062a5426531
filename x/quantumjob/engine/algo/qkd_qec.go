package algo

import (
	"math/rand/v2"

	"github.com/novacron/novacron/x/quantumjob/engine/stabilizer"
)

// BB84Result summarises one BB84 run.
type BB84Result struct {
	Sent    int
	Sifted  int    // positions where Alice's and Bob's bases agree
	Errors  int    // sifted positions where Bob's bit differs
	QBERPPM uint64 // errors/sifted in parts per million
	Key     []byte // Bob's sifted key bits (0/1)
}

// BB84 simulates n qubits on the stabilizer backend: Alice encodes random
// bits in random Z/X bases, an optional intercept-resend eavesdropper
// measures each qubit in a random basis and resends her result, and Bob
// measures in random bases. All randomness comes from ChaCha8(seed).
func BB84(n int, eve bool, seed [32]byte) BB84Result {
	rng := rand.New(rand.NewChaCha8(seed))
	rnd := func() uint8 { return uint8(rng.Uint64() & 1) }
	res := BB84Result{Sent: n}
	for i := 0; i < n; i++ {
		bit, basis := rnd(), rnd()
		t := stabilizer.New(1)
		if bit == 1 {
			t.X(0)
		}
		if basis == 1 {
			t.H(0)
		}
		if eve {
			eb := rnd()
			if eb == 1 {
				t.H(0)
			}
			t.Measure(0, rnd) // collapses to Eve's basis state, which she resends
			if eb == 1 {
				t.H(0)
			}
		}
		bb := rnd()
		if bb == 1 {
			t.H(0)
		}
		e, _, _ := t.Measure(0, rnd)
		if bb != basis {
			continue
		}
		res.Sifted++
		res.Key = append(res.Key, e.Const)
		if e.Const != bit {
			res.Errors++
		}
	}
	if res.Sifted > 0 {
		res.QBERPPM = (uint64(res.Errors)*1_000_000 + uint64(res.Sifted)/2) / uint64(res.Sifted)
	}
	return res
}

// CodeResult compares logical and physical error rates.
type CodeResult struct {
	Trials        int
	PhysicalPPM   uint64 // per-qubit error probability used
	LogicalErrors int
	LogicalPPM    uint64
}

func ppm(k, n int) uint64 { return (uint64(k)*1_000_000 + uint64(n)/2) / uint64(n) }

func flip(rng *rand.Rand, pPPM uint64) bool { return rng.Uint64N(1_000_000) < pPPM }

// RepetitionCode runs a distance-d bit-flip code: encode |0_L>, apply X to
// each data qubit with probability p, extract the d-1 neighbour parities
// with ancillas, correct the minimum-weight error, and read the logical bit.
func RepetitionCode(d int, pPPM uint64, trials int, seed [32]byte) CodeResult {
	rng := rand.New(rand.NewChaCha8(seed))
	rnd := func() uint8 { return uint8(rng.Uint64() & 1) }
	res := CodeResult{Trials: trials, PhysicalPPM: pPPM}
	for tr := 0; tr < trials; tr++ {
		t := stabilizer.New(2*d - 1) // data 0..d-1, ancillas d..2d-2
		for q := 0; q < d; q++ {
			if flip(rng, pPPM) {
				t.X(q)
			}
		}
		syn := make([]uint8, d-1)
		for j := 0; j < d-1; j++ {
			a := d + j
			t.CX(j, a)
			t.CX(j+1, a)
			e, _, _ := t.Measure(a, rnd)
			syn[j] = e.Const
		}
		// error pattern consistent with the syndrome, starting with e0 = 0;
		// its complement is the other candidate: choose the lighter
		e := make([]uint8, d)
		w := 0
		for j := 1; j < d; j++ {
			e[j] = e[j-1] ^ syn[j-1]
			w += int(e[j])
		}
		comp := w > d-w
		for q := 0; q < d; q++ {
			if e[q] == 1 != comp {
				t.X(q)
			}
		}
		ones := 0
		for q := 0; q < d; q++ {
			m, _, _ := t.Measure(q, rnd)
			ones += int(m.Const)
		}
		if ones*2 > d {
			res.LogicalErrors++
		}
	}
	res.LogicalPPM = ppm(res.LogicalErrors, trials)
	return res
}

// steaneChecks are the supports of the Steane code's stabilizer generators
// (the same for X- and Z-type): qubit i (0-based) is in check k when bit k of
// i+1 is set, so a single error's syndrome is its position.
var steaneChecks = [3][4]int{{0, 2, 4, 6}, {1, 2, 5, 6}, {3, 4, 5, 6}}

// SteaneEncode prepares |0_L> of the [[7,1,3]] code on qubits 0..6.
func SteaneEncode(t *stabilizer.Tableau) {
	leaders := [3]int{0, 1, 3}
	for k, l := range leaders {
		t.H(l)
		for _, q := range steaneChecks[k] {
			if q != l {
				t.CX(l, q)
			}
		}
	}
}

// SteaneRound extracts both syndromes with ancilla 7 (reset between checks),
// and applies the decoded X and Z corrections.
func SteaneRound(t *stabilizer.Tableau, rnd func() uint8) {
	const anc = 7
	var sx, sz int
	for k, chk := range steaneChecks {
		t.Reset(anc, rnd) // Z-type check: parity onto the ancilla
		for _, q := range chk {
			t.CX(q, anc)
		}
		e, _, _ := t.Measure(anc, rnd)
		sz |= int(e.Const) << k
		t.Reset(anc, rnd) // X-type check: ancilla in |+> controls X on the data
		t.H(anc)
		for _, q := range chk {
			t.CX(anc, q)
		}
		t.H(anc)
		e, _, _ = t.Measure(anc, rnd)
		sx |= int(e.Const) << k
	}
	if sz != 0 {
		t.X(sz - 1)
	}
	if sx != 0 {
		t.Z(sx - 1)
	}
}

// SteaneCode runs the distance-3 Steane code: encode |0_L>, apply X and Z
// errors independently with probability p per data qubit, one round of
// syndrome extraction and correction, then a transversal Z read-out whose
// parity is the logical bit.
func SteaneCode(pPPM uint64, trials int, seed [32]byte) CodeResult {
	rng := rand.New(rand.NewChaCha8(seed))
	rnd := func() uint8 { return uint8(rng.Uint64() & 1) }
	res := CodeResult{Trials: trials, PhysicalPPM: pPPM}
	for tr := 0; tr < trials; tr++ {
		t := stabilizer.New(8)
		SteaneEncode(t)
		for q := 0; q < 7; q++ {
			if flip(rng, pPPM) {
				t.X(q)
			}
			if flip(rng, pPPM) {
				t.Z(q)
			}
		}
		SteaneRound(t, rnd)
		if SteaneReadout(t, rnd) == 1 {
			res.LogicalErrors++
		}
	}
	res.LogicalPPM = ppm(res.LogicalErrors, trials)
	return res
}

// SteaneReadout measures the 7 data qubits and returns the logical Z value
// (parity of the bits after classical Hamming correction).
func SteaneReadout(t *stabilizer.Tableau, rnd func() uint8) uint8 {
	var par uint8
	s := 0
	for q := 0; q < 7; q++ {
		e, _, _ := t.Measure(q, rnd)
		par ^= e.Const
		if e.Const == 1 {
			s ^= q + 1
		}
	}
	if s != 0 { // a residual single flip in the read-out is corrected classically
		par ^= 1
	}
	return par
}
