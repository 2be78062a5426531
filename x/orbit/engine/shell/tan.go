package shell

import "github.com/novacron/novacron/x/internal/dmath"

func tanDeg(d float64) float64 { return dmath.Tan(float64(d * dmath.Deg2Rad)) }
