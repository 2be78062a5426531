package engine

import (
	"math"
	"testing"
)

// Against the exact normal tail −log10(½·erfc(y/√2)) (float reference). Akka's logistic
// approximation is within 0.01 of it up to y = 2.5 (φ ≈ 2.2), and above that it is never below
// it and at most 16 % above up to y = 5.5 (φ ≈ 7.7): in the tail it suspects earlier, never later.
func TestPhiAgainstNormalTail(t *testing.T) {
	for y := -3.0; y <= 9; y += 0.01 {
		exact := -math.Log10(0.5 * math.Erfc(y/math.Sqrt2))
		got := float64(phiMilli(1000+100*y, 1000, 100)) / 1000
		d := got - exact
		switch {
		case y <= 2.5 && math.Abs(d) > 0.01:
			t.Fatalf("y %.2f: φ %.4f, exact %.4f", y, got, exact)
		case y > 2.5 && d < -0.001:
			t.Fatalf("y %.2f: φ %.4f below the exact %.4f", y, got, exact)
		case y > 2.5 && y <= 5.5 && d > 0.16*exact:
			t.Fatalf("y %.2f: φ %.4f more than 16 %% above the exact %.4f", y, got, exact)
		}
	}
}

// Akka's two-branch form in stdlib floats gives the same φ (the rewrite and dmath are exact to
// the thousandth).
func TestPhiMatchesAkkaForm(t *testing.T) {
	akka := func(since, mean, std float64) float64 {
		y := (since - mean) / std
		e := math.Exp(-y * (1.5976 + 0.070566*y*y))
		if since > mean {
			return -math.Log10(e / (1 + e))
		}
		return -math.Log10(1 - 1/(1+e))
	}
	for since := 0.0; since <= 2500; since += 3.7 {
		want := akka(since, 1000, 120)
		got := float64(phiMilli(since, 1000, 120)) / 1000
		if math.Abs(got-want) > 0.0011 {
			t.Fatalf("since %.1f: φ %.4f, Akka %.4f", since, got, want)
		}
	}
}

func TestPhiOnABeat(t *testing.T) {
	p := PhiParams{MinSamples: 3, MinStdDevMs: 100, AcceptablePauseMs: 0}
	var h Heartbeats
	now := int64(1_700_000_000_000)
	for i := 0; i < 20; i++ { // a 1 s beat with ±50 ms jitter
		now += 1000 + int64(i%3-1)*50
		h = h.Observe(now, 16)
	}
	if len(h.Intervals) != 16 {
		t.Fatalf("%d intervals kept, window 16", len(h.Intervals))
	}
	if phi := PhiMilli(h, now+500, p); phi > 100 {
		t.Fatalf("φ %d‰ half a beat after a heartbeat", phi)
	}
	if phi := PhiMilli(h, now+1000, p); phi < 200 || phi > 500 {
		t.Fatalf("φ %d‰ one beat after (≈ log10 2)", phi)
	}
	at8 := int64(0)
	for d := int64(1000); d < 5000; d += 10 {
		if PhiMilli(h, now+d, p) >= 8000 {
			at8 = d
			break
		}
	}
	if at8 < 1400 || at8 > 1700 {
		t.Fatalf("φ reached 8 after %d ms of silence; expected 1.4–1.7 s for a 1 s beat with σ = 100 ms", at8)
	}
	if PhiMilli(h, now+1_000_000_000, p) != MaxPhiMilli {
		t.Fatal("φ not capped")
	}
	if PhiMilli(Heartbeats{LastMs: now, Intervals: []uint32{1000, 1000}}, now+10_000, p) != 0 {
		t.Fatal("φ judged with fewer than MinSamples intervals")
	}
	// a pause the params accept is not suspected
	p.AcceptablePauseMs = 3000
	if phi := PhiMilli(h, now+3500, p); phi > 500 {
		t.Fatalf("φ %d‰ within the acceptable pause", phi)
	}
}

func TestObserveCapsAndOrders(t *testing.T) {
	h := Heartbeats{}.Observe(1000, 4)
	if h.LastMs != 1000 || len(h.Intervals) != 0 {
		t.Fatalf("first heartbeat: %+v", h)
	}
	h = h.Observe(1000+2*MaxIntervalMs, 4)
	if h.Intervals[0] != MaxIntervalMs {
		t.Fatalf("interval %d not capped", h.Intervals[0])
	}
	h = h.Observe(h.LastMs, 4) // same block time: no interval
	if len(h.Intervals) != 1 {
		t.Fatalf("%+v", h)
	}
	for i := 0; i < 6; i++ {
		h = h.Observe(h.LastMs+int64(100*(i+1)), 4)
	}
	if want := []uint32{300, 400, 500, 600}; len(h.Intervals) != 4 || h.Intervals[0] != want[0] || h.Intervals[3] != want[3] {
		t.Fatalf("window %v, want the last four %v", h.Intervals, want)
	}
}
