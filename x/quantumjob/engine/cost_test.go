package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/novacron/novacron/x/quantumjob/engine"
	"github.com/novacron/novacron/x/quantumjob/engine/algo"
	"github.com/novacron/novacron/x/quantumjob/engine/qasm"
)

// The cost model charges terminal measurements as the one read-out pass they
// are, a sampling pass when there are shots, and one trajectory per shot when
// branch enumeration can exceed its bounds.
func TestEstimateCostModel(t *testing.T) {
	est := func(src string, shots int) uint64 {
		t.Helper()
		e, err := engine.EstimateSource(src, engine.BackendAuto, shots, engine.ChainLimits())
		if err != nil {
			t.Fatal(err)
		}
		return e.Cost
	}
	qft, err := qasm.Export(algo.QFTCircuit(20, 0x5a5a5).C)
	if err != nil {
		t.Fatal(err)
	}
	measured := strings.Replace(qft, "qreg q[20];", "qreg q[20];\ncreg c[20];", 1) + "measure q -> c;\n"
	// QFT-20: 230 gates; measured with 1024 shots it now fits the default block budget
	if c := est(qft, 0); c != 231<<20 {
		t.Fatalf("QFT-20: %d", c)
	}
	if c := est(measured, 0); c != 231<<20 {
		t.Fatalf("QFT-20 measured, no shots: %d", c)
	}
	if c := est(measured, 1024); c != 243_291_136 || c > 250_000_000 { // (230+1+1) * 2^20 + 1024 * 21
		t.Fatalf("QFT-20 measured, 1024 shots: %d", c)
	}
	// 16 mid-circuit measurements on 10 qubits: 2^16 branches > 256, so one
	// trajectory per shot (1024 without shots)
	var b strings.Builder
	b.WriteString(`OPENQASM 2.0; include "qelib1.inc"; qreg q[10]; creg c[16]; h q; t q[0];`)
	for i := 0; i < 16; i++ {
		fmt.Fprintf(&b, " measure q[%d] -> c[%d]; h q[%d];", i%10, i, i%10)
	}
	src := b.String() // 11 gates + 16 measurements + 16 gates: 43 ops
	if c := est(src, 4000); c != (43+1+1)*1024*4000+4000*11 {
		t.Fatalf("trajectories: %d", c)
	}
	if c := est(src, 0); c != (43+1)*1024*1024 {
		t.Fatalf("trajectories, no shots: %d", c)
	}
	// 3 mid-circuit measurements: 8 exact branches
	if c := est(`OPENQASM 2.0; include "qelib1.inc"; qreg q[4]; creg c[4]; h q; measure q[0] -> c[0]; t q[0]; measure q[1] -> c[1]; t q[1]; measure q[2] -> c[2]; t q[2]; measure q -> c;`, 10); c != (4+3+3+1+1)*16*8+10*5 {
		t.Fatalf("branches: %d", c)
	}
	// 22 qubits: 3 measurements give 8 x 2^22 = 2^25 amplitudes, exact;
	// 4 give 16 x 2^22 > 2^25 (MaxBranchAmplitudes), trajectories
	m3 := `OPENQASM 2.0; include "qelib1.inc"; qreg q[22]; creg c[4]; t q[1]; h q[0]; measure q[0] -> c[0]; h q[0]; measure q[0] -> c[1]; h q[0]; measure q[0] -> c[2]; h q[0];`
	if c := est(m3, 0); c != (8+1)*(1<<22)*8 {
		t.Fatalf("amplitude bound, 3 measurements: %d", c)
	}
	if c := est(m3+` measure q[0] -> c[3]; h q[0];`, 0); c != (10+1)*(1<<22)*1024 {
		t.Fatalf("amplitude bound, 4 measurements: %d", c)
	}
	// stabilizer: measurements are tableau operations; with `if`, one run per shot
	if c := est(`OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg c[3]; h q[0]; cx q[0],q[1]; measure q -> c;`, 100); c != (2+3+1)*9+100*4 {
		t.Fatalf("stabilizer: %d", c)
	}
	e, err := engine.EstimateSource(`OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg c[3]; h q[0]; measure q[0] -> c[0]; if(c==1) x q[1]; measure q -> c;`, engine.BackendStabilizer, 100, engine.ChainLimits())
	if err != nil || e.Cost != (1+1+1+3+1)*9*100+100*4 {
		t.Fatalf("stabilizer with if: %+v %v", e, err)
	}
}
