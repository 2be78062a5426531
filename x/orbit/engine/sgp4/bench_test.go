package sgp4

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"testing"

	"github.com/novacron/novacron/x/orbit/engine/tle"
)

func loadSets(t testing.TB) []tle.TLE {
	f, err := os.Open("../testdata/SGP4-VER.TLE")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sets, err := tle.ParseFile(f, tle.Vallado)
	if err != nil {
		t.Fatal(err)
	}
	return sets
}

// TestGoldenSGP4 pins the hash of quantised states of all 33 verification
// satellites on a fixed grid; it must hold on every architecture.
func TestGoldenSGP4(t *testing.T) {
	h := sha256.New()
	var buf [8]byte
	n := 0
	for _, e := range loadSets(t) {
		sat, _ := New(e, WGS72)
		for ms := int64(-2880 * 60000); ms <= 2880*60000; ms += 97 * 60000 {
			st, err := sat.PropagateMM(ms)
			code := int64(0)
			if err != nil {
				code = int64(err.(*Error).Code)
			}
			for _, x := range []int64{code, st.X, st.Y, st.Z, st.VX, st.VY, st.VZ} {
				binary.BigEndian.PutUint64(buf[:], uint64(x))
				h.Write(buf[:])
			}
			n++
		}
	}
	got := hex.EncodeToString(h.Sum(nil))
	const want = "0c5a2812f8d6186d3f38609f320cc18954bf7f96cb230dc160de02e3098d0b00"
	if got != want {
		t.Fatalf("golden SGP4 hash over %d states = %s, want %s", n, got, want)
	}
}

func BenchmarkPropagateNearEarth(b *testing.B) {
	l1 := "1 00005U 00000ABC 00001.00000000  .00000000  00000-0  00000+0 0    09"
	l2 := "2 00005  53.0000  50.0000 0000001   0.0000  12.0000 15.19000000    06"
	e, err := tle.Parse(l1, l2, tle.Vallado)
	if err != nil {
		b.Fatal(err)
	}
	sat, _ := New(e, WGS72)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := sat.Propagate(float64(i%1440) * 0.37); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPropagateDeepSpace(b *testing.B) {
	sets := loadSets(b)
	sat, _ := New(sets[3], WGS72) // 08195 Molniya, 12 h resonant
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := sat.Propagate(float64(i % 2880)); err != nil {
			b.Fatal(err)
		}
	}
}
