package qasm

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/novacron/novacron/x/quantumjob/engine/ir"
)

var exportNames = [][]string{ // [nctrl][kind]
	{ir.KI: "id", ir.KX: "x", ir.KY: "y", ir.KZ: "z", ir.KH: "h", ir.KS: "s", ir.KSdg: "sdg", ir.KT: "t",
		ir.KTdg: "tdg", ir.KSX: "sx", ir.KSXdg: "sxdg", ir.KRX: "rx", ir.KRY: "ry", ir.KRZ: "rz", ir.KP: "u1",
		ir.KU3: "u3", ir.KSwap: "swap", ir.KRXX: "rxx", ir.KRZZ: "rzz"},
	{ir.KX: "cx", ir.KY: "cy", ir.KZ: "cz", ir.KH: "ch", ir.KSX: "csx", ir.KRX: "crx", ir.KRY: "cry",
		ir.KRZ: "crz", ir.KP: "cu1", ir.KU3: "cu3", ir.KSwap: "cswap"},
	{ir.KX: "ccx"},
	{ir.KX: "c3x", ir.KSX: "c3sqrtx"},
	{ir.KX: "c4x"},
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Export writes c as OpenQASM 2.0 using qelib1.inc gate names. Parameters
// are printed with the shortest representation that round-trips exactly, so
// re-parsing yields the same unitary. Fused matrices and oracles cannot be
// exported.
func Export(c *ir.Circuit) (string, error) {
	var b strings.Builder
	b.WriteString("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n")
	for _, d := range c.Opaque {
		b.WriteString("opaque " + d.Name)
		if d.NParams > 0 {
			ps := make([]string, d.NParams)
			for i := range ps {
				ps[i] = fmt.Sprintf("p%d", i)
			}
			b.WriteString("(" + strings.Join(ps, ",") + ")")
		}
		qs := make([]string, d.NQubits)
		for i := range qs {
			qs[i] = fmt.Sprintf("a%d", i)
		}
		b.WriteString(" " + strings.Join(qs, ",") + ";\n")
	}
	qname := make([]string, c.NumQubits)
	for _, r := range c.QRegs {
		fmt.Fprintf(&b, "qreg %s[%d];\n", r.Name, r.Size)
		for i := 0; i < r.Size; i++ {
			qname[r.Offset+i] = fmt.Sprintf("%s[%d]", r.Name, i)
		}
	}
	cname := make([]string, c.NumClbits)
	for _, r := range c.CRegs {
		fmt.Fprintf(&b, "creg %s[%d];\n", r.Name, r.Size)
		for i := 0; i < r.Size; i++ {
			cname[r.Offset+i] = fmt.Sprintf("%s[%d]", r.Name, i)
		}
	}
	args := func(qs []int) string {
		s := make([]string, len(qs))
		for i, q := range qs {
			s[i] = qname[q]
		}
		return strings.Join(s, ",")
	}
	for i := range c.Ops {
		o := &c.Ops[i]
		prefix := ""
		if o.Cond != nil {
			prefix = fmt.Sprintf("if(%s==%d) ", c.CRegs[o.Cond.CReg].Name, o.Cond.Value)
		}
		switch o.Type {
		case ir.OpBarrier:
			if len(o.Qubits) > 0 {
				fmt.Fprintf(&b, "barrier %s;\n", args(o.Qubits))
			}
			continue
		case ir.OpMeasure:
			fmt.Fprintf(&b, "%smeasure %s -> %s;\n", prefix, qname[o.Qubits[0]], cname[o.Clbit])
			continue
		case ir.OpReset:
			fmt.Fprintf(&b, "%sreset %s;\n", prefix, qname[o.Qubits[0]])
			continue
		}
		name := o.Name
		params := o.Params
		if o.Type == ir.OpGate {
			if o.NCtrl >= len(exportNames) || int(o.Kind) >= len(exportNames[o.NCtrl]) || exportNames[o.NCtrl][o.Kind] == "" {
				return "", fmt.Errorf("%d:%d: gate %s with %d controls has no OpenQASM 2.0 equivalent", o.Line, o.Col, o.Kind, o.NCtrl)
			}
			name = exportNames[o.NCtrl][o.Kind]
			if o.Kind == ir.KU3 && len(params) == 4 {
				if o.NCtrl == 1 && params[3] != 0 { // cu's gamma is a phase on the control
					fmt.Fprintf(&b, "%su1(%s) %s;\n", prefix, fmtFloat(params[3]), qname[o.Qubits[0]])
				}
				params = params[:3]
			}
		}
		b.WriteString(prefix + name)
		if len(params) > 0 {
			ps := make([]string, len(params))
			for j, p := range params {
				ps[j] = fmtFloat(p)
			}
			b.WriteString("(" + strings.Join(ps, ",") + ")")
		}
		b.WriteString(" " + args(o.Qubits) + ";\n")
	}
	return b.String(), nil
}
