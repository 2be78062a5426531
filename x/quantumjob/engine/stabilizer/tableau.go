// Package stabilizer is an Aaronson–Gottesman (CHP) stabilizer simulator.
//
// The tableau is stored column-major and bit-packed: for every qubit a
// column of 2n bits (n destabilizer rows, then n stabilizer rows, each half
// padded to whole uint64 words), so a gate touches 2n/64 words and a
// measurement's row sums are word-parallel with bit-sliced phase counters.
//
// Measurement outcomes can be symbolic: a random outcome becomes a fresh
// variable and every later sign is an affine (GF(2)) function of those
// variables, because Clifford gates only XOR constants into signs. This
// yields the exact output distribution (uniform over an affine space) and
// cheap sampling without re-simulating per shot.
package stabilizer

import (
	"errors"
	"math/bits"
)

// ErrTooManyVars reports that symbolic outcomes exceeded MaxVars.
var ErrTooManyVars = errors.New("stabilizer: too many random measurement outcomes")

// MaxVars bounds the number of symbolic random outcomes per run.
const MaxVars = 1 << 16

// Expr is an affine GF(2) expression: Const XOR (parity of Vars & assignment).
type Expr struct {
	Const uint8
	Vars  []uint64 // bitset over variable indices
}

// Eval evaluates e under an assignment bitset.
func (e Expr) Eval(assign []uint64) uint8 {
	v := e.Const
	for i, w := range e.Vars {
		if i < len(assign) {
			v ^= uint8(bits.OnesCount64(w&assign[i]) & 1)
		}
	}
	return v
}

// IsConst reports whether e has no variables.
func (e Expr) IsConst() bool {
	for _, w := range e.Vars {
		if w != 0 {
			return false
		}
	}
	return true
}

// Tableau is the stabilizer state of n qubits.
type Tableau struct {
	n   int
	wn  int      // words per half column
	x   []uint64 // column q at [q*2wn, (q+1)*2wn): destabilizer words then stabilizer words
	z   []uint64
	r   []uint64   // constant sign bits, stabilizer half (wn words)
	rv  [][]uint64 // per variable, sign coefficient bits of stabilizer rows (wn words)
	lo  []uint64   // scratch phase counters
	hi  []uint64
	msk []uint64
}

// New returns |0...0>: destabilizer i = X_i, stabilizer i = Z_i.
func New(n int) *Tableau {
	wn := (n + 63) / 64
	t := &Tableau{n: n, wn: wn, x: make([]uint64, n*2*wn), z: make([]uint64, n*2*wn), r: make([]uint64, wn),
		lo: make([]uint64, 2*wn), hi: make([]uint64, 2*wn), msk: make([]uint64, 2*wn)}
	for i := 0; i < n; i++ {
		t.x[i*2*wn+i/64] |= 1 << (i % 64)
		t.z[i*2*wn+wn+i/64] |= 1 << (i % 64)
	}
	return t
}

// N returns the number of qubits.
func (t *Tableau) N() int { return t.n }

// NumVars returns the number of symbolic variables created so far.
func (t *Tableau) NumVars() int { return len(t.rv) }

// Clone deep-copies the tableau.
func (t *Tableau) Clone() *Tableau {
	c := *t
	c.x = append([]uint64(nil), t.x...)
	c.z = append([]uint64(nil), t.z...)
	c.r = append([]uint64(nil), t.r...)
	c.rv = make([][]uint64, len(t.rv))
	for i, p := range t.rv {
		c.rv[i] = append([]uint64(nil), p...)
	}
	c.lo = make([]uint64, 2*t.wn)
	c.hi = make([]uint64, 2*t.wn)
	c.msk = make([]uint64, 2*t.wn)
	return &c
}

func (t *Tableau) col(q int) ([]uint64, []uint64) {
	w := 2 * t.wn
	return t.x[q*w : (q+1)*w], t.z[q*w : (q+1)*w]
}

// H applies a Hadamard.
func (t *Tableau) H(q int) {
	x, z := t.col(q)
	s := x[t.wn:]
	zs := z[t.wn:]
	for i := range t.r {
		t.r[i] ^= s[i] & zs[i]
	}
	for i := range x {
		x[i], z[i] = z[i], x[i]
	}
}

// S applies the phase gate.
func (t *Tableau) S(q int) {
	x, z := t.col(q)
	s, zs := x[t.wn:], z[t.wn:]
	for i := range t.r {
		t.r[i] ^= s[i] & zs[i]
	}
	for i := range x {
		z[i] ^= x[i]
	}
}

// Sdg applies S†.
func (t *Tableau) Sdg(q int) {
	x, z := t.col(q)
	s, zs := x[t.wn:], z[t.wn:]
	for i := range t.r {
		t.r[i] ^= s[i] &^ zs[i]
	}
	for i := range x {
		z[i] ^= x[i]
	}
}

// X applies Pauli X.
func (t *Tableau) X(q int) {
	_, z := t.col(q)
	zs := z[t.wn:]
	for i := range t.r {
		t.r[i] ^= zs[i]
	}
}

// Z applies Pauli Z.
func (t *Tableau) Z(q int) {
	x, _ := t.col(q)
	xs := x[t.wn:]
	for i := range t.r {
		t.r[i] ^= xs[i]
	}
}

// Y applies Pauli Y.
func (t *Tableau) Y(q int) {
	x, z := t.col(q)
	xs, zs := x[t.wn:], z[t.wn:]
	for i := range t.r {
		t.r[i] ^= xs[i] ^ zs[i]
	}
}

// CX applies a CNOT with control a and target b (a != b).
func (t *Tableau) CX(a, b int) {
	xa, za := t.col(a)
	xb, zb := t.col(b)
	wn := t.wn
	for i := range t.r {
		j := wn + i
		t.r[i] ^= xa[j] & zb[j] &^ (xb[j] ^ za[j])
	}
	for i := range xa {
		xb[i] ^= xa[i]
		za[i] ^= zb[i]
	}
}

// CZ applies a controlled-Z.
func (t *Tableau) CZ(a, b int) {
	t.H(b)
	t.CX(a, b)
	t.H(b)
}

// CY applies a controlled-Y with control a and target b.
func (t *Tableau) CY(a, b int) {
	t.Sdg(b)
	t.CX(a, b)
	t.S(b)
}

// Swap exchanges two qubits (column swap).
func (t *Tableau) Swap(a, b int) {
	xa, za := t.col(a)
	xb, zb := t.col(b)
	for i := range xa {
		xa[i], xb[i] = xb[i], xa[i]
		za[i], zb[i] = zb[i], za[i]
	}
}

func (t *Tableau) newVar() ([]uint64, error) {
	if len(t.rv) >= MaxVars {
		return nil, ErrTooManyVars
	}
	p := make([]uint64, t.wn)
	t.rv = append(t.rv, p)
	return p, nil
}

// Measure measures qubit q in the Z basis. With rnd == nil a random outcome
// becomes a new variable; otherwise rnd() supplies the concrete bit.
// It also reports whether the outcome was random.
func (t *Tableau) Measure(q int, rnd func() uint8) (Expr, bool, error) {
	wn := t.wn
	xq, _ := t.col(q)
	// first stabilizer row with x_q set
	p := -1
	for w := 0; w < wn; w++ {
		if v := xq[wn+w]; v != 0 {
			p = w*64 + bits.TrailingZeros64(v)
			break
		}
	}
	if p >= 0 {
		return t.measureRandom(q, p, rnd)
	}
	return t.measureDeterministic(q), false, nil
}

func (t *Tableau) measureRandom(q, p int, rnd func() uint8) (Expr, bool, error) {
	wn := t.wn
	pw, pb := wn+p/64, uint64(1)<<(p%64)
	xq, _ := t.col(q)
	m := t.msk
	copy(m, xq)
	m[pw] &^= pb
	// rowsum(i, p) for every row i in m: rows ^= row p with phase tracking
	lo, hi := t.lo, t.hi
	clear(lo)
	clear(hi)
	stride := 2 * wn
	for j := 0; j < t.n; j++ {
		xj := t.x[j*stride : (j+1)*stride]
		zj := t.z[j*stride : (j+1)*stride]
		px, pz := xj[pw]&pb != 0, zj[pw]&pb != 0
		if !px && !pz {
			continue
		}
		for w := range m {
			mw := m[w]
			if mw == 0 {
				continue
			}
			x2, z2 := xj[w], zj[w]
			var plus, minus uint64
			switch {
			case px && pz:
				plus, minus = z2&^x2, x2&^z2
			case px:
				plus, minus = z2&x2, z2&^x2
			default:
				plus, minus = x2&^z2, x2&z2
			}
			plus &= mw
			minus &= mw
			c := lo[w] & plus
			lo[w] ^= plus
			hi[w] ^= c
			b := ^lo[w] & minus
			lo[w] ^= minus
			hi[w] ^= b
			if px {
				xj[w] ^= mw
			}
			if pz {
				zj[w] ^= mw
			}
		}
	}
	// signs of stabilizer rows: r_i ^= r_p ^ (phase/2)
	rp := t.r[p/64]&pb != 0
	for w := 0; w < wn; w++ {
		mw := m[wn+w]
		f := hi[wn+w]
		if rp {
			f = ^f
		}
		t.r[w] ^= f & mw
	}
	for _, pl := range t.rv {
		if pl[p/64]&pb != 0 {
			for w := 0; w < wn; w++ {
				pl[w] ^= m[wn+w]
			}
		}
	}
	// destabilizer p := stabilizer p; stabilizer p := +/- Z_q
	dw := p / 64
	for j := 0; j < t.n; j++ {
		xj := t.x[j*stride : (j+1)*stride]
		zj := t.z[j*stride : (j+1)*stride]
		xj[dw] = xj[dw]&^pb | xj[pw]&pb
		zj[dw] = zj[dw]&^pb | zj[pw]&pb
		xj[pw] &^= pb
		zj[pw] &^= pb
	}
	_, zq := t.col(q)
	zq[pw] |= pb
	t.r[dw] &^= pb
	for _, pl := range t.rv {
		pl[dw] &^= pb
	}
	if rnd != nil {
		b := rnd() & 1
		if b == 1 {
			t.r[dw] |= pb
		}
		return Expr{Const: b}, true, nil
	}
	pl, err := t.newVar()
	if err != nil {
		return Expr{}, true, err
	}
	pl[dw] |= pb
	v := len(t.rv) - 1
	e := Expr{Vars: make([]uint64, v/64+1)}
	e.Vars[v/64] |= 1 << (v % 64)
	return e, true, nil
}

// prefixXor returns, for each bit, the XOR of all lower bits of v (exclusive).
func prefixXor(v uint64) uint64 {
	p := v << 1
	p ^= p << 1
	p ^= p << 2
	p ^= p << 4
	p ^= p << 8
	p ^= p << 16
	p ^= p << 32
	return p
}

func (t *Tableau) measureDeterministic(q int) Expr {
	wn := t.wn
	xq, _ := t.col(q)
	sel := xq[:wn] // destabilizer i anticommutes with Z_q -> stabilizer i is in the product
	stride := 2 * wn
	var g int
	for j := 0; j < t.n; j++ {
		xs := t.x[j*stride+wn : (j+1)*stride]
		zs := t.z[j*stride+wn : (j+1)*stride]
		var cx, cz uint64 // parity carried from lower words
		for w := 0; w < wn; w++ {
			s := sel[w]
			if s == 0 {
				continue
			}
			x1, z1 := xs[w]&s, zs[w]&s
			if x1|z1 == 0 {
				continue
			}
			x2 := prefixXor(x1) ^ -cx
			z2 := prefixXor(z1) ^ -cz
			plus := x1&z1&z2&^x2 | x1&^z1&z2&x2 | z1&^x1&x2&^z2
			minus := x1&z1&x2&^z2 | x1&^z1&z2&^x2 | z1&^x1&x2&z2
			g += bits.OnesCount64(plus) - bits.OnesCount64(minus)
			cx ^= uint64(bits.OnesCount64(x1) & 1)
			cz ^= uint64(bits.OnesCount64(z1) & 1)
		}
	}
	par := 0
	for w := 0; w < wn; w++ {
		par ^= bits.OnesCount64(t.r[w]&sel[w]) & 1
	}
	e := Expr{Const: uint8(par) ^ uint8((g&3)>>1)}
	for v, pl := range t.rv {
		b := 0
		for w := 0; w < wn; w++ {
			b ^= bits.OnesCount64(pl[w]&sel[w]) & 1
		}
		if b == 1 {
			if e.Vars == nil {
				e.Vars = make([]uint64, (len(t.rv)+63)/64)
			}
			e.Vars[v/64] |= 1 << (v % 64)
		}
	}
	return e
}

// XIf applies X to q if the expression evaluates to 1 (used by reset).
func (t *Tableau) XIf(q int, e Expr) {
	_, z := t.col(q)
	zs := z[t.wn:]
	if e.Const == 1 {
		for i := range t.r {
			t.r[i] ^= zs[i]
		}
	}
	for wi, w := range e.Vars {
		for w != 0 {
			v := wi*64 + bits.TrailingZeros64(w)
			w &= w - 1
			pl := t.rv[v]
			for i := range pl {
				pl[i] ^= zs[i]
			}
		}
	}
}

// Reset measures q and flips it back to |0>.
func (t *Tableau) Reset(q int, rnd func() uint8) error {
	e, _, err := t.Measure(q, rnd)
	if err != nil {
		return err
	}
	t.XIf(q, e)
	return nil
}
