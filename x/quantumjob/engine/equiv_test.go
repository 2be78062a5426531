package engine

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/novacron/novacron/x/quantumjob/engine/compile"
	"github.com/novacron/novacron/x/quantumjob/engine/ir"
	"github.com/novacron/novacron/x/quantumjob/engine/qasm"
	"github.com/novacron/novacron/x/quantumjob/engine/statevec"
)

// unitary returns the columns U|k> of a measurement-free circuit.
func unitary(t *testing.T, c *ir.Circuit, fuse bool) [][]complex128 {
	t.Helper()
	ops := c.Ops
	if fuse {
		var err error
		if ops, err = compile.Fuse(ops, c.NumQubits); err != nil {
			t.Fatal(err)
		}
	}
	ex := make([]execOp, len(ops))
	for i := range ops {
		var err error
		if ex[i], err = prepare(&ops[i]); err != nil {
			t.Fatal(err)
		}
	}
	n := 1 << c.NumQubits
	cols := make([][]complex128, n)
	for k := 0; k < n; k++ {
		st := statevec.New(c.NumQubits)
		st.Amp[0], st.Amp[k] = 0, 1
		for i := range ex {
			ex[i].apply(st)
		}
		cols[k] = st.Amp
	}
	return cols
}

// sameUpToPhase compares two unitaries up to one global phase.
func sameUpToPhase(a, b [][]complex128, tol float64) error {
	var ph complex128
	for k := range a {
		for i := range a[k] {
			if ph == 0 && cmplx.Abs(a[k][i]) > 0.1 {
				ph = b[k][i] / a[k][i]
			}
		}
	}
	for k := range a {
		for i := range a[k] {
			if cmplx.Abs(a[k][i]*ph-b[k][i]) > tol {
				return fmt.Errorf("column %d row %d: %v vs %v", k, i, a[k][i]*ph, b[k][i])
			}
		}
	}
	return nil
}

var gateBank = []string{"h", "x", "y", "z", "s", "sdg", "t", "tdg", "sx", "sxdg", "id",
	"rx(%a)", "ry(%a)", "rz(%a)", "u1(%a)", "p(%a)", "u2(%a,%a)", "u3(%a,%a,%a)", "u(%a,%a,%a)",
	"cx", "cy", "cz", "ch", "swap", "crx(%a)", "cry(%a)", "crz(%a)", "cu1(%a)", "cp(%a)", "cu3(%a,%a,%a)",
	"cu(%a,%a,%a,%a)", "rxx(%a)", "rzz(%a)", "csx", "ccx", "cswap", "rccx", "c3x", "c3sqrtx", "rc3x"}

var arity = map[string]int{"cx": 2, "cy": 2, "cz": 2, "ch": 2, "swap": 2, "crx": 2, "cry": 2, "crz": 2, "cu1": 2,
	"cp": 2, "cu3": 2, "cu": 2, "rxx": 2, "rzz": 2, "csx": 2, "ccx": 3, "cswap": 3, "rccx": 3, "c3x": 4, "c3sqrtx": 4, "rc3x": 4}

// randomCircuit draws gates from the whole qelib1 library, with angles that
// are often multiples of pi/4 so the optimiser finds work.
func randomCircuit(r *rand.Rand, n, gates int, bank []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[%d];\n", n)
	for g := 0; g < gates; g++ {
		tmpl := bank[r.IntN(len(bank))]
		name := tmpl
		if i := strings.IndexByte(tmpl, '('); i >= 0 {
			name = tmpl[:i]
		}
		k := max(arity[name], 1)
		if k > n {
			continue
		}
		for strings.Contains(tmpl, "%a") {
			a := fmt.Sprintf("%d*pi/4", r.IntN(9)-4)
			if r.IntN(3) == 0 {
				a = fmt.Sprintf("%.6f", r.Float64()*6-3)
			}
			tmpl = strings.Replace(tmpl, "%a", a, 1)
		}
		qs := r.Perm(n)[:k]
		args := make([]string, k)
		for i, q := range qs {
			args[i] = fmt.Sprintf("q[%d]", q)
		}
		fmt.Fprintf(&b, "%s %s;\n", tmpl, strings.Join(args, ","))
		if r.IntN(4) == 0 { // encourage cancellations
			fmt.Fprintf(&b, "%s %s;\n", tmpl, strings.Join(args, ","))
		}
	}
	return b.String()
}

func TestCompileAndExportPreserveUnitary(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	reduced := 0
	for trial := 0; trial < 60; trial++ {
		n := 1 + r.IntN(4)
		src := randomCircuit(r, n, 30, gateBank)
		c, err := qasm.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		ref := unitary(t, c, false)
		cr := compile.Compile(c, true)
		if cr.After.Gates < cr.Before.Gates {
			reduced++
		}
		if err := sameUpToPhase(ref, unitary(t, cr.Circuit, false), 1e-9); err != nil {
			t.Fatalf("optimised circuit differs: %v\n%s", err, src)
		}
		if err := sameUpToPhase(ref, unitary(t, cr.Circuit, true), 1e-9); err != nil {
			t.Fatalf("fused circuit differs: %v\n%s", err, src)
		}
		text, err := qasm.Export(cr.Circuit)
		if err != nil {
			t.Fatal(err)
		}
		c2, err := qasm.Parse(text)
		if err != nil {
			t.Fatalf("export does not parse: %v\n%s", err, text)
		}
		if err := sameUpToPhase(ref, unitary(t, c2, false), 1e-9); err != nil {
			t.Fatalf("exported circuit differs: %v\n%s", err, text)
		}
	}
	if reduced < 30 {
		t.Fatalf("optimiser reduced only %d of 60 circuits", reduced)
	}
}

func TestOptimiserPasses(t *testing.T) {
	cases := []struct {
		body  string
		gates int
	}{
		{"h q[0]; h q[0];", 0},
		{"cx q[0],q[1]; cx q[0],q[1];", 0},
		{"t q[0]; t q[0]; s q[0]; z q[0];", 0},           // merge to p(2pi) -> identity
		{"rx(0.3) q[0]; rx(-0.3) q[0];", 0},              // merge to zero
		{"cx q[0],q[1]; rz(0.2) q[0]; cx q[0],q[1];", 1}, // commute through control (diagonal)
		{"cx q[0],q[1]; x q[1]; cx q[0],q[1];", 1},       // commute through target (X basis)
		{"cz q[0],q[1]; t q[1]; cz q[1],q[0];", 1},       // cz is symmetric, t diagonal
		{"h q[0]; cx q[0],q[1]; h q[0];", 3},             // H does not commute with a control
		{"rzz(0.5) q[0],q[1]; rz(1) q[1]; rzz(0.5) q[1],q[0];", 2},
		{"swap q[0],q[1]; swap q[1],q[0];", 0},
		{"sx q[0]; sxdg q[0]; u3(0,0.4,-0.4) q[1];", 0},
		{"id q[0]; u0(3) q[1]; rx(4*pi) q[0];", 0},
	}
	for _, c := range cases {
		circ, err := qasm.Parse("OPENQASM 2.0; include \"qelib1.inc\"; qreg q[2];" + c.body)
		if err != nil {
			t.Fatal(err)
		}
		r := compile.Compile(circ, true)
		if r.After.Gates != c.gates {
			t.Errorf("%s: %d gates after, want %d", c.body, r.After.Gates, c.gates)
		}
		if err := sameUpToPhase(unitary(t, circ, false), unitary(t, r.Circuit, false), 1e-12); err != nil {
			t.Errorf("%s: %v", c.body, err)
		}
	}
}

// Random Clifford circuits with mid-circuit measurements and resets: the
// stabilizer backend's exact distribution equals the state vector's.
func TestStabilizerMatchesStateVector(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	cliff := []string{"h", "s", "sdg", "x", "y", "z", "sx", "sxdg", "cx", "cy", "cz", "swap", "rz(%a)", "rx(%a)", "ry(%a)",
		"u3(%a,%a,%a)", "rzz(%a)", "rxx(%a)"}
	for trial := 0; trial < 80; trial++ {
		n := 2 + r.IntN(5)
		var b strings.Builder
		src := randomCircuit(r, n, 25, cliff)
		// keep only pi/2 multiples: re-draw non-Clifford angles as pi/2 multiples
		for _, line := range strings.Split(src, "\n") {
			if strings.Contains(line, ".") && !strings.Contains(line, "qelib1") && !strings.Contains(line, "OPENQASM") {
				continue
			}
			line = strings.ReplaceAll(line, "*pi/4", "*pi/2")
			b.WriteString(line + "\n")
		}
		body := b.String()
		body = strings.Replace(body, fmt.Sprintf("qreg q[%d];", n), fmt.Sprintf("qreg q[%d]; creg c[%d]; creg d[%d];", n, n, n), 1)
		if r.IntN(2) == 0 {
			body += fmt.Sprintf("measure q[0] -> d[0]; reset q[%d]; h q[%d]; cx q[%d],q[0];\n", n-1, n-1, n-1)
		}
		if r.IntN(3) > 0 {
			body += "measure q -> c;\n"
		}
		var got [2]*Result
		for i, be := range []Backend{BackendStateVector, BackendStabilizer} {
			o := opts(0)
			o.Backend = be
			res, err := Run(body, o)
			if err != nil {
				t.Fatalf("%s: %v\n%s", be, err, body)
			}
			got[i] = res
		}
		a, bb := got[0].Probabilities, got[1].Probabilities
		if len(a) != len(bb) {
			t.Fatalf("outcomes differ:\n%v\n%v\n%s", a, bb, body)
		}
		for i := range a {
			if a[i].Key != bb[i].Key || math.Abs(float64(a[i].Value)-float64(bb[i].Value)) > 2 {
				t.Fatalf("outcome %d: %v vs %v\n%s", i, a[i], bb[i], body)
			}
		}
	}
}
