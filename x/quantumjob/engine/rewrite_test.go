package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/novacron/novacron/x/quantumjob/engine/compile"
	"github.com/novacron/novacron/x/quantumjob/engine/statevec"
)

// rewriteBank leans on what the runner rewrites: X, SWAP and diagonal gates,
// mixed with gates that break runs and flush the X frame.
var rewriteBank = []string{"x", "x", "x", "swap", "swap", "cu1(%a)", "cp(%a)", "cz", "rz(%a)", "t", "s", "z",
	"u1(%a)", "crz(%a)", "h", "ry(%a)", "cx", "ccx", "cswap", "u3(%a,%a,%a)", "rzz(%a)"}

// randomDynamicCircuit adds mid-circuit measurements, resets and
// conditionals to a random circuit over rewriteBank.
func randomDynamicCircuit(r *rand.Rand, n, gates int) string {
	body := randomCircuit(r, n, gates, rewriteBank)
	lines := strings.Split(body, "\n")
	var b strings.Builder
	b.WriteString(strings.Join(lines[:3], "\n") + "\n")
	fmt.Fprintf(&b, "creg m[2];\ncreg c[%d];\n", n)
	for _, l := range lines[3:] {
		if l == "" {
			continue
		}
		switch r.IntN(40) {
		case 0:
			fmt.Fprintf(&b, "measure q[%d] -> m[%d];\n", r.IntN(n), r.IntN(2))
		case 1:
			fmt.Fprintf(&b, "reset q[%d];\n", r.IntN(n))
		case 2, 3:
			l = fmt.Sprintf("if(m==%d) %s", r.IntN(4), l)
		}
		b.WriteString(l + "\n")
	}
	if r.IntN(2) == 0 {
		b.WriteString("measure q -> c;\n")
	} else {
		fmt.Fprintf(&b, "measure q[%d] -> c[0];\nmeasure q[%d] -> c[1];\n", r.IntN(n), r.IntN(n))
	}
	return b.String()
}

// TestRewritesBitIdentical: swap relabelling, the X frame and diagonal runs
// leave every branch's weight, classical bits and read-out probabilities
// bit-identical to running the fused ops one by one, single- and
// multi-threaded, on random circuits with mid-circuit measurement, reset and
// conditionals, within one block and beyond (segments); diagonal tables on
// top agree to rounding.
func TestRewritesBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 11))
	tables, segments := 0, 0
	defer func() {
		if tables == 0 || segments == 0 {
			t.Errorf("not exercised: %d diagonal tables, %d segments", tables, segments)
		}
	}()
	for it := 0; it < 300; it++ {
		n := 2 + rng.IntN(8)
		if it%15 == 0 { // beyond one block: cache-blocked segments
			n = statevec.BlockBits + 1 + rng.IntN(2)
		}
		src := randomDynamicCircuit(rng, n, 10+rng.IntN(60))
		if it%3 == 0 { // no measurement: the virtual read-out of every qubit
			src = randomCircuit(rng, n, 10+rng.IntN(60), rewriteBank)
		}
		c, err := Parse(src, DefaultLimits())
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		c = compile.Compile(c, it%2 == 0).Circuit
		o := Options{Limits: DefaultLimits(), Threads: 1 + it%2}
		leaves := func(rewrite rewriteLevel) []svLeaf {
			r, err := newSVRunner(c, o, rewrite, nil)
			if err != nil {
				t.Fatal(err)
			}
			tables += countTables(r.ops)
			for _, e := range r.ops {
				if e.k == kSegment {
					segments++
				}
			}
			st := statevec.New(r.n)
			st.Threads = r.threads
			if err := r.exec(0, st, make([]uint64, (r.plan.nclbits+63)/64), 1); err != nil {
				t.Fatalf("%v\n%s", err, src)
			}
			return r.leaves
		}
		want, got, all := leaves(rewriteNone), leaves(rewriteExact), leaves(rewriteAll)
		if len(want) != len(got) || len(want) != len(all) {
			t.Fatalf("it %d: %d/%d leaves, want %d\n%s", it, len(got), len(all), len(want), src)
		}
		for li := range want {
			w, g, a := want[li], got[li], all[li]
			if math.Float64bits(w.w) != math.Float64bits(g.w) || fmt.Sprint(w.cb) != fmt.Sprint(g.cb) || len(w.marg) != len(g.marg) {
				t.Fatalf("it %d leaf %d: %v %v vs %v %v\n%s", it, li, g.w, g.cb, w.w, w.cb, src)
			}
			// diagonal tables regroup the factors: equal to rounding, and the
			// same branches (a branch's existence is a threshold on its weight)
			if math.Abs(w.w-a.w) > 1e-12 || fmt.Sprint(w.cb) != fmt.Sprint(a.cb) {
				t.Fatalf("it %d leaf %d (tables): %v %v vs %v %v\n%s", it, li, a.w, a.cb, w.w, w.cb, src)
			}
			for k := range w.marg {
				if math.Float64bits(w.marg[k]) != math.Float64bits(g.marg[k]) {
					t.Fatalf("it %d leaf %d outcome %d: %v vs %v\n%s", it, li, k, g.marg[k], w.marg[k], src)
				}
				if math.Abs(w.marg[k]-a.marg[k]) > 1e-12 {
					t.Fatalf("it %d leaf %d outcome %d (tables): %v vs %v\n%s", it, li, k, a.marg[k], w.marg[k], src)
				}
			}
		}
	}
}

// countTables counts the diagonal-table runs, inside segments too.
func countTables(ops []execOp) int {
	n := 0
	for _, e := range ops {
		if e.table {
			n++
		}
		n += countTables(e.seg)
	}
	return n
}

// TestSegmentTableBound: a long block-local stretch with many diagonal-table
// runs is cut into segments of at most maxSegmentTables tables (each keeps
// a 128 KiB table per thread), with the same bits as op by op.
func TestSegmentTableBound(t *testing.T) {
	var b strings.Builder
	b.WriteString("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[14];\nh q;\n")
	for rep := 0; rep < 30; rep++ {
		fmt.Fprintf(&b, "cx q[6],q[7];\n")
		for k, p := range [][2]int{{0, 1}, {2, 3}, {0, 2}, {1, 3}, {4, 5}, {6, 8}, {9, 10}, {11, 12}} {
			fmt.Fprintf(&b, "cp(%d*pi/%d) q[%d],q[%d];\n", k+1, rep+3, p[0], p[1])
		}
	}
	c, err := Parse(b.String(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	c = compile.Compile(c, false).Circuit
	o := Options{Limits: DefaultLimits()}
	r, err := newSVRunner(c, o, rewriteAll, nil)
	if err != nil {
		t.Fatal(err)
	}
	segs, tables := 0, 0
	for _, e := range r.ops {
		if e.k == kSegment {
			segs++
			if n := countTables(e.seg); n > maxSegmentTables {
				t.Fatalf("segment with %d tables", n)
			}
		}
		tables += countTables([]execOp{e})
	}
	if tables <= 2*maxSegmentTables || segs*maxSegmentTables < tables {
		t.Fatalf("%d tables in %d segments", tables, segs)
	}
	run := func(level rewriteLevel) []float64 {
		r, err := newSVRunner(c, o, level, nil)
		if err != nil {
			t.Fatal(err)
		}
		st := statevec.New(r.n)
		if err := r.exec(0, st, nil, 1); err != nil {
			t.Fatal(err)
		}
		return r.leaves[0].marg
	}
	// the same rewrites without segments: ops one by one (only the tables
	// regroup factors, identically in both)
	want := func() []float64 {
		r, _ := newSVRunner(c, o, rewriteAll, nil)
		var flat []execOp
		for _, e := range r.ops {
			if e.k == kSegment {
				flat = append(flat, e.seg...)
			} else {
				flat = append(flat, e)
			}
		}
		r.ops = flat
		st := statevec.New(r.n)
		if err := r.exec(0, st, nil, 1); err != nil {
			t.Fatal(err)
		}
		return r.leaves[0].marg
	}()
	got := run(rewriteAll)
	for i := range want {
		if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
			t.Fatalf("outcome %d: %v vs %v", i, got[i], want[i])
		}
	}
}
