package meter

import (
	"errors"
	"testing"
)

func TestChargeStopsAtBudget(t *testing.T) {
	m := New(10)
	if err := m.Charge("a", 4); err != nil {
		t.Fatal(err)
	}
	if err := m.Charge("a", 6); err != nil {
		t.Fatal(err)
	}
	err := m.Charge("b", 1)
	var be *BudgetError
	if !errors.As(err, &be) || !errors.Is(err, ErrBudgetExceeded) || be.Need != 11 || be.Budget != 10 || be.Stage != "b" {
		t.Fatalf("got %v", err)
	}
	if m.Used() != 10 || m.Remaining() != 0 {
		t.Fatalf("a failed charge must charge nothing: used %d", m.Used())
	}
	if got := err.Error(); got != "work budget exceeded: b needs 11 steps, budget 10" {
		t.Fatalf("message %q", got)
	}
}

func TestSaturation(t *testing.T) {
	m := New(Unlimited - 1)
	if err := m.Charge("x", Unlimited-1); err != nil {
		t.Fatal(err)
	}
	if err := m.Charge("x", 2); err == nil {
		t.Fatal("overflow must not wrap to a small total")
	}
	if Mul(1<<40, 1<<40) != Unlimited || Add(Unlimited, 1) != Unlimited || Pow2(64) != Unlimited || Pow2(3) != 8 {
		t.Fatal("saturating helpers")
	}
	var nilMeter *Meter
	if nilMeter.Charge("x", Unlimited) != nil || nilMeter.Used() != 0 {
		t.Fatal("nil meter is unmetered")
	}
}

func TestGasForRoundsUp(t *testing.T) {
	for _, c := range []struct{ steps, per, gas uint64 }{
		{0, 10, 0}, {1, 10, 1}, {10, 10, 1}, {11, 10, 2}, {^uint64(0), 1, ^uint64(0)}, {^uint64(0), 2, 1 << 63},
	} {
		if g := GasFor(c.steps, c.per); g != c.gas {
			t.Errorf("GasFor(%d, %d) = %d, want %d", c.steps, c.per, g, c.gas)
		}
	}
}
