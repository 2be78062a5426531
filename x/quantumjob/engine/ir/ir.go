// Package ir is the engine's circuit representation: a flat list of
// operations on global qubit/clbit indices, produced by the QASM front end,
// rewritten by the compiler and executed by the backends.
package ir

import (
	"errors"
	"fmt"
	"math"

	"github.com/novacron/novacron/x/internal/dmath"
)

// Kind is the base (uncontrolled) gate of a gate operation. A controlled gate
// is the same kind with NCtrl > 0 leading control qubits.
type Kind uint8

// Native gate kinds.
const (
	KI Kind = iota
	KX
	KY
	KZ
	KH
	KS
	KSdg
	KT
	KTdg
	KSX
	KSXdg
	KRX // (theta)
	KRY // (theta)
	KRZ // (theta)
	KP  // (lambda): diag(1, e^{i lambda})
	KU3 // (theta, phi, lambda[, gamma]): gamma is a global phase, visible when controlled
	KSwap
	KRXX  // (theta) exp(-i theta/2 XX)
	KRYY  // (theta)
	KRZZ  // (theta)
	KMat1 // explicit 2x2 matrix (fusion output)
	KMat2 // explicit 4x4 matrix (fusion output)
	KPerm // classical permutation of the target register (oracles)
	numKinds
)

var kindNames = [...]string{"id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg",
	"rx", "ry", "rz", "p", "u3", "swap", "rxx", "ryy", "rzz", "mat1", "mat2", "perm"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Targets is the number of target qubits of a kind (after the controls);
// 0 means variable (KPerm).
func (k Kind) Targets() int {
	switch k {
	case KSwap, KRXX, KRYY, KRZZ, KMat2:
		return 2
	case KPerm:
		return 0
	}
	return 1
}

// Diagonal reports whether the kind is diagonal in the computational basis.
func (k Kind) Diagonal() bool {
	switch k {
	case KI, KZ, KS, KSdg, KT, KTdg, KRZ, KP, KRZZ:
		return true
	}
	return false
}

// XDiagonal reports whether the kind is diagonal in the X basis.
func (k Kind) XDiagonal() bool {
	switch k {
	case KI, KX, KSX, KSXdg, KRX, KRXX:
		return true
	}
	return false
}

// OpType distinguishes gate applications from non-unitary operations.
type OpType uint8

// Operation types.
const (
	OpGate OpType = iota
	OpMeasure
	OpReset
	OpBarrier
	OpOpaque
)

// Cond is OpenQASM's if(creg==value).
type Cond struct {
	CReg  int // index into Circuit.CRegs
	Value uint64
}

// Op is one operation. For gates Qubits[:NCtrl] are controls and the rest
// targets.
type Op struct {
	Type   OpType
	Kind   Kind
	NCtrl  int
	Qubits []int
	Params []float64
	Clbit  int
	Cond   *Cond
	Name   string       // opaque gate name
	Mat    []complex128 // KMat1 (2x2) / KMat2 (4x4), row-major
	Perm   []uint32     // KPerm: target value v -> Perm[v]
	Line   int
	Col    int
}

// Targets returns the target qubits of a gate.
func (o *Op) Targets() []int { return o.Qubits[o.NCtrl:] }

// Controls returns the control qubits of a gate.
func (o *Op) Controls() []int { return o.Qubits[:o.NCtrl] }

// Register is a named slice of the global qubit or clbit index space.
type Register struct {
	Name   string
	Offset int
	Size   int
}

// OpaqueDecl records an opaque gate declaration (for export).
type OpaqueDecl struct {
	Name    string
	NParams int
	NQubits int
}

// Circuit is a flattened program.
type Circuit struct {
	NumQubits int
	NumClbits int
	QRegs     []Register
	CRegs     []Register
	Ops       []Op
	Opaque    []OpaqueDecl
}

// Clone deep-copies the circuit's op list headers (slices are shared; ops are
// treated as immutable by every pass).
func (c *Circuit) Clone() *Circuit {
	n := *c
	n.Ops = append([]Op(nil), c.Ops...)
	return &n
}

// Stats are size metrics of a circuit.
type Stats struct {
	Gates        int // unitary gate applications (barriers, measures, resets excluded)
	Depth        int // longest chain over qubits and clbits (barriers excluded)
	Measurements int
	Resets       int
	Conditionals int
	TwoQubit     int // gates touching >= 2 qubits
}

// ComputeStats measures gate count and depth. Depth follows Qiskit: every
// non-barrier op advances the level of its qubits, a measure also of its
// clbit, and a conditional op of every bit of its register.
func (c *Circuit) ComputeStats() Stats {
	var s Stats
	ql := make([]int, c.NumQubits)
	cl := make([]int, c.NumClbits)
	// A condition reads and (for depth) writes its whole register: keep per
	// register the level all its bits are at least (floor) and the highest
	// level of any bit (top), so a conditioned op costs O(1), not O(width).
	regOf := make([]int, c.NumClbits)
	for ri, r := range c.CRegs {
		for b := r.Offset; b < r.Offset+r.Size; b++ {
			regOf[b] = ri
		}
	}
	floor := make([]int, len(c.CRegs))
	top := make([]int, len(c.CRegs))
	for i := range c.Ops {
		o := &c.Ops[i]
		if o.Type == OpBarrier {
			continue
		}
		switch o.Type {
		case OpGate, OpOpaque:
			s.Gates++
			if len(o.Qubits) >= 2 {
				s.TwoQubit++
			}
		case OpMeasure:
			s.Measurements++
		case OpReset:
			s.Resets++
		}
		lv := 0
		for _, q := range o.Qubits {
			lv = max(lv, ql[q])
		}
		if o.Type == OpMeasure {
			lv = max(lv, cl[o.Clbit], floor[regOf[o.Clbit]])
		}
		if o.Cond != nil {
			s.Conditionals++
			lv = max(lv, top[o.Cond.CReg])
		}
		lv++
		for _, q := range o.Qubits {
			ql[q] = lv
		}
		if o.Cond != nil {
			floor[o.Cond.CReg], top[o.Cond.CReg] = lv, lv
		}
		if o.Type == OpMeasure {
			r := regOf[o.Clbit]
			cl[o.Clbit] = lv
			top[r] = max(top[r], lv)
		}
		s.Depth = max(s.Depth, lv)
	}
	return s
}

// ErrParamRange rejects gate angles that are not finite or beyond ±2^28.
var ErrParamRange = errors.New("gate parameter out of range (finite, at most 2^28 in magnitude)")

// ParamInRange reports whether a gate angle can be turned into a matrix.
func ParamInRange(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && v <= 1<<28 && v >= -(1<<28)
}

// CMul is a deterministic complex product (no fused multiply-add).
func CMul(a, b complex128) complex128 {
	ar, ai, br, bi := real(a), imag(a), real(b), imag(b)
	return complex(float64(ar*br)-float64(ai*bi), float64(ar*bi)+float64(ai*br))
}

// Expi returns e^{i x} with the deterministic sin/cos.
func Expi(x float64) complex128 { return complex(dmath.Cos(x), dmath.Sin(x)) }

// Matrix1 returns the 2x2 matrix (row-major) of a one-target kind.
func Matrix1(k Kind, p []float64) ([4]complex128, error) {
	const r2 = 0.7071067811865476 // 1/sqrt(2)
	switch k {
	case KI:
		return [4]complex128{1, 0, 0, 1}, nil
	case KX:
		return [4]complex128{0, 1, 1, 0}, nil
	case KY:
		return [4]complex128{0, -1i, 1i, 0}, nil
	case KZ:
		return [4]complex128{1, 0, 0, -1}, nil
	case KH:
		return [4]complex128{r2, r2, r2, -r2}, nil
	case KS:
		return [4]complex128{1, 0, 0, 1i}, nil
	case KSdg:
		return [4]complex128{1, 0, 0, -1i}, nil
	case KT:
		return [4]complex128{1, 0, 0, complex(r2, r2)}, nil
	case KTdg:
		return [4]complex128{1, 0, 0, complex(r2, -r2)}, nil
	case KSX:
		return [4]complex128{complex(0.5, 0.5), complex(0.5, -0.5), complex(0.5, -0.5), complex(0.5, 0.5)}, nil
	case KSXdg:
		return [4]complex128{complex(0.5, -0.5), complex(0.5, 0.5), complex(0.5, 0.5), complex(0.5, -0.5)}, nil
	}
	if len(p) < 1 {
		return [4]complex128{}, fmt.Errorf("gate %s: missing parameter", k)
	}
	for _, v := range p {
		if !ParamInRange(v) {
			return [4]complex128{}, fmt.Errorf("gate %s: %w: %v", k, ErrParamRange, v)
		}
	}
	switch k {
	case KRX:
		c, s := dmath.Cos(p[0]/2), dmath.Sin(p[0]/2)
		return [4]complex128{complex(c, 0), complex(0, -s), complex(0, -s), complex(c, 0)}, nil
	case KRY:
		c, s := dmath.Cos(p[0]/2), dmath.Sin(p[0]/2)
		return [4]complex128{complex(c, 0), complex(-s, 0), complex(s, 0), complex(c, 0)}, nil
	case KRZ:
		return [4]complex128{Expi(-p[0] / 2), 0, 0, Expi(p[0] / 2)}, nil
	case KP:
		return [4]complex128{1, 0, 0, Expi(p[0])}, nil
	case KU3:
		if len(p) < 3 {
			return [4]complex128{}, fmt.Errorf("gate u3: needs 3 parameters")
		}
		c, s := dmath.Cos(p[0]/2), dmath.Sin(p[0]/2)
		el, ep, epl := Expi(p[2]), Expi(p[1]), Expi(p[1]+p[2])
		m := [4]complex128{complex(c, 0), CMul(-el, complex(s, 0)), CMul(ep, complex(s, 0)), CMul(epl, complex(c, 0))}
		if len(p) > 3 && p[3] != 0 {
			g := Expi(p[3])
			for i := range m {
				m[i] = CMul(g, m[i])
			}
		}
		return m, nil
	}
	return [4]complex128{}, fmt.Errorf("gate %s is not a one-qubit kind", k)
}

// Matrix2 returns the 4x4 matrix of a two-target kind; basis index is
// bit(t0) | bit(t1)<<1 for targets (t0, t1).
func Matrix2(k Kind, p []float64) ([16]complex128, error) {
	var m [16]complex128
	if k == KSwap {
		m[0], m[6], m[9], m[15] = 1, 1, 1, 1
		return m, nil
	}
	if len(p) < 1 || math.IsNaN(p[0]) || math.IsInf(p[0], 0) || p[0] > 1<<28 || p[0] < -(1<<28) {
		return m, fmt.Errorf("gate %s: bad parameter", k)
	}
	c, s := dmath.Cos(p[0]/2), dmath.Sin(p[0]/2)
	switch k {
	case KRXX:
		m[0], m[5], m[10], m[15] = complex(c, 0), complex(c, 0), complex(c, 0), complex(c, 0)
		m[3], m[6], m[9], m[12] = complex(0, -s), complex(0, -s), complex(0, -s), complex(0, -s)
	case KRYY:
		m[0], m[5], m[10], m[15] = complex(c, 0), complex(c, 0), complex(c, 0), complex(c, 0)
		m[3], m[12] = complex(0, s), complex(0, s)
		m[6], m[9] = complex(0, -s), complex(0, -s)
	case KRZZ:
		m[0], m[15] = complex(c, -s), complex(c, -s)
		m[5], m[10] = complex(c, s), complex(c, s)
	default:
		return m, fmt.Errorf("gate %s is not a two-qubit kind", k)
	}
	return m, nil
}

// MatMul2 returns a·b for 2x2 matrices.
func MatMul2(a, b [4]complex128) [4]complex128 {
	var r [4]complex128
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			x, y := CMul(a[i*2], b[j]), CMul(a[i*2+1], b[2+j])
			r[i*2+j] = complex(real(x)+real(y), imag(x)+imag(y))
		}
	}
	return r
}

// MatMul4 returns a·b for 4x4 matrices.
func MatMul4(a, b []complex128) []complex128 {
	r := make([]complex128, 16)
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			var re, im float64
			for k := 0; k < 4; k++ {
				x := CMul(a[i*4+k], b[k*4+j])
				re += real(x)
				im += imag(x)
			}
			r[i*4+j] = complex(re, im)
		}
	}
	return r
}
