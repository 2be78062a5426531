package engine

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fuzzBudget is small enough for the fuzzer to stay fast and large enough
// to run whole circuits.
const fuzzBudget = 5_000_000

// maxNsPerStep is the fuzz target's bound on wall time per metered step,
// far above what BenchmarkAdversarial measures (~1-2.5 ns), so only work the
// meter does not see (a loop that charges nothing) can trip it.
const maxNsPerStep = 200

// FuzzRun: whatever the input, a run never panics, never counts more than
// its budget (nor, when it succeeds, more than its cost), and never takes
// much longer than the steps it counted; shot counts add up. Seeded with
// the adversarial corpus.
func FuzzRun(f *testing.F) {
	f.Add(`OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;`, uint8(0))
	f.Add(`OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg c[3]; h q; measure q[0] -> c[0]; if(c==1) x q[1]; reset q[0]; measure q -> c;`, uint8(1))
	f.Add(`OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[1]; u3(0.1,0.2,0.3) q[0]; cu1(pi/3) q[0],q[1]; rzz(1) q[0],q[1]; measure q[1] -> c[0];`, uint8(2))
	f.Add(`OPENQASM 2.0; include "qelib1.inc"; opaque o q; qreg q[1]; o q[0];`, uint8(0))
	files, _ := filepath.Glob(filepath.Join("testdata", "adversarial", "*.qasm"))
	for i, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(string(b), uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, src string, sel uint8) {
		lim := ChainLimits()
		lim.Parse.MaxQubits = 256
		lim.MaxQubitsStateVector = 10
		lim.MaxQubitsStabilizer = 256
		lim.MaxBranches = 16
		lim.MaxBranchAmplitudes = 1 << 14
		backends := []Backend{BackendAuto, BackendStateVector, BackendStabilizer}
		o := Options{Shots: int(sel % 17), Seed: SeedFromUint64(uint64(sel)), Backend: backends[int(sel)%3], Limits: lim, Budget: fuzzBudget}
		start := time.Now()
		r, err := Run(src, o)
		elapsed := time.Since(start)
		steps := uint64(fuzzBudget) // a failed run counted at most its budget
		if err == nil {
			steps = r.Steps
			if r.Steps > r.Cost || r.Steps > fuzzBudget {
				t.Fatalf("steps %d > cost %d or budget %d", r.Steps, r.Cost, fuzzBudget)
			}
		} else if errors.Is(err, ErrBudget) && r != nil {
			t.Fatal("a failed run returned a result")
		}
		if limit := 50*time.Millisecond + time.Duration(steps*maxNsPerStep); elapsed > limit {
			t.Fatalf("%v for %d steps: work the meter does not count", elapsed, steps)
		}
		if err == nil && r.Shots > 0 {
			var n uint64
			for _, e := range r.Counts {
				n += e.Value
			}
			if n != uint64(r.Shots) {
				t.Fatalf("counts sum %d != shots %d", n, r.Shots)
			}
		}
	})
}
