package engine

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/novacron/novacron/x/quantumjob/engine/compile"
	"github.com/novacron/novacron/x/quantumjob/engine/statevec"
)

// TestGoldenRunnerBits pins the raw read-out probabilities (every bit) of
// the state-vector runner with all its rewrites: swap relabelling, the X
// frame and diagonal tables, whose grouping of factors defines the bits.
// Circuits are large enough (14 qubits) for tables built over 2^13-amplitude
// blocks with constant terms above them, and the assembly kernels' widths.
func TestGoldenRunnerBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	cases := []struct{ name, src, want string }{
		{"qft14", qftQASM(14, 0b01001001001001), "8727a6a5c665c09c5f3671bfe0565a285ba26b63ae01cfe250052ffa322b41c0"},
		{"random14", randomCircuit(rng, 14, 400, rewriteBank), "42f27fa0d017dc13c0437d9ed45de35daba0e1c2555517036d6f5021cf85fc62"},
		{"dynamic9", randomDynamicCircuit(rng, 9, 200), "5e1275c3c6e514a0942019f8818e70154b3a479194a46a319bea50463fb2a24f"},
	}
	for _, tc := range cases {
		c, err := Parse(tc.src, DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		c = compile.Compile(c, true).Circuit
		for _, threads := range []int{1, 2} {
			r, err := newSVRunner(c, Options{Limits: DefaultLimits(), Threads: threads}, rewriteAll, nil)
			if err != nil {
				t.Fatal(err)
			}
			tables := countTables(r.ops)
			if tables == 0 {
				t.Fatalf("%s: no diagonal table", tc.name)
			}
			st := statevec.New(r.n)
			st.Threads = threads
			if err := r.exec(0, st, make([]uint64, (r.plan.nclbits+63)/64), 1); err != nil {
				t.Fatal(err)
			}
			h := sha256.New()
			var b [8]byte
			for _, l := range r.leaves {
				fmt.Fprintf(h, "%v|", l.cb)
				for _, p := range append([]float64{l.w}, l.marg...) {
					binary.BigEndian.PutUint64(b[:], math.Float64bits(p))
					h.Write(b[:])
				}
			}
			check(t, fmt.Sprintf("%s (threads=%d)", tc.name, threads), hex.EncodeToString(h.Sum(nil)), tc.want)
		}
	}
}

func check(t *testing.T, name, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s: digest %s, want %s", name, got, want)
	}
}

// qftQASM is the textbook QFT on n qubits (H and cu1 ladder, then the
// reversing swaps) applied to the basis state x.
func qftQASM(n int, x uint64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[%d];\n", n)
	for q := 0; q < n; q++ {
		if x>>q&1 == 1 {
			fmt.Fprintf(&b, "x q[%d];\n", q)
		}
	}
	for j := n - 1; j >= 0; j-- {
		fmt.Fprintf(&b, "h q[%d];\n", j)
		for k := j - 1; k >= 0; k-- {
			fmt.Fprintf(&b, "cu1(pi/%d) q[%d],q[%d];\n", 1<<(j-k), k, j)
		}
	}
	for i := 0; i < n/2; i++ {
		fmt.Fprintf(&b, "swap q[%d],q[%d];\n", i, n-1-i)
	}
	return b.String()
}
