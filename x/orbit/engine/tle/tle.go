// Package tle parses and formats NORAD two-line element sets.
//
// Parsing is column based (the TLE format is fixed width), never panics and
// reports typed errors. Strict mode checks line length, checksums and the
// satellite-number match; Vallado mode accepts the verification-set quirks
// (bad checksums, blank fields) and the extra start/stop/step columns that
// SGP4-VER.TLE appends to line 2.
package tle

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Sentinel errors; every *ParseError unwraps to one of them.
var (
	ErrLength      = errors.New("tle: line too short")
	ErrLineNumber  = errors.New("tle: wrong line number")
	ErrChecksum    = errors.New("tle: checksum mismatch")
	ErrField       = errors.New("tle: malformed field")
	ErrRange       = errors.New("tle: field out of range")
	ErrSatNum      = errors.New("tle: satellite numbers differ")
	ErrMissingLine = errors.New("tle: missing line 2")
	ErrCharacter   = errors.New("tle: non-ASCII character")
)

// ParseError locates a failure: line (1 or 2), field name and 1-based column.
type ParseError struct {
	Line   int
	Field  string
	Column int
	Value  string
	Err    error
}

func (e *ParseError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%v (line %d)", e.Err, e.Line)
	}
	return fmt.Sprintf("%v: line %d field %s (col %d) %q", e.Err, e.Line, e.Field, e.Column, e.Value)
}

func (e *ParseError) Unwrap() error { return e.Err }

// TLE holds the element set in the units of the format: degrees, rev/day.
type TLE struct {
	Name           string
	SatNum         int // Alpha-5 numbers decode to 100000+
	Classification byte
	IntlDesignator string
	EpochYear      int     // four digits
	EpochDay       float64 // day of year, 1.0 = Jan 1 00:00
	// EpochDayInt and EpochFrac/EpochFracDigits hold the epoch day exactly.
	EpochDayInt     int
	EpochFrac       int64
	EpochFracDigits int
	NDot            float64 // rev/day^2 /2
	NDDot           float64 // rev/day^3 /6
	BStar           float64 // 1/earth radii
	EphemerisType   int
	ElementNumber   int
	Inclination     float64 // deg
	RAAN            float64 // deg
	Eccentricity    float64
	ArgPerigee      float64 // deg
	MeanAnomaly     float64 // deg
	MeanMotion      float64 // rev/day
	RevNumber       int
	// Vallado verification columns (minutes from epoch), if present.
	HasRange                   bool
	StartMin, StopMin, StepMin float64
}

// Options select strictness.
type Options struct {
	// Strict enforces 69-column lines, checksums and matching satnums.
	Strict bool
}

// Vallado accepts the verification-set quirks; StrictOptions is for on-chain input.
var (
	Vallado       = Options{Strict: false}
	StrictOptions = Options{Strict: true}
)

// Checksum returns the modulo-10 checksum of the first 68 columns.
func Checksum(line string) int {
	sum := 0
	for i := 0; i < len(line) && i < 68; i++ {
		c := line[i]
		switch {
		case c >= '0' && c <= '9':
			sum += int(c - '0')
		case c == '-':
			sum++
		}
	}
	return sum % 10
}

func field(s string, lo, hi int) string {
	if lo >= len(s) {
		return ""
	}
	if hi > len(s) {
		hi = len(s)
	}
	return s[lo:hi]
}

func perr(line int, name string, lo int, val string, err error) *ParseError {
	return &ParseError{Line: line, Field: name, Column: lo + 1, Value: val, Err: err}
}

func parseFloat(line int, name string, s string, lo, hi int) (float64, error) {
	raw := field(s, lo, hi)
	v := strings.TrimSpace(raw)
	if v == "" {
		return 0, perr(line, name, lo, raw, ErrField)
	}
	// Reject Go-only syntaxes (hex, underscores, inf/nan).
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '+' {
			return 0, perr(line, name, lo, raw, ErrField)
		}
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, perr(line, name, lo, raw, ErrField)
	}
	return f, nil
}

func parseInt(line int, name string, s string, lo, hi int, blankOK bool) (int, error) {
	raw := field(s, lo, hi)
	v := strings.TrimSpace(raw)
	if v == "" {
		if blankOK {
			return 0, nil
		}
		return 0, perr(line, name, lo, raw, ErrField)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, perr(line, name, lo, raw, ErrField)
		}
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, perr(line, name, lo, raw, ErrField)
	}
	return n, nil
}

// parseSatNum decodes 5-digit and Alpha-5 catalogue numbers.
func parseSatNum(line int, s string) (int, error) {
	raw := field(s, 2, 7)
	v := strings.TrimSpace(raw)
	if v == "" {
		return 0, perr(line, "satnum", 2, raw, ErrField)
	}
	c := v[0]
	if c >= 'A' && c <= 'Z' && c != 'I' && c != 'O' && len(v) == 5 {
		d := int(c - 'A' + 10)
		if c > 'I' {
			d--
		}
		if c > 'O' {
			d--
		}
		rest, err := parseInt(line, "satnum", s, 3, 7, false)
		if err != nil {
			return 0, err
		}
		return d*10000 + rest, nil
	}
	return parseInt(line, "satnum", s, 2, 7, false)
}

var pow10 = [...]float64{1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9}

// parseExp reads the "assumed decimal point" fields: " 28098-4" = 0.28098e-4.
func parseExp(line int, name string, s string, lo int) (float64, error) {
	raw := field(s, lo, lo+8)
	if strings.TrimSpace(raw) == "" {
		return 0, nil
	}
	if len(raw) < 8 {
		return 0, perr(line, name, lo, raw, ErrField)
	}
	sign := 1.0
	switch raw[0] {
	case '-':
		sign = -1
	case ' ', '+':
	default:
		return 0, perr(line, name, lo, raw, ErrField)
	}
	mant := strings.TrimSpace(raw[1:6])
	m := 0.0
	if mant != "" {
		for i := 0; i < len(mant); i++ {
			if mant[i] < '0' || mant[i] > '9' {
				return 0, perr(line, name, lo, raw, ErrField)
			}
		}
		v, err := strconv.ParseFloat("0."+strings.Repeat("0", 5-len(mant))+mant, 64)
		if err != nil {
			return 0, perr(line, name, lo, raw, ErrField)
		}
		m = v
	}
	es := raw[6]
	ed := raw[7]
	if ed < '0' || ed > '9' || (es != '-' && es != '+' && es != ' ' && es != '0') {
		return 0, perr(line, name, lo, raw, ErrField)
	}
	e := int(ed - '0')
	if es == '-' {
		e = -e
	}
	return sign * float64(m*pow10[e+9]), nil
}

func cleanLine(s string) string {
	return strings.TrimRight(s, " \t\r\n")
}

// Parse decodes one element set from its two lines.
func Parse(line1, line2 string, opt Options) (TLE, error) {
	var t TLE
	l1 := cleanLine(line1)
	l2 := cleanLine(line2)
	for i, l := range []string{l1, l2} {
		for j := 0; j < len(l); j++ {
			if l[j] >= 0x80 || (l[j] < 0x20 && l[j] != '\t') {
				return t, perr(i+1, "", j, "", ErrCharacter)
			}
		}
	}
	if len(l1) < 61 {
		return t, &ParseError{Line: 1, Err: ErrLength}
	}
	if len(l2) < 63 {
		return t, &ParseError{Line: 2, Err: ErrLength}
	}
	if l1[0] != '1' {
		return t, perr(1, "line", 0, l1[:1], ErrLineNumber)
	}
	if l2[0] != '2' {
		return t, perr(2, "line", 0, l2[:1], ErrLineNumber)
	}
	if opt.Strict {
		if len(l1) != 69 {
			return t, &ParseError{Line: 1, Err: ErrLength}
		}
		if len(l2) < 69 {
			return t, &ParseError{Line: 2, Err: ErrLength}
		}
		for i, l := range []string{l1, l2} {
			if int(l[68]-'0') != Checksum(l) {
				return t, perr(i+1, "checksum", 68, l[68:69], ErrChecksum)
			}
		}
	}
	var err error
	if t.SatNum, err = parseSatNum(1, l1); err != nil {
		return t, err
	}
	n2, err := parseSatNum(2, l2)
	if err != nil {
		return t, err
	}
	if opt.Strict && n2 != t.SatNum {
		return t, perr(2, "satnum", 2, field(l2, 2, 7), ErrSatNum)
	}
	t.Classification = l1[7]
	if t.Classification == ' ' {
		t.Classification = 'U'
	}
	t.IntlDesignator = strings.TrimSpace(field(l1, 9, 17))
	if err = parseEpoch(&t, l1); err != nil {
		return t, err
	}
	if t.NDot, err = parseFloat(1, "ndot", l1, 33, 43); err != nil {
		return t, err
	}
	if t.NDDot, err = parseExp(1, "nddot", l1, 44); err != nil {
		return t, err
	}
	if t.BStar, err = parseExp(1, "bstar", l1, 53); err != nil {
		return t, err
	}
	if t.EphemerisType, err = parseInt(1, "ephemeris type", l1, 62, 63, true); err != nil {
		return t, err
	}
	if t.ElementNumber, err = parseInt(1, "element number", l1, 64, 68, true); err != nil {
		return t, err
	}

	if t.Inclination, err = parseFloat(2, "inclination", l2, 8, 16); err != nil {
		return t, err
	}
	if t.RAAN, err = parseFloat(2, "raan", l2, 17, 25); err != nil {
		return t, err
	}
	ecc := field(l2, 26, 33)
	if strings.TrimSpace(ecc) == "" || strings.ContainsAny(ecc, "+-.") {
		return t, perr(2, "eccentricity", 26, ecc, ErrField)
	}
	if t.Eccentricity, err = parseFloat(2, "eccentricity", "0."+strings.ReplaceAll(ecc, " ", "0"), 0, 9); err != nil {
		return t, perr(2, "eccentricity", 26, ecc, ErrField)
	}
	if t.ArgPerigee, err = parseFloat(2, "argument of perigee", l2, 34, 42); err != nil {
		return t, err
	}
	if t.MeanAnomaly, err = parseFloat(2, "mean anomaly", l2, 43, 51); err != nil {
		return t, err
	}
	if t.MeanMotion, err = parseFloat(2, "mean motion", l2, 52, 63); err != nil {
		return t, err
	}
	if t.RevNumber, err = parseInt(2, "revolution number", l2, 63, 68, true); err != nil {
		return t, err
	}
	if len(l2) > 69 {
		extra := strings.Fields(l2[69:])
		if len(extra) == 3 {
			var v [3]float64
			for i, f := range extra {
				x, perr2 := parseFloat(2, "vallado range", f, 0, len(f))
				if perr2 != nil {
					return t, perr(2, "vallado range", 69, l2[69:], ErrField)
				}
				v[i] = x
			}
			t.HasRange, t.StartMin, t.StopMin, t.StepMin = true, v[0], v[1], v[2]
		} else if len(extra) != 0 {
			return t, perr(2, "vallado range", 69, l2[69:], ErrField)
		}
	}
	return t, validate(t)
}

// parseEpoch decodes the epoch of line 1: the two-digit year (columns 19-20; 57-99 are
// 19xx, 00-56 are 20xx) and the day of year (columns 21-32).
func parseEpoch(t *TLE, l1 string) error {
	yy, err := parseInt(1, "epoch year", l1, 18, 20, false)
	if err != nil {
		return err
	}
	if yy < 57 {
		t.EpochYear = 2000 + yy
	} else {
		t.EpochYear = 1900 + yy
	}
	return parseEpochDay(t, l1)
}

// ParseEpoch decodes only the epoch of a line 1 (columns 19-32), with Parse's own field
// parsers, and returns it as EpochUnixNano of the parsed set would: exactly, as Unix
// nanoseconds (UTC). It checks the line number and the epoch fields, nothing else (no
// length, checksum or other field): it is meant for lines Parse has already accepted, such
// as a stored set whose epoch range is wanted without decoding whole element sets.
// Errors are *ParseError.
func ParseEpoch(line1 string) (int64, error) {
	l1 := cleanLine(line1)
	if l1 == "" {
		return 0, &ParseError{Line: 1, Err: ErrLength}
	}
	if l1[0] != '1' {
		return 0, perr(1, "line", 0, l1[:1], ErrLineNumber)
	}
	var t TLE
	if err := parseEpoch(&t, l1); err != nil {
		return 0, err
	}
	return t.EpochUnixNano(), nil
}

func parseEpochDay(t *TLE, l1 string) error {
	raw := field(l1, 20, 32)
	v := strings.TrimSpace(raw)
	ip, fp, _ := strings.Cut(v, ".")
	if ip == "" || len(fp) > 12 {
		return perr(1, "epoch day", 20, raw, ErrField)
	}
	d, err := strconv.Atoi(ip)
	if err != nil || d < 1 || d > 366 || strings.ContainsAny(ip, "+-") {
		return perr(1, "epoch day", 20, raw, ErrField)
	}
	var frac int64
	for i := 0; i < len(fp); i++ {
		if fp[i] < '0' || fp[i] > '9' {
			return perr(1, "epoch day", 20, raw, ErrField)
		}
		frac = frac*10 + int64(fp[i]-'0')
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return perr(1, "epoch day", 20, raw, ErrField)
	}
	t.EpochDay, t.EpochDayInt, t.EpochFrac, t.EpochFracDigits = f, d, frac, len(fp)
	return nil
}

// minMeanMotion is the mean-motion field's resolution (rev/day): below it a
// set cannot be written back (a period over 270,000 years is no orbit).
const minMeanMotion = 1e-8

func validate(t TLE) error {
	switch {
	case t.Inclination < 0 || t.Inclination > 180:
		return perr(2, "inclination", 8, fmt.Sprint(t.Inclination), ErrRange)
	case t.RAAN < 0 || t.RAAN >= 360:
		return perr(2, "raan", 17, fmt.Sprint(t.RAAN), ErrRange)
	case t.ArgPerigee < 0 || t.ArgPerigee >= 360:
		return perr(2, "argument of perigee", 34, fmt.Sprint(t.ArgPerigee), ErrRange)
	case t.MeanAnomaly < 0 || t.MeanAnomaly >= 360:
		return perr(2, "mean anomaly", 43, fmt.Sprint(t.MeanAnomaly), ErrRange)
	case t.MeanMotion < minMeanMotion || t.MeanMotion > 100:
		return perr(2, "mean motion", 52, fmt.Sprint(t.MeanMotion), ErrRange)
	case t.NDot <= -1 || t.NDot >= 1:
		return perr(1, "ndot", 33, fmt.Sprint(t.NDot), ErrRange)
	case t.Eccentricity < 0 || t.Eccentricity >= 1:
		return perr(2, "eccentricity", 26, fmt.Sprint(t.Eccentricity), ErrRange)
	}
	return nil
}

// EpochUnixNano returns the epoch exactly as Unix nanoseconds (UTC).
func (t TLE) EpochUnixNano() int64 {
	days := daysFromCivil(t.EpochYear, 1, 1) + int64(t.EpochDayInt-1)
	ns := days * 86400e9
	// fraction * 86400e9 / 10^digits, exact for <= 8 digits.
	den := int64(1)
	for i := 0; i < t.EpochFracDigits; i++ {
		den *= 10
	}
	if t.EpochFracDigits <= 9 {
		ns += t.EpochFrac * (86400e9 / den)
		if rem := int64(86400e9) % den; rem != 0 {
			ns += t.EpochFrac * rem / den
		}
	} else {
		// Long fractions: split to avoid overflow, rounding to the nanosecond.
		ns += int64(float64(t.EpochFrac) / float64(den) * 86400e9)
	}
	return ns
}

// daysFromCivil returns days since 1970-01-01 (proleptic Gregorian).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// DaysFromCivil is exported for callers converting calendar dates.
func DaysFromCivil(y, m, d int) int64 { return daysFromCivil(y, m, d) }

// ParseFile reads 2-line or 3-line (named) element sets. Lines starting with
// '#' and blank lines are skipped. Errors carry the 1-based file line.
func ParseFile(r io.Reader, opt Options) ([]TLE, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 1<<20)
	var out []TLE
	name := ""
	var pending string
	pendingLine := 0
	n := 0
	for sc.Scan() {
		n++
		l := strings.TrimRight(sc.Text(), "\r\n")
		tr := strings.TrimSpace(l)
		if tr == "" || strings.HasPrefix(tr, "#") {
			continue
		}
		switch {
		case pending != "":
			t, err := Parse(pending, l, opt)
			if err != nil {
				return out, fmt.Errorf("line %d: %w", n, err)
			}
			t.Name = name
			out = append(out, t)
			pending, name = "", ""
		case strings.HasPrefix(l, "1 ") && len(l) >= 61:
			pending, pendingLine = l, n
		default:
			name = strings.TrimSpace(strings.TrimPrefix(tr, "0 "))
		}
	}
	if err := sc.Err(); err != nil {
		return out, err
	}
	if pending != "" {
		return out, fmt.Errorf("line %d: %w", pendingLine, &ParseError{Line: 2, Err: ErrMissingLine})
	}
	return out, nil
}

// Format renders the element set as two 69-column lines with checksums.
func (t TLE) Format() (string, string) {
	ep := fmt.Sprintf("%02d%012.8f", t.EpochYear%100, t.EpochDay)
	intl := t.IntlDesignator
	if len(intl) > 8 {
		intl = intl[:8]
	}
	cls := t.Classification
	if cls == 0 {
		cls = 'U'
	}
	l1 := fmt.Sprintf("1 %s%c %-8s %s %s %s %s %d %4d",
		formatSatNum(t.SatNum), cls, intl, ep, formatNDot(t.NDot),
		formatExp(t.NDDot), formatExp(t.BStar), t.EphemerisType, t.ElementNumber%10000)
	ecc := fmt.Sprintf("%.7f", t.Eccentricity)
	if len(ecc) > 2 {
		ecc = ecc[2:]
	}
	l2 := fmt.Sprintf("2 %s %8.4f %s %s %s %s %11.8f%5d",
		formatSatNum(t.SatNum), t.Inclination, formatAngle(t.RAAN), ecc, formatAngle(t.ArgPerigee),
		formatAngle(t.MeanAnomaly), t.MeanMotion, t.RevNumber%100000)
	l1 += strconv.Itoa(Checksum(l1))
	l2 += strconv.Itoa(Checksum(l2))
	return l1, l2
}

// formatAngle writes an angle in [0, 360) to 4 decimals; one that rounds up
// to 360 is written as the same direction, 0.
func formatAngle(v float64) string {
	s := fmt.Sprintf("%8.4f", v)
	if s == "360.0000" {
		return "  0.0000"
	}
	return s
}

func formatSatNum(n int) string {
	if n < 100000 {
		return fmt.Sprintf("%05d", n)
	}
	const letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	d := n / 10000
	if d-10 >= len(letters) || d < 10 {
		return "99999"
	}
	return fmt.Sprintf("%c%04d", letters[d-10], n%10000)
}

func formatNDot(v float64) string {
	s := fmt.Sprintf("%.8f", math.Abs(v))
	s = strings.TrimPrefix(s, "0")
	if v < 0 {
		return "-" + s
	}
	return " " + s
}

// formatExp writes the 8-column " 12345-4" notation.
func formatExp(v float64) string {
	if v == 0 {
		return " 00000-0"
	}
	sign := " "
	if v < 0 {
		sign = "-"
		v = -v
	}
	// Normalise to 0.1 <= v < 1 by exact-enough scaling (display only).
	e := 0
	for v >= 1 && e < 20 {
		v /= 10
		e++
	}
	for v < 0.1 && e > -20 {
		v *= 10
		e--
	}
	m := int(math.Floor(v*1e5 + 0.5))
	if m >= 100000 {
		m /= 10
		e++
	}
	es := "+"
	if e < 0 {
		es = "-"
		e = -e
	}
	if e > 9 {
		return " 00000-0"
	}
	return fmt.Sprintf("%s%05d%s%d", sign, m, es, e)
}
