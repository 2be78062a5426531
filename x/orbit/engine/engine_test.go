package engine

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
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

// TestNoFusedMultiplyAdd disassembles the engine for arm64 and amd64 v3
// and fails if any engine function contains an FMA instruction. Slow
// (two cross builds), so opt in with ORBIT_FMA_CHECK=1.
func TestNoFusedMultiplyAdd(t *testing.T) {
	if os.Getenv("ORBIT_FMA_CHECK") == "" {
		t.Skip("set ORBIT_FMA_CHECK=1")
	}
	root := repoRoot(t)
	dir := t.TempDir()
	for _, c := range []struct{ env, pat string }{
		{"GOARCH=arm64", "FMADDD|FMSUBD|FNMADDD|FNMSUBD"},
		{"GOAMD64=v3", "VFMADD|VFMSUB|VFNMADD|VFNMSUB"},
	} {
		bin := filepath.Join(dir, "orbit.bin")
		cmd := exec.Command("go", "test", "-c", "-o", bin, "./x/orbit/engine/cli/")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), c.env, "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s build: %v\n%s", c.env, err, out)
		}
		out, err := exec.Command("go", "tool", "objdump", "-s", "novacron/x/orbit/engine", bin).Output()
		if err != nil {
			t.Fatal(err)
		}
		fn := ""
		for _, l := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(l, "TEXT ") {
				fn = l
				continue
			}
			for _, op := range strings.Split(c.pat, "|") {
				if strings.Contains(l, "\t"+op) && !strings.Contains(fn, "_test.go") && !strings.Contains(fn, ".Test") {
					t.Errorf("%s: fused multiply-add in %s", c.env, fn)
				}
			}
		}
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
