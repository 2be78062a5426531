package engine_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/novacron/novacron/x/internal/dmath"
	"github.com/novacron/novacron/x/quantumjob/engine"
	"github.com/novacron/novacron/x/quantumjob/engine/algo"
	"github.com/novacron/novacron/x/quantumjob/engine/qasm"
)

// Golden tests pin sha256 digests of engine outputs. scripts/test-determinism.sh
// runs them under the default build, GODEBUG=cpu.fma=off, GOAMD64=v3 and
// GOARCH=arm64 (qemu): any platform-dependent bit changes a digest.

func digest(parts ...any) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%v|", p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func resultDigest(r *engine.Result) string {
	return digest(r.Backend, r.Qubits, r.GatesBefore, r.DepthBefore, r.GatesAfter, r.DepthAfter, r.FusedOps,
		r.ProbabilitiesExact, r.ProbabilitiesTruncated, r.Probabilities, r.Counts, r.Cost)
}

func check(t *testing.T, name, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s: digest %s, want %s", name, got, want)
	}
}

func TestGoldenDmath(t *testing.T) {
	h := sha256.New()
	var b [8]byte
	for i := -2000; i <= 2000; i++ {
		x := float64(i) * 0.0137
		for _, v := range []float64{dmath.Sin(x), dmath.Cos(x), dmath.Exp(x / 10), dmath.Log(math.Abs(x) + 1e-3),
			dmath.Atan(x), dmath.Atan2(x, 0.3), dmath.Pow(math.Abs(x)+0.5, 1.7), dmath.Tan(x / 20), dmath.Sqrt(math.Abs(x))} {
			binary.BigEndian.PutUint64(b[:], math.Float64bits(v))
			h.Write(b[:])
		}
	}
	check(t, "dmath", hex.EncodeToString(h.Sum(nil)), "c0791f41d438bff6df92afe220d09a9949abfd1a5215511e9432ee1bf807d8e7")
}

// Raw amplitude bits are far more sensitive than quantised outputs: a single
// fused multiply-add anywhere flips low bits here.
func TestGoldenStateVectorBits(t *testing.T) {
	src := `OPENQASM 2.0; include "qelib1.inc"; qreg q[6];
h q; u3(0.3,-1.1,2.7) q[0]; rx(sin(0.4)^2) q[1]; cu3(0.5,0.25,-0.75) q[1],q[2]; crz(exp(-0.3)) q[2],q[3];
rzz(ln(2.5)) q[3],q[4]; rxx(0.7) q[4],q[5]; cswap q[0],q[1],q[5]; ccx q[5],q[3],q[1]; cu1(pi/7) q[0],q[4];
sx q[2]; ry(-2.2) q[3]; t q[4]; sdg q[5]; ch q[0],q[3]; cy q[2],q[4];`
	c, err := qasm.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, threads := range []int{1, 3} {
		st, err := engine.StateVector(c, threads)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		var b [8]byte
		for _, a := range st.Amp {
			binary.BigEndian.PutUint64(b[:], math.Float64bits(real(a)))
			h.Write(b[:])
			binary.BigEndian.PutUint64(b[:], math.Float64bits(imag(a)))
			h.Write(b[:])
		}
		check(t, fmt.Sprintf("statevector bits (threads=%d)", threads), hex.EncodeToString(h.Sum(nil)), "5b78d868ccbfb7a0005ef8026d48382034188cb85fbdcfc8c40020c1b3533a8c")
	}
}

func TestGoldenCircuits(t *testing.T) {
	cases := []struct {
		name, src, want string
		backend         engine.Backend
	}{
		{"bell-auto", `OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;`, "759218b8f0f1426cde5b55b50e95525c0ffdbfb2eda486facc40e7497895d483", engine.BackendAuto},
		{"bell-sv", `OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;`, "0429e914ec6c3871004f4e1e96a3ec452465ad952ba949268e59614ece80aefc", engine.BackendStateVector},
		{"rotations", `OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg a[2]; creg b[1];
u3(1.1,0.2,0.3) q[0]; ry(2*pi/3) q[1]; cx q[0],q[2]; crx(0.9) q[1],q[2]; measure q[0] -> a[1]; measure q[1] -> a[0]; measure q[2] -> b[0];`, "95ce604438154a1d1098a7a68d28f79c4b49ba20b6d52000ba029a9de853a45e", engine.BackendAuto},
		{"midcircuit", `OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg c[3];
h q[0]; rx(0.7) q[1]; measure q[0] -> c[0]; if(c==1) ry(0.4) q[1]; reset q[0]; cx q[1],q[0]; measure q -> c;`, "907f734201bf0de962b40c19bde018d2908ff1948f92379db9ae88f356f8f1ee", engine.BackendAuto},
	}
	for _, c := range cases {
		r, err := engine.Run(c.src, engine.Options{Shots: 2000, Seed: engine.DeriveSeed("novacron-1", 42, 7), Backend: c.backend, Limits: engine.ChainLimits()})
		if err != nil {
			t.Fatal(c.name, err)
		}
		check(t, c.name, resultDigest(r), c.want)
	}
}

func TestGoldenQASMBench(t *testing.T) {
	dir := os.Getenv("NOVACRON_SHARED")
	if dir == "" {
		dir, _ = filepath.Abs(filepath.Join("..", "..", "..", "..", "shared"))
	}
	want := map[string]string{
		"qft_n4.qasm": "e07bdf13045ddc6c6405f9058a8913ececb21109edc3e791f1b63c4b45deb23d", "ipea_n2.qasm": "0b3a4876f59708335b50bd93f1f5099350100e7b223b57f9d05d7faaad2f68f2", "qaoa_n6.qasm": "869680d775d87737a0fc7a090880890eb0cef44bb8ac626cd14a15d18d6e0f4e",
		"vqe_n4.qasm": "cb160e09db934cddba2002e68cdfe47bceb509a4d801901dacc0d6ee08c94b18", "dnn_n8.qasm": "97855a68f46decf3929c3c6520f9b1df66eb21f24c1dedc9202f463278f55198", "teleportation_n3.qasm": "bdcd75468f8ad4b1ce229d66c6814197e2c54fa8ec7b83a38f8ee4a360a2b4c3",
		"error_correctiond3_n5.qasm": "3508924d6b53ebb575689b11022561ccdb419080cf55797fe4650b4150048fc3", "qec_sm_n5.qasm": "b5929f2c462551b2ca5a057ca53a8c17df87504e43d109d8d1cd7a82756ade3e", "hhl_n7.qasm": "a8fede10376e04fdfd17fb023e004d40b76c1ef0ab11e05df2bf4e69ae923cfe",
	}
	for _, name := range []string{"qft_n4.qasm", "ipea_n2.qasm", "qaoa_n6.qasm", "vqe_n4.qasm", "dnn_n8.qasm",
		"teleportation_n3.qasm", "error_correctiond3_n5.qasm", "qec_sm_n5.qasm", "hhl_n7.qasm"} {
		src, err := os.ReadFile(filepath.Join(dir, "testdata", "qasmbench", "small", name))
		if err != nil {
			t.Skip(err)
		}
		r, err := engine.Run(string(src), engine.Options{Shots: 1000, Seed: engine.SeedFromUint64(1), Limits: engine.ChainLimits()})
		if err != nil {
			t.Fatal(name, err)
		}
		check(t, name, resultDigest(r), want[name])
	}
}

func TestGoldenAlgorithms(t *testing.T) {
	vqe, err := algo.VQE(algo.H2Hamiltonian, algo.H2Ansatz, []float64{0.1, 0.2, 0.3, 0.4}, algo.H2NuclearRepulsion)
	if err != nil {
		t.Fatal(err)
	}
	g, err := algo.GroverSearch(7, 77)
	if err != nil {
		t.Fatal(err)
	}
	shor, err := algo.Shor(21, 2)
	if err != nil {
		t.Fatal(err)
	}
	k33, _ := algo.ExpectedCutRatio(6, algo.CompleteBipartite(3, 3), dmath.Atan(1/math.Sqrt(2)), dmath.Pi/8)
	bb := algo.BB84(500, true, engine.SeedFromUint64(9))
	st := algo.SteaneCode(20000, 500, engine.SeedFromUint64(9))
	rep := algo.RepetitionCode(5, 50000, 500, engine.SeedFromUint64(9))
	check(t, "algorithms", digest(math.Float64bits(vqe.Total), vqe.Theta, vqe.Evaluations, g, shor, math.Float64bits(k33),
		bb.Sifted, bb.Errors, bb.Key, st, rep), "decfdbd84a25e62faa0e24a22d25ddfb51134625249c44978d1929be0bd72ab1")
}
