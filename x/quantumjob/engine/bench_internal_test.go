package engine

import (
	"testing"

	"github.com/novacron/novacron/x/quantumjob/engine/compile"
	"github.com/novacron/novacron/x/quantumjob/engine/statevec"
)

// BenchmarkQFT20Simulate is QFT-20 parse + compile + simulate, without the
// read-out (what npm quantum-circuit's run() alone does).
func BenchmarkQFT20Simulate(b *testing.B) {
	src := qftQASM(20, 0x5a5a5)
	for i := 0; i < b.N; i++ {
		c, err := Parse(src, DefaultLimits())
		if err != nil {
			b.Fatal(err)
		}
		r, err := newSVRunner(compile.Compile(c, true).Circuit, Options{Limits: DefaultLimits()}, rewriteAll, nil)
		if err != nil {
			b.Fatal(err)
		}
		st := statevec.New(r.n)
		for k := range r.ops {
			r.ops[k].apply(st)
		}
	}
}
