package engine

import (
	"math"
	"testing"
)

// Against Holt in float64 (reference): within one unit after 200 samples of a noisy ramp.
func TestHoltMatchesFloatReference(t *testing.T) {
	const alpha, beta = 0.5, 0.2
	var h Holt
	var level, trend float64
	for i := 0; i < 200; i++ {
		x := int64(1000 + 25*i + (i*7919)%97 - 48) // a ramp of 25 per step with ±48 of noise
		h = h.Update(x, 500_000, 200_000)
		switch i {
		case 0:
			level = float64(x)
		case 1:
			level, trend = float64(x), float64(x)-level
		default:
			prev := level
			level = alpha*float64(x) + (1-alpha)*(level+trend)
			trend = beta*(level-prev) + (1-beta)*trend
		}
		if got, want := float64(h.Forecast(0)), level; math.Abs(got-want) > 1 {
			t.Fatalf("sample %d: level %v, float %v", i, got, want)
		}
	}
	if got, want := float64(h.Trend)/HoltScale, trend; math.Abs(got-want) > 0.05 {
		t.Fatalf("trend %v, float %v", got, want)
	}
	if math.Abs(float64(h.Trend)/HoltScale-25) > 3 {
		t.Fatalf("trend %v per step, the ramp is 25", float64(h.Trend)/HoltScale)
	}
}

// A ramp toward saturation scales out before it gets there; a quiet group scales in; the band
// between does nothing.
func TestDecidePredicts(t *testing.T) {
	p := ScaleParams{HorizonSteps: 15, OutPermille: 800, InPermille: 400, MinReplicas: 1, MaxReplicas: 8}
	const perReplica = 1000 // millicores
	var h Holt
	out := -1
	for i := 0; i < 100; i++ {
		h = h.Update(int64(500+20*i), 500_000, 300_000) // two replicas: saturation (2000) at step 75
		if d := Decide(h, 2, perReplica, p); d.Action == ScaleOut {
			out = i
			if d.Level >= 1600 {
				t.Fatalf("scaled out only at level %d (threshold 1600)", d.Level)
			}
			break
		}
	}
	if out < 0 || out > 51 {
		t.Fatalf("scaled out at step %d; the forecast 15 steps ahead crosses 1600 at step 50", out)
	}
	quiet := Holt{}.Update(300, 500_000, 300_000).Update(300, 500_000, 300_000)
	if d := Decide(quiet, 2, perReplica, p); d.Action != ScaleIn || d.Threshold != 400 {
		t.Fatalf("quiet group: %+v", d)
	}
	if d := Decide(quiet, 1, perReplica, p); d.Action != ScaleNone {
		t.Fatalf("below MinReplicas: %+v", d)
	}
	band := Holt{}.Update(1000, 500_000, 300_000).Update(1000, 500_000, 300_000)
	if d := Decide(band, 2, perReplica, p); d.Action != ScaleNone {
		t.Fatalf("in the band: %+v", d)
	}
	// the bounds hold products below 2^63: the largest inputs give the largest answers
	huge := Holt{}.Update(0, 1_000_000, 1_000_000)
	for i := 0; i < 50; i++ {
		huge = huge.Update(int64(i%2)*1e18, 1_000_000, 1_000_000) // clamped to MaxHoltInput
	}
	if f := huge.Forecast(1 << 62); f < 0 || f > 3*MaxHoltInput*MaxHoltSteps {
		t.Fatalf("forecast %d out of range", f)
	}
	if d := Decide(huge, 1<<40, 1e18, p); d.Threshold < 0 {
		t.Fatalf("overflow: %+v", d)
	}
}

func TestDivRound(t *testing.T) {
	for _, c := range [][3]int64{{5, 2, 3}, {-5, 2, -3}, {4, 3, 1}, {-4, 3, -1}, {0, 7, 0}} {
		if got := divRound(c[0], c[1]); got != c[2] {
			t.Errorf("divRound(%d, %d) = %d, want %d", c[0], c[1], got, c[2])
		}
	}
}
