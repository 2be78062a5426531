package engine

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"slices"

	"github.com/novacron/novacron/x/quantumjob/engine/ir"
)

// ArtifactVersion is the first byte of ArtifactBytes.
const ArtifactVersion = 2

// Forms of the probability section of an artifact.
const (
	FormKeyed  byte = 0 // sorted (key string, value) entries
	FormDense  byte = 1 // 2^m values indexed by v; clbits = base with clbit pos[k] = bit k of v
	FormSparse byte = 2 // sorted (clbit value x, value) entries, x's bit b = clbit b
	FormAffine byte = 3 // every x in c0 + span(basis) over GF(2), each with the same value
)

// maxDenseBits bounds a dense section: 2^30 uint64 (8 GiB) is already far
// beyond any limit; the chain's 24 qubits give 2^24 (128 MiB).
const maxDenseBits = 30

// distribution is the full quantised outcome distribution behind a Result:
// what its artifact encodes, independent of the MaxOutcomes listing bound.
// Memory: dense 8 B x 2^m (m = read-out qubits), sparse 16 B per non-zero
// outcome (bounded by the branch enumeration's amplitude bound), keyed
// entries at most one per shot (estimated distributions), affine r+1
// bit-vectors of the clbits.
type distribution struct {
	form    byte
	regs    []ir.Register // classical layout of the keys
	nclbits int
	// dense
	base  uint64
	pos   []int
	dense []uint64
	// sparse
	xs, vals []uint64
	// keyed
	keyed []Entry
	// affine
	c0    []uint64
	basis [][]uint64
	p     uint64
}

// newDenseDist builds the distribution of one final state: q[v] for the
// outcome whose clbits are base with clbit pos[k] set to bit k of v. It
// keeps the dense array when at least half its entries are non-zero and
// switches to the sparse form otherwise.
func newDenseDist(regs []ir.Register, nclbits int, base uint64, pos []int, q []uint64) *distribution {
	nz := 0
	for _, v := range q {
		if v != 0 {
			nz++
		}
	}
	d := &distribution{regs: regs, nclbits: nclbits}
	if 2*nz >= len(q) {
		d.form, d.base, d.pos, d.dense = FormDense, base, slices.Clone(pos), q
		return d
	}
	d.form = FormSparse
	type kv struct{ x, v uint64 }
	out := make([]kv, 0, nz)
	for v, p := range q {
		if p != 0 {
			out = append(out, kv{spread(base, pos, uint64(v)), p})
		}
	}
	slices.SortFunc(out, func(a, b kv) int { return cmp.Compare(a.x, b.x) })
	d.xs, d.vals = make([]uint64, len(out)), make([]uint64, len(out))
	for i, e := range out {
		d.xs[i], d.vals[i] = e.x, e.v
	}
	return d
}

// spread places bit k of v at clbit pos[k] over base.
func spread(base uint64, pos []int, v uint64) uint64 {
	x := base
	for k, b := range pos {
		x = x&^(1<<b) | (v>>k&1)<<b
	}
	return x
}

func identityPos(base uint64, pos []int) bool {
	for k, b := range pos {
		if b != k || base>>b&1 != 0 {
			return false
		}
	}
	return true
}

// list returns the non-zero entries sorted by key, or truncated=true when
// there are more than limit of them.
func (d *distribution) list(limit int) (es []Entry, truncated bool) {
	kf := keyFormatter{regs: d.regs}
	switch d.form {
	case FormDense:
		nz := 0
		for _, p := range d.dense {
			if p != 0 {
				nz++
			}
		}
		if nz > limit {
			return nil, true
		}
		ident := identityPos(d.base, d.pos)
		if !ident {
			// key order is clbit-value order: sort the values with their keys
			type kv struct{ x, v uint64 }
			out := make([]kv, 0, nz)
			for v, p := range d.dense {
				if p != 0 {
					out = append(out, kv{spread(d.base, d.pos, uint64(v)), p})
				}
			}
			slices.SortFunc(out, func(a, b kv) int { return cmp.Compare(a.x, b.x) })
			es = make([]Entry, len(out))
			xs := make([]uint64, len(out))
			for i, e := range out {
				es[i].Value, xs[i] = e.v, e.x
			}
			kf.setKeys(es, xs)
			return es, false
		}
		// identity layout: value order is key order; write the keys, then
		// fill each entry once
		w := kf.newKeyWriter(nz)
		w.putNonZero(d.base, d.dense)
		all := w.keys()
		es = make([]Entry, nz)
		i := 0
		for _, p := range d.dense {
			if p != 0 {
				es[i] = Entry{Key: all[i*w.klen : (i+1)*w.klen], Value: p}
				i++
			}
		}
		return es, false
	case FormSparse:
		if len(d.xs) > limit {
			return nil, true
		}
		es = make([]Entry, len(d.xs))
		for i := range d.xs {
			es[i].Value = d.vals[i]
		}
		kf.setKeys(es, d.xs)
		return es, false
	case FormKeyed:
		if len(d.keyed) > limit {
			return nil, true
		}
		return d.keyed, false
	case FormAffine:
		r := len(d.basis)
		if r >= 63 || 1<<r > limit {
			return nil, true
		}
		if d.p == 0 {
			return nil, false
		}
		cur := slicesClone(d.c0)
		for g := 0; g < 1<<r; g++ {
			if g > 0 { // Gray code: flip one basis vector per step
				xorInto(cur, d.basis[bits.TrailingZeros(uint(g))])
			}
			es = append(es, Entry{Key: kf.format(func(b int) bool { return getBit(cur, b) }), Value: d.p})
		}
		sortEntries(es)
		return es, false
	}
	return nil, false
}

// ArtifactBytes is the canonical encoding of the full outcome distribution
// (the off-chain artifact whose hash and CID the chain stores). Unlike
// Result.Probabilities it is never truncated: a 20-qubit QFT's artifact holds
// all 2^20 quantised probabilities. Layout (uvarint = encoding/binary
// Uvarint, u64 = uint64 big-endian):
//
//	byte    version (ArtifactVersion = 2)
//	byte    form of the probability section (FormKeyed/Dense/Sparse/Affine)
//	byte    flags: bit 0 = ProbabilitiesExact
//	uvarint number of classical registers, then each register's size, in
//	        declaration order (a circuit without measurements: one register
//	        of all qubits). Clbit b of a register at offset o is bit o+b of
//	        an outcome's clbit value x; keys print as Result keys do.
//	probability section, values in ProbScale units:
//	  keyed:  uvarint count, then count x (uvarint len(key), key, u64 value)
//	  dense:  u64 base, uvarint m, m x uvarint pos[k], then 2^m x u64 value;
//	          entry v is the outcome x = base with bit pos[k] = bit k of v
//	  sparse: uvarint count, then count x (uvarint x, u64 value), x ascending
//	  affine: uvarint r, ceil(nclbits/8) bytes of c0 (little-endian bits:
//	          byte i bit j = clbit 8i+j), r basis vectors the same way, u64
//	          value: each of the 2^r outcomes c0 xor span(basis) has it
//	counts: uvarint count, then count x (uvarint len(key), key, u64 shots)
//
// Zero-valued outcomes appear only in the dense form (and as an affine
// value that quantises to 0). DecodeArtifact reads it back.
func (r *Result) ArtifactBytes() []byte {
	d := r.dist
	if d == nil { // a Result built by hand: its listed entries are all there is
		d = &distribution{form: FormKeyed, keyed: r.Probabilities}
	}
	out := make([]byte, 0, artifactSizeHint(d))
	out = append(out, ArtifactVersion, d.form, 0)
	if r.ProbabilitiesExact {
		out[2] = 1
	}
	out = binary.AppendUvarint(out, uint64(len(d.regs)))
	for _, reg := range d.regs {
		out = binary.AppendUvarint(out, uint64(reg.Size))
	}
	putKeyed := func(es []Entry) {
		out = binary.AppendUvarint(out, uint64(len(es)))
		for _, e := range es {
			out = binary.AppendUvarint(out, uint64(len(e.Key)))
			out = append(out, e.Key...)
			out = binary.BigEndian.AppendUint64(out, e.Value)
		}
	}
	putBits := func(v []uint64) {
		for i := 0; i < (d.nclbits+7)/8; i++ {
			out = append(out, byte(v[i/8]>>(8*(i%8))))
		}
	}
	switch d.form {
	case FormKeyed:
		putKeyed(d.keyed)
	case FormDense:
		out = binary.BigEndian.AppendUint64(out, d.base)
		out = binary.AppendUvarint(out, uint64(len(d.pos)))
		for _, b := range d.pos {
			out = binary.AppendUvarint(out, uint64(b))
		}
		for _, v := range d.dense {
			out = binary.BigEndian.AppendUint64(out, v)
		}
	case FormSparse:
		out = binary.AppendUvarint(out, uint64(len(d.xs)))
		for i, x := range d.xs {
			out = binary.AppendUvarint(out, x)
			out = binary.BigEndian.AppendUint64(out, d.vals[i])
		}
	case FormAffine:
		out = binary.AppendUvarint(out, uint64(len(d.basis)))
		putBits(d.c0)
		for _, b := range d.basis {
			putBits(b)
		}
		out = binary.BigEndian.AppendUint64(out, d.p)
	}
	putKeyed(r.Counts)
	return out
}

func artifactSizeHint(d *distribution) int {
	switch d.form {
	case FormDense:
		return 64 + 8*len(d.dense)
	case FormSparse:
		return 64 + 16*len(d.xs)
	}
	return 256
}

// ArtifactHash is sha256(ArtifactBytes()).
func (r *Result) ArtifactHash() [32]byte { return sha256.Sum256(r.ArtifactBytes()) }

// Artifact is a decoded ArtifactBytes.
type Artifact struct {
	Version  byte
	Form     byte
	Exact    bool
	RegSizes []int   // classical register sizes in declaration order
	Counts   []Entry // shot counts, sorted by key
	dist     distribution
}

var errArtifact = errors.New("malformed artifact")

// DecodeArtifact parses ArtifactBytes (version 2). It never panics and
// refuses sections larger than the input could hold.
func DecodeArtifact(b []byte) (*Artifact, error) {
	rd := &artReader{b: b}
	if len(b) < 3 {
		return nil, fmt.Errorf("%w: %d bytes", errArtifact, len(b))
	}
	if b[0] != ArtifactVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", errArtifact, b[0], ArtifactVersion)
	}
	a := &Artifact{Version: b[0], Form: b[1], Exact: b[2]&1 == 1}
	rd.off = 3
	nregs := rd.count(1)
	nclbits := 0
	for i := 0; i < nregs && rd.err == nil; i++ {
		s := rd.uvarint()
		if s > 1<<20 || nclbits+int(s) > 1<<20 {
			return nil, fmt.Errorf("%w: register size %d", errArtifact, s)
		}
		a.RegSizes = append(a.RegSizes, int(s))
		a.dist.regs = append(a.dist.regs, ir.Register{Offset: nclbits, Size: int(s)})
		nclbits += int(s)
	}
	d := &a.dist
	d.form, d.nclbits = a.Form, nclbits
	nb := (nclbits + 7) / 8
	getBits := func() []uint64 {
		v := make([]uint64, (nclbits+63)/64)
		for i := 0; i < nb; i++ {
			v[i/8] |= uint64(rd.byte1()) << (8 * (i % 8))
		}
		return v
	}
	switch a.Form {
	case FormKeyed:
		d.keyed = rd.keyed()
	case FormDense:
		d.base = rd.u64()
		m := rd.uvarint()
		if m > maxDenseBits || nclbits > 64 {
			return nil, fmt.Errorf("%w: dense section of 2^%d over %d clbits", errArtifact, m, nclbits)
		}
		for k := 0; k < int(m); k++ {
			p := rd.uvarint()
			if p >= uint64(nclbits) {
				return nil, fmt.Errorf("%w: clbit %d of %d", errArtifact, p, nclbits)
			}
			d.pos = append(d.pos, int(p))
		}
		if rd.err == nil && len(b)-rd.off < 8<<m {
			return nil, fmt.Errorf("%w: dense section truncated", errArtifact)
		}
		d.dense = make([]uint64, 1<<m)
		for i := range d.dense {
			d.dense[i] = rd.u64()
		}
	case FormSparse:
		if nclbits > 64 {
			return nil, fmt.Errorf("%w: sparse section over %d clbits", errArtifact, nclbits)
		}
		n := rd.count(9)
		d.xs, d.vals = make([]uint64, 0, n), make([]uint64, 0, n)
		for i := 0; i < n && rd.err == nil; i++ {
			x := rd.uvarint()
			if i > 0 && x <= d.xs[i-1] {
				return nil, fmt.Errorf("%w: sparse keys not ascending", errArtifact)
			}
			d.xs = append(d.xs, x)
			d.vals = append(d.vals, rd.u64())
		}
	case FormAffine:
		r := rd.count(max(nb, 1))
		d.c0 = getBits()
		for i := 0; i < r && rd.err == nil; i++ {
			d.basis = append(d.basis, getBits())
		}
		d.p = rd.u64()
	default:
		return nil, fmt.Errorf("%w: form %d", errArtifact, a.Form)
	}
	a.Counts = rd.keyed()
	if rd.err != nil {
		return nil, rd.err
	}
	if rd.off != len(b) {
		return nil, fmt.Errorf("%w: %d trailing bytes", errArtifact, len(b)-rd.off)
	}
	return a, nil
}

// Probabilities expands the artifact's distribution into sorted (key,
// quantised probability) entries, zeros omitted, the way Result lists them;
// it fails when there are more than limit non-zero outcomes.
func (a *Artifact) Probabilities(limit int) ([]Entry, error) {
	es, trunc := a.dist.list(limit)
	if trunc {
		return nil, fmt.Errorf("artifact has more than %d outcomes", limit)
	}
	return es, nil
}

type artReader struct {
	b   []byte
	off int
	err error
}

func (r *artReader) fail() {
	if r.err == nil {
		r.err = fmt.Errorf("%w: truncated at byte %d", errArtifact, r.off)
	}
	r.off = len(r.b)
}

func (r *artReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail()
		return 0
	}
	r.off += n
	return v
}

// count reads a uvarint element count and checks that count elements of at
// least minSize bytes each fit in what is left.
func (r *artReader) count(minSize int) int {
	v := r.uvarint()
	if v > uint64(len(r.b)-r.off)/uint64(minSize) {
		r.fail()
		return 0
	}
	return int(v)
}

func (r *artReader) byte1() byte {
	if r.off >= len(r.b) {
		r.fail()
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *artReader) u64() uint64 {
	if len(r.b)-r.off < 8 {
		r.fail()
		return 0
	}
	r.off += 8
	return binary.BigEndian.Uint64(r.b[r.off-8:])
}

func (r *artReader) keyed() []Entry {
	n := r.count(9)
	es := make([]Entry, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		l := r.uvarint()
		if l > uint64(len(r.b)-r.off) {
			r.fail()
			break
		}
		k := string(r.b[r.off : r.off+int(l)])
		r.off += int(l)
		es = append(es, Entry{Key: k, Value: r.u64()})
	}
	return es
}
