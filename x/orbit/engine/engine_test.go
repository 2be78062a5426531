package engine

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/novacron/novacron/x/orbit/engine/shell"
)

func repoRoot(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	for d := filepath.Dir(file); d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	t.Skip("repository root not found")
	return ""
}

func TestEmbeddedStationsMatchShared(t *testing.T) {
	p := filepath.Join(filepath.Dir(repoRoot(t)), "shared", "testdata", "orbit", "ground_stations_top100.txt")
	want, err := os.ReadFile(p)
	if err != nil {
		t.Skipf("shared testdata: %v", err)
	}
	if string(want) != top100 {
		t.Fatal("embedded ground stations differ from shared/testdata/orbit")
	}
	if gs := DefaultGroundStations(); len(gs) != 100 || gs[9].Name != "New-York-Newark" {
		t.Fatalf("%d stations", len(gs))
	}
}

func hashMatrix(h interface{ Write([]byte) (int, error) }, m LatencyMatrix) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(m.UnixNano))
	h.Write(b[:])
	for _, v := range m.RTTUs {
		binary.BigEndian.PutUint64(b[:], uint64(v))
		h.Write(b[:])
	}
}

// TestGoldenLatencyMatrix pins the integer RTT matrix of Starlink S1 and
// Kuiper K1 over the 100 cities; identical on every platform.
func TestGoldenLatencyMatrix(t *testing.T) {
	gs := DefaultGroundStations()
	h := sha256.New()
	unreachable := 0
	for _, sh := range []shell.Shell{shell.StarlinkS1, shell.KuiperK1} {
		n, err := NewShellNetwork(sh, gs)
		if err != nil {
			t.Fatal(err)
		}
		for _, off := range []int64{0, 37_500_000_000, 3_600_000_000_000} {
			m := ComputeLatencyMatrix(n, shell.EpochUnixNano+off)
			for _, v := range m.RTTUs {
				if v < 0 {
					unreachable++
				}
			}
			hashMatrix(h, m)
		}
		st, err := SatelliteStateMM(n, 7, shell.EpochUnixNano+123_456_789)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []int64{st.X, st.Y, st.Z, st.VX, st.VY, st.VZ} {
			var b [8]byte
			binary.BigEndian.PutUint64(b[:], uint64(v))
			h.Write(b[:])
		}
	}
	got := hex.EncodeToString(h.Sum(nil))
	t.Logf("unreachable pairs: %d", unreachable)
	const want = "59460b974382c280b29247e246743d77d0e7c466306151e8d3d7d2b1a2b39c45"
	if got != want {
		t.Fatalf("golden latency hash %s, want %s", got, want)
	}
}

func TestRouteAndCost(t *testing.T) {
	gs := DefaultGroundStations()
	n, err := NewShellNetwork(shell.StarlinkS1, gs)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Route(n, shell.EpochUnixNano, 9, 27)
	if err != nil {
		t.Fatal(err)
	}
	if p.RTTUs < 42000 || p.RTTUs > 46500 || p.Nodes[0] != 1584+9 || p.Nodes[len(p.Nodes)-1] != 1584+27 {
		t.Fatalf("%+v", p)
	}
	if f := FibreRTTUs(gs[9], gs[27]); f < 54500 || f > 54800 {
		t.Fatalf("fibre %d us", f)
	}
	if c := EstimateSnapshotCost(1584, 100, 3168); c < 1e6 || c > 1e8 {
		t.Fatalf("cost %d", c)
	}
	if ms := EarthMarsLightTimeMs(shell.EpochUnixNano); ms < 180e3 || ms > 1340e3 {
		t.Fatalf("mars %d ms", ms)
	}
}

// TestNoFusedMultiplyAdd disassembles the engine and the shared
// deterministic math package (x/internal/dmath) for arm64 and amd64 v3 and
// fails if any of their functions contains an FMA instruction. Two builds per
// architecture: the orbit CLI (the engine as linked, with dmath code inlined
// into engine functions) and the dmath test binary, which references every
// dmath function. Slow (four cross builds), so opt in with ORBIT_FMA_CHECK=1.
func TestNoFusedMultiplyAdd(t *testing.T) {
	if os.Getenv("ORBIT_FMA_CHECK") == "" {
		t.Skip("set ORBIT_FMA_CHECK=1")
	}
	root := repoRoot(t)
	dir := t.TempDir()
	builds := []struct{ pkg, syms string }{
		{"./x/orbit/engine/cli/", `novacron/x/(orbit/engine|internal/dmath)[./]`},
		{"./x/internal/dmath/", `novacron/x/internal/dmath[./]`},
	}
	for _, c := range []struct {
		env, pat string
		vexFMA   bool
	}{
		{"GOARCH=arm64", "FMADDD|FMSUBD|FNMADDD|FNMSUBD", false},
		// go tool objdump does not decode the VEX-encoded FMA3 instructions
		// (VFMADD231SD shows up as a bogus MOVL), so the amd64 build is
		// also scanned byte-wise for them.
		{"GOAMD64=v3", "VFMADD|VFMSUB|VFNMADD|VFNMSUB", true},
	} {
		for i, b := range builds {
			bin := filepath.Join(dir, fmt.Sprintf("fma%d.bin", i))
			cmd := exec.Command("go", "test", "-c", "-o", bin, b.pkg)
			cmd.Dir = root
			cmd.Env = append(os.Environ(), c.env, "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%s build %s: %v\n%s", c.env, b.pkg, err, out)
			}
			out, err := exec.Command("go", "tool", "objdump", "-s", b.syms, bin).Output()
			if err != nil {
				t.Fatal(err)
			}
			fn, code, funcs := "", []byte(nil), 0
			flush := func() {
				if fn != "" && c.vexFMA && hasVEXFMA(code) {
					t.Errorf("%s: fused multiply-add (VEX FMA3 encoding) in %s", c.env, fn)
				}
				code = code[:0]
			}
			for _, l := range strings.Split(string(out), "\n") {
				if strings.HasPrefix(l, "TEXT ") {
					flush()
					fn = l
					if strings.Contains(fn, "_test.go") || strings.Contains(fn, ".Test") {
						fn = ""
					} else {
						funcs++
					}
					continue
				}
				if fn == "" {
					continue
				}
				for _, op := range strings.Split(c.pat, "|") {
					if strings.Contains(l, "\t"+op) {
						t.Errorf("%s: fused multiply-add in %s", c.env, fn)
					}
				}
				// "  file.go:12\t0xaddr\t\thexbytes\tMNEMONIC ..."
				var fields []string
				for _, f := range strings.Split(l, "\t") {
					if f != "" {
						fields = append(fields, f)
					}
				}
				if len(fields) >= 3 && strings.HasPrefix(fields[1], "0x") {
					if bs, err := hex.DecodeString(fields[2]); err == nil {
						code = append(code, bs...)
					}
				}
			}
			flush()
			if funcs < 20 {
				t.Errorf("%s %s: only %d functions matched %q", c.env, b.pkg, funcs, b.syms)
			}
		}
	}
}

// hasVEXFMA reports whether machine code contains a VEX3-encoded FMA3
// instruction (c4, map 0F38, pp=66, opcode 96-9F, A6-AF or B6-BF).
func hasVEXFMA(code []byte) bool {
	for i := 0; i+3 < len(code); i++ {
		if code[i] != 0xc4 || code[i+1]&0x1f != 0x02 || code[i+2]&0x03 != 0x01 {
			continue
		}
		switch op := code[i+3]; {
		case op >= 0x96 && op <= 0x9f, op >= 0xa6 && op <= 0xaf, op >= 0xb6 && op <= 0xbf:
			return true
		}
	}
	return false
}

func TestHasVEXFMA(t *testing.T) {
	// VFMADD231SD X1, X0, X2 (c4 e2 f9 b9 d1) as emitted for x*y+z by GOAMD64=v3.
	if !hasVEXFMA([]byte{0x90, 0xc4, 0xe2, 0xf9, 0xb9, 0xd1, 0xc3}) {
		t.Fatal("VFMADD231SD not detected")
	}
	// VMULSD/ADDSD-style code and a VEX 0F map instruction are not FMAs.
	if hasVEXFMA([]byte{0xf2, 0x0f, 0x59, 0xc1, 0xf2, 0x0f, 0x58, 0xc2, 0xc4, 0xe1, 0xf9, 0x6e, 0xc0}) {
		t.Fatal("false positive")
	}
}

func BenchmarkSnapshotStarlink100(b *testing.B) {
	gs := DefaultGroundStations()
	n, err := NewShellNetwork(shell.StarlinkS1, gs)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := ComputeLatencyMatrix(n, shell.EpochUnixNano+int64(i)*1e9)
		if m.N != 100 {
			b.Fatal("size")
		}
	}
}
