package engine

import (
	"errors"
	"reflect"
	"testing"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/orbit/engine/shell"
)

// TestMeteredFacade: the metered facade gives the unmetered results under a
// budget of exactly the steps it uses, and the typed budget error one step
// short (with steps used within the budget).
func TestMeteredFacade(t *testing.T) {
	gs := DefaultGroundStations()
	n, err := NewShellNetworkMetered(shell.KuiperK1, gs, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := shell.EpochUnixNano + 600e9
	for name, op := range map[string]func(m *meter.Meter) (any, error){
		"matrix": func(m *meter.Meter) (any, error) { return ComputeLatencyMatrixMetered(n, at, m) },
		"route":  func(m *meter.Meter) (any, error) { return RouteMetered(n, at, 9, 27, m) },
		"state":  func(m *meter.Meter) (any, error) { return SatelliteStateMMMetered(n, 7, at, m) },
		"build": func(m *meter.Meter) (any, error) {
			b, err := NewShellNetworkMetered(shell.TelesatT1, gs, m)
			if err != nil {
				return nil, err
			}
			return len(b.Sats), nil
		},
	} {
		m := meter.New(meter.Unlimited)
		want, err := op(m)
		if err != nil {
			t.Fatal(name, err)
		}
		steps := m.Used()
		m = meter.New(steps)
		got, err := op(m)
		if err != nil || m.Used() != steps {
			t.Fatalf("%s: used %d of %d: %v", name, m.Used(), steps, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s differs", name)
		}
		m = meter.New(steps - 1)
		if _, err := op(m); !errors.Is(err, meter.ErrBudgetExceeded) || m.Used() > steps-1 {
			t.Fatalf("%s one step short: %v (used %d)", name, err, m.Used())
		}
		t.Logf("%s: %d steps", name, steps)
	}
	// The metered matrix is the golden one.
	mm, err := ComputeLatencyMatrixMetered(n, at, meter.New(meter.Unlimited))
	if err != nil {
		t.Fatal(err)
	}
	plain := ComputeLatencyMatrix(n, at)
	for i := range plain.RTTUs {
		if plain.RTTUs[i] != mm.RTTUs[i] {
			t.Fatalf("entry %d: %d != %d", i, mm.RTTUs[i], plain.RTTUs[i])
		}
	}
	p, err := RouteMetered(n, at, 9, 27, meter.New(meter.Unlimited))
	if err != nil {
		t.Fatal(err)
	}
	if q, _ := Route(n, at, 9, 27); q.RTTUs != p.RTTUs || len(q.Nodes) != len(p.Nodes) {
		t.Fatalf("route %+v != %+v", p, q)
	}
}

func nsPerStep(b *testing.B, op func(m *meter.Meter) error) {
	b.Helper()
	var steps uint64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := meter.New(meter.Unlimited)
		if err := op(m); err != nil {
			b.Fatal(err)
		}
		steps += m.Used()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps), "ns/step")
	b.ReportMetric(float64(steps)/float64(b.N), "steps/op")
}

// BenchmarkMeteredSnapshotStarlink100: EndBlock's engine work once it has
// the network: the snapshot and the all-pairs matrix over Starlink S1 and
// 100 stations (on a cache hit the keeper charges the build's steps on top,
// without doing the work).
func BenchmarkMeteredSnapshotStarlink100(b *testing.B) {
	n, err := NewShellNetwork(shell.StarlinkS1, DefaultGroundStations())
	if err != nil {
		b.Fatal(err)
	}
	i := int64(0)
	nsPerStep(b, func(m *meter.Meter) error {
		i++
		_, err := ComputeLatencyMatrixMetered(n, shell.EpochUnixNano+i*1e9, m)
		return err
	})
}

// BenchmarkMeteredRouteStarlink100: a route query's engine work on a cache
// miss: build (TLE generation, SGP4 set-up), snapshot, one Dijkstra.
func BenchmarkMeteredRouteStarlink100(b *testing.B) {
	gs := DefaultGroundStations()
	i := int64(0)
	nsPerStep(b, func(m *meter.Meter) error {
		i++
		n, err := NewShellNetworkMetered(shell.StarlinkS1, gs, m)
		if err != nil {
			return err
		}
		_, err = RouteMetered(n, shell.EpochUnixNano+i*1e9, 9, 27, m)
		return err
	})
}
