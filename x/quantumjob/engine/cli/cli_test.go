package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const bell = `OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
cx q[0],q[1];
measure q -> c;
`

func execute(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := NewQuantumCmd()
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func writeFile(t *testing.T, name, src string) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunBellJSON(t *testing.T) {
	f := writeFile(t, "bell.qasm", bell)
	out, err := execute(t, "run", f, "--shots", "1000", "--seed", "42", "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("bad json %q: %v", out, err)
	}
	if doc["qubits"].(float64) != 2 || doc["gates_before"].(float64) != 2 || doc["gates_after"].(float64) != 2 ||
		doc["depth_after"].(float64) != 3 {
		t.Fatalf("stats: %s", out)
	}
	p := doc["probabilities"].(map[string]any)
	if len(p) != 2 || p["00"].(float64) != 0.5 || p["11"].(float64) != 0.5 {
		t.Fatalf("probabilities: %s", out)
	}
	c := doc["counts"].(map[string]any)
	if c["00"].(float64)+c["11"].(float64) != 1000 || len(c) != 2 {
		t.Fatalf("counts: %s", out)
	}
	again, _ := execute(t, "run", f, "--shots", "1000", "--seed", "42", "--output", "json", "--threads", "1")
	if again != out {
		t.Fatal("same file and seed must print the same bytes")
	}
	other, _ := execute(t, "run", f, "--shots", "1000", "--seed", "43", "--output", "json")
	if other == out {
		t.Fatal("a different seed should change the counts")
	}
	for _, be := range []string{"statevector", "stabilizer"} {
		o, err := execute(t, "run", f, "--backend", be, "--output", "json")
		if err != nil || !strings.Contains(o, `"probabilities":{"00":0.5,"11":0.5}`) || strings.Contains(o, "counts") {
			t.Fatalf("%s: %v %s", be, err, o)
		}
	}
	txt, err := execute(t, "run", f, "--output", "text")
	if err != nil || !strings.Contains(txt, "00  0.5") {
		t.Fatalf("text: %v %q", err, txt)
	}
}

func TestRunErrors(t *testing.T) {
	f := writeFile(t, "bad.qasm", "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nh q[5];\n")
	_, err := execute(t, "run", f, "--output", "json")
	if err == nil || !strings.Contains(err.Error(), "4:5:") {
		t.Fatalf("want a 4:5 positioned error, got %v", err)
	}
	_, err = execute(t, "run", writeFile(t, "t.qasm", "OPENQASM 2.0; include \"qelib1.inc\"; qreg q[1]; t q[0];"), "--backend", "stabilizer")
	if err == nil || !strings.Contains(err.Error(), "Clifford") {
		t.Fatalf("stabilizer on T: %v", err)
	}
	if _, err = execute(t, "run", f, "--backend", "gpu"); err == nil {
		t.Fatal("bad backend accepted")
	}
}

func TestCompileCommand(t *testing.T) {
	f := writeFile(t, "c.qasm", `OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; h q[0]; h q[0]; t q[1]; t q[1]; cx q[0],q[1];`)
	out, err := execute(t, "compile", f)
	if err != nil || !strings.Contains(out, "u1(1.5707963267948966) q[1];") || strings.Contains(out, "h q[0]") {
		t.Fatalf("%v %s", err, out)
	}
}

func TestRunSeedFlags(t *testing.T) {
	f := writeFile(t, "bell.qasm", bell)
	base := []string{"run", f, "--shots", "500", "--output", "json"}
	chain := []string{"--chain-id", "novacron-1", "--height", "12", "--job-id", "3"}
	// the derived seed, given as hex, is the same run
	a, err := execute(t, append(base, chain...)...)
	if err != nil || !strings.Contains(a, `"seed":0,"seed_hex":"`) {
		t.Fatalf("%v %s", err, a)
	}
	var doc struct {
		SeedHex string `json:"seed_hex"`
	}
	if err := json.Unmarshal([]byte(a), &doc); err != nil || len(doc.SeedHex) != 64 {
		t.Fatalf("%v %q", err, doc.SeedHex)
	}
	if b, err := execute(t, append(base, "--seed-hex", doc.SeedHex)...); err != nil || b != a {
		t.Fatalf("--seed-hex: %v\n%s\n%s", err, b, a)
	}
	// --seed output is unchanged: no seed_hex field
	if s, err := execute(t, append(base, "--seed", "42")...); err != nil || strings.Contains(s, "seed_hex") || !strings.Contains(s, `"seed":42,`) {
		t.Fatalf("%v %s", err, s)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--seed", "1", "--seed-hex", doc.SeedHex}, "mutually exclusive"},
		{append([]string{"--seed", "1"}, chain...), "mutually exclusive"},
		{append([]string{"--seed-hex", doc.SeedHex}, chain...), "mutually exclusive"},
		{[]string{"--chain-id", "novacron-1", "--height", "12"}, "must be given together"},
		{[]string{"--job-id", "3"}, "must be given together"},
		{[]string{"--chain-id", "", "--height", "12", "--job-id", "3"}, "must not be empty"},
		{[]string{"--chain-id", "x", "--height", "0", "--job-id", "3"}, "must be positive"},
		{[]string{"--seed-hex", "abcd"}, "64 hex digits"},
		{[]string{"--seed-hex", strings.Repeat("zz", 32)}, "64 hex digits"},
	} {
		if _, err := execute(t, append(base, c.args...)...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want %q", c.args, err, c.want)
		}
	}
}

// TestJSONEqualsMapEncoding: the streamed probabilities/counts objects are
// byte for byte what encoding/json prints for the same maps (sorted keys),
// with several registers (spaces in keys), shots and an empty object.
func TestJSONEqualsMapEncoding(t *testing.T) {
	src := `OPENQASM 2.0; include "qelib1.inc"; qreg q[5]; creg a[2]; creg b[3];
h q; cu1(pi/3) q[0],q[4]; measure q[0] -> a[0]; measure q[1] -> a[1]; measure q[2] -> b[0]; measure q[3] -> b[1]; measure q[4] -> b[2];`
	for _, args := range [][]string{{"--shots", "64", "--seed", "5"}, {}} {
		p := writeFile(t, "multi.qasm", src)
		got, err := execute(t, append([]string{"run", p, "--output", "json"}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal([]byte(got), &doc); err != nil {
			t.Fatal(err)
		}
		for _, field := range []string{"probabilities", "counts"} {
			raw, ok := doc[field]
			if !ok {
				if field == "counts" && len(args) == 0 {
					continue
				}
				t.Fatalf("no %s in %s", field, got)
			}
			var m map[string]json.Number
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			if len(m) < 2 || !strings.Contains(string(raw), " ") {
				t.Fatalf("%s: want several keys with spaces: %s", field, raw)
			}
			want, _ := json.Marshal(m)
			if string(want) != string(raw) {
				t.Fatalf("%s:\n got %s\nwant %s", field, raw, want)
			}
		}
	}
	empty, err := json.Marshal(entryObject{})
	if err != nil || string(empty) != "{}" {
		t.Fatalf("empty object: %s %v", empty, err)
	}
}

// `quantum run` is metered like the chain: the expansion bomb of issue 10 stops at the
// default budget with the chain's budget error, --budget moves the limit, and the JSON
// reports the steps a job will be charged for beside its cost.
func TestRunBudget(t *testing.T) {
	bomb := filepath.Join("..", "testdata", "adversarial", "expansion_bomb_empty.qasm")
	_, err := execute(t, "run", bomb, "--budget", "1000000")
	if err == nil || !strings.Contains(err.Error(), "work budget exceeded") || !strings.Contains(err.Error(), "budget 1000000") {
		t.Fatalf("bomb: %v", err)
	}
	if _, err := execute(t, "compile", bomb, "--budget", "1000000"); err == nil || !strings.Contains(err.Error(), "work budget exceeded") {
		t.Fatalf("compile bomb: %v", err)
	}

	f := writeFile(t, "bell.qasm", bell)
	out, err := execute(t, "run", f, "--shots", "100", "--output", "json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Cost, Steps uint64 }
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Steps == 0 || doc.Steps > doc.Cost {
		t.Fatalf("steps %d, cost %d", doc.Steps, doc.Cost)
	}
	// exactly its steps is enough; one fewer is not
	if _, err := execute(t, "run", f, "--shots", "100", "--budget", fmt.Sprint(doc.Steps)); err != nil {
		t.Fatal(err)
	}
	if _, err := execute(t, "run", f, "--shots", "100", "--budget", fmt.Sprint(doc.Steps-1)); err == nil || !strings.Contains(err.Error(), "work budget exceeded") {
		t.Fatalf("one step short: %v", err)
	}
	text, err := execute(t, "run", f)
	if err != nil || !strings.Contains(text, "\nsteps       ") {
		t.Fatalf("text output: %q %v", text, err)
	}
}
