package qasm

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/novacron/novacron/x/internal/dmath"
	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/quantumjob/engine/ir"
)

// Limits are hard caps applied while parsing; exceeding one is an ErrLimit.
type Limits struct {
	MaxSourceBytes int // size of the source text
	MaxQubits      int // total declared qubits
	MaxClbits      int // total declared classical bits
	MaxOps         int // operations after gate-definition expansion and broadcasting
	MaxExprDepth   int // nesting of parameter expressions
	MaxGateNesting int // nesting of user gate calls during expansion
	MaxGateDefs    int // number of gate/opaque declarations
}

// DefaultLimits are generous caps for off-chain use; the chain passes its own.
func DefaultLimits() Limits {
	return Limits{
		MaxSourceBytes: 8 << 20,
		MaxQubits:      10000,
		MaxClbits:      10000,
		MaxOps:         2_000_000,
		MaxExprDepth:   64,
		MaxGateNesting: 64,
		MaxGateDefs:    10000,
	}
}

type builtin struct {
	kind     ir.Kind
	nctrl    int
	nparams  int
	nqubits  int
	u2       bool // u2(phi,lambda) = u3(pi/2,phi,lambda)
	identity bool // id, u0
}

type gateDef struct {
	name    string
	params  []string
	qargs   []string
	body    []gateStmt
	opaque  bool
	builtin *builtin
}

type gateStmt struct {
	def       *gateDef // nil for barrier
	params    []*expr
	args      []int
	line, col int
}

var (
	builtinU  = &gateDef{name: "U", builtin: &builtin{kind: ir.KU3, nparams: 3, nqubits: 1}}
	builtinCX = &gateDef{name: "CX", builtin: &builtin{kind: ir.KX, nctrl: 1, nqubits: 2}}
)

// qelib1 gates executed natively.
var qelib = map[string]*builtin{
	"u3":      {kind: ir.KU3, nparams: 3, nqubits: 1},
	"u":       {kind: ir.KU3, nparams: 3, nqubits: 1},
	"u2":      {kind: ir.KU3, nparams: 2, nqubits: 1, u2: true},
	"u1":      {kind: ir.KP, nparams: 1, nqubits: 1},
	"p":       {kind: ir.KP, nparams: 1, nqubits: 1},
	"u0":      {kind: ir.KI, nparams: 1, nqubits: 1, identity: true},
	"id":      {kind: ir.KI, nqubits: 1, identity: true},
	"x":       {kind: ir.KX, nqubits: 1},
	"y":       {kind: ir.KY, nqubits: 1},
	"z":       {kind: ir.KZ, nqubits: 1},
	"h":       {kind: ir.KH, nqubits: 1},
	"s":       {kind: ir.KS, nqubits: 1},
	"sdg":     {kind: ir.KSdg, nqubits: 1},
	"t":       {kind: ir.KT, nqubits: 1},
	"tdg":     {kind: ir.KTdg, nqubits: 1},
	"sx":      {kind: ir.KSX, nqubits: 1},
	"sxdg":    {kind: ir.KSXdg, nqubits: 1},
	"rx":      {kind: ir.KRX, nparams: 1, nqubits: 1},
	"ry":      {kind: ir.KRY, nparams: 1, nqubits: 1},
	"rz":      {kind: ir.KRZ, nparams: 1, nqubits: 1},
	"cx":      {kind: ir.KX, nctrl: 1, nqubits: 2},
	"cy":      {kind: ir.KY, nctrl: 1, nqubits: 2},
	"cz":      {kind: ir.KZ, nctrl: 1, nqubits: 2},
	"ch":      {kind: ir.KH, nctrl: 1, nqubits: 2},
	"csx":     {kind: ir.KSX, nctrl: 1, nqubits: 2},
	"swap":    {kind: ir.KSwap, nqubits: 2},
	"ccx":     {kind: ir.KX, nctrl: 2, nqubits: 3},
	"cswap":   {kind: ir.KSwap, nctrl: 1, nqubits: 3},
	"crx":     {kind: ir.KRX, nctrl: 1, nparams: 1, nqubits: 2},
	"cry":     {kind: ir.KRY, nctrl: 1, nparams: 1, nqubits: 2},
	"crz":     {kind: ir.KRZ, nctrl: 1, nparams: 1, nqubits: 2},
	"cu1":     {kind: ir.KP, nctrl: 1, nparams: 1, nqubits: 2},
	"cp":      {kind: ir.KP, nctrl: 1, nparams: 1, nqubits: 2},
	"cu3":     {kind: ir.KU3, nctrl: 1, nparams: 3, nqubits: 2},
	"cu":      {kind: ir.KU3, nctrl: 1, nparams: 4, nqubits: 2},
	"rxx":     {kind: ir.KRXX, nparams: 1, nqubits: 2},
	"rzz":     {kind: ir.KRZZ, nparams: 1, nqubits: 2},
	"c3x":     {kind: ir.KX, nctrl: 3, nqubits: 4},
	"c4x":     {kind: ir.KX, nctrl: 4, nqubits: 5},
	"c3sqrtx": {kind: ir.KSX, nctrl: 3, nqubits: 4},
}

// qelibNames lists qelib in sorted order: error messages must not depend on
// map iteration order (every validator stores the same text).
var qelibNames = func() []string {
	names := make([]string, 0, len(qelib))
	for n := range qelib {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}()

// qelib1 gates defined by their standard decomposition.
const qelibPrelude = `
gate rccx a,b,c { u2(0,pi) c; u1(pi/4) c; cx b,c; u1(-pi/4) c; cx a,c; u1(pi/4) c; cx b,c; u1(-pi/4) c; u2(0,pi) c; }
gate rc3x a,b,c,d { u2(0,pi) d; u1(pi/4) d; cx c,d; u1(-pi/4) d; u2(0,pi) d; cx a,d; u1(pi/4) d; cx b,d;
  u1(-pi/4) d; cx a,d; u1(pi/4) d; cx b,d; u1(-pi/4) d; u2(0,pi) d; u1(pi/4) d; cx c,d; u1(-pi/4) d; u2(0,pi) d; }
`

var reserved = map[string]bool{"OPENQASM": true, "include": true, "qreg": true, "creg": true, "gate": true,
	"opaque": true, "measure": true, "reset": true, "barrier": true, "if": true, "pi": true, "U": true,
	"CX": true, "sin": true, "cos": true, "tan": true, "exp": true, "ln": true, "sqrt": true}

type bailout struct{ err *Error }

type parser struct {
	lex   lexer
	tok   token
	lim   Limits
	circ  *ir.Circuit
	qregs map[string]int
	cregs map[string]int
	gates map[string]*gateDef
	nops  int
	qelib bool
	ndefs int
	m     *meter.Meter
}

// StageParse is the meter stage of lexing, declarations and gate expansion.
const StageParse = "qasm parse"

// Step prices of parsing, set from BenchmarkAdversarial so that a parse step
// costs about as much wall time as a simulator step (~1 ns): an emitted op
// (its allocation and the garbage collector's share) is the dear part.
const (
	tokenSteps = 16
	callSteps  = 16  // per gate call of the expansion, plus 4 per qubit
	exprSteps  = 16  // per expression node evaluated
	emitSteps  = 256 // per op emitted, plus 16 per qubit
)

// Parse parses an OpenQASM 2.0 program with DefaultLimits.
func Parse(src string) (*ir.Circuit, error) { return ParseWithLimits(src, DefaultLimits()) }

// ParseWithLimits parses an OpenQASM 2.0 program unmetered; errors are *Error.
func ParseWithLimits(src string, lim Limits) (c *ir.Circuit, err error) {
	return ParseMetered(src, lim, nil)
}

// ParseMetered parses under a work meter: it charges every token, every gate
// call of the expansion (with its qubits), every expression node evaluated,
// every qubit of a register argument and every emitted op and qubit (prices
// above). Expansion that
// emits nothing (empty gate bodies called 2^60 times) is charged all the
// same, so no input parses for longer than its budget. A nil meter is
// unmetered.
func ParseMetered(src string, lim Limits, m *meter.Meter) (c *ir.Circuit, err error) {
	c, perr := parse(src, lim, m)
	if perr != nil {
		return nil, perr
	}
	return c, nil
}

func parse(src string, lim Limits, m *meter.Meter) (c *ir.Circuit, err *Error) {
	if lim.MaxSourceBytes > 0 && len(src) > lim.MaxSourceBytes {
		return nil, &Error{Kind: ErrLimit, Line: 1, Col: 1, Msg: fmt.Sprintf("source is %d bytes, limit %d", len(src), lim.MaxSourceBytes)}
	}
	p := &parser{lex: lexer{src: src, line: 1, col: 1}, lim: lim, circ: &ir.Circuit{},
		qregs: map[string]int{}, cregs: map[string]int{}, gates: map[string]*gateDef{}, m: m}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			c, err = nil, b.err
		}
	}()
	p.next()
	p.program()
	return p.circ, nil
}

func (p *parser) fail(kind ErrorKind, line, col int, format string, a ...any) {
	panic(bailout{&Error{Kind: kind, Line: line, Col: col, Msg: fmt.Sprintf(format, a...)}})
}

func (p *parser) failTok(t token, format string, a ...any) {
	p.fail(ErrSyntax, t.line, t.col, format, a...)
}

// charge meters n steps of work about to happen at line:col.
func (p *parser) charge(n uint64, line, col int) {
	if err := p.m.Charge(StageParse, n); err != nil {
		panic(bailout{&Error{Kind: ErrBudget, Line: line, Col: col, Msg: err.Error(), Err: err}})
	}
}

func (p *parser) next() {
	p.charge(tokenSteps, p.lex.line, p.lex.col)
	t, err := p.lex.next()
	if err != nil {
		panic(bailout{err})
	}
	p.tok = t
}

func (p *parser) expect(k tokKind) token {
	t := p.tok
	if t.kind != k {
		p.failTok(t, "expected %s, found %s", tokNames[k], t)
	}
	p.next()
	return t
}

func (p *parser) isIdent(s string) bool { return p.tok.kind == tIdent && p.tok.text == s }

func (p *parser) ident() token {
	t := p.expect(tIdent)
	if reserved[t.text] {
		p.failTok(t, "reserved word %q used as identifier", t.text)
	}
	return t
}

func (p *parser) integer() (int, token) {
	t := p.expect(tInt)
	v, err := strconv.ParseUint(t.text, 10, 31)
	if err != nil {
		p.fail(ErrLimit, t.line, t.col, "integer %s too large", t.text)
	}
	return int(v), t
}

func (p *parser) program() {
	if p.isIdent("OPENQASM") {
		p.next()
		t := p.tok
		if t.kind != tReal && t.kind != tInt {
			p.failTok(t, "expected version number, found %s", t)
		}
		if t.text != "2.0" && t.text != "2" {
			p.fail(ErrUnsupported, t.line, t.col, "OpenQASM version %s not supported (only 2.0)", t.text)
		}
		p.next()
		p.expect(tSemi)
	}
	for p.tok.kind != tEOF {
		p.statement()
	}
}

func (p *parser) statement() {
	t := p.tok
	if t.kind != tIdent {
		p.failTok(t, "expected statement, found %s", t)
	}
	switch t.text {
	case "OPENQASM":
		p.failTok(t, "OPENQASM header must come first")
	case "include":
		p.next()
		f := p.expect(tString)
		p.expect(tSemi)
		if f.text != "qelib1.inc" {
			p.fail(ErrUnsupported, f.line, f.col, "include %q: only \"qelib1.inc\" is available", f.text)
		}
		p.includeQelib(f)
	case "qreg", "creg":
		p.next()
		name := p.ident()
		p.expect(tLBrack)
		n, nt := p.integer()
		p.expect(tRBrack)
		p.expect(tSemi)
		p.declare(t.text == "qreg", name, n, nt)
	case "gate":
		p.gateDecl()
	case "opaque":
		p.opaqueDecl()
	case "barrier":
		p.next()
		var qs []int
		seen := map[int]bool{}
		for {
			a := p.argument()
			for _, q := range a.qubits {
				if !seen[q] {
					seen[q] = true
					qs = append(qs, q)
				}
			}
			if p.tok.kind != tComma {
				break
			}
			p.next()
		}
		p.expect(tSemi)
		p.emit(ir.Op{Type: ir.OpBarrier, Qubits: qs, Line: t.line, Col: t.col})
	case "if":
		p.next()
		p.expect(tLParen)
		r := p.ident()
		ci, ok := p.cregs[r.text]
		if !ok {
			p.fail(ErrSemantic, r.line, r.col, "unknown classical register %q", r.text)
		}
		p.expect(tEqEq)
		vt := p.expect(tInt)
		v, err := strconv.ParseUint(vt.text, 10, 64)
		if err != nil {
			p.fail(ErrLimit, vt.line, vt.col, "integer %s too large", vt.text)
		}
		p.expect(tRParen)
		if p.isIdent("barrier") || p.isIdent("if") {
			p.failTok(p.tok, "%s cannot be conditioned", p.tok.text)
		}
		p.qop(&ir.Cond{CReg: ci, Value: v})
	default:
		p.qop(nil)
	}
}

func (p *parser) includeQelib(at token) {
	if p.qelib {
		return
	}
	for _, name := range qelibNames {
		if _, dup := p.gates[name]; dup {
			p.fail(ErrSemantic, at.line, at.col, "gate %q defined before include conflicts with qelib1.inc", name)
		}
	}
	p.qelib = true
	for name, b := range qelib {
		p.gates[name] = &gateDef{name: name, builtin: b}
	}
	// parse the decomposed gates with a nested parser sharing the gate table
	sub := &parser{lex: lexer{src: qelibPrelude, line: 1, col: 1}, lim: p.lim, circ: &ir.Circuit{},
		qregs: map[string]int{}, cregs: map[string]int{}, gates: p.gates, m: p.m}
	sub.next()
	for sub.tok.kind != tEOF {
		sub.gateDecl()
	}
}

func (p *parser) declare(quantum bool, name token, n int, nt token) {
	if _, dup := p.qregs[name.text]; dup {
		p.fail(ErrSemantic, name.line, name.col, "register %q already declared", name.text)
	}
	if _, dup := p.cregs[name.text]; dup {
		p.fail(ErrSemantic, name.line, name.col, "register %q already declared", name.text)
	}
	if n <= 0 {
		p.fail(ErrSemantic, nt.line, nt.col, "register %q must have positive size", name.text)
	}
	if quantum {
		if p.circ.NumQubits+n > p.lim.MaxQubits {
			p.fail(ErrLimit, nt.line, nt.col, "%d qubits exceed the limit of %d", p.circ.NumQubits+n, p.lim.MaxQubits)
		}
		p.qregs[name.text] = len(p.circ.QRegs)
		p.circ.QRegs = append(p.circ.QRegs, ir.Register{Name: name.text, Offset: p.circ.NumQubits, Size: n})
		p.circ.NumQubits += n
	} else {
		if p.circ.NumClbits+n > p.lim.MaxClbits {
			p.fail(ErrLimit, nt.line, nt.col, "%d classical bits exceed the limit of %d", p.circ.NumClbits+n, p.lim.MaxClbits)
		}
		p.cregs[name.text] = len(p.circ.CRegs)
		p.circ.CRegs = append(p.circ.CRegs, ir.Register{Name: name.text, Offset: p.circ.NumClbits, Size: n})
		p.circ.NumClbits += n
	}
}

func (p *parser) newDef(name token) *gateDef {
	if _, dup := p.gates[name.text]; dup {
		p.fail(ErrSemantic, name.line, name.col, "gate %q already defined", name.text)
	}
	p.ndefs++
	if p.ndefs > p.lim.MaxGateDefs {
		p.fail(ErrLimit, name.line, name.col, "more than %d gate declarations", p.lim.MaxGateDefs)
	}
	return &gateDef{name: name.text}
}

// idList parses id (, id)* and rejects duplicates within names.
func (p *parser) idList(names map[string]bool) []string {
	var out []string
	for {
		t := p.ident()
		if names[t.text] {
			p.fail(ErrSemantic, t.line, t.col, "duplicate name %q", t.text)
		}
		names[t.text] = true
		out = append(out, t.text)
		if p.tok.kind != tComma {
			return out
		}
		p.next()
	}
}

func (p *parser) declHead(d *gateDef) {
	names := map[string]bool{}
	if p.tok.kind == tLParen {
		p.next()
		if p.tok.kind != tRParen {
			d.params = p.idList(names)
		}
		p.expect(tRParen)
	}
	d.qargs = p.idList(names)
}

func (p *parser) opaqueDecl() {
	p.next()
	name := p.ident()
	d := p.newDef(name)
	d.opaque = true
	p.declHead(d)
	p.expect(tSemi)
	p.gates[d.name] = d
	p.circ.Opaque = append(p.circ.Opaque, ir.OpaqueDecl{Name: d.name, NParams: len(d.params), NQubits: len(d.qargs)})
}

func (p *parser) gateDecl() {
	p.next()
	name := p.ident()
	d := p.newDef(name)
	p.declHead(d)
	p.expect(tLBrace)
	qidx := map[string]int{}
	for i, a := range d.qargs {
		qidx[a] = i
	}
	pidx := map[string]int{}
	for i, a := range d.params {
		pidx[a] = i
	}
	for p.tok.kind != tRBrace {
		t := p.tok
		if t.kind != tIdent {
			p.failTok(t, "expected gate operation, found %s", t)
		}
		st := gateStmt{line: t.line, col: t.col}
		switch t.text {
		case "barrier":
			p.next()
		case "U":
			p.next()
			st.def = builtinU
		case "CX":
			p.next()
			st.def = builtinCX
		case "measure", "reset", "if", "gate", "opaque", "qreg", "creg":
			p.failTok(t, "%s is not allowed inside a gate body", t.text)
		default:
			p.next()
			st.def = p.gates[t.text]
			if st.def == nil {
				p.fail(ErrSemantic, t.line, t.col, "unknown gate %q", t.text)
			}
		}
		if st.def != nil && p.tok.kind == tLParen {
			p.next()
			if p.tok.kind != tRParen {
				for {
					st.params = append(st.params, p.expr(pidx, 0))
					if p.tok.kind != tComma {
						break
					}
					p.next()
				}
			}
			p.expect(tRParen)
		}
		used := map[int]bool{}
		for {
			a := p.expect(tIdent)
			i, ok := qidx[a.text]
			if !ok {
				p.fail(ErrSemantic, a.line, a.col, "unknown qubit argument %q in gate %q", a.text, d.name)
			}
			if p.tok.kind == tLBrack {
				p.failTok(p.tok, "indexing is not allowed inside a gate body")
			}
			if used[i] && st.def != nil {
				p.fail(ErrSemantic, a.line, a.col, "qubit argument %q repeated", a.text)
			}
			used[i] = true
			st.args = append(st.args, i)
			if p.tok.kind != tComma {
				break
			}
			p.next()
		}
		p.expect(tSemi)
		if st.def != nil {
			p.checkArity(st.def, len(st.params), len(st.args), t)
		}
		d.body = append(d.body, st)
	}
	p.expect(tRBrace)
	p.gates[d.name] = d
}

func (p *parser) checkArity(d *gateDef, np, nq int, at token) {
	wantP, wantQ := len(d.params), len(d.qargs)
	if d.builtin != nil {
		wantP, wantQ = d.builtin.nparams, d.builtin.nqubits
	}
	if np != wantP {
		p.fail(ErrSemantic, at.line, at.col, "gate %q takes %d parameters, got %d", d.name, wantP, np)
	}
	if nq != wantQ {
		p.fail(ErrSemantic, at.line, at.col, "gate %q takes %d qubits, got %d", d.name, wantQ, nq)
	}
}

type arg struct {
	qubits    []int
	reg       bool
	line, col int
}

// argument parses id or id[n] against the quantum registers.
func (p *parser) argument() arg {
	return p.regArg(true)
}

func (p *parser) regArg(quantum bool) arg {
	t := p.ident()
	a := arg{line: t.line, col: t.col}
	var r ir.Register
	if quantum {
		i, ok := p.qregs[t.text]
		if !ok {
			p.fail(ErrSemantic, t.line, t.col, "unknown quantum register %q", t.text)
		}
		r = p.circ.QRegs[i]
	} else {
		i, ok := p.cregs[t.text]
		if !ok {
			p.fail(ErrSemantic, t.line, t.col, "unknown classical register %q", t.text)
		}
		r = p.circ.CRegs[i]
	}
	if p.tok.kind == tLBrack {
		p.next()
		n, nt := p.integer()
		p.expect(tRBrack)
		if n >= r.Size {
			p.fail(ErrSemantic, nt.line, nt.col, "index %d out of range for %s[%d]", n, t.text, r.Size)
		}
		a.qubits = []int{r.Offset + n}
		return a
	}
	a.reg = true
	p.charge(4*uint64(r.Size), t.line, t.col)
	a.qubits = make([]int, r.Size)
	for i := range a.qubits {
		a.qubits[i] = r.Offset + i
	}
	return a
}

// broadcast returns the number of applications implied by args.
func (p *parser) broadcast(args []arg) int {
	n := 1
	for _, a := range args {
		if a.reg {
			if n != 1 && len(a.qubits) != n {
				p.fail(ErrSemantic, a.line, a.col, "register size %d does not match %d", len(a.qubits), n)
			}
			n = len(a.qubits)
		}
	}
	for _, a := range args {
		if a.reg && len(a.qubits) != n {
			p.fail(ErrSemantic, a.line, a.col, "register size %d does not match %d", len(a.qubits), n)
		}
	}
	return n
}

func pick(a arg, i int) int {
	if a.reg {
		return a.qubits[i]
	}
	return a.qubits[0]
}

func (p *parser) qop(cond *ir.Cond) {
	t := p.tok
	switch t.text {
	case "measure":
		p.next()
		q := p.regArg(true)
		p.expect(tArrow)
		c := p.regArg(false)
		p.expect(tSemi)
		if q.reg != c.reg || len(q.qubits) != len(c.qubits) {
			p.fail(ErrSemantic, c.line, c.col, "measure: %d qubits into %d bits", len(q.qubits), len(c.qubits))
		}
		for i := range q.qubits {
			p.emit(ir.Op{Type: ir.OpMeasure, Qubits: []int{q.qubits[i]}, Clbit: c.qubits[i], Cond: cond, Line: t.line, Col: t.col})
		}
		return
	case "reset":
		p.next()
		q := p.argument()
		p.expect(tSemi)
		for _, x := range q.qubits {
			p.emit(ir.Op{Type: ir.OpReset, Qubits: []int{x}, Cond: cond, Line: t.line, Col: t.col})
		}
		return
	}
	name := p.expect(tIdent)
	var d *gateDef
	switch name.text {
	case "U":
		d = builtinU
	case "CX":
		d = builtinCX
	default:
		d = p.gates[name.text]
		if d == nil {
			if reserved[name.text] {
				p.failTok(name, "unexpected %q", name.text)
			}
			p.fail(ErrSemantic, name.line, name.col, "unknown gate %q", name.text)
		}
	}
	var params []float64
	if p.tok.kind == tLParen {
		p.next()
		if p.tok.kind != tRParen {
			for {
				e := p.expr(nil, 0)
				params = append(params, p.eval(e, nil))
				if p.tok.kind != tComma {
					break
				}
				p.next()
			}
		}
		p.expect(tRParen)
	}
	var args []arg
	for {
		args = append(args, p.argument())
		if p.tok.kind != tComma {
			break
		}
		p.next()
	}
	p.expect(tSemi)
	p.checkArity(d, len(params), len(args), name)
	n := p.broadcast(args)
	qs := make([]int, len(args))
	for i := 0; i < n; i++ {
		for j, a := range args {
			qs[j] = pick(a, i)
			for k := 0; k < j; k++ {
				if qs[k] == qs[j] {
					p.fail(ErrSemantic, a.line, a.col, "gate %q applied to the same qubit twice", d.name)
				}
			}
		}
		p.apply(d, params, qs, cond, name.line, name.col, 0)
	}
}

func (p *parser) emit(op ir.Op) {
	p.charge(emitSteps+16*uint64(len(op.Qubits)), op.Line, op.Col)
	p.nops += max(1, len(op.Qubits)/8) // wide barriers count by size, bounding memory
	if p.nops > p.lim.MaxOps {
		p.fail(ErrLimit, op.Line, op.Col, "more than %d operations after expansion", p.lim.MaxOps)
	}
	p.circ.Ops = append(p.circ.Ops, op)
}

func (p *parser) apply(d *gateDef, params []float64, qs []int, cond *ir.Cond, line, col, depth int) {
	p.charge(callSteps+4*uint64(len(qs)), line, col)
	if depth > p.lim.MaxGateNesting {
		p.fail(ErrLimit, line, col, "gate definitions nested deeper than %d", p.lim.MaxGateNesting)
	}
	switch {
	case d.builtin != nil:
		b := d.builtin
		op := ir.Op{Type: ir.OpGate, Kind: b.kind, NCtrl: b.nctrl, Qubits: append([]int(nil), qs...), Cond: cond, Line: line, Col: col}
		switch {
		case b.identity:
			op.Kind = ir.KI
		case b.u2:
			op.Params = []float64{dmath.Pi / 2, params[0], params[1]}
		case len(params) > 0:
			op.Params = append([]float64(nil), params...)
		}
		p.emit(op)
	case d.opaque:
		p.emit(ir.Op{Type: ir.OpOpaque, Name: d.name, Qubits: append([]int(nil), qs...),
			Params: append([]float64(nil), params...), Cond: cond, Line: line, Col: col})
	default:
		for i := range d.body {
			st := &d.body[i]
			sq := make([]int, len(st.args))
			for j, a := range st.args {
				sq[j] = qs[a]
			}
			if st.def == nil {
				p.emit(ir.Op{Type: ir.OpBarrier, Qubits: sq, Line: line, Col: col})
				continue
			}
			var sp []float64
			if len(st.params) > 0 {
				sp = make([]float64, len(st.params))
				for j, e := range st.params {
					sp[j] = p.eval(e, params)
				}
			}
			p.apply(st.def, sp, sq, cond, line, col, depth+1)
		}
	}
}

// expression AST
type expr struct {
	op        byte // 'n' number, 'p' parameter, 'u' negate, '+','-','*','/','^', 'f' function
	val       float64
	idx       int
	fn        string
	a, b      *expr
	line, col int
}

func (p *parser) expr(params map[string]int, depth int) *expr {
	if depth > p.lim.MaxExprDepth {
		p.fail(ErrLimit, p.tok.line, p.tok.col, "expression nested deeper than %d", p.lim.MaxExprDepth)
	}
	e := p.term(params, depth+1)
	for p.tok.kind == tPlus || p.tok.kind == tMinus {
		t := p.tok
		p.next()
		r := p.term(params, depth+1)
		op := byte('+')
		if t.kind == tMinus {
			op = '-'
		}
		e = &expr{op: op, a: e, b: r, line: t.line, col: t.col}
	}
	return e
}

func (p *parser) term(params map[string]int, depth int) *expr {
	e := p.unary(params, depth+1)
	for p.tok.kind == tStar || p.tok.kind == tSlash {
		t := p.tok
		p.next()
		r := p.unary(params, depth+1)
		op := byte('*')
		if t.kind == tSlash {
			op = '/'
		}
		e = &expr{op: op, a: e, b: r, line: t.line, col: t.col}
	}
	return e
}

func (p *parser) unary(params map[string]int, depth int) *expr {
	if depth > p.lim.MaxExprDepth {
		p.fail(ErrLimit, p.tok.line, p.tok.col, "expression nested deeper than %d", p.lim.MaxExprDepth)
	}
	t := p.tok
	switch t.kind {
	case tMinus:
		p.next()
		return &expr{op: 'u', a: p.unary(params, depth+1), line: t.line, col: t.col}
	case tPlus:
		p.next()
		return p.unary(params, depth+1)
	}
	base := p.primary(params, depth+1)
	if p.tok.kind == tCaret {
		c := p.tok
		p.next()
		exp := p.unary(params, depth+1) // right associative, binds tighter than unary minus on the left
		return &expr{op: '^', a: base, b: exp, line: c.line, col: c.col}
	}
	return base
}

func (p *parser) primary(params map[string]int, depth int) *expr {
	if depth > p.lim.MaxExprDepth {
		p.fail(ErrLimit, p.tok.line, p.tok.col, "expression nested deeper than %d", p.lim.MaxExprDepth)
	}
	t := p.tok
	switch t.kind {
	case tReal, tInt:
		p.next()
		v, err := strconv.ParseFloat(t.text, 64)
		if err != nil || math.IsInf(v, 0) {
			p.fail(ErrSemantic, t.line, t.col, "bad number %s", t.text)
		}
		return &expr{op: 'n', val: v, line: t.line, col: t.col}
	case tLParen:
		p.next()
		e := p.expr(params, depth+1)
		p.expect(tRParen)
		return e
	case tIdent:
		p.next()
		switch t.text {
		case "pi":
			return &expr{op: 'n', val: dmath.Pi, line: t.line, col: t.col}
		case "sin", "cos", "tan", "exp", "ln", "sqrt":
			p.expect(tLParen)
			a := p.expr(params, depth+1)
			p.expect(tRParen)
			return &expr{op: 'f', fn: t.text, a: a, line: t.line, col: t.col}
		}
		if i, ok := params[t.text]; ok {
			return &expr{op: 'p', idx: i, line: t.line, col: t.col}
		}
		p.fail(ErrSemantic, t.line, t.col, "unknown identifier %q in expression", t.text)
	}
	p.failTok(t, "expected expression, found %s", t)
	return nil
}

// maxTrigArg bounds the argument of sin, cos and tan in expressions: larger
// angles are an error ("expression is not a finite number").
const maxTrigArg = 1 << 29

func (p *parser) eval(e *expr, env []float64) float64 {
	p.charge(exprSteps, e.line, e.col)
	var v float64
	switch e.op {
	case 'n':
		return e.val
	case 'p':
		return env[e.idx]
	case 'u':
		return -p.eval(e.a, env)
	case 'f':
		a := p.eval(e.a, env)
		p.charge(exprSteps*dmath.TrigSteps(a), e.line, e.col)
		if (e.fn == "sin" || e.fn == "cos" || e.fn == "tan") && (a >= maxTrigArg || a <= -maxTrigArg) {
			// Angles this large are meaningless for gates; reject them
			// rather than reduce them (dmath would).
			a = math.NaN()
		}
		switch e.fn {
		case "sin":
			v = dmath.Sin(a)
		case "cos":
			v = dmath.Cos(a)
		case "tan":
			v = dmath.Tan(a)
		case "exp":
			v = dmath.Exp(a)
		case "ln":
			v = dmath.Log(a)
		case "sqrt":
			v = dmath.Sqrt(a)
		}
	default:
		a, b := p.eval(e.a, env), p.eval(e.b, env)
		switch e.op {
		case '+':
			v = a + b
		case '-':
			v = a - b
		case '*':
			v = float64(a * b)
		case '/':
			v = a / b
		case '^':
			v = dmath.Pow(a, b)
		}
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		p.fail(ErrSemantic, e.line, e.col, "expression is not a finite number")
	}
	return v
}
