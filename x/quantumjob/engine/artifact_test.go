package engine_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/novacron/novacron/x/quantumjob/engine"
	"github.com/novacron/novacron/x/quantumjob/engine/algo"
	"github.com/novacron/novacron/x/quantumjob/engine/qasm"
)

// artifactCases cover every form of the artifact's probability section.
var artifactCases = []struct {
	name, src string
	backend   engine.Backend
	form      byte
}{
	// 13 measured qubits, all 8192 outcomes non-zero: dense, identity layout
	{"dense", `OPENQASM 2.0; include "qelib1.inc"; qreg q[13]; creg c[13]; h q; ry(0.3) q[2]; t q[5]; cx q[1],q[7]; rz(0.9) q[12]; rx(1.3) q[0]; measure q -> c;`, engine.BackendAuto, engine.FormDense},
	// the same read into a permuted wider register with a fixed bit: dense, spread layout
	{"dense-spread", `OPENQASM 2.0; include "qelib1.inc"; qreg q[13]; creg a[2]; creg c[14]; x q[0]; measure q[0] -> a[1]; h q; ry(0.3) q[2]; t q[5]; cx q[1],q[7]; rx(1.3) q[3];
measure q[0] -> c[13]; measure q[1] -> c[0]; measure q[2] -> c[12]; measure q[3] -> c[1]; measure q[4] -> c[11]; measure q[5] -> c[2]; measure q[6] -> c[10];
measure q[7] -> c[3]; measure q[8] -> c[9]; measure q[9] -> c[4]; measure q[10] -> c[8]; measure q[11] -> c[5]; measure q[12] -> c[7];`, engine.BackendStateVector, engine.FormDense},
	// 16 qubits, 13 in superposition: 8192 of 65536 outcomes, sparse
	{"sparse", `OPENQASM 2.0; include "qelib1.inc"; qreg q[16]; creg c[16]; h q[0]; h q[1]; h q[2]; h q[3]; h q[4]; h q[5]; h q[6]; h q[7]; h q[8]; h q[9]; h q[10]; h q[11]; h q[12]; t q[3]; ry(0.2) q[13]; measure q -> c;`, engine.BackendStateVector, engine.FormSparse},
	// a mid-circuit measurement: two leaves summed by clbit value, sparse
	{"multileaf", `OPENQASM 2.0; include "qelib1.inc"; qreg q[13]; creg m[1]; creg c[13]; h q; t q[3]; measure q[0] -> m[0]; h q[0]; ry(0.7) q[0]; cx q[0],q[1]; measure q -> c;`, engine.BackendAuto, engine.FormSparse},
	// Clifford: 2^14 equiprobable outcomes as an affine space
	{"affine", `OPENQASM 2.0; include "qelib1.inc"; qreg q[15]; creg c[15]; h q; cx q[0],q[14]; s q[2]; measure q -> c;`, engine.BackendAuto, engine.FormAffine},
	// more than 64 clbits: keyed by string
	{"keyed-wide", `OPENQASM 2.0; include "qelib1.inc"; qreg q[5]; creg c[70]; h q; t q[1]; ry(0.4) q[4]; measure q[0] -> c[69]; measure q[1] -> c[0]; measure q[2] -> c[33]; measure q[3] -> c[64]; measure q[4] -> c[63];`, engine.BackendAuto, engine.FormKeyed},
	// conditionals on the stabilizer: estimated from shots, keyed
	{"keyed-estimated", `OPENQASM 2.0; include "qelib1.inc"; qreg q[12]; creg m[1]; creg c[12]; h q; measure q[0] -> m[0]; if(m==1) x q[1]; measure q -> c;`, engine.BackendStabilizer, engine.FormKeyed},
}

// The artifact holds the whole distribution whether or not the listing is
// truncated: decoding a truncated run's artifact gives exactly what the same
// run lists when the listing bound is raised, and the counts.
func TestArtifactFullDistribution(t *testing.T) {
	for _, c := range artifactCases {
		small := engine.ChainLimits()
		small.MaxOutcomes = 16
		big := engine.ChainLimits()
		big.MaxOutcomes = 1 << 20
		o := engine.Options{Shots: 3000, Seed: engine.DeriveSeed("novacron-1", 5, 9), Backend: c.backend, Limits: small}
		rs, err := engine.Run(c.src, o)
		if err != nil {
			t.Fatal(c.name, err)
		}
		o.Limits = big
		rb, err := engine.Run(c.src, o)
		if err != nil {
			t.Fatal(c.name, err)
		}
		if !rs.ProbabilitiesTruncated || len(rs.Probabilities) != 0 || rb.ProbabilitiesTruncated || len(rb.Probabilities) <= 16 {
			t.Fatalf("%s: truncated %v/%v, listed %d/%d", c.name, rs.ProbabilitiesTruncated, rb.ProbabilitiesTruncated, len(rs.Probabilities), len(rb.Probabilities))
		}
		as, ab := rs.ArtifactBytes(), rb.ArtifactBytes()
		if string(as) != string(ab) {
			t.Fatalf("%s: the artifact depends on the listing bound", c.name)
		}
		a, err := engine.DecodeArtifact(as)
		if err != nil {
			t.Fatal(c.name, err)
		}
		if a.Form != c.form || a.Exact != rs.ProbabilitiesExact {
			t.Fatalf("%s: form %d exact %v, want %d %v", c.name, a.Form, a.Exact, c.form, rs.ProbabilitiesExact)
		}
		got, err := a.Probabilities(1 << 20)
		if err != nil {
			t.Fatal(c.name, err)
		}
		if !reflect.DeepEqual(got, rb.Probabilities) {
			t.Fatalf("%s: decoded %d entries, listed %d; first %v vs %v", c.name, len(got), len(rb.Probabilities), got[:3], rb.Probabilities[:3])
		}
		if !reflect.DeepEqual(a.Counts, rs.Counts) || len(a.Counts) == 0 {
			t.Fatalf("%s: counts differ", c.name)
		}
		if _, err := a.Probabilities(16); err == nil {
			t.Fatalf("%s: expansion bound ignored", c.name)
		}
		// not truncated: the artifact's distribution is the listing
		if a2, err := engine.DecodeArtifact(ab); err != nil {
			t.Fatal(err)
		} else if p, _ := a2.Probabilities(1 << 20); !reflect.DeepEqual(p, rb.Probabilities) {
			t.Fatal(c.name)
		}
	}
}

// QFT-20 at the chain's limits: the listing is truncated (2^20 > 4096) but
// the artifact is all 2^20 quantised probabilities, densely (8 MiB + header).
func TestArtifactQFT20(t *testing.T) {
	if testing.Short() {
		t.Skip("QFT-20")
	}
	src, err := qasm.Export(algo.QFTCircuit(20, 0x5a5a5).C)
	if err != nil {
		t.Fatal(err)
	}
	r, err := engine.Run(src, engine.Options{Limits: engine.ChainLimits()})
	if err != nil {
		t.Fatal(err)
	}
	if !r.ProbabilitiesTruncated || len(r.Probabilities) != 0 {
		t.Fatalf("listing: %v %d", r.ProbabilitiesTruncated, len(r.Probabilities))
	}
	b := r.ArtifactBytes()
	a, err := engine.DecodeArtifact(b)
	if err != nil || a.Form != engine.FormDense {
		t.Fatal(err, a.Form)
	}
	if hdr := len(b) - 8<<20; hdr != 35 { // 3 + layout 2 + base 8 + m 1 + 20 positions + counts 1
		t.Fatalf("artifact %d bytes", len(b))
	}
	p, err := a.Probabilities(1 << 20)
	if err != nil || len(p) != 1<<20 {
		t.Fatal(err, len(p))
	}
	want := engine.Quantise(1.0 / (1 << 20)) // QFT of a basis state is uniform
	for _, e := range p {
		if e.Value != want {
			t.Fatalf("%s: %d, want %d", e.Key, e.Value, want)
		}
	}
	if p[0].Key != strings.Repeat("0", 20) || p[len(p)-1].Key != strings.Repeat("1", 20) {
		t.Fatal(p[0].Key, p[len(p)-1].Key)
	}
}

// The decoder rejects every truncation, trailing garbage and random bytes
// without panicking.
func TestDecodeArtifactMalformed(t *testing.T) {
	for _, c := range artifactCases[4:] {
		r, err := engine.Run(c.src, engine.Options{Shots: 50, Backend: c.backend, Limits: engine.ChainLimits()})
		if err != nil {
			t.Fatal(err)
		}
		b := r.ArtifactBytes()
		for i := 0; i < len(b); i++ {
			if _, err := engine.DecodeArtifact(b[:i]); err == nil {
				t.Fatalf("%s: prefix %d/%d accepted", c.name, i, len(b))
			}
		}
		if _, err := engine.DecodeArtifact(append(b, 0)); err == nil {
			t.Fatal("trailing byte accepted")
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.IntN(40))
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		if len(b) > 1 {
			b[0], b[1] = engine.ArtifactVersion, byte(rng.IntN(4))
		}
		if a, err := engine.DecodeArtifact(b); err == nil {
			_, _ = a.Probabilities(1 << 12)
		}
	}
}

func FuzzDecodeArtifact(f *testing.F) {
	for _, c := range artifactCases[4:] {
		r, err := engine.Run(c.src, engine.Options{Shots: 20, Backend: c.backend, Limits: engine.ChainLimits()})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(r.ArtifactBytes())
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if a, err := engine.DecodeArtifact(b); err == nil {
			_, _ = a.Probabilities(1 << 12)
		}
	})
}

// Artifact bytes of truncated runs at the chain's limits (listing empty,
// artifact complete) are pinned like every other engine output.
func TestGoldenArtifacts(t *testing.T) {
	h := sha256.New()
	for _, c := range artifactCases {
		r, err := engine.Run(c.src, engine.Options{Shots: 2000, Seed: engine.DeriveSeed("novacron-1", 42, 7), Backend: c.backend, Limits: engine.ChainLimits()})
		if err != nil {
			t.Fatal(c.name, err)
		}
		if c.form != engine.FormKeyed && !r.ProbabilitiesTruncated {
			t.Fatalf("%s: not truncated at the chain's limits", c.name)
		}
		sum := r.ArtifactHash()
		h.Write(sum[:])
		fmt.Fprintf(h, "%s|", c.name)
	}
	check(t, "artifacts", hex.EncodeToString(h.Sum(nil)), "8570984f00d1ce40a49f4c2fe0dac1045885fec808c098347c1c9923303d06ae")
}
