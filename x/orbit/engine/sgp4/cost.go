package sgp4

import "math"

// Meter prices of the propagator, in steps of the work meter
// (x/internal/meter: about a nanosecond of single-core work each; the
// netgraph benchmarks report the measured ns/step). Callers charge them
// before the work, so the prices are upper bounds of what one call does.
const (
	// SetupSteps is one New/NewMode: the SGP4 or SDP4 initialisation
	// (lunar-solar terms included) and its t = 0 propagation, ~1.2 us
	// near-earth and ~1.8 us deep-space. One price for both: the deep-space
	// test needs the un-Kozai'd mean motion, i.e. half of the work.
	SetupSteps = 2048
	// NearEarthSteps is one near-earth (SGP4) propagation, ~0.35 us.
	NearEarthSteps = 512
	// DeepSpaceSteps is one deep-space (SDP4) propagation without the
	// resonance integrator: secular and lunar-solar periodic terms.
	DeepSpaceSteps = 1536
	// ResonanceSteps is one 720-minute step of the resonance integrator of a
	// 12 h or 24 h resonant orbit (3 or 10 SinCos). The integrator restarts
	// from epoch on every call, so a call |t| minutes from epoch runs
	// floor(|t|/720)+1 of them: a resonant satellite with an old epoch costs
	// up to ~2e5 of them per call (the int64 nanosecond range).
	ResonanceSteps = 256
)

// PropagateSteps is the meter price of Propagate(tsince): NearEarthSteps, or
// DeepSpaceSteps plus ResonanceSteps per integrator step for a resonant
// deep-space orbit. It saturates for |tsince| beyond any int64 time.
func (s *Satellite) PropagateSteps(tsince float64) uint64 {
	if !s.deep {
		return NearEarthSteps
	}
	if s.irez == 0 || math.IsNaN(tsince) || math.IsInf(tsince, 0) {
		return DeepSpaceSteps
	}
	k := math.Floor(math.Abs(tsince) / 720)
	if k >= 1<<50 {
		return ^uint64(0)
	}
	return DeepSpaceSteps + (uint64(k)+1)*ResonanceSteps
}

// PropagateUnixNanoSteps is the meter price of PropagateUnixNano(unixNs).
func (s *Satellite) PropagateUnixNanoSteps(unixNs int64) uint64 {
	return s.PropagateSteps(float64(unixNs-s.EpochUnixNano) / 60e9)
}

// DeepSpace reports whether the satellite uses SDP4 (period >= 225 min).
func (s *Satellite) DeepSpace() bool { return s.deep }

// Resonant reports whether SDP4 integrates resonance terms (12 h or 24 h
// orbits), whose propagation cost grows with the time from epoch.
func (s *Satellite) Resonant() bool { return s.irez != 0 }
