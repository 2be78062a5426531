package compile

import (
	"github.com/novacron/novacron/x/quantumjob/engine/ir"
)

// Fuse prepares ops for the state-vector backend: runs of uncontrolled,
// unconditional one-qubit gates on a qubit are multiplied into one KMat1;
// barriers are dropped. Everything else is kept in order. Matrix products use
// the deterministic complex multiply, so the plan is bit-identical everywhere.
func Fuse(ops []ir.Op, nq int) ([]ir.Op, error) {
	out := make([]ir.Op, 0, len(ops))
	pending := make([]*[4]complex128, nq)
	count := make([]int, nq)
	flush := func(q int) {
		if pending[q] == nil {
			return
		}
		m := *pending[q]
		out = append(out, ir.Op{Type: ir.OpGate, Kind: ir.KMat1, Qubits: []int{q}, Mat: m[:]})
		pending[q] = nil
		count[q] = 0
	}
	for i := range ops {
		o := &ops[i]
		if o.Type == ir.OpBarrier {
			continue
		}
		if o.Type == ir.OpGate && o.Cond == nil && o.NCtrl == 0 && o.Kind.Targets() == 1 && o.Kind != ir.KPerm {
			var m [4]complex128
			if o.Kind == ir.KMat1 {
				copy(m[:], o.Mat)
			} else {
				var err error
				if m, err = ir.Matrix1(o.Kind, o.Params); err != nil {
					return nil, err
				}
			}
			q := o.Qubits[0]
			if pending[q] != nil {
				m = ir.MatMul2(m, *pending[q])
			}
			pending[q] = &m
			count[q]++
			continue
		}
		for _, q := range o.Qubits {
			flush(q)
		}
		out = append(out, *o)
	}
	for q := range pending {
		flush(q)
	}
	return out, nil
}
