package engine_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/novacron/novacron/x/quantumjob/engine"
	"github.com/novacron/novacron/x/quantumjob/engine/algo"
	"github.com/novacron/novacron/x/quantumjob/engine/qasm"
)

func estimate(t *testing.T, src string, backend engine.Backend, shots int) engine.Estimate {
	t.Helper()
	e, err := engine.EstimateSource(src, backend, shots, engine.ChainLimits(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The meter's contract on published circuits: every QASMBench program that
// runs on chain counts at most its cost, with and without shots, on every
// backend that accepts it, and the cost is not far above the steps.
func TestStepsWithinCostQASMBench(t *testing.T) {
	dir := os.Getenv("NOVACRON_SHARED")
	if dir == "" {
		dir, _ = filepath.Abs(filepath.Join("..", "..", "..", "..", "shared"))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "testdata", "qasmbench", "small", "*.qasm"))
	if len(files) == 0 {
		t.Skip("QASMBench not found under", dir)
	}
	ran := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, be := range []engine.Backend{engine.BackendAuto, engine.BackendStateVector, engine.BackendStabilizer} {
			for _, shots := range []int{0, 1000} {
				o := engine.Options{Shots: shots, Seed: engine.SeedFromUint64(3), Backend: be, Limits: engine.ChainLimits(), Budget: 250_000_000}
				r, err := checkMetered(t, filepath.Base(f), string(src), o)
				if err != nil {
					continue
				}
				ran++
				if r.Cost > 20*r.Steps+100_000 {
					t.Errorf("%s %s %d shots: cost %d is far above steps %d", filepath.Base(f), be, shots, r.Cost, r.Steps)
				}
			}
		}
	}
	if ran < 80 {
		t.Fatalf("only %d runs", ran)
	}
}

// randomCircuit mixes every op kind the engine has: gates with and without
// controls and angles, mid-circuit measurements, resets and conditions.
func randomCircuit(r *rand.Rand, n, ops int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[%d];\ncreg c[%d];\ncreg d[2];\n", n, n)
	one := []string{"h", "x", "y", "z", "s", "sdg", "t", "tdg", "sx"}
	rot := []string{"rx", "ry", "rz", "u1", "p"}
	two := []string{"cx", "cz", "cy", "swap", "ch"}
	for i := 0; i < ops; i++ {
		a := r.IntN(n)
		c := (a + 1 + r.IntN(n-1)) % n
		if r.IntN(12) == 0 {
			fmt.Fprintf(&b, "if(c==%d) ", r.IntN(4))
		}
		switch k := r.IntN(20); {
		case k < 6:
			fmt.Fprintf(&b, "%s q[%d];\n", one[r.IntN(len(one))], a)
		case k < 9:
			fmt.Fprintf(&b, "%s(%.3f) q[%d];\n", rot[r.IntN(len(rot))], r.Float64()*7-3.5, a)
		case k < 14:
			fmt.Fprintf(&b, "%s q[%d],q[%d];\n", two[r.IntN(len(two))], a, c)
		case k < 15:
			fmt.Fprintf(&b, "crz(%.3f) q[%d],q[%d];\n", r.Float64()*3, a, c)
		case k < 16:
			fmt.Fprintf(&b, "rzz(%.3f) q[%d],q[%d];\n", r.Float64()*3, a, c)
		case k < 18:
			fmt.Fprintf(&b, "measure q[%d] -> c[%d];\n", a, r.IntN(n))
		case k < 19:
			fmt.Fprintf(&b, "reset q[%d];\n", a)
		default:
			fmt.Fprintf(&b, "measure q[%d] -> d[%d];\n", a, r.IntN(2))
		}
	}
	if r.IntN(2) == 0 {
		b.WriteString("measure q -> c;\n")
	}
	return b.String()
}

// The same contract on random circuits of every shape, including the
// branch enumeration, trajectories and stabilizer runs with conditions.
func TestStepsWithinCostRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(10, 10))
	for i := 0; i < 300; i++ {
		n := 2 + r.IntN(9)
		src := randomCircuit(r, n, 1+r.IntN(60))
		be := []engine.Backend{engine.BackendAuto, engine.BackendStateVector, engine.BackendStabilizer}[i%3]
		o := engine.Options{Shots: []int{0, 1, 100}[r.IntN(3)], Seed: engine.SeedFromUint64(uint64(i)), Backend: be, Limits: engine.ChainLimits(), Budget: 250_000_000}
		o.Limits.MaxBranches = 1 << r.IntN(9)
		checkMetered(t, fmt.Sprintf("random %d", i), src, o)
	}
}

// The cost grows with what the runner really does: shots, trajectories
// when the branch bound can be hit, and every qubit of a stabilizer
// read-out.
func TestEstimateCostShape(t *testing.T) {
	qft, err := qasm.Export(algo.QFTCircuit(20, 0x5a5a5).C)
	if err != nil {
		t.Fatal(err)
	}
	measured := strings.Replace(qft, "qreg q[20];", "qreg q[20];\ncreg c[20];", 1) + "measure q -> c;\n"
	// QFT-20 fits the default block budget, measured and with 1024 shots too
	q0, q1 := estimate(t, qft, engine.BackendAuto, 0), estimate(t, measured, engine.BackendAuto, 1024)
	if q0.Cost > 250_000_000 || q1.Cost > 250_000_000 || q1.Cost <= q0.Cost {
		t.Fatalf("QFT-20: %d, measured with shots %d", q0.Cost, q1.Cost)
	}
	// 16 mid-circuit measurements on 10 qubits: 2^16 branches > 256, so one
	// trajectory per shot: 4000 shots cost about 4000/1024 as much as none
	var b strings.Builder
	b.WriteString(`OPENQASM 2.0; include "qelib1.inc"; qreg q[10]; creg c[16]; h q; t q[0];`)
	for i := 0; i < 16; i++ {
		fmt.Fprintf(&b, " measure q[%d] -> c[%d]; h q[%d];", i%10, i, i%10)
	}
	t0, t4000 := estimate(t, b.String(), engine.BackendAuto, 0), estimate(t, b.String(), engine.BackendAuto, 4000)
	if t4000.Cost < 3*t0.Cost {
		t.Fatalf("trajectories: %d shots=0, %d shots=4000", t0.Cost, t4000.Cost)
	}
	// a measurement-free stabilizer circuit pays for reading out every qubit
	// (issue 10: 5000 idle qubits cost 25,000,000 units and took 0.88 s)
	w := estimate(t, `OPENQASM 2.0; qreg q[1000];`, engine.BackendAuto, 0)
	if w.Backend != engine.BackendStabilizer || w.Cost < 1000*1000*(2*16+6) {
		t.Fatalf("idle stabilizer read-out: %+v", w)
	}
	// conditions on a wide register cost a step per register word
	narrow := `OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[64]; h q[0]; measure q[0] -> c[0];` + strings.Repeat(" if(c==0) x q[1];", 100)
	wide := strings.Replace(narrow, "creg c[64]", "creg c[4096]", 1)
	if cn, cw := estimate(t, narrow, engine.BackendAuto, 0).Cost, estimate(t, wide, engine.BackendAuto, 0).Cost; cw < cn+100*63 {
		t.Fatalf("wide condition register: %d vs %d", cw, cn)
	}
}

// Planning is metered too: a budget that does not cover planning is a
// budget error, with the steps used so far reported.
func TestEstimateSourceBudget(t *testing.T) {
	src := adversarialCorpus(t)["expansion_bomb_empty.qasm"]
	e, err := engine.EstimateSource(src, engine.BackendAuto, 0, engine.ChainLimits(), 1_000_000)
	if !errors.Is(err, engine.ErrBudget) || e.PlanSteps == 0 || e.PlanSteps > 1_000_000 {
		t.Fatalf("%+v %v", e, err)
	}
	var qe *qasm.Error
	if !errors.As(err, &qe) || qe.Line != 65 {
		t.Fatalf("budget error must carry the position: %v", err)
	}
}
