package sgp4

import (
	"math"

	"github.com/novacron/novacron/x/orbit/engine/tle"
)

// Meter prices of the propagator, in steps of the work meter
// (x/internal/meter: about a nanosecond of single-core work each; the
// netgraph benchmarks report the measured ns/step). Callers charge them
// before the work, so the prices are upper bounds of what one call does.
const (
	// NearSetupSteps and DeepSetupSteps are one New/NewMode (see
	// SetupSteps): the SGP4 initialisation and its t = 0 propagation
	// (~1.2 us), or the SDP4 one with its lunar-solar and resonance terms
	// (~1.8-2.7 us).
	NearSetupSteps = 1536
	DeepSetupSteps = 3072
	// NearEarthSteps is one near-earth (SGP4) propagation, ~0.35 us.
	NearEarthSteps = 512
	// DeepSpaceSteps is one deep-space (SDP4) propagation without the
	// resonance integrator: secular and lunar-solar periodic terms.
	DeepSpaceSteps = 1536
	// ResonanceSteps is one 720-minute step of the resonance integrator of a
	// 12 h resonant orbit (10 SinCos), SyncResonanceSteps one of a 24 h
	// (geosynchronous) orbit (3 SinCos). The integrator restarts from epoch
	// on every call, so a call |t| minutes from epoch runs floor(|t|/720)+1
	// of them: a resonant satellite with an old epoch costs up to ~2e5 of
	// them per call (the int64 nanosecond range).
	ResonanceSteps     = 256
	SyncResonanceSteps = 96
)

// SetupSteps is the meter price of New(e)/NewMode(e): DeepSetupSteps when
// the orbit may be deep space, NearSetupSteps otherwise. SDP4 starts at a
// 225-minute period, i.e. 6.4 rev/day of un-Kozai'd mean motion;
// un-Kozai-ing changes the TLE's mean motion by well under the 1.5% between
// 6.4 and 6.5 rev/day unless the eccentricity is extreme, so a mean motion
// below 6.5 rev/day or an eccentricity above 0.5 (or either not a number) is
// priced as deep space: a conservative test on the element set alone,
// before any of the work.
func SetupSteps(e tle.TLE) uint64 {
	if !(e.MeanMotion >= 6.5) || !(e.Eccentricity <= 0.5) {
		return DeepSetupSteps
	}
	return NearSetupSteps
}

// PropagateSteps is the meter price of Propagate(tsince): NearEarthSteps, or
// DeepSpaceSteps plus ResonanceSteps (SyncResonanceSteps for a 24 h orbit)
// per integrator step for a resonant deep-space orbit. It saturates for
// |tsince| beyond any int64 time.
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
	per := uint64(ResonanceSteps)
	if s.irez == 1 {
		per = SyncResonanceSteps
	}
	return DeepSpaceSteps + (uint64(k)+1)*per
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
