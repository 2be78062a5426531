package compile

import (
	"github.com/novacron/novacron/x/internal/dmath"
	"github.com/novacron/novacron/x/quantumjob/engine/ir"
)

// CliffordGate is an elementary stabilizer-backend gate.
type CliffordGate struct {
	Kind ir.Kind // KH, KS, KSdg, KX, KY, KZ, KSwap, or KX/KY/KZ with Ctrl >= 0 (CX, CY, CZ)
	Ctrl int     // -1 if uncontrolled
	Q    int
	Q2   int // second qubit of Swap
}

func quarterTurns(a float64) (int, bool) {
	k, ok := nearMultiple(a, dmath.Pi/2)
	return int(((k % 4) + 4) % 4), ok
}

func zTurns(q, k int) []CliffordGate {
	switch k {
	case 1:
		return []CliffordGate{{Kind: ir.KS, Ctrl: -1, Q: q}}
	case 2:
		return []CliffordGate{{Kind: ir.KZ, Ctrl: -1, Q: q}}
	case 3:
		return []CliffordGate{{Kind: ir.KSdg, Ctrl: -1, Q: q}}
	}
	return nil
}

func g1(k ir.Kind, q int) CliffordGate { return CliffordGate{Kind: k, Ctrl: -1, Q: q} }

// CliffordOf decomposes a gate op into stabilizer gates; ok is false when the
// op is not Clifford (angles must be multiples of pi/2 within angleTol).
func CliffordOf(o *ir.Op) ([]CliffordGate, bool) {
	if o.Type != ir.OpGate {
		return nil, false
	}
	if o.NCtrl == 1 {
		c, t := o.Qubits[0], o.Qubits[1]
		switch o.Kind {
		case ir.KX, ir.KY, ir.KZ:
			return []CliffordGate{{Kind: o.Kind, Ctrl: c, Q: t}}, true
		case ir.KP:
			k, ok := quarterTurns(o.Params[0])
			if !ok || k == 1 || k == 3 {
				return nil, false
			}
			if k == 0 {
				return nil, true
			}
			return []CliffordGate{{Kind: ir.KZ, Ctrl: c, Q: t}}, true
		case ir.KSwap:
			return nil, false
		}
		if isIdentity(o) {
			return nil, true
		}
		return nil, false
	}
	if o.NCtrl > 1 {
		return nil, false
	}
	q := o.Qubits[0]
	switch o.Kind {
	case ir.KI:
		return nil, true
	case ir.KX, ir.KY, ir.KZ, ir.KH, ir.KS, ir.KSdg:
		return []CliffordGate{g1(o.Kind, q)}, true
	case ir.KSX:
		return []CliffordGate{g1(ir.KH, q), g1(ir.KS, q), g1(ir.KH, q)}, true
	case ir.KSXdg:
		return []CliffordGate{g1(ir.KH, q), g1(ir.KSdg, q), g1(ir.KH, q)}, true
	case ir.KP, ir.KRZ:
		k, ok := quarterTurns(o.Params[0])
		return zTurns(q, k), ok
	case ir.KRX:
		k, ok := quarterTurns(o.Params[0])
		if !ok {
			return nil, false
		}
		if k == 0 {
			return nil, true
		}
		return append(append([]CliffordGate{g1(ir.KH, q)}, zTurns(q, k)...), g1(ir.KH, q)), true
	case ir.KRY:
		k, ok := quarterTurns(o.Params[0])
		if !ok {
			return nil, false
		}
		return ryTurns(q, k), true
	case ir.KU3:
		kt, ok1 := quarterTurns(o.Params[0])
		kp, ok2 := quarterTurns(o.Params[1])
		kl, ok3 := quarterTurns(o.Params[2])
		if !ok1 || !ok2 || !ok3 {
			return nil, false
		}
		// u3 = Rz(phi) Ry(theta) Rz(lambda) up to phase
		seq := zTurns(q, kl)
		seq = append(seq, ryTurns(q, kt)...)
		return append(seq, zTurns(q, kp)...), true
	case ir.KSwap:
		return []CliffordGate{{Kind: ir.KSwap, Ctrl: -1, Q: q, Q2: o.Qubits[1]}}, true
	case ir.KRZZ, ir.KRXX:
		k, ok := quarterTurns(o.Params[0])
		if !ok {
			return nil, false
		}
		if k == 0 {
			return nil, true
		}
		a, b := o.Qubits[0], o.Qubits[1]
		core := append([]CliffordGate{{Kind: ir.KX, Ctrl: a, Q: b}}, zTurns(b, k)...)
		core = append(core, CliffordGate{Kind: ir.KX, Ctrl: a, Q: b})
		if o.Kind == ir.KRZZ {
			return core, true
		}
		h := []CliffordGate{g1(ir.KH, a), g1(ir.KH, b)}
		return append(append(append([]CliffordGate(nil), h...), core...), h...), true
	case ir.KRYY:
		if isIdentity(o) {
			return nil, true
		}
	}
	return nil, false
}

func ryTurns(q, k int) []CliffordGate {
	if k == 0 {
		return nil
	}
	// Ry = S Rx S^dag: circuit order Sdg, H, Rz, H, S
	seq := []CliffordGate{g1(ir.KSdg, q), g1(ir.KH, q)}
	seq = append(seq, zTurns(q, k)...)
	return append(seq, g1(ir.KH, q), g1(ir.KS, q))
}

// IsClifford reports whether every gate of c is Clifford (measure, reset,
// barrier and conditions allowed; opaque gates are not).
func IsClifford(c *ir.Circuit) bool {
	for i := range c.Ops {
		o := &c.Ops[i]
		switch o.Type {
		case ir.OpOpaque:
			return false
		case ir.OpGate:
			if _, ok := CliffordOf(o); !ok {
				return false
			}
		}
	}
	return true
}
