package engine

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/novacron/novacron/x/quantumjob/engine/ir"
)

func opts(shots int) Options {
	return Options{Shots: shots, Seed: SeedFromUint64(7), Limits: DefaultLimits()}
}

func probs(t *testing.T, src string, o Options) map[string]float64 {
	t.Helper()
	r, err := Run(src, o)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]float64{}
	for _, e := range r.Probabilities {
		m[e.Key] = float64(e.Value) / float64(ProbScale)
	}
	return m
}

func TestBellGHZ(t *testing.T) {
	bell := `OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;`
	for _, be := range []Backend{BackendAuto, BackendStateVector, BackendStabilizer} {
		o := opts(1000)
		o.Backend = be
		p := probs(t, bell, o)
		if len(p) != 2 || p["00"] != 0.5 || p["11"] != 0.5 {
			t.Fatalf("%s bell: %v", be, p)
		}
	}
	ghz := `OPENQASM 2.0; include "qelib1.inc"; qreg q[5]; h q[0]; cx q[0],q[1]; cx q[1],q[2]; cx q[2],q[3]; cx q[3],q[4];`
	p := probs(t, ghz, opts(0))
	if len(p) != 2 || p["00000"] != 0.5 || p["11111"] != 0.5 {
		t.Fatalf("ghz: %v", p)
	}
}

func TestKeyOrder(t *testing.T) {
	// Qiskit prints the last-declared register leftmost, highest bit first.
	src := `OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg a[2]; creg b[1];
x q[0]; x q[2]; measure q[0] -> a[1]; measure q[1] -> a[0]; measure q[2] -> b[0];`
	for _, be := range []Backend{BackendStateVector, BackendStabilizer} {
		o := opts(10)
		o.Backend = be
		r, err := Run(src, o)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Probabilities) != 1 || r.Probabilities[0].Key != "1 10" || r.Counts[0].Value != 10 {
			t.Fatalf("%s: %+v", be, r)
		}
	}
	// no measurement: all qubits, highest leftmost
	p := probs(t, `OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; x q[0];`, opts(0))
	if p["001"] != 1 {
		t.Fatal(p)
	}
}

func TestMidCircuitMeasurement(t *testing.T) {
	// teleport-like: measure, then conditionally correct
	src := `OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[1]; creg d[1];
h q[0]; measure q[0] -> c[0]; if(c==1) x q[1]; measure q[1] -> d[0];`
	p := probs(t, src, opts(0))
	if len(p) != 2 || p["0 0"] != 0.5 || p["1 1"] != 0.5 {
		t.Fatal(p)
	}
	// reset after a superposition leaves |0>
	p = probs(t, `OPENQASM 2.0; include "qelib1.inc"; qreg q[1]; creg c[1]; h q[0]; reset q[0]; measure q[0]->c[0];`, opts(0))
	if p["0"] != 1 {
		t.Fatal(p)
	}
	// re-measurement of the same qubit
	p = probs(t, `OPENQASM 2.0; include "qelib1.inc"; qreg q[1]; creg c[2]; h q[0]; measure q[0]->c[0]; h q[0]; measure q[0]->c[1];`, opts(0))
	if len(p) != 4 || p["00"] != 0.25 {
		t.Fatal(p)
	}
}

func TestSameSeedSameOutput(t *testing.T) {
	src := `OPENQASM 2.0; include "qelib1.inc"; qreg q[4]; creg c[4]; h q; rx(0.3) q[1]; cx q[1],q[2]; measure q -> c;`
	a, _ := Run(src, opts(500))
	b, _ := Run(src, opts(500))
	o := opts(500)
	o.Threads = 4
	c, _ := Run(src, o)
	for i := range a.Counts {
		if a.Counts[i] != b.Counts[i] || a.Counts[i] != c.Counts[i] {
			t.Fatal("non-deterministic counts")
		}
	}
	var tot uint64
	for _, e := range a.Counts {
		tot += e.Value
	}
	if tot != 500 {
		t.Fatal(tot)
	}
}

// sharedDir locates shared/ beside the repository (the repo's parent holds
// it), or $NOVACRON_SHARED.
func sharedDir(t testing.TB) string {
	if d := os.Getenv("NOVACRON_SHARED"); d != "" {
		return d
	}
	d, _ := filepath.Abs(filepath.Join("..", "..", "..", "..", "shared"))
	if _, err := os.Stat(d); err != nil {
		t.Skipf("shared dir not found at %s (set NOVACRON_SHARED)", d)
	}
	return d
}

// upstreamDefects are QASMBench files whose trailing measurements name
// undeclared registers q and c (line of the first one). The parser must
// reject them with that position; the test then runs the unitary part.
var upstreamDefects = map[string]int{"hhl_n10.qasm": 186801, "vqe_uccsd_n4.qasm": 225, "vqe_uccsd_n6.qasm": 2286, "vqe_uccsd_n8.qasm": 10813}

func stripDefect(t testing.TB, name, text string, line int) string {
	_, err := Run(text, opts(0))
	want := fmt.Sprintf("%d:9: semantic error: unknown quantum register \"q\"", line)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("%s: want error %q, got %v", name, want, err)
	}
	lines := strings.Split(text, "\n")
	for _, l := range lines[line-1:] {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "measure q[") {
			t.Fatalf("%s: unexpected trailing line %q", name, l)
		}
	}
	return strings.Join(lines[:line-1], "\n")
}

func TestQASMBenchSmall(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "testdata", "qasmbench", "small")
	files, _ := filepath.Glob(filepath.Join(dir, "*.qasm"))
	if len(files) != 42 {
		t.Fatalf("expected 42 QASMBench circuits in %s, found %d", dir, len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		text := string(src)
		if line, ok := upstreamDefects[filepath.Base(f)]; ok {
			text = stripDefect(t, filepath.Base(f), text, line)
		}
		r, err := Run(text, opts(100))
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		var sum uint64
		for _, e := range r.Probabilities {
			sum += e.Value
		}
		if r.ProbabilitiesExact && (sum+1000 < ProbScale || sum > ProbScale+1000) {
			t.Fatalf("%s: probabilities sum to %d", filepath.Base(f), sum)
		}
		t.Logf("%-24s q=%2d %-11s gates %6d->%6d depth %6d->%6d outcomes %4d exact=%v %v", filepath.Base(f), r.Qubits,
			r.Backend, r.GatesBefore, r.GatesAfter, r.DepthBefore, r.DepthAfter, len(r.Probabilities), r.ProbabilitiesExact,
			time.Since(start).Round(time.Millisecond))
		if strings.HasPrefix(filepath.Base(f), "bell") && len(r.Probabilities) == 0 {
			t.Fatal("no probabilities")
		}
	}
}

func TestEstimateSourceAndArtifact(t *testing.T) {
	lim := ChainLimits()
	e, err := EstimateSource(`OPENQASM 2.0; include "qelib1.inc"; qreg q[10]; creg c[10]; h q; t q[0]; measure q -> c;`, BackendAuto, 100, lim, 0)
	if err != nil || e.Backend != BackendStateVector || e.Gates != 11 || e.PlanSteps == 0 || e.Cost <= e.PlanSteps {
		t.Fatalf("%+v %v", e, err)
	}
	e, err = EstimateSource(`OPENQASM 2.0; include "qelib1.inc"; qreg q[3000]; h q[0]; cx q[0],q[1];`, BackendAuto, 0, lim, 0)
	// the virtual read-out of all 3000 qubits dominates: n x n(2wn+6) word operations
	if err != nil || e.Backend != BackendStabilizer || e.Cost < 3000*3000*(2*47+6) {
		t.Fatalf("%+v %v", e, err)
	}
	if _, err = EstimateSource(`OPENQASM 2.0; include "qelib1.inc"; qreg q[30]; t q[0];`, BackendAuto, 0, lim, 0); err == nil {
		t.Fatal("30-qubit non-Clifford circuit must be rejected on chain")
	}
	lim.MaxCost = 1000
	if _, err = EstimateSource(`OPENQASM 2.0; include "qelib1.inc"; qreg q[10]; h q;`, BackendAuto, 0, lim, 0); err == nil {
		t.Fatal("cost cap ignored")
	}
	r, err := Run(`OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;`, opts(10))
	if err != nil {
		t.Fatal(err)
	}
	if b := r.ArtifactBytes(); len(b) < 20 || b[0] != ArtifactVersion || r.ArtifactHash() != sha256.Sum256(b) {
		t.Fatal("artifact")
	}
}

// setKeys (one shared buffer) must print the same keys as formatValue.
func TestSetKeysMatchesFormatValue(t *testing.T) {
	layouts := [][]ir.Register{
		{{Name: "c", Offset: 0, Size: 20}},
		{{Name: "a", Offset: 0, Size: 3}, {Name: "b", Offset: 3, Size: 9}, {Name: "c", Offset: 12, Size: 1}},
		{{Name: "a", Offset: 0, Size: 17}, {Name: "b", Offset: 17, Size: 8}},
		{{Name: "e", Offset: 0, Size: 0}, {Name: "c", Offset: 0, Size: 5}},
		{{Name: "a", Offset: 0, Size: 60}, {Name: "b", Offset: 60, Size: 4}},
		{{Name: "a", Offset: 0, Size: 3}, {Name: "b", Offset: 3, Size: 61}},
		nil,
	}
	for li, regs := range layouts {
		kf := keyFormatter{regs: regs}
		xs := []uint64{0, 1, 0x5a5a5, 0xfffffff, 0x123456789, 1 << 24, 0xf000000000000000, 0xa5a5a5a5a5a5a5a5, ^uint64(0)}
		got := make([]Entry, len(xs))
		kf.setKeys(got, xs)
		for i, x := range xs {
			if want := kf.formatValue(x); got[i].Key != want {
				t.Fatalf("layout %d x=%#x: %q != %q", li, x, got[i].Key, want)
			}
		}
	}
}
