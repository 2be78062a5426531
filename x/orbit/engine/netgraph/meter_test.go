package netgraph

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/orbit/engine/geo"
	"github.com/novacron/novacron/x/orbit/engine/sgp4"
	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/engine/tle"
)

// top100 is the engine's embedded copy of Hypatia's top-100 cities.
func top100(t testing.TB) []geo.GroundStation {
	f, err := os.Open(filepath.Join("..", "data", "ground_stations_top100.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gs, err := geo.ParseGroundStations(f)
	if err != nil || len(gs) != 100 {
		t.Fatalf("%d stations: %v", len(gs), err)
	}
	return gs
}

// AdversarialTLEs is testdata/adversarial_resonant.tle cycled to n
// satellites numbered 1..n: resonant deep-space orbits with epochs decades
// from any block time.
func adversarialTLEs(t testing.TB, n int) []tle.TLE {
	f, err := os.Open(filepath.Join("..", "testdata", "adversarial_resonant.tle"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seeds, err := tle.ParseFile(f, tle.StrictOptions)
	if err != nil || len(seeds) != 4 {
		t.Fatalf("%d seeds: %v", len(seeds), err)
	}
	out := make([]tle.TLE, n)
	for i := range out {
		out[i] = seeds[i%len(seeds)]
		out[i].SatNum = i + 1
	}
	return out
}

// block2025 is a block time 68 years after the 1957 epochs of the seed.
var block2025 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()

// requireBudgetError checks a charge failure: typed, within the budget, and
// what the meter reports.
func requireBudgetError(t *testing.T, err error, m *meter.Meter, stage string) *meter.BudgetError {
	t.Helper()
	var be *meter.BudgetError
	if !errors.As(err, &be) || !errors.Is(err, meter.ErrBudgetExceeded) {
		t.Fatalf("want a *meter.BudgetError, got %v", err)
	}
	if be.Stage != stage || be.Budget != m.Budget() || be.Need <= be.Budget || m.Used() > m.Budget() {
		t.Fatalf("%+v (used %d)", be, m.Used())
	}
	return be
}

// stepsOf runs f under an unlimited meter and returns the steps it used.
func stepsOf(t testing.TB, f func(m *meter.Meter) error) uint64 {
	t.Helper()
	m := meter.New(meter.Unlimited)
	if err := f(m); err != nil {
		t.Fatal(err)
	}
	return m.Used()
}

// A build fails with the typed error one step short of what it uses and
// succeeds with exactly that; ChargeBuild (a cache hit) charges the same
// sequence: the same steps, and the same error one step short.
func TestMeteredBuildBudget(t *testing.T) {
	gs := top100(t)
	build := func(m *meter.Meter) (*Network, error) { return NewNetworkMetered(shell.StarlinkS1, gs, m) }
	steps := stepsOf(t, func(m *meter.Meter) error { _, err := build(m); return err })
	sats := uint64(shell.StarlinkS1.NumSats())
	want := sats*(TLESourceSteps+sgp4.NearSetupSteps) + 2*sats*ISLSteps + 100*StationSteps
	if steps != want {
		t.Fatalf("build steps %d, want %d", steps, want)
	}

	m := meter.New(steps - 1)
	_, err := build(m)
	fresh := requireBudgetError(t, err, m, StageLinks)
	if m.Used() != steps-100*StationSteps {
		t.Fatalf("used %d", m.Used())
	}
	m = meter.New(steps)
	n, err := build(m)
	if err != nil || m.Used() != steps {
		t.Fatalf("used %d of %d: %v", m.Used(), steps, err)
	}
	if n.BuildSteps() != steps {
		t.Fatalf("BuildSteps %d, want %d", n.BuildSteps(), steps)
	}
	// The unmetered build gives the same network.
	plain, err := NewNetwork(shell.StarlinkS1, gs)
	if err != nil || !reflect.DeepEqual(plain, n) {
		t.Fatalf("metered and unmetered networks differ (%v)", err)
	}

	// Replaying the build: same steps, same failure.
	for _, budget := range []uint64{0, 1, TLESourceSteps * sats, steps / 2, steps - 1, steps} {
		mf, mr := meter.New(budget), meter.New(budget)
		_, ferr := build(mf)
		rerr := n.ChargeBuild(mr)
		if mf.Used() != mr.Used() || (ferr == nil) != (rerr == nil) || (ferr != nil && ferr.Error() != rerr.Error()) {
			t.Fatalf("budget %d: build used %d (%v), replay used %d (%v)", budget, mf.Used(), ferr, mr.Used(), rerr)
		}
	}
	if mr := meter.New(steps - 1); n.ChargeBuild(mr).Error() != fresh.Error() {
		t.Fatal("replay error differs")
	}

	// A small budget stops before the TLE generation.
	m = meter.New(1000)
	_, err = build(m)
	requireBudgetError(t, err, m, StageTLEs)
	if m.Used() != 0 {
		t.Fatalf("used %d", m.Used())
	}
}

// A route and the all-pairs matrix fail one step short and succeed with
// exactly their steps, with the unmetered results.
func TestMeteredRouteBudget(t *testing.T) {
	n, err := NewNetwork(shell.StarlinkS1, top100(t))
	if err != nil {
		t.Fatal(err)
	}
	at := shell.EpochUnixNano + 37e9
	route := func(m *meter.Meter) (Path, error) {
		s, err := n.SnapshotMetered(at, m)
		if err != nil {
			return Path{}, err
		}
		return s.RouteMetered(9, 27, m)
	}
	steps := stepsOf(t, func(m *meter.Meter) error { _, err := route(m); return err })
	snapSteps := stepsOf(t, func(m *meter.Meter) error { _, err := n.SnapshotMetered(at, m); return err })
	if snapSteps >= steps || snapSteps < 1584*sgp4.NearEarthSteps+158_400*GSLSteps {
		t.Fatalf("snapshot %d of route %d steps", snapSteps, steps)
	}
	want, err := n.Snapshot(at).Route(9, 27)
	if err != nil {
		t.Fatal(err)
	}
	m := meter.New(steps)
	got, err := route(m)
	if err != nil || m.Used() != steps || !reflect.DeepEqual(got, want) {
		t.Fatalf("used %d of %d: %v", m.Used(), steps, err)
	}
	// Short of the route: Dijkstra stops; short of the snapshot: its last
	// charge (the CSR arrays) or its first (the nodes) fails.
	for _, c := range []struct {
		budget uint64
		stage  string
	}{{steps - 1, StageRoute}, {snapSteps + 1, StageRoute}, {snapSteps - 1, StageGraph}, {100, StageGraph}} {
		m = meter.New(c.budget)
		_, err = route(m)
		be := requireBudgetError(t, err, m, c.stage)
		if errors.Is(err, ErrUnreachable) {
			t.Fatal("a budget error is not unreachable")
		}
		t.Logf("budget %d: %v", c.budget, be)
	}

	s := n.Snapshot(at)
	mSteps := stepsOf(t, func(m *meter.Meter) error { _, err := s.RTTMatrixNsMetered(m); return err })
	m = meter.New(mSteps)
	rtt, err := s.RTTMatrixNsMetered(m)
	if err != nil || !reflect.DeepEqual(rtt, s.RTTMatrixNs()) {
		t.Fatalf("matrix: %v", err)
	}
	m = meter.New(mSteps - 1)
	_, err = s.RTTMatrixNsMetered(m)
	requireBudgetError(t, err, m, StageRoute)
	t.Logf("Starlink S1 + 100 stations: route %d steps (snapshot %d), matrix %d steps", steps, snapSteps, mSteps)
}

// TestMeteredHandoffBudget: a handoff scan charges every instant and
// satellite before propagating it.
func TestMeteredHandoffBudget(t *testing.T) {
	n, err := NewNetwork(shell.KuiperK1, top100(t))
	if err != nil {
		t.Fatal(err)
	}
	from := shell.EpochUnixNano
	scan := func(m *meter.Meter) (HandoffEvent, bool, error) { return n.NextHandoffMetered(17, from, 120e9, 1e9, m) }
	steps := stepsOf(t, func(m *meter.Meter) error { _, _, err := scan(m); return err })
	if want := 121 * (StationSteps + HopSteps + 1156*(sgp4.NearEarthSteps+ISLSteps)); steps != uint64(want) {
		t.Fatalf("handoff steps %d, want %d", steps, want)
	}
	wev, wok, werr := n.NextHandoff(17, from, 120e9, 1e9)
	m := meter.New(steps)
	ev, ok, err := scan(m)
	if err != nil || werr != nil || ev != wev || ok != wok {
		t.Fatalf("%v %v / %v %v", ev, err, wev, werr)
	}
	m = meter.New(steps - 1)
	_, _, err = scan(m)
	requireBudgetError(t, err, m, StageHandoff)

	// The end of the int64 range: the counted scan neither overflows nor loops.
	const maxT = int64(^uint64(0) >> 1)
	m = meter.New(meter.Unlimited)
	serving, _, err := n.HandoffsMetered(17, maxT-10e9, maxT, 1e9, m)
	if err != nil || len(serving) != 11 {
		t.Fatalf("%d instants: %v", len(serving), err)
	}
	if _, _, err := n.Handoffs(17, -maxT, maxT, 1e9); err == nil {
		t.Fatal("an overflowing window is accepted")
	}
}

// TestAdversarialMaxTLESet: 20,000 resonant deep-space satellites whose
// epochs are 68 years from the block time. The build is priced per
// satellite; each propagation is priced by its integrator steps, so a
// snapshot that would take minutes unmetered stops at its budget after a
// few satellites.
func TestAdversarialMaxTLESet(t *testing.T) {
	tles := adversarialTLEs(t, MaxSatellites)
	gs := top100(t)
	build := func(m *meter.Meter) (*Network, error) {
		return NewNetworkFromTLEsMetered(tles, nil, 2000, 0, gs, tles[0].EpochUnixNano(), m)
	}
	// One more satellite is refused before any charge.
	if _, err := NewNetworkFromTLEsMetered(append(tles, tles[0]), nil, 2000, 0, gs, 0, meter.New(0)); err == nil || errors.Is(err, meter.ErrBudgetExceeded) {
		t.Fatalf("oversized set: %v", err)
	}

	// A budget below the set-up of every satellite: the typed error, within
	// the budget, after budget/DeepSetupSteps set-ups.
	m := meter.New(1_000_000)
	if _, err := build(m); err != nil {
		requireBudgetError(t, err, m, StageSetup)
	} else {
		t.Fatal("20,000 set-ups fit a budget of 1e6 steps")
	}
	if m.Used() != 1_000_000/sgp4.DeepSetupSteps*sgp4.DeepSetupSteps {
		t.Fatalf("used %d", m.Used())
	}
	want := uint64(MaxSatellites)*sgp4.DeepSetupSteps + 100*StationSteps
	m = meter.New(want)
	n, err := build(m)
	if err != nil || m.Used() != want {
		t.Fatalf("used %d of %d: %v", m.Used(), want, err)
	}

	// Every satellite is resonant; 68 years from epoch a propagation costs
	// ~5e4 integrator steps.
	var worst uint64
	for i, s := range n.Sats[:4] {
		if !s.DeepSpace() || !s.Resonant() {
			t.Fatalf("seed %d is not resonant deep space", i)
		}
		worst = max(worst, s.PropagateUnixNanoSteps(block2025))
	}
	if worst < 40_000*sgp4.ResonanceSteps {
		t.Fatalf("worst propagation price %d", worst)
	}
	// A snapshot under a budget a shell snapshot fits in several times over
	// stops in the propagation, having propagated only the satellites it
	// could pay for.
	budget := uint64(100_000_000)
	m = meter.New(budget)
	_, err = n.SnapshotMetered(block2025, m)
	requireBudgetError(t, err, m, StagePropagate)
	t.Logf("adversarial snapshot: %v", err)
	if m.Used() > budget || m.Used() < budget/2 {
		t.Fatalf("used %d", m.Used())
	}
	// An hour from the 1957 epochs the same orbits are cheap: one
	// integrator step each.
	small, err := NewNetworkFromTLEs(tles[:3], nil, 2000, 0, gs, tles[0].EpochUnixNano())
	if err != nil {
		t.Fatal(err)
	}
	near := tles[0].EpochUnixNano() + 3600e9
	steps := stepsOf(t, func(m *meter.Meter) error { _, err := small.SnapshotMetered(near, m); return err })
	if props := steps - stepsOf(t, func(m *meter.Meter) error { _, err := small.SnapshotMetered(tles[0].EpochUnixNano(), m); return err }); props != 0 {
		t.Fatalf("an hour from epoch costs %d more steps than the epoch", props)
	}
	if p := small.Sats[0].PropagateUnixNanoSteps(near); p != sgp4.DeepSpaceSteps+sgp4.ResonanceSteps {
		t.Fatalf("near-epoch price %d", p)
	}
}

// nsPerStep runs op b.N times under an unlimited meter and reports the
// wall time per step charged.
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

// BenchmarkMeteredBuildStarlink: a network build (TLE generation and SGP4
// set-up of 1,584 satellites, 100 stations), as on a cache miss.
func BenchmarkMeteredBuildStarlink(b *testing.B) {
	gs := top100(b)
	nsPerStep(b, func(m *meter.Meter) error { _, err := NewNetworkMetered(shell.StarlinkS1, gs, m); return err })
}

// BenchmarkMeteredBuildAdversarial: SGP4 set-up of 20,000 resonant
// deep-space satellites from a TLE set.
func BenchmarkMeteredBuildAdversarial(b *testing.B) {
	tles, gs := adversarialTLEs(b, MaxSatellites), top100(b)
	nsPerStep(b, func(m *meter.Meter) error {
		_, err := NewNetworkFromTLEsMetered(tles, nil, 2000, 0, gs, 0, m)
		return err
	})
}

// BenchmarkMeteredRouteStarlink: one route query's engine work (snapshot and
// one Dijkstra over Starlink S1 and 100 stations).
func BenchmarkMeteredRouteStarlink(b *testing.B) {
	n, err := NewNetwork(shell.StarlinkS1, top100(b))
	if err != nil {
		b.Fatal(err)
	}
	i := int64(0)
	nsPerStep(b, func(m *meter.Meter) error {
		i++
		s, err := n.SnapshotMetered(shell.EpochUnixNano+i*1e9, m)
		if err != nil {
			return err
		}
		_, err = s.RouteMetered(9, 27, m)
		return err
	})
}

// BenchmarkMeteredDijkstraStarlink: the routing alone (one Dijkstra and the
// path over a fixed snapshot).
func BenchmarkMeteredDijkstraStarlink(b *testing.B) {
	n, err := NewNetwork(shell.StarlinkS1, top100(b))
	if err != nil {
		b.Fatal(err)
	}
	s := n.Snapshot(shell.EpochUnixNano)
	nsPerStep(b, func(m *meter.Meter) error { _, err := s.RouteMetered(9, 27, m); return err })
}

// BenchmarkMeteredPropagateResonant: snapshots of 16 resonant satellites 68
// years from epoch (the integrator dominates).
func BenchmarkMeteredPropagateResonant(b *testing.B) {
	n, err := NewNetworkFromTLEs(adversarialTLEs(b, 16), nil, 2000, 0, top100(b)[:2], 0)
	if err != nil {
		b.Fatal(err)
	}
	nsPerStep(b, func(m *meter.Meter) error { _, err := n.SnapshotMetered(block2025, m); return err })
}

// BenchmarkMeteredHandoffKuiper: a 120-instant handoff scan over Kuiper K1.
func BenchmarkMeteredHandoffKuiper(b *testing.B) {
	n, err := NewNetwork(shell.KuiperK1, top100(b))
	if err != nil {
		b.Fatal(err)
	}
	nsPerStep(b, func(m *meter.Meter) error {
		_, _, err := n.NextHandoffMetered(17, shell.EpochUnixNano, 120e9, 1e9, m)
		return err
	})
}
