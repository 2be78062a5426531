package sgp4

import "math"

// StateMM is a TEME state quantised for on-chain use: millimetres and mm/s.
type StateMM struct {
	X, Y, Z    int64
	VX, VY, VZ int64
}

// roundHalfAway rounds to the nearest integer, halves away from zero.
func roundHalfAway(x float64) int64 {
	if x < 0 {
		return -int64(math.Floor(-x + 0.5))
	}
	return int64(math.Floor(x + 0.5))
}

// Quantise converts km and km/s to integer mm and mm/s.
func Quantise(r, v [3]float64) StateMM {
	return StateMM{
		X: roundHalfAway(float64(r[0] * 1e6)), Y: roundHalfAway(float64(r[1] * 1e6)), Z: roundHalfAway(float64(r[2] * 1e6)),
		VX: roundHalfAway(float64(v[0] * 1e6)), VY: roundHalfAway(float64(v[1] * 1e6)), VZ: roundHalfAway(float64(v[2] * 1e6)),
	}
}

// PropagateUnixNano propagates to an absolute UTC time in Unix nanoseconds.
func (s *Satellite) PropagateUnixNano(unixNs int64) (r, v [3]float64, err error) {
	return s.propagate(float64(unixNs-s.EpochUnixNano) / 60e9)
}

// PropagateMM is the on-chain entry point: time as integer milliseconds
// from epoch, state quantised to mm and mm/s.
func (s *Satellite) PropagateMM(tsinceMs int64) (StateMM, error) {
	r, v, err := s.propagate(float64(tsinceMs) / 60000.0)
	if err != nil {
		return StateMM{}, err
	}
	return Quantise(r, v), nil
}
