package dtn

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/novacron/novacron/x/internal/meter"
)

// TestMeteredCGRBudget: a route fits a budget of exactly its steps, gives the
// unmetered result, and fails one step short with the typed error (never
// ErrNoRoute); an unroutable bundle pays for its search too.
func TestMeteredCGRBudget(t *testing.T) {
	p := RandomPlan(10000, 100, 42)
	for _, c := range []struct{ src, dst int64 }{{3, 53}, {0, 50}, {3, 999}, {7, 7}} {
		want, werr := p.CGR(c.src, c.dst, 10000, 0, 86400e6*2)
		m := meter.New(meter.Unlimited)
		_, _ = p.CGRMetered(c.src, c.dst, 10000, 0, 86400e6*2, m)
		steps := m.Used()
		m = meter.New(steps)
		got, err := p.CGRMetered(c.src, c.dst, 10000, 0, 86400e6*2, m)
		if !reflect.DeepEqual(got, want) || !errors.Is(err, werr) && err != werr || m.Used() != steps {
			t.Fatalf("%v: %+v %v, want %+v %v", c, got, err, want, werr)
		}
		if steps == 0 {
			continue // src == dst: no search
		}
		m = meter.New(steps - 1)
		_, err = p.CGRMetered(c.src, c.dst, 10000, 0, 86400e6*2, m)
		var be *meter.BudgetError
		if !errors.As(err, &be) || be.Stage != StageCGR || errors.Is(err, ErrNoRoute) || m.Used() > steps-1 {
			t.Fatalf("%v one step short: %v", c, err)
		}
		t.Logf("%d -> %d: %d steps (%v)", c.src, c.dst, steps, werr)
	}
}

// adversarialPlan has n contacts and n ranges none of which covers a
// contact: attaching light times scans the whole range table per contact
// (n^2 comparisons from ~60n bytes of plan).
func adversarialPlan(n int) string {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "a contact +%d +%d %d %d 1000\n", i, i+10, i%50, (i+1)%50)
	}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "a range +0 +1 %d %d 1\n", 1000+i, 2000+i)
	}
	return sb.String()
}

// TestMeteredParsePlanQuadratic: the plan's quadratic light-time scan is
// charged before it runs; a budget for the plan's size alone stops it.
func TestMeteredParsePlanQuadratic(t *testing.T) {
	plan := adversarialPlan(4000)
	m := meter.New(meter.Unlimited)
	want, err := ParsePlanMetered(strings.NewReader(plan), m)
	if err != nil {
		t.Fatal(err)
	}
	steps := m.Used()
	if steps < 4000*4000*RangeSteps {
		t.Fatalf("%d steps", steps)
	}
	plain, _ := ParsePlan(strings.NewReader(plan))
	if !reflect.DeepEqual(plain, want) {
		t.Fatal("metered plan differs")
	}
	budget := uint64(len(plan)) * 100
	m = meter.New(budget)
	_, err = ParsePlanMetered(strings.NewReader(plan), m)
	var be *meter.BudgetError
	if !errors.As(err, &be) || be.Stage != StagePlan || m.Used() > budget {
		t.Fatalf("%v", err)
	}
	t.Logf("%d bytes: %d steps; under %d: %v", len(plan), steps, budget, err)

	// Simulate under a budget: typed error, not an expired bundle.
	p := RandomPlan(2000, 40, 7)
	bs := []Bundle{{ID: 1, Src: 0, Dst: 17, SizeBytes: 1000, ExpiryUs: 86400e6}, {ID: 2, Src: 3, Dst: 5, SizeBytes: 1000, ExpiryUs: 86400e6}}
	m = meter.New(meter.Unlimited)
	out, err := p.SimulateMetered(bs, m)
	if err != nil || !reflect.DeepEqual(out, p.Simulate(bs)) {
		t.Fatalf("simulate: %v", err)
	}
	m = meter.New(m.Used() - 1)
	if _, err := p.SimulateMetered(bs, m); !errors.Is(err, meter.ErrBudgetExceeded) {
		t.Fatalf("simulate one step short: %v", err)
	}
}

func nsPerStep(b *testing.B, op func(i int, m *meter.Meter) error) {
	b.Helper()
	var steps uint64
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := meter.New(meter.Unlimited)
		if err := op(i, m); err != nil && !errors.Is(err, ErrNoRoute) {
			b.Fatal(err)
		}
		steps += m.Used()
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps), "ns/step")
	b.ReportMetric(float64(steps)/float64(b.N), "steps/op")
}

// BenchmarkMeteredCGR10k: CGR over a 10,000-contact, 100-node plan.
func BenchmarkMeteredCGR10k(b *testing.B) {
	p := RandomPlan(10000, 100, 42)
	nsPerStep(b, func(i int, m *meter.Meter) error {
		src := int64(i % 100)
		_, err := p.CGRMetered(src, (src+50)%100, 10000, 0, 86400e6*2, m)
		return err
	})
}

// BenchmarkMeteredParsePlan: parsing the quadratic adversarial plan
// (4,000 contacts, 4,000 ranges).
func BenchmarkMeteredParsePlan(b *testing.B) {
	plan := adversarialPlan(4000)
	nsPerStep(b, func(_ int, m *meter.Meter) error {
		_, err := ParsePlanMetered(strings.NewReader(plan), m)
		return err
	})
}

// BenchmarkMeteredParseIONPlan: parsing an ordinary plan (10,000 contacts
// with matching ranges).
func BenchmarkMeteredParseIONPlan(b *testing.B) {
	var sb strings.Builder
	for i := 0; i < 10000; i++ {
		fmt.Fprintf(&sb, "a contact +%d +%d %d %d 1000\n", i, i+10, i%50, (i+1)%50)
	}
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&sb, "a range +0 +100000 %d %d 1\n", i, (i+1)%50)
	}
	plan := sb.String()
	nsPerStep(b, func(_ int, m *meter.Meter) error {
		_, err := ParsePlanMetered(strings.NewReader(plan), m)
		return err
	})
}
