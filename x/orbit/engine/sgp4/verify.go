package sgp4

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/novacron/novacron/x/internal/dmath"
	"github.com/novacron/novacron/x/orbit/engine/tle"
)

// DefaultRange is used when line 2 carries no start/stop/step columns.
var DefaultRange = [3]float64{0, 1440, 360}

// WriteVerification writes one satellite in the layout of Vallado's
// tcppver.out: "<satnum> xx", a short line at t=0, then a long line (state
// plus classical elements and calendar date) per step, including a final
// partial step at the stop time. An SGP4 error ends the satellite with a
// comment line "# *** error: t:= <t> *** code = <n>" and is returned.
func WriteVerification(w io.Writer, e tle.TLE, g Gravity, def [3]float64) error {
	start, stop, step := def[0], def[1], def[2]
	if e.HasRange {
		start, stop, step = e.StartMin, e.StopMin, e.StepMin
	}
	if _, err := fmt.Fprintf(w, "%d xx\n", e.SatNum); err != nil {
		return err
	}
	sat, err := New(e, g)
	if err != nil {
		return reportErr(w, err)
	}
	r, v, err := sat.Propagate(0)
	if err != nil {
		return reportErr(w, err)
	}
	fmt.Fprintln(w, shortLine(0, r, v))
	if !(step > 0) || math.IsInf(stop, 0) || math.IsNaN(start) || (stop-start)/step > 1e7 {
		return nil
	}
	ts := start
	for ts <= stop {
		if ts == start && start == 0 {
			ts += step
			continue
		}
		if err := sat.writeLong(w, ts); err != nil {
			return err
		}
		ts += step
	}
	if ts-stop < step-1e-6 {
		return sat.writeLong(w, stop)
	}
	return nil
}

func reportErr(w io.Writer, err error) error {
	var se *Error
	if errors.As(err, &se) {
		fmt.Fprintf(w, "# *** error: t:= %f *** code = %3d\n", se.Tsince, se.Code)
	}
	return err
}

func (s *Satellite) writeLong(w io.Writer, ts float64) error {
	r, v, err := s.Propagate(ts)
	if err != nil {
		return reportErr(w, err)
	}
	const rad = 180.0 / math.Pi
	c := RV2COE(r, v, s.Grav.Mu)
	jd := s.JDEpoch + s.JDEpochF + ts/1440.0
	year, mon, day, hr, minute, sec := InvJDay(jd)
	_, err = fmt.Fprintf(w, "%s %14.6f %8.6f %10.5f %10.5f %10.5f %10.5f %10.5f %5d%3d%3d %2d:%2d:%9.6f\n",
		shortLine(ts, r, v), c.A, c.Ecc, c.Incl*rad, c.Node*rad, c.ArgP*rad, c.Nu*rad, c.M*rad,
		year, mon, day, hr, minute, sec)
	return err
}

func shortLine(ts float64, r, v [3]float64) string {
	return fmt.Sprintf(" %16.8f %16.8f %16.8f %16.8f %12.9f %12.9f %12.9f", ts, r[0], r[1], r[2], v[0], v[1], v[2])
}

// COE are classical orbital elements (km, radians).
type COE struct {
	P, A, Ecc, Incl, Node, ArgP, Nu, M, ArgLat, TrueLon, LonPer float64
}

const undefined = 999999.1

func mag(x [3]float64) float64 { return math.Sqrt(m2(x[0], x[0]) + m2(x[1], x[1]) + m2(x[2], x[2])) }
func dot(x, y [3]float64) float64 {
	return m2(x[0], y[0]) + m2(x[1], y[1]) + m2(x[2], y[2])
}

func angle(a, b [3]float64) float64 {
	ma, mb := mag(a), mag(b)
	if m2(ma, mb) > 1e-16 {
		t := dot(a, b) / m2(ma, mb)
		if math.Abs(t) > 1 {
			t = math.Copysign(1, t)
		}
		return dmath.Acos(t)
	}
	return undefined
}

// RV2COE converts a state vector to classical elements (Vallado's rv2coe).
func RV2COE(r, v [3]float64, mu float64) COE {
	const small = 1e-8
	var c COE
	magr, magv := mag(r), mag(v)
	h := [3]float64{m2(r[1], v[2]) - m2(r[2], v[1]), m2(r[2], v[0]) - m2(r[0], v[2]), m2(r[0], v[1]) - m2(r[1], v[0])}
	magh := mag(h)
	if magh <= small {
		return COE{undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined}
	}
	n := [3]float64{-h[1], h[0], 0}
	magn := mag(n)
	c1 := m2(magv, magv) - mu/magr
	rdotv := dot(r, v)
	var e [3]float64
	for i := range e {
		e[i] = (m2(c1, r[i]) - m2(rdotv, v[i])) / mu
	}
	c.Ecc = mag(e)
	sme := m2(m2(magv, magv), 0.5) - mu/magr
	if math.Abs(sme) > small {
		c.A = -mu / m2(2.0, sme)
	} else {
		c.A = 999999.9
	}
	c.P = m2(magh, magh) / mu
	c.Incl = dmath.Acos(h[2] / magh)
	typ := 1 // elliptical inclined
	eq := c.Incl < small || math.Abs(c.Incl-math.Pi) < small
	if c.Ecc < small {
		if eq {
			typ = 2
		} else {
			typ = 3
		}
	} else if eq {
		typ = 4
	}
	if magn > small {
		t := n[0] / magn
		if math.Abs(t) > 1 {
			t = math.Copysign(1, t)
		}
		c.Node = dmath.Acos(t)
		if n[1] < 0 {
			c.Node = twoPi - c.Node
		}
	} else {
		c.Node = undefined
	}
	c.ArgP, c.Nu, c.ArgLat, c.LonPer, c.TrueLon = undefined, undefined, undefined, undefined, undefined
	if typ == 1 {
		c.ArgP = angle(n, e)
		if e[2] < 0 {
			c.ArgP = twoPi - c.ArgP
		}
	}
	if typ == 1 || typ == 4 {
		c.Nu = angle(e, r)
		if rdotv < 0 {
			c.Nu = twoPi - c.Nu
		}
	}
	if typ == 3 {
		c.ArgLat = angle(n, r)
		if r[2] < 0 {
			c.ArgLat = twoPi - c.ArgLat
		}
		c.M = c.ArgLat
	}
	if c.Ecc > small && typ == 4 {
		t := e[0] / c.Ecc
		if math.Abs(t) > 1 {
			t = math.Copysign(1, t)
		}
		c.LonPer = dmath.Acos(t)
		if e[1] < 0 {
			c.LonPer = twoPi - c.LonPer
		}
		if c.Incl > math.Pi/2 {
			c.LonPer = twoPi - c.LonPer
		}
	}
	if magr > small && typ == 2 {
		t := r[0] / magr
		if math.Abs(t) > 1 {
			t = math.Copysign(1, t)
		}
		c.TrueLon = dmath.Acos(t)
		if r[1] < 0 {
			c.TrueLon = twoPi - c.TrueLon
		}
		if c.Incl > math.Pi/2 {
			c.TrueLon = twoPi - c.TrueLon
		}
		c.M = c.TrueLon
	}
	if typ == 1 || typ == 4 {
		_, c.M = newtonNu(c.Ecc, c.Nu)
	}
	return c
}

// newtonNu returns eccentric and mean anomaly from true anomaly.
func newtonNu(ecc, nu float64) (e0, m float64) {
	const small = 1e-8
	e0, m = 999999.9, 999999.9
	switch {
	case math.Abs(ecc) < small:
		e0, m = nu, nu
	case ecc < 1.0-small:
		sn, cn := dmath.SinCos(nu)
		sine := m2(math.Sqrt(1.0-m2(ecc, ecc)), sn) / (1.0 + m2(ecc, cn))
		cose := (ecc + cn) / (1.0 + m2(ecc, cn))
		e0 = dmath.Atan2(sine, cose)
		m = e0 - m2(ecc, dmath.Sin(e0))
	case ecc > 1.0+small:
		if math.Abs(nu)+0.00001 < math.Pi-dmath.Acos(1.0/ecc) {
			sn, cn := dmath.SinCos(nu)
			sine := m2(math.Sqrt(m2(ecc, ecc)-1.0), sn) / (1.0 + m2(ecc, cn))
			e0 = dmath.Asinh(sine)
			m = m2(ecc, dmath.Sinh(e0)) - e0
		}
	default:
		if math.Abs(nu) < 168.0*math.Pi/180.0 {
			e0 = dmath.Tan(nu * 0.5)
			m = e0 + m3(e0, e0, e0)/3.0
		}
	}
	if ecc < 1.0 {
		m = dmath.Mod(m, twoPi)
		if m < 0 {
			m += twoPi
		}
		e0 = dmath.Mod(e0, twoPi)
	}
	return
}

// InvJDay converts a Julian date to a calendar date the way the
// verification harness prints it (including its 8.64e-7 s nudge).
func InvJDay(jd float64) (year, mon, day, hr, minute int, sec float64) {
	temp := jd - 2415019.5
	tu := temp / 365.25
	year = 1900 + int(math.Floor(tu))
	leap := int(math.Floor(m2(float64(year-1901), 0.25)))
	days := temp - (m2(float64(year-1900), 365.0) + float64(leap)) + 0.00000000001
	if days < 1.0 {
		year--
		leap = int(math.Floor(m2(float64(year-1901), 0.25)))
		days = temp - (m2(float64(year-1900), 365.0) + float64(leap))
	}
	second := m2(days, 86400.0)
	mins, second := pyDivmod(second, 60.0)
	h := int(mins) / 60
	minute = int(mins) % 60
	doy := h / 24
	hr = h % 24
	isLeap := year%400 == 0 || (year%4 == 0 && year%100 != 0)
	mon, day = doyToMonthDay(doy, isLeap)
	if mon == 13 {
		mon = 12
		day += 31
	}
	sec = second - 0.00000086400
	return
}

func pyDivmod(a, b float64) (q, r float64) {
	r = dmath.Mod(a, b)
	q = (a - r) / b
	if r != 0 && (b < 0) != (r < 0) {
		r += b
		q -= 1
	}
	fq := math.Floor(q)
	if q-fq > 0.5 {
		fq++
	}
	return fq, r
}

func doyToMonthDay(doy int, leap bool) (int, int) {
	lm := [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if leap {
		lm[1] = 29
	}
	m := 0
	for m < 12 && doy > lm[m] {
		doy -= lm[m]
		m++
	}
	return m + 1, doy
}
