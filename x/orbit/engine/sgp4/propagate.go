package sgp4

import (
	"math"

	"github.com/novacron/novacron/x/internal/dmath"
)

// Propagate returns the TEME position (km) and velocity (km/s) at tsince
// minutes from epoch. On failure err is an *Error with the SGP4 code.
func (s *Satellite) Propagate(tsince float64) (r, v [3]float64, err error) {
	return s.propagate(tsince)
}

func (s *Satellite) propagate(t float64) (r, v [3]float64, err error) {
	g := s.Grav
	fail := func(code int) ([3]float64, [3]float64, error) {
		return r, v, &Error{Code: code, Tsince: t}
	}
	if math.IsNaN(t) || math.IsInf(t, 0) {
		return fail(1)
	}
	vkmpersec := float64(g.RadiusKm*g.Xke) / 60.0

	xmdf := s.mo + m2(s.mdot, t)
	argpdf := s.argpo + m2(s.argpdot, t)
	nodedf := s.nodeo + m2(s.nodedot, t)
	argpm := argpdf
	mm := xmdf
	t2 := m2(t, t)
	nodem := nodedf + m2(s.nodecf, t2)
	tempa := 1.0 - m2(s.cc1, t)
	tempe := m3(s.bstar, s.cc4, t)
	templ := m2(s.t2cof, t2)
	if !s.isimp {
		delomg := m2(s.omgcof, t)
		delmtemp := 1.0 + m2(s.eta, dmath.Cos(xmdf))
		delm := m2(s.xmcof, m3(delmtemp, delmtemp, delmtemp)-s.delmo)
		temp := delomg + delm
		mm = xmdf + temp
		argpm = argpdf - temp
		t3 := m2(t2, t)
		t4 := m2(t3, t)
		tempa = tempa - m2(s.d2, t2) - m2(s.d3, t3) - m2(s.d4, t4)
		tempe = tempe + m3(s.bstar, s.cc5, dmath.Sin(mm)-s.sinmao)
		templ = templ + m2(s.t3cof, t3) + m2(t4, s.t4cof+m2(t, s.t5cof))
	}
	nm := s.noUnkozai
	em := s.ecco
	inclm := s.inclo
	if s.deep {
		s.dspace(t, &em, &argpm, &inclm, &mm, &nodem, &nm)
	}
	if nm <= 0 {
		return fail(2)
	}
	// (xke/n)^(2/3) is constant unless deep-space terms change n.
	base := s.amBase
	if s.deep {
		base = dmath.Pow(g.Xke/nm, x2o3)
	}
	am := m3(base, tempa, tempa)
	nm = g.Xke / m2(am, math.Sqrt(am)) // am^1.5
	em -= tempe
	if em >= 1.0 || em < -0.001 || math.IsNaN(em) {
		return fail(1)
	}
	if em < 1.0e-6 {
		em = 1.0e-6
	}
	mm += m2(s.noUnkozai, templ)
	xlm := mm + argpm + nodem
	nodem = dmath.Mod(nodem, twoPi)
	argpm = dmath.Mod(argpm, twoPi)
	xlm = dmath.Mod(xlm, twoPi)
	mm = dmath.Mod(xlm-argpm-nodem, twoPi)

	ep, xincp, argpp, nodep, mp := em, inclm, argpm, nodem, mm
	sinip, cosip := dmath.SinCos(inclm)
	aycof, xlcof := s.aycof, s.xlcof
	con41, x1mth2, x7thm1 := s.con41, s.x1mth2, s.x7thm1
	if s.deep {
		s.dpper(t, &ep, &xincp, &nodep, &argpp, &mp)
		if xincp < 0 {
			xincp = -xincp
			nodep += math.Pi
			argpp -= math.Pi
		}
		if ep < 0 || ep > 1 {
			return fail(3)
		}
		sinip, cosip = dmath.SinCos(xincp)
		aycof = m3(-0.5, g.J3OJ2, sinip)
		den := 1.0 + cosip
		if math.Abs(cosip+1.0) <= 1.5e-12 {
			den = temp4
		}
		xlcof = m2(m3(-0.25, g.J3OJ2, sinip), 3.0+m2(5.0, cosip)) / den
	}

	sinargp, cosargp := dmath.SinCos(argpp)
	axnl := m2(ep, cosargp)
	temp := 1.0 / m2(am, 1.0-m2(ep, ep))
	aynl := m2(ep, sinargp) + m2(temp, aycof)
	xl := mp + argpp + nodep + m3(temp, xlcof, axnl)

	// Solve Kepler's equation for the eccentric longitude.
	u := dmath.Mod(xl-nodep, twoPi)
	eo1 := u
	tem5 := 9999.9
	var sineo1, coseo1 float64
	for ktr := 1; math.Abs(tem5) >= 1.0e-12 && ktr <= 10; ktr++ {
		sineo1, coseo1 = dmath.SinCos(eo1)
		tem5 = 1.0 - m2(coseo1, axnl) - m2(sineo1, aynl)
		tem5 = (u - m2(aynl, coseo1) + m2(axnl, sineo1) - eo1) / tem5
		if math.Abs(tem5) >= 0.95 {
			if tem5 > 0 {
				tem5 = 0.95
			} else {
				tem5 = -0.95
			}
		}
		eo1 += tem5
	}

	ecose := m2(axnl, coseo1) + m2(aynl, sineo1)
	esine := m2(axnl, sineo1) - m2(aynl, coseo1)
	el2 := m2(axnl, axnl) + m2(aynl, aynl)
	pl := m2(am, 1.0-el2)
	if pl < 0 || math.IsNaN(pl) {
		return fail(4)
	}
	rl := m2(am, 1.0-ecose)
	rdotl := m2(math.Sqrt(am), esine) / rl
	rvdotl := math.Sqrt(pl) / rl
	betal := math.Sqrt(1.0 - el2)
	temp = esine / (1.0 + betal)
	sinu := m2(am/rl, sineo1-aynl-m2(axnl, temp))
	cosu := m2(am/rl, coseo1-axnl+m2(aynl, temp))
	su := dmath.Atan2(sinu, cosu)
	sin2u := m2(cosu+cosu, sinu)
	cos2u := 1.0 - m3(2.0, sinu, sinu)
	temp = 1.0 / pl
	temp1 := m3(0.5, g.J2, temp)
	temp2 := m2(temp1, temp)

	if s.deep {
		cosisq := m2(cosip, cosip)
		con41 = m2(3.0, cosisq) - 1.0
		x1mth2 = 1.0 - cosisq
		x7thm1 = m2(7.0, cosisq) - 1.0
	}
	mrt := m2(rl, 1.0-m2(m3(1.5, temp2, betal), con41)) + m2(m3(0.5, temp1, x1mth2), cos2u)
	su = su - m2(m3(0.25, temp2, x7thm1), sin2u)
	xnode := nodep + m2(m3(1.5, temp2, cosip), sin2u)
	xinc := xincp + m2(m2(m3(1.5, temp2, cosip), sinip), cos2u)
	mvt := rdotl - m2(m3(nm, temp1, x1mth2), sin2u)/g.Xke
	rvdot := rvdotl + m2(m2(nm, temp1), m2(x1mth2, cos2u)+m2(1.5, con41))/g.Xke

	sinsu, cossu := dmath.SinCos(su)
	snod, cnod := dmath.SinCos(xnode)
	sini, cosi := dmath.SinCos(xinc)
	xmx := -m2(snod, cosi)
	xmy := m2(cnod, cosi)
	ux := m2(xmx, sinsu) + m2(cnod, cossu)
	uy := m2(xmy, sinsu) + m2(snod, cossu)
	uz := m2(sini, sinsu)
	vx := m2(xmx, cossu) - m2(cnod, sinsu)
	vy := m2(xmy, cossu) - m2(snod, sinsu)
	vz := m2(sini, cossu)
	r = [3]float64{m2(m2(mrt, ux), g.RadiusKm), m2(m2(mrt, uy), g.RadiusKm), m2(m2(mrt, uz), g.RadiusKm)}
	v = [3]float64{
		m2(m2(mvt, ux)+m2(rvdot, vx), vkmpersec),
		m2(m2(mvt, uy)+m2(rvdot, vy), vkmpersec),
		m2(m2(mvt, uz)+m2(rvdot, vz), vkmpersec),
	}
	if mrt < 1.0 {
		return r, v, &Error{Code: 6, Tsince: t}
	}
	return r, v, nil
}
