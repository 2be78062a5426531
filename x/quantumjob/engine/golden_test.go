package engine_test

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
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
		{"bell-auto", `OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;`, "b9b9a251d3b5adaf2a6a5f247fba01f93db2c78f9d255fe5ed0b61978535c0f6", engine.BackendAuto},
		{"bell-sv", `OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;`, "78d542823156991c7b54d693bf7a888e1cd8b7dfb433d8d11b76767bacf6fa45", engine.BackendStateVector},
		{"rotations", `OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg a[2]; creg b[1];
u3(1.1,0.2,0.3) q[0]; ry(2*pi/3) q[1]; cx q[0],q[2]; crx(0.9) q[1],q[2]; measure q[0] -> a[1]; measure q[1] -> a[0]; measure q[2] -> b[0];`, "ba25fbac4564672ebb57b3a99ff008045ed8839a35b6446042a548222fcf4e34", engine.BackendAuto},
		{"midcircuit", `OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg c[3];
h q[0]; rx(0.7) q[1]; measure q[0] -> c[0]; if(c==1) ry(0.4) q[1]; reset q[0]; cx q[1],q[0]; measure q -> c;`, "49c42b0f51e2ac4e4e172dd7433ba8cbb9cd795afc4fd3d27f4e4fc3ae0591b2", engine.BackendAuto},
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
		"qft_n4.qasm": "5892bd2c383ff45965fa9554c96ce811dc9f25e6afcb9897388f1c76bcaaf922", "ipea_n2.qasm": "8844b9f6b753cd8a76bd052fa14ff9ba6d5a113f0b208ab3aa72fef072b0b28b", "qaoa_n6.qasm": "36a2a0ee491f4e875caf03696d17ee92298f9a6e09d64e67feab0043f5338834",
		"vqe_n4.qasm": "d7902b8389a589fc267b98eb651b3989ed7c7dd50d53102b5d75ef261d046588", "dnn_n8.qasm": "ca06779915462af0d4c983b3b8e79ede4709d82bd9a9990aa2f75dfcf70c0b2b", "teleportation_n3.qasm": "4d37ef712eb14b55d51099277835cb00e9cc929816eaf649798c250543f53a05",
		"error_correctiond3_n5.qasm": "d1e380b9b2ca4dd4ef5f1a45b271f38b2af16ba930785e00166d012e53e57813", "qec_sm_n5.qasm": "0c861e2544614f7cfc729170f411292a7898c7e9a689a75f692f52bde644db21", "hhl_n7.qasm": "467f1221af3bc198d15b5f2622356cf302f9d24109e6b743b2b2adeae6199ca3",
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

// TestGoldenBudget pins the meter across builds (make test-determinism): the steps and cost
// of runs that fit, and the exact error text of runs that run out of budget, for the
// adversarial corpus and a few small circuits, as a chain would store them.
func TestGoldenBudget(t *testing.T) {
	corpus := adversarialCorpus(t)
	names := make([]string, 0, len(corpus))
	for n := range corpus {
		names = append(names, n)
	}
	slices.Sort(names)
	var parts []any
	for _, n := range names {
		for _, budget := range []uint64{3_000_000, 40_000_000} {
			r, err := engine.Run(corpus[n], engine.Options{Shots: 100, Seed: engine.SeedFromUint64(5), Limits: engine.ChainLimits(), Budget: budget})
			if err != nil {
				parts = append(parts, n, budget, err.Error())
				continue
			}
			parts = append(parts, n, budget, r.Steps, r.Cost, resultDigest(r))
		}
	}
	bell := `OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;`
	r, err := engine.Run(bell, engine.Options{Shots: 10, Limits: engine.ChainLimits()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = engine.Run(bell, engine.Options{Shots: 10, Limits: engine.ChainLimits(), Budget: r.Steps - 1})
	parts = append(parts, r.Steps, r.Cost, err.Error())
	check(t, "budget", digest(parts...), "c650c1c80e58413d172b272dc749ee7c9641b503ed852c0ad10170987ed21445")
}
