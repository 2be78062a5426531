package engine_test

import (
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

func qftSource(b *testing.B, n int) string {
	src, err := qasm.Export(algo.QFTCircuit(n, 0x5a5a5&(1<<n-1)).C)
	if err != nil {
		b.Fatal(err)
	}
	return src
}

// reportSteps adds the run's metered steps and the wall time per step, the
// figure the chain's gas price per step rests on (README: Security).
func reportSteps(b *testing.B, r *engine.Result) {
	b.ReportMetric(float64(r.Steps), "steps")
	b.ReportMetric(float64(r.Cost), "cost")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(max(r.Steps, 1)), "ns/step")
}

// BenchmarkQFT20 is parse + compile + simulate + quantised probabilities of
// all 2^20 outcomes of QFT on 20 qubits (single thread).
func BenchmarkQFT20(b *testing.B) {
	src := qftSource(b, 20)
	o := engine.Options{Limits: engine.DefaultLimits()}
	for i := 0; i < b.N; i++ {
		r, err := engine.Run(src, o)
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Probabilities) != 1<<20 {
			b.Fatal(len(r.Probabilities))
		}
		if i == b.N-1 {
			b.StopTimer()
			reportSteps(b, r)
		}
	}
}

// BenchmarkQFT20Shots is the same circuit sampled with 1024 shots.
func BenchmarkQFT20Shots(b *testing.B) {
	src := qftSource(b, 20)
	src = strings.Replace(src, "qreg q[20];", "qreg q[20];\ncreg c[20];", 1) + "measure q -> c;\n"
	o := engine.Options{Shots: 1024, Limits: engine.DefaultLimits()}
	for i := 0; i < b.N; i++ {
		r, err := engine.Run(src, o)
		if err != nil {
			b.Fatal(err)
		}
		if i == b.N-1 {
			b.StopTimer()
			reportSteps(b, r)
		}
	}
}

// BenchmarkStabilizerQASM1000x100k: 1000 qubits, 100,000 random Clifford
// gates then measurement of every qubit, end to end through the QASM parser
// and the stabilizer backend (exact symbolic outcome distribution).
func BenchmarkStabilizerQASM1000x100k(b *testing.B) {
	const n, gates = 1000, 100_000
	r := rand.New(rand.NewPCG(7, 7))
	var sb strings.Builder
	fmt.Fprintf(&sb, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[%d];\ncreg c[%d];\n", n, n)
	names := []string{"h", "s", "sdg", "x", "z", "sx"}
	for g := 0; g < gates; g++ {
		if r.IntN(2) == 0 {
			fmt.Fprintf(&sb, "%s q[%d];\n", names[r.IntN(len(names))], r.IntN(n))
		} else {
			a, c := r.IntN(n), r.IntN(n-1)
			if c >= a {
				c++
			}
			fmt.Fprintf(&sb, "cx q[%d],q[%d];\n", a, c)
		}
	}
	sb.WriteString("measure q -> c;\n")
	src := sb.String()
	o := engine.Options{Shots: 100, Limits: engine.DefaultLimits()}
	for i := 0; i < b.N; i++ {
		res, err := engine.Run(src, o)
		if err != nil {
			b.Fatal(err)
		}
		if res.Backend != engine.BackendStabilizer {
			b.Fatal(res.Backend)
		}
		if i == b.N-1 {
			b.StopTimer()
			reportSteps(b, res)
		}
	}
}

// BenchmarkHHLn10 parses, compiles and simulates QASMBench hhl_n10
// (186,795 gates; its undeclared trailing measurements are stripped).
func BenchmarkHHLn10(b *testing.B) {
	dir := os.Getenv("NOVACRON_SHARED")
	if dir == "" {
		dir, _ = filepath.Abs(filepath.Join("..", "..", "..", "..", "shared"))
	}
	raw, err := os.ReadFile(filepath.Join(dir, "testdata", "qasmbench", "small", "hhl_n10.qasm"))
	if err != nil {
		b.Skip(err)
	}
	src := string(raw)
	src = src[:strings.Index(src, "measure q[0]")]
	o := engine.Options{Limits: engine.DefaultLimits()}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := engine.Run(src, o)
		if err != nil {
			b.Fatal(err)
		}
		if i == b.N-1 {
			b.StopTimer()
			reportSteps(b, r)
		}
	}
}
