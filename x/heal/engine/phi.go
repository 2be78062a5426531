package engine

import (
	"github.com/novacron/novacron/x/internal/dmath"
)

// Phi-accrual failure detection (Hayashibara et al. 2004, in the form of Akka's detector):
// suspicion φ grows with the time since a host's last heartbeat, measured against the mean and
// deviation of its recent inter-arrival times, so a host with a regular beat is suspected
// sooner than an erratic one. A heartbeat is a block whose agreed view advanced the host's agent
// sequence; times are block times in milliseconds. History is integers (state); φ is computed
// through dmath and returned in thousandths.

// MaxIntervalMs caps a stored inter-arrival time (about 2.8 h), which keeps the sums of squares
// of a full window exact in int64.
const MaxIntervalMs = 10_000_000

// MaxPhiMilli caps φ×1000 (φ = 10^6 is certainty for any threshold).
const MaxPhiMilli = 1_000_000_000

// Heartbeats is a host's heartbeat history.
type Heartbeats struct {
	LastMs    int64    // block time of the last heartbeat; 0: none yet
	Intervals []uint32 // most recent inter-arrival times in ms, oldest first
}

// Observe records a heartbeat at nowMs and keeps the last window intervals.
func (h Heartbeats) Observe(nowMs int64, window int) Heartbeats {
	out := Heartbeats{LastMs: nowMs, Intervals: h.Intervals}
	if h.LastMs > 0 && nowMs > h.LastMs {
		d := min(nowMs-h.LastMs, MaxIntervalMs)
		out.Intervals = append(append([]uint32(nil), h.Intervals...), uint32(d))
		if len(out.Intervals) > window {
			out.Intervals = out.Intervals[len(out.Intervals)-window:]
		}
	}
	return out
}

// PhiParams are x/heal's detector params.
type PhiParams struct {
	MinSamples        int   // fewer intervals than this: φ = 0 (no judgement yet)
	MinStdDevMs       int64 // floor of the deviation: a perfectly regular beat is not suspected at its first jitter
	AcceptablePauseMs int64 // added to the mean: pauses this long are normal
}

// PhiMilli is φ×1000 of h at nowMs.
func PhiMilli(h Heartbeats, nowMs int64, p PhiParams) int64 {
	n := int64(len(h.Intervals))
	if n == 0 || n < int64(p.MinSamples) || h.LastMs == 0 {
		return 0
	}
	var sum, sumSq int64
	for _, d := range h.Intervals {
		sum += int64(d)
		sumSq += int64(d) * int64(d)
	}
	mean := float64(sum) / float64(n)
	std := dmath.Sqrt(float64(n*sumSq-sum*sum)) / float64(n)
	std = max(std, float64(p.MinStdDevMs), 1)
	since := float64(max(nowMs-h.LastMs, 0))
	return phiMilli(since, mean+float64(p.AcceptablePauseMs), std)
}

// phiMilli is Akka's logistic approximation of the normal tail, φ = −log10(1 − F(t)) with
// 1 − F(t) = e/(1+e), e = exp(−a), a = y(1.5976 + 0.070566 y²), y = (t − mean)/std, written as
// φ = log10(1 + exp(a)) so that it neither underflows nor loses precision far in the tail.
func phiMilli(since, mean, std float64) int64 {
	const ln10 = 2.302585092994045684
	y := (since - mean) / std
	a := dmath.Mul(y, 1.5976+dmath.Mul(0.070566, dmath.Mul(y, y)))
	var phi float64
	if a > 36 { // log(1 + e^a) = a + log(1 + e^-a), and e^-36 is below the precision of a
		phi = a / ln10
	} else {
		phi = dmath.Log(1+dmath.Exp(a)) / ln10
	}
	milli := dmath.Mul(phi, 1000)
	if milli >= MaxPhiMilli {
		return MaxPhiMilli
	}
	return int64(milli)
}
