package engine

import "testing"

// FuzzRun: whatever parses must run or fail with an error, never panic, on
// both backends.
func FuzzRun(f *testing.F) {
	f.Add(`OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;`, uint8(0))
	f.Add(`OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg c[3]; h q; measure q[0] -> c[0]; if(c==1) x q[1]; reset q[0]; measure q -> c;`, uint8(1))
	f.Add(`OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[1]; u3(0.1,0.2,0.3) q[0]; cu1(pi/3) q[0],q[1]; rzz(1) q[0],q[1]; measure q[1] -> c[0];`, uint8(2))
	f.Add(`OPENQASM 2.0; include "qelib1.inc"; opaque o q; qreg q[1]; o q[0];`, uint8(0))
	f.Fuzz(func(t *testing.T, src string, sel uint8) {
		lim := ChainLimits()
		lim.Parse.MaxOps = 2000
		lim.Parse.MaxQubits = 64
		lim.MaxQubitsStateVector = 10
		lim.MaxQubitsStabilizer = 64
		lim.MaxBranches = 16
		lim.MaxBranchAmplitudes = 1 << 14
		backends := []Backend{BackendAuto, BackendStateVector, BackendStabilizer}
		o := Options{Shots: int(sel % 17), Seed: SeedFromUint64(uint64(sel)), Backend: backends[int(sel)%3], Limits: lim}
		r, err := Run(src, o)
		if err == nil && r.Shots > 0 {
			var n uint64
			for _, e := range r.Counts {
				n += e.Value
			}
			if n != uint64(r.Shots) {
				t.Fatalf("counts sum %d != shots %d", n, r.Shots)
			}
		}
	})
}
