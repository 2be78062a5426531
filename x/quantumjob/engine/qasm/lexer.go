// Package qasm parses OpenQASM 2.0 (Cross et al. 2017) into an ir.Circuit.
//
// The parser is total: any input yields a circuit or a typed *Error carrying
// line:column, never a panic, and hard limits bound the work a hostile input
// can cause.
package qasm

import (
	"fmt"
)

// ErrorKind classifies parse errors.
type ErrorKind int

// Error kinds.
const (
	ErrSyntax   ErrorKind = iota + 1 // malformed input
	ErrSemantic                      // well-formed but meaningless (unknown gate, bad index, ...)
	ErrLimit                         // a hard cap was exceeded
	ErrUnsupported
	ErrBudget // the work meter's budget ran out (Err is the *meter.BudgetError)
)

func (k ErrorKind) String() string {
	switch k {
	case ErrSyntax:
		return "syntax error"
	case ErrSemantic:
		return "semantic error"
	case ErrLimit:
		return "limit exceeded"
	case ErrUnsupported:
		return "unsupported"
	case ErrBudget:
		return "budget exceeded"
	}
	return "error"
}

// Error is a positioned parse error.
type Error struct {
	Kind ErrorKind
	Line int
	Col  int
	Msg  string
	Err  error // the cause, for errors.Is (ErrBudget: meter.ErrBudgetExceeded)
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	return fmt.Sprintf("%d:%d: %s: %s", e.Line, e.Col, e.Kind, e.Msg)
}

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tReal
	tInt
	tString
	tSemi
	tComma
	tLBrack
	tRBrack
	tLParen
	tRParen
	tLBrace
	tRBrace
	tArrow
	tEqEq
	tPlus
	tMinus
	tStar
	tSlash
	tCaret
)

var tokNames = [...]string{"end of file", "identifier", "real", "integer", "string", "';'", "','", "'['", "']'",
	"'('", "')'", "'{'", "'}'", "'->'", "'=='", "'+'", "'-'", "'*'", "'/'", "'^'"}

type token struct {
	kind tokKind
	text string
	line int
	col  int
}

func (t token) String() string {
	switch t.kind {
	case tIdent, tReal, tInt:
		return fmt.Sprintf("%q", t.text)
	case tString:
		return fmt.Sprintf("string %q", t.text)
	}
	return tokNames[t.kind]
}

type lexer struct {
	src  string
	pos  int
	line int
	col  int
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

func (l *lexer) errf(line, col int, format string, a ...any) *Error {
	return &Error{Kind: ErrSyntax, Line: line, Col: col, Msg: fmt.Sprintf(format, a...)}
}

func (l *lexer) advance(n int) {
	for i := 0; i < n; i++ {
		if l.src[l.pos] == '\n' {
			l.line++
			l.col = 1
		} else {
			l.col++
		}
		l.pos++
	}
}

func (l *lexer) next() (token, *Error) {
	// skip whitespace and comments
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' {
			l.advance(1)
			continue
		}
		if c == '/' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '/' {
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.advance(1)
			}
			continue
		}
		if c == '/' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '*' {
			line, col := l.line, l.col
			l.advance(2)
			for {
				if l.pos+1 >= len(l.src) {
					return token{}, l.errf(line, col, "unterminated comment")
				}
				if l.src[l.pos] == '*' && l.src[l.pos+1] == '/' {
					l.advance(2)
					break
				}
				l.advance(1)
			}
			continue
		}
		break
	}
	t := token{line: l.line, col: l.col}
	if l.pos >= len(l.src) {
		t.kind = tEOF
		return t, nil
	}
	start := l.pos
	c := l.src[l.pos]
	switch {
	case isLetter(c):
		n := 1
		for start+n < len(l.src) && (isLetter(l.src[start+n]) || isDigit(l.src[start+n])) {
			n++
		}
		t.kind, t.text = tIdent, l.src[start:start+n]
		l.advance(n)
		return t, nil
	case isDigit(c) || c == '.' && l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1]):
		n := 0
		for start+n < len(l.src) && isDigit(l.src[start+n]) {
			n++
		}
		t.kind = tInt
		if start+n < len(l.src) && l.src[start+n] == '.' {
			t.kind = tReal
			n++
			for start+n < len(l.src) && isDigit(l.src[start+n]) {
				n++
			}
		}
		if start+n < len(l.src) && (l.src[start+n] == 'e' || l.src[start+n] == 'E') {
			m := n + 1
			if start+m < len(l.src) && (l.src[start+m] == '+' || l.src[start+m] == '-') {
				m++
			}
			if start+m < len(l.src) && isDigit(l.src[start+m]) {
				for start+m < len(l.src) && isDigit(l.src[start+m]) {
					m++
				}
				n = m
				t.kind = tReal
			}
		}
		t.text = l.src[start : start+n]
		l.advance(n)
		return t, nil
	case c == '"':
		n := 1
		for start+n < len(l.src) && l.src[start+n] != '"' && l.src[start+n] != '\n' {
			n++
		}
		if start+n >= len(l.src) || l.src[start+n] != '"' {
			return t, l.errf(t.line, t.col, "unterminated string")
		}
		t.kind, t.text = tString, l.src[start+1:start+n]
		l.advance(n + 1)
		return t, nil
	}
	two := ""
	if l.pos+1 < len(l.src) {
		two = l.src[l.pos : l.pos+2]
	}
	switch two {
	case "->":
		t.kind = tArrow
		l.advance(2)
		return t, nil
	case "==":
		t.kind = tEqEq
		l.advance(2)
		return t, nil
	}
	switch c {
	case ';':
		t.kind = tSemi
	case ',':
		t.kind = tComma
	case '[':
		t.kind = tLBrack
	case ']':
		t.kind = tRBrack
	case '(':
		t.kind = tLParen
	case ')':
		t.kind = tRParen
	case '{':
		t.kind = tLBrace
	case '}':
		t.kind = tRBrace
	case '+':
		t.kind = tPlus
	case '-':
		t.kind = tMinus
	case '*':
		t.kind = tStar
	case '/':
		t.kind = tSlash
	case '^':
		t.kind = tCaret
	default:
		if c >= 0x20 && c < 0x7f {
			return t, l.errf(t.line, t.col, "unexpected character %q", c)
		}
		return t, l.errf(t.line, t.col, "unexpected byte 0x%02x", c)
	}
	l.advance(1)
	return t, nil
}
