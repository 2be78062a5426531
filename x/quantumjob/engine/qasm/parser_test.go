package qasm

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/quantumjob/engine/ir"
)

const hdr = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n"

func mustParse(t *testing.T, src string) *ir.Circuit {
	t.Helper()
	c, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestExpressions(t *testing.T) {
	cases := map[string]float64{
		"pi":               math.Pi,
		"-pi/2":            -math.Pi / 2,
		"2^3":              8,
		"-2^2":             -4,
		"2^-1":             0.5,
		"2^3^2":            512,
		"1+2*3":            7,
		"(1+2)*3":          9,
		"sin(pi/2)":        1,
		"cos(0)":           1,
		"exp(0)+ln(1)":     1,
		"sqrt(16)":         4,
		"tan(0)":           0,
		"1.5e1":            15,
		".5":               0.5,
		"3*pi/4":           3 * math.Pi / 4,
		"-(-(1))":          1,
		"1 - -1":           2,
		"+3":               3,
		"2*sin(pi/6)*2":    2,
		"ln(exp(2))":       2,
		"sqrt(2)*sqrt(2)":  2,
		"10/4":             2.5,
		"1e-3":             0.001,
		"(((((((1)))))))":  1,
		"pi^0":             1,
		"4^0.5":            2,
		"-pi":              -math.Pi,
		"cos(pi)":          -1,
		"exp(1)":           math.E,
		"2.0*pi - 2.0*pi":  0,
		"0.1+0.2":          0.30000000000000004,
		"1/3*3":            1,
		"sin(-pi/2)":       -1,
		"cos(2*pi)":        1,
		"sqrt(0.25)^2":     0.25,
		"2^10":             1024,
		"-2^-2":            -0.25,
		"(2)^(3)":          8,
		"1+2-3+4-5":        -1,
		"8/2/2":            2,
		"2*3^2":            18,
		"ln(1)":            0,
		"exp(-1)*exp(1)":   1,
		"tan(pi/4)":        1,
		"sin(pi/6)":        0.5,
		"cos(pi/3)":        0.5,
		"0.0":              0,
		"00.5":             0.5,
		"1.":               1,
		"1.e2":             100,
		"1E2":              100,
		"2*-1":             -2,
		"-1*-1":            1,
		"--1":              1,
		"3-+2":             1,
		"1^100":            1,
		"2^0.0":            1,
		"(-8)^(1/3)*0+1":   math.NaN(), // negative base, fractional exponent
		"sqrt(-1)*0":       math.NaN(),
		"1/0":              math.NaN(),
		"ln(0)":            math.NaN(),
		"exp(1000)":        math.NaN(),
		"1e400":            math.NaN(),
		"ln(-1)":           math.NaN(),
		"sin(1e300)":       math.NaN(),
		"0^-1":             math.NaN(),
		"cos(pi/2)*0+0.25": 0.25,
	}
	for e, want := range cases {
		c, err := Parse(hdr + "qreg q[1];\nrz(" + e + ") q[0];\n")
		if math.IsNaN(want) {
			var pe *Error
			if !errors.As(err, &pe) || pe.Line != 4 {
				t.Errorf("%s: want positioned error, got %v", e, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", e, err)
			continue
		}
		if got := c.Ops[0].Params[0]; math.Abs(got-want) > 1e-14*math.Max(1, math.Abs(want)) {
			t.Errorf("%s = %v, want %v", e, got, want)
		}
	}
}

func TestLanguage(t *testing.T) {
	src := hdr + `
// comment
qreg a[2]; qreg b[2];
creg c[2];
gate g(theta, phi) x, y { U(theta, phi, 0) x; CX x, y; barrier x, y; rz(theta/2) y; }
gate nop q { }
opaque magic(alpha) p, r;
opaque spooky q;
U(pi, 0, pi) a[0];
CX a[0], b[0];
g(pi/2, pi) a, b;     // broadcast over two registers
cx a[0], b;           // one control, broadcast target
nop a;
barrier a, b[1];
measure a -> c;
if(c==3) x b[0];
reset b;
u2(0, pi) a[1];
u0(1) a[1];
id a[1];
cu(0.1,0.2,0.3,0.4) a[0], a[1];
rccx a[0], a[1], b[0];
c3x a[0], a[1], b[0], b[1];
`
	c := mustParse(t, src)
	if c.NumQubits != 4 || c.NumClbits != 2 || len(c.QRegs) != 2 || len(c.Opaque) != 2 {
		t.Fatalf("%+v", c)
	}
	var kinds []string
	for _, o := range c.Ops {
		switch o.Type {
		case ir.OpGate:
			kinds = append(kinds, o.Kind.String())
		case ir.OpMeasure:
			kinds = append(kinds, "measure")
		case ir.OpReset:
			kinds = append(kinds, "reset")
		case ir.OpBarrier:
			kinds = append(kinds, "barrier")
		}
	}
	got := strings.Join(kinds, " ")
	want := "u3 x u3 x barrier rz u3 x barrier rz x x barrier measure measure x reset reset u3 id id u3"
	if !strings.HasPrefix(got, want) {
		t.Fatalf("ops:\n%s\nwant prefix\n%s", got, want)
	}
	for _, o := range c.Ops {
		if o.Type == ir.OpGate && o.Kind == ir.KX && len(o.Qubits) == 1 && o.Cond != nil {
			if o.Cond.Value != 3 || o.Cond.CReg != 0 {
				t.Fatal("condition")
			}
		}
	}
	// executing an opaque gate is allowed by the parser and flagged in the IR
	c = mustParse(t, hdr+"opaque magic(alpha) p; qreg q[1]; magic(0.5) q[0];")
	if c.Ops[0].Type != ir.OpOpaque || c.Ops[0].Name != "magic" || c.Ops[0].Params[0] != 0.5 {
		t.Fatalf("%+v", c.Ops[0])
	}
	// no header, no include: only U and CX
	c = mustParse(t, "qreg q[2]; U(0,0,0) q[0]; CX q[0],q[1];")
	if len(c.Ops) != 2 {
		t.Fatal(len(c.Ops))
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		src       string
		line, col int
		kind      ErrorKind
		msg       string
	}{
		{"OPENQASM 3.0;", 1, 10, ErrUnsupported, "version"},
		{hdr + "qreg q[2];\nh q[2];", 4, 5, ErrSemantic, "out of range"},
		{hdr + "qreg q[2];\nfoo q[0];", 4, 1, ErrSemantic, "unknown gate"},
		{hdr + "qreg q[2];\ncx q[0],q[0];", 4, 9, ErrSemantic, "same qubit"},
		{hdr + "qreg q[2];\nh q[0]", 4, 7, ErrSyntax, "expected ';'"},
		{hdr + "qreg q[2];\nrx q[0];", 4, 1, ErrSemantic, "parameters"},
		{hdr + "qreg q[2]; qreg r[3];\ncx q, r;", 4, 7, ErrSemantic, "size"},
		{hdr + "qreg q[2];\nh q[0]; $", 4, 9, ErrSyntax, "unexpected character"},
		{hdr + "qreg q[2];\ngate g a { h b; }", 4, 14, ErrSemantic, "unknown qubit argument"},
		{hdr + "qreg q[2];\ngate h a { x a; }", 4, 6, ErrSemantic, "already defined"},
		{hdr + "qreg q[2]; qreg q[1];", 3, 17, ErrSemantic, "already declared"},
		{hdr + "include \"other.inc\";", 3, 9, ErrUnsupported, "include"},
		{hdr + "qreg q[1];\nrz(x) q[0];", 4, 4, ErrSemantic, "unknown identifier"},
		{hdr + "qreg q[1]; creg c[1];\nif(c==1) barrier q;", 4, 10, ErrSyntax, "cannot be conditioned"},
		{hdr + "qreg q[1]; creg c[2];\nmeasure q -> c;", 4, 14, ErrSemantic, "measure"},
		{hdr + "qreg q[0];", 3, 8, ErrSemantic, "positive"},
		{hdr + "qreg q[99999999999];", 3, 8, ErrLimit, "too large"},
		{hdr + "qreg q[20000];", 3, 8, ErrLimit, "qubits exceed"},
		{hdr + "/* never closed", 3, 1, ErrSyntax, "unterminated"},
		{hdr + "qreg q[1];\nrz(" + strings.Repeat("(", 100) + "1" + strings.Repeat(")", 100) + ") q[0];", 4, 0, ErrLimit, "nested"},
		{hdr + "qreg pi[1];", 3, 6, ErrSyntax, "reserved"},
	}
	for _, c := range cases {
		_, err := Parse(c.src)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: want *Error, got %v", c.src, err)
			continue
		}
		if pe.Line != c.line || (c.col != 0 && pe.Col != c.col) || pe.Kind != c.kind || !strings.Contains(pe.Error(), c.msg) {
			t.Errorf("%q: got %v (kind %v)", c.src, pe, pe.Kind)
		}
	}
}

func TestLimits(t *testing.T) {
	// exponential gate-definition expansion is cut off, not exploded
	var b strings.Builder
	b.WriteString(hdr + "gate g0 a { x a; x a; }\n")
	for i := 1; i < 40; i++ {
		b.WriteString("gate g" + itoa(i) + " a { g" + itoa(i-1) + " a; g" + itoa(i-1) + " a; }\n")
	}
	b.WriteString("qreg q[1];\ng39 q[0];\n")
	_, err := Parse(b.String())
	var pe *Error
	if !errors.As(err, &pe) || pe.Kind != ErrLimit {
		t.Fatalf("want limit error, got %v", err)
	}
	lim := DefaultLimits()
	lim.MaxOps = 10
	_, err = ParseWithLimits(hdr+"qreg q[20]; h q;", lim)
	if !errors.As(err, &pe) || pe.Kind != ErrLimit {
		t.Fatalf("want op limit error, got %v", err)
	}
	lim = DefaultLimits()
	lim.MaxSourceBytes = 10
	if _, err = ParseWithLimits(hdr, lim); !errors.As(err, &pe) || pe.Kind != ErrLimit {
		t.Fatal(err)
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// FuzzParse proves the parser never panics and that whatever it accepts
// exports to OpenQASM that parses again.
func FuzzParse(f *testing.F) {
	f.Add(hdr + "qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;")
	f.Add(hdr + "gate g(a) x,y { U(a,0,a/2) x; CX x,y; } qreg q[3]; g(pi^2) q[0],q[2]; if(c==1) x q[0];")
	f.Add("OPENQASM 2.0; qreg q[1]; U(sin(1)*cos(2)-tan(3)/exp(4)+ln(5)^sqrt(6),0,0) q[0];")
	f.Add(hdr + "qreg q[1]; gate g0 a { } gate g1 a { g0 a; g0 a; } gate g2 a { g1 a; g1 a; } gate g3 a { g2 a; g2 a; } g3 q[0];")
	f.Add("OPENQASM 2.0; qreg q[1]; U(sin(1e300),cos(-1e299),0) q[0];")
	f.Add(hdr + "opaque o(a) b; qreg q[1]; creg c[1]; o(1) q[0]; reset q; barrier q; measure q[0] -> c[0];")
	f.Fuzz(func(t *testing.T, src string) {
		lim := DefaultLimits()
		lim.MaxOps = 20000
		lim.MaxQubits = 64
		// metered: an expansion the op limit never sees (empty bodies) stops at
		// the budget, and wall time stays within the steps counted
		m := meter.New(2_000_000)
		start := time.Now()
		c, err := parse(src, lim, m)
		if d := time.Since(start); d > 50*time.Millisecond+time.Duration(m.Used())*200 {
			t.Fatalf("%v for %d steps: work the meter does not count", d, m.Used())
		}
		if m.Used() > m.Budget() {
			t.Fatalf("steps %d over budget %d", m.Used(), m.Budget())
		}
		if err != nil {
			if err.Line < 1 || err.Col < 1 {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		out, xerr := Export(c)
		if xerr != nil {
			return
		}
		c2, err2 := parse(out, lim, nil)
		if err2 != nil {
			t.Fatalf("export does not re-parse: %v\n%s", err2, out)
		}
		if c2.NumQubits != c.NumQubits || c2.NumClbits != c.NumClbits {
			t.Fatal("export changed the registers")
		}
	})
}
