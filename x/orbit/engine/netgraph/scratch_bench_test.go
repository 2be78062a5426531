package netgraph

import (
	"os"
	"strings"
	"testing"

	"github.com/novacron/novacron/x/orbit/engine/geo"
	"github.com/novacron/novacron/x/orbit/engine/sgp4"
	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/engine/tle"
)

func scratchStations(b *testing.B) []geo.GroundStation {
	bz, err := os.ReadFile("../data/ground_stations_top100.txt")
	if err != nil {
		b.Fatal(err)
	}
	gs, err := geo.ParseGroundStations(strings.NewReader(string(bz)))
	if err != nil {
		b.Fatal(err)
	}
	return gs
}

func BenchmarkScratchTLEGen(b *testing.B) {
	for i := 0; i < b.N; i++ {
		shell.StarlinkS1.TLEs()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1584, "ns/sat")
}

func BenchmarkScratchSetupNear(b *testing.B) {
	tles, _ := shell.StarlinkS1.TLEs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sgp4.New(tles[i%len(tles)], sgp4.WGS72)
	}
}

func BenchmarkScratchSetupDeep(b *testing.B) {
	f, _ := os.Open("../testdata/SGP4-VER.TLE")
	sets, _ := tle.ParseFile(f, tle.Vallado)
	var deep []tle.TLE
	for _, s := range sets {
		if s.MeanMotion < 6.4 {
			deep = append(deep, s)
		}
	}
	b.Logf("%d deep", len(deep))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sgp4.New(deep[i%len(deep)], sgp4.WGS72)
	}
}

func BenchmarkScratchParse(b *testing.B) {
	tles, _ := shell.StarlinkS1.TLEs()
	var l1s, l2s []string
	for _, t := range tles[:100] {
		a, c := t.Format()
		l1s, l2s = append(l1s, a), append(l2s, c)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tle.Parse(l1s[i%100], l2s[i%100], tle.StrictOptions)
	}
}

func BenchmarkScratchBuild(b *testing.B) {
	gs := scratchStations(b)
	for i := 0; i < b.N; i++ {
		NewNetwork(shell.StarlinkS1, gs)
	}
}

func BenchmarkScratchSnapshot(b *testing.B) {
	n, _ := NewNetwork(shell.StarlinkS1, scratchStations(b))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n.Snapshot(shell.EpochUnixNano + int64(i)*1e9)
	}
}

func BenchmarkScratchRTT(b *testing.B) {
	n, _ := NewNetwork(shell.StarlinkS1, scratchStations(b))
	s := n.Snapshot(shell.EpochUnixNano)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.RTTMatrixNs()
	}
}

func BenchmarkScratchRoute(b *testing.B) {
	n, _ := NewNetwork(shell.StarlinkS1, scratchStations(b))
	s := n.Snapshot(shell.EpochUnixNano)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.Route(9, 27)
	}
}
