package engine

// Predictive scaling: Holt's double exponential smoothing of a VM group's attested utilisation
// in fixed point, and the scale decision on its forecast. Level and trend are kept in
// thousandths of the input's unit; the smoothing factors in parts per million.

// HoltScale is the fixed-point scale of Level and Trend.
const HoltScale = 1000

// MaxHoltInput bounds an input sample (10^9 millicores: a million cores in one group), and
// MaxHoltSteps a forecast's horizon; together they keep every product below 2^63.
const (
	MaxHoltInput = 1_000_000_000
	MaxHoltSteps = 1_000_000
)

// Holt is the smoothing state of one series (integers: state).
type Holt struct {
	Level   int64  // ×HoltScale
	Trend   int64  // per step, ×HoltScale
	Samples uint32 // samples seen (the first sets the level, the second the trend)
}

// divRound is a/b rounded half away from zero (b > 0): the same on every machine, and without
// floor division's drift toward −∞ for a falling trend.
func divRound(a, b int64) int64 {
	if a >= 0 {
		return (a + b/2) / b
	}
	return -((-a + b/2) / b)
}

// Update adds sample x (clamped to [0, MaxHoltInput]) with factors alpha and beta in ppm.
func (h Holt) Update(x, alphaPPM, betaPPM int64) Holt {
	x = min(max(x, 0), MaxHoltInput) * HoltScale
	alphaPPM, betaPPM = min(max(alphaPPM, 0), 1_000_000), min(max(betaPPM, 0), 1_000_000)
	switch h.Samples {
	case 0:
		return Holt{Level: x, Samples: 1}
	case 1:
		return Holt{Level: x, Trend: x - h.Level, Samples: 2}
	}
	// L' = αx + (1−α)(L + T); T' = β(L' − L) + (1−β)T, each product rounded once.
	prev := h.Level + h.Trend
	level := prev + divRound(alphaPPM*(x-prev)/1000, 1000)
	trend := h.Trend + divRound(betaPPM*(level-h.Level-h.Trend)/1000, 1000)
	return Holt{Level: level, Trend: trend, Samples: min(h.Samples+1, 1<<31)}
}

// Forecast is the smoothed value steps ahead, in the input's unit (never below 0).
func (h Holt) Forecast(steps int64) int64 {
	steps = min(max(steps, 0), MaxHoltSteps)
	return max(divRound(h.Level+h.Trend*steps, HoltScale), 0)
}

// ScaleAction is a scaling decision.
type ScaleAction uint8

const (
	ScaleNone ScaleAction = 0
	ScaleOut  ScaleAction = 1
	ScaleIn   ScaleAction = 2
)

func (a ScaleAction) String() string {
	switch a {
	case ScaleOut:
		return "scale-out"
	case ScaleIn:
		return "scale-in"
	}
	return "none"
}

// ScaleParams: scale out when the forecast HorizonSteps ahead reaches OutPermille of the
// group's capacity; scale in when both the level and the forecast are at most InPermille of the
// capacity the group would have with one replica fewer (so the next step does not scale out
// again: the band between In and Out is the hysteresis), and never below MinReplicas.
type ScaleParams struct {
	HorizonSteps int64
	OutPermille  int64
	InPermille   int64
	MinReplicas  int64
	MaxReplicas  int64
}

// ScaleDecision is the decision and the numbers behind it ("why did it scale").
type ScaleDecision struct {
	Action    ScaleAction
	Level     int64 // smoothed now
	Forecast  int64 // HorizonSteps ahead
	Threshold int64 // the capacity share the forecast was compared with
}

// Decide compares the forecast with the capacity of replicas replicas of perReplica each.
func Decide(h Holt, replicas, perReplica int64, p ScaleParams) ScaleDecision {
	d := ScaleDecision{Level: h.Forecast(0), Forecast: h.Forecast(p.HorizonSteps)}
	if h.Samples < 2 || replicas <= 0 || perReplica <= 0 {
		return d
	}
	perReplica = min(perReplica, MaxHoltInput)
	replicas = min(replicas, 1<<20)
	d.Threshold = replicas * perReplica * p.OutPermille / 1000
	if d.Forecast >= d.Threshold && replicas < p.MaxReplicas {
		d.Action = ScaleOut
		return d
	}
	if replicas > max(p.MinReplicas, 1) {
		in := (replicas - 1) * perReplica * p.InPermille / 1000
		if d.Level <= in && d.Forecast <= in {
			d.Action, d.Threshold = ScaleIn, in
		}
	}
	return d
}
