package sgp4

import (
	"math"

	"github.com/novacron/novacron/x/internal/dmath"
)

// Lunar-solar constants of SDP4.
const (
	zes    = 0.01675
	zel    = 0.05490
	c1ss   = 2.9864797e-6
	c1l    = 4.7968065e-7
	zsinis = 0.39785416
	zcosis = 0.91744867
	zcosgs = 0.1945905
	zsings = -0.98088458
	zns    = 1.19459e-5
	znl    = 1.5835218e-4
	rptim  = 4.37526908801129966e-3 // earth rotation, rad/min
)

// dscomOut carries the common deep-space terms.
type dscomOut struct {
	sinim, cosim, emsq               float64
	s1, s2, s3, s4, s5               float64
	ss1, ss2, ss3, ss4, ss5          float64
	sz1, sz3, sz11, sz13, sz21, sz23 float64
	sz31, sz33                       float64
	z1, z3, z11, z13, z21, z23, z31  float64
	z33                              float64
}

// m2 and friends round each product so no FMA can form.
func m2(a, b float64) float64    { return float64(a * b) }
func m3(a, b, c float64) float64 { return float64(float64(a*b) * c) }

func (s *Satellite) dscom(epoch, ep, argpp, tc, inclp, nodep, np float64) (o dscomOut) {
	em := ep
	snodm, cnodm := dmath.SinCos(nodep)
	sinomm, cosomm := dmath.SinCos(argpp)
	sinim, cosim := dmath.SinCos(inclp)
	emsq := m2(em, em)
	betasq := 1.0 - emsq
	rtemsq := math.Sqrt(betasq)

	day := epoch + 18261.5 + tc/1440.0
	xnodce := dmath.Mod(4.5236020-m2(9.2422029e-4, day), twoPi)
	stem, ctem := dmath.SinCos(xnodce)
	zcosil := 0.91375164 - m2(0.03568096, ctem)
	zsinil := math.Sqrt(1.0 - m2(zcosil, zcosil))
	zsinhl := m2(0.089683511, stem) / zsinil
	zcoshl := math.Sqrt(1.0 - m2(zsinhl, zsinhl))
	gam := 5.8351514 + m2(0.0019443680, day)
	zx := m2(0.39785416, stem) / zsinil
	zy := m2(zcoshl, ctem) + m3(0.91744867, zsinhl, stem)
	zx = dmath.Atan2(zx, zy)
	zx = gam + zx - xnodce
	zsingl, zcosgl := dmath.SinCos(zx)

	zcosg, zsing, zcosi, zsini := zcosgs, zsings, zcosis, zsinis
	zcosh, zsinh := cnodm, snodm
	cc := c1ss
	xnoi := 1.0 / np
	var s1, s2, s3, s4, s5, s6, s7 float64
	var z1, z2, z3, z11, z12, z13, z21, z22, z23, z31, z32, z33 float64
	var ss1, ss2, ss3, ss4, ss5, ss6, ss7 float64
	var sz1, sz2, sz3, sz11, sz12, sz13, sz21, sz22, sz23, sz31, sz32, sz33 float64
	for lsflg := 1; lsflg <= 2; lsflg++ {
		a1 := m2(zcosg, zcosh) + m3(zsing, zcosi, zsinh)
		a3 := -m2(zsing, zcosh) + m3(zcosg, zcosi, zsinh)
		a7 := -m2(zcosg, zsinh) + m3(zsing, zcosi, zcosh)
		a8 := m2(zsing, zsini)
		a9 := m2(zsing, zsinh) + m3(zcosg, zcosi, zcosh)
		a10 := m2(zcosg, zsini)
		a2 := m2(cosim, a7) + m2(sinim, a8)
		a4 := m2(cosim, a9) + m2(sinim, a10)
		a5 := -m2(sinim, a7) + m2(cosim, a8)
		a6 := -m2(sinim, a9) + m2(cosim, a10)

		x1 := m2(a1, cosomm) + m2(a2, sinomm)
		x2 := m2(a3, cosomm) + m2(a4, sinomm)
		x3 := -m2(a1, sinomm) + m2(a2, cosomm)
		x4 := -m2(a3, sinomm) + m2(a4, cosomm)
		x5 := m2(a5, sinomm)
		x6 := m2(a6, sinomm)
		x7 := m2(a5, cosomm)
		x8 := m2(a6, cosomm)

		z31 = m3(12.0, x1, x1) - m3(3.0, x3, x3)
		z32 = m3(24.0, x1, x2) - m3(6.0, x3, x4)
		z33 = m3(12.0, x2, x2) - m3(3.0, x4, x4)
		z1 = m2(3.0, m2(a1, a1)+m2(a2, a2)) + m2(z31, emsq)
		z2 = m2(6.0, m2(a1, a3)+m2(a2, a4)) + m2(z32, emsq)
		z3 = m2(3.0, m2(a3, a3)+m2(a4, a4)) + m2(z33, emsq)
		z11 = m3(-6.0, a1, a5) + m2(emsq, m3(-24.0, x1, x7)-m3(6.0, x3, x5))
		z12 = m2(-6.0, m2(a1, a6)+m2(a3, a5)) +
			m2(emsq, m2(-24.0, m2(x2, x7)+m2(x1, x8))-m2(6.0, m2(x3, x6)+m2(x4, x5)))
		z13 = m3(-6.0, a3, a6) + m2(emsq, m3(-24.0, x2, x8)-m3(6.0, x4, x6))
		z21 = m3(6.0, a2, a5) + m2(emsq, m3(24.0, x1, x5)-m3(6.0, x3, x7))
		z22 = m2(6.0, m2(a4, a5)+m2(a2, a6)) +
			m2(emsq, m2(24.0, m2(x2, x5)+m2(x1, x6))-m2(6.0, m2(x4, x7)+m2(x3, x8)))
		z23 = m3(6.0, a4, a6) + m2(emsq, m3(24.0, x2, x6)-m3(6.0, x4, x8))
		z1 = z1 + z1 + m2(betasq, z31)
		z2 = z2 + z2 + m2(betasq, z32)
		z3 = z3 + z3 + m2(betasq, z33)
		s3 = m2(cc, xnoi)
		s2 = m2(-0.5, s3) / rtemsq
		s4 = m2(s3, rtemsq)
		s1 = m3(-15.0, em, s4)
		s5 = m2(x1, x3) + m2(x2, x4)
		s6 = m2(x2, x3) + m2(x1, x4)
		s7 = m2(x2, x4) - m2(x1, x3)

		if lsflg == 1 {
			ss1, ss2, ss3, ss4, ss5, ss6, ss7 = s1, s2, s3, s4, s5, s6, s7
			sz1, sz2, sz3 = z1, z2, z3
			sz11, sz12, sz13 = z11, z12, z13
			sz21, sz22, sz23 = z21, z22, z23
			sz31, sz32, sz33 = z31, z32, z33
			zcosg, zsing, zcosi, zsini = zcosgl, zsingl, zcosil, zsinil
			zcosh = m2(zcoshl, cnodm) + m2(zsinhl, snodm)
			zsinh = m2(snodm, zcoshl) - m2(cnodm, zsinhl)
			cc = c1l
		}
	}
	s.zmol = dmath.Mod(4.7199672+m2(0.22997150, day)-gam, twoPi)
	s.zmos = dmath.Mod(6.2565837+m2(0.017201977, day), twoPi)

	s.se2 = m3(2.0, ss1, ss6)
	s.se3 = m3(2.0, ss1, ss7)
	s.si2 = m3(2.0, ss2, sz12)
	s.si3 = m3(2.0, ss2, sz13-sz11)
	s.sl2 = m3(-2.0, ss3, sz2)
	s.sl3 = m3(-2.0, ss3, sz3-sz1)
	s.sl4 = m2(m3(-2.0, ss3, -21.0-m2(9.0, emsq)), zes)
	s.sgh2 = m3(2.0, ss4, sz32)
	s.sgh3 = m3(2.0, ss4, sz33-sz31)
	s.sgh4 = m3(-18.0, ss4, zes)
	s.sh2 = m3(-2.0, ss2, sz22)
	s.sh3 = m3(-2.0, ss2, sz23-sz21)

	s.ee2 = m3(2.0, s1, s6)
	s.e3 = m3(2.0, s1, s7)
	s.xi2 = m3(2.0, s2, z12)
	s.xi3 = m3(2.0, s2, z13-z11)
	s.xl2 = m3(-2.0, s3, z2)
	s.xl3 = m3(-2.0, s3, z3-z1)
	s.xl4 = m2(m3(-2.0, s3, -21.0-m2(9.0, emsq)), zel)
	s.xgh2 = m3(2.0, s4, z32)
	s.xgh3 = m3(2.0, s4, z33-z31)
	s.xgh4 = m3(-18.0, s4, zel)
	s.xh2 = m3(-2.0, s2, z22)
	s.xh3 = m3(-2.0, s2, z23-z21)

	return dscomOut{
		sinim: sinim, cosim: cosim, emsq: emsq,
		s1: s1, s2: s2, s3: s3, s4: s4, s5: s5,
		ss1: ss1, ss2: ss2, ss3: ss3, ss4: ss4, ss5: ss5,
		sz1: sz1, sz3: sz3, sz11: sz11, sz13: sz13, sz21: sz21, sz23: sz23, sz31: sz31, sz33: sz33,
		z1: z1, z3: z3, z11: z11, z13: z13, z21: z21, z23: z23, z31: z31, z33: z33,
	}
}

// initDeep runs dscom and dsinit at epoch (dpper at init is a no-op).
func (s *Satellite) initDeep(eccsq, xpidot float64) {
	o := s.dscom(s.epoch, s.ecco, s.argpo, 0, s.inclo, s.nodeo, s.noUnkozai)
	nm := s.noUnkozai
	em := s.ecco
	emsq := o.emsq
	inclm := s.inclo
	cosim, sinim := o.cosim, o.sinim

	const (
		q22    = 1.7891679e-6
		q31    = 2.1460748e-6
		q33    = 2.2123015e-7
		root22 = 1.7891679e-6
		root44 = 7.3636953e-9
		root54 = 2.1765803e-9
		root32 = 3.7393792e-7
		root52 = 1.1428639e-7
	)
	s.irez = 0
	if nm < 0.0052359877 && nm > 0.0034906585 {
		s.irez = 1
	}
	if nm >= 8.26e-3 && nm <= 9.24e-3 && em >= 0.5 {
		s.irez = 2
	}
	ses := m3(o.ss1, zns, o.ss5)
	sis := m3(o.ss2, zns, o.sz11+o.sz13)
	sls := m3(-zns, o.ss3, o.sz1+o.sz3-14.0-m2(6.0, emsq))
	sghs := m3(o.ss4, zns, o.sz31+o.sz33-6.0)
	shs := m3(-zns, o.ss2, o.sz21+o.sz23)
	if inclm < 5.2359877e-2 || inclm > math.Pi-5.2359877e-2 {
		shs = 0
	}
	if sinim != 0 {
		shs = shs / sinim
	}
	sgs := sghs - m2(cosim, shs)
	s.dedt = ses + m3(o.s1, znl, o.s5)
	s.didt = sis + m3(o.s2, znl, o.z11+o.z13)
	s.dmdt = sls - m3(znl, o.s3, o.z1+o.z3-14.0-m2(6.0, emsq))
	sghl := m3(o.s4, znl, o.z31+o.z33-6.0)
	shll := m3(-znl, o.s2, o.z21+o.z23)
	if inclm < 5.2359877e-2 || inclm > math.Pi-5.2359877e-2 {
		shll = 0
	}
	s.domdt = sgs + sghl
	s.dnodt = shs
	if sinim != 0 {
		s.domdt = s.domdt - m2(cosim/sinim, shll)
		s.dnodt = s.dnodt + shll/sinim
	}
	theta := dmath.Mod(s.gsto, twoPi)
	if s.irez == 0 {
		return
	}
	aonv := dmath.Pow(nm/s.Grav.Xke, x2o3)
	if s.irez == 2 {
		cosisq := m2(cosim, cosim)
		em = s.ecco
		emsq = eccsq
		eoc := m2(em, emsq)
		g201 := -0.306 - m2(em-0.64, 0.440)
		var g211, g310, g322, g410, g422, g520, g521, g532, g533 float64
		if em <= 0.65 {
			g211 = 3.616 - m2(13.2470, em) + m2(16.2900, emsq)
			g310 = -19.302 + m2(117.3900, em) - m2(228.4190, emsq) + m2(156.5910, eoc)
			g322 = -18.9068 + m2(109.7927, em) - m2(214.6334, emsq) + m2(146.5816, eoc)
			g410 = -41.122 + m2(242.6940, em) - m2(471.0940, emsq) + m2(313.9530, eoc)
			g422 = -146.407 + m2(841.8800, em) - m2(1629.014, emsq) + m2(1083.4350, eoc)
			g520 = -532.114 + m2(3017.977, em) - m2(5740.032, emsq) + m2(3708.2760, eoc)
		} else {
			g211 = -72.099 + m2(331.819, em) - m2(508.738, emsq) + m2(266.724, eoc)
			g310 = -346.844 + m2(1582.851, em) - m2(2415.925, emsq) + m2(1246.113, eoc)
			g322 = -342.585 + m2(1554.908, em) - m2(2366.899, emsq) + m2(1215.972, eoc)
			g410 = -1052.797 + m2(4758.686, em) - m2(7193.992, emsq) + m2(3651.957, eoc)
			g422 = -3581.690 + m2(16178.110, em) - m2(24462.770, emsq) + m2(12422.520, eoc)
			if em > 0.715 {
				g520 = -5149.66 + m2(29936.92, em) - m2(54087.36, emsq) + m2(31324.56, eoc)
			} else {
				g520 = 1464.74 - m2(4664.75, em) + m2(3763.64, emsq)
			}
		}
		if em < 0.7 {
			g533 = -919.22770 + m2(4988.6100, em) - m2(9064.7700, emsq) + m2(5542.21, eoc)
			g521 = -822.71072 + m2(4568.6173, em) - m2(8491.4146, emsq) + m2(5337.524, eoc)
			g532 = -853.66600 + m2(4690.2500, em) - m2(8624.7700, emsq) + m2(5341.4, eoc)
		} else {
			g533 = -37995.780 + m2(161616.52, em) - m2(229838.20, emsq) + m2(109377.94, eoc)
			g521 = -51752.104 + m2(218913.95, em) - m2(309468.16, emsq) + m2(146349.42, eoc)
			g532 = -40023.880 + m2(170470.89, em) - m2(242699.48, emsq) + m2(115605.82, eoc)
		}
		sini2 := m2(sinim, sinim)
		f220 := m2(0.75, 1.0+m2(2.0, cosim)+cosisq)
		f221 := m2(1.5, sini2)
		f321 := m3(1.875, sinim, 1.0-m2(2.0, cosim)-m2(3.0, cosisq))
		f322 := m3(-1.875, sinim, 1.0+m2(2.0, cosim)-m2(3.0, cosisq))
		f441 := m3(35.0, sini2, f220)
		f442 := m3(39.3750, sini2, sini2)
		f522 := m3(9.84375, sinim, m2(sini2, 1.0-m2(2.0, cosim)-m2(5.0, cosisq))+
			m2(0.33333333, -2.0+m2(4.0, cosim)+m2(6.0, cosisq)))
		f523 := m2(sinim, m3(4.92187512, sini2, -2.0-m2(4.0, cosim)+m2(10.0, cosisq))+
			m2(6.56250012, 1.0+m2(2.0, cosim)-m2(3.0, cosisq)))
		f542 := m3(29.53125, sinim, 2.0-m2(8.0, cosim)+m2(cosisq, -12.0+m2(8.0, cosim)+m2(10.0, cosisq)))
		f543 := m3(29.53125, sinim, -2.0-m2(8.0, cosim)+m2(cosisq, 12.0+m2(8.0, cosim)-m2(10.0, cosisq)))
		xno2 := m2(nm, nm)
		ainv2 := m2(aonv, aonv)
		temp1 := m3(3.0, xno2, ainv2)
		temp := m2(temp1, root22)
		s.d2201 = m3(temp, f220, g201)
		s.d2211 = m3(temp, f221, g211)
		temp1 = m2(temp1, aonv)
		temp = m2(temp1, root32)
		s.d3210 = m3(temp, f321, g310)
		s.d3222 = m3(temp, f322, g322)
		temp1 = m2(temp1, aonv)
		temp = m3(2.0, temp1, root44)
		s.d4410 = m3(temp, f441, g410)
		s.d4422 = m3(temp, f442, g422)
		temp1 = m2(temp1, aonv)
		temp = m2(temp1, root52)
		s.d5220 = m3(temp, f522, g520)
		s.d5232 = m3(temp, f523, g532)
		temp = m3(2.0, temp1, root54)
		s.d5421 = m3(temp, f542, g521)
		s.d5433 = m3(temp, f543, g533)
		s.xlamo = dmath.Mod(s.mo+s.nodeo+s.nodeo-theta-theta, twoPi)
		s.xfact = s.mdot + s.dmdt + m2(2.0, s.nodedot+s.dnodt-rptim) - s.noUnkozai
		emsq = o.emsq
	}
	if s.irez == 1 {
		g200 := 1.0 + m2(emsq, -2.5+m2(0.8125, emsq))
		g310 := 1.0 + m2(2.0, emsq)
		g300 := 1.0 + m2(emsq, -6.0+m2(6.60937, emsq))
		f220 := m3(0.75, 1.0+cosim, 1.0+cosim)
		f311 := m2(m3(0.9375, sinim, sinim), 1.0+m2(3.0, cosim)) - m2(0.75, 1.0+cosim)
		f330 := 1.0 + cosim
		f330 = m2(m3(1.875, f330, f330), f330)
		del1 := m3(m3(3.0, nm, nm), aonv, aonv)
		s.del2 = m2(m3(m3(2.0, del1, f220), g200, q22), 1)
		s.del3 = m2(m3(m3(3.0, del1, f330), g300, q33), aonv)
		s.del1 = m2(m3(m3(del1, f311, g310), q31, 1), aonv)
		s.xlamo = dmath.Mod(s.mo+s.nodeo+s.argpo-theta, twoPi)
		s.xfact = s.mdot + xpidot - rptim + s.dmdt + s.domdt + s.dnodt - s.noUnkozai
	}
	s.xli0 = s.xlamo
	s.xni0 = s.noUnkozai
}

// dspace applies secular deep-space effects and integrates the resonance
// terms from epoch to t with Vallado's fixed 720-minute steps.
func (s *Satellite) dspace(t float64, em, argpm, inclm, mm, nodem, nm *float64) {
	const (
		fasx2 = 0.13130908
		fasx4 = 2.8843198
		fasx6 = 0.37448087
		g22   = 5.7686396
		g32   = 0.95240898
		g44   = 1.8014998
		g52   = 1.0508330
		g54   = 4.4108898
		stepp = 720.0
		stepn = -720.0
		step2 = 259200.0
	)
	theta := dmath.Mod(s.gsto+m2(t, rptim), twoPi)
	*em += m2(s.dedt, t)
	*inclm += m2(s.didt, t)
	*argpm += m2(s.domdt, t)
	*nodem += m2(s.dnodt, t)
	*mm += m2(s.dmdt, t)
	if s.irez == 0 {
		return
	}
	atime, xni, xli := 0.0, s.xni0, s.xli0
	delt := stepn
	if t > 0 {
		delt = stepp
	}
	var xndt, xldot, xnddt, ft float64
	for {
		if s.irez != 2 {
			s1, c1 := dmath.SinCos(xli - fasx2)
			s2, c2 := dmath.SinCos(m2(2.0, xli-fasx4))
			s3, c3 := dmath.SinCos(m2(3.0, xli-fasx6))
			xndt = m2(s.del1, s1) + m2(s.del2, s2) + m2(s.del3, s3)
			xldot = xni + s.xfact
			xnddt = m2(s.del1, c1) + m3(2.0, s.del2, c2) + m3(3.0, s.del3, c3)
			xnddt = m2(xnddt, xldot)
		} else {
			xomi := s.argpo + m2(s.argpdot, atime)
			x2omi := xomi + xomi
			x2li := xli + xli
			sa, ca := dmath.SinCos(x2omi + xli - g22)
			sb, cb := dmath.SinCos(xli - g22)
			sc, cc := dmath.SinCos(xomi + xli - g32)
			sd, cd := dmath.SinCos(-xomi + xli - g32)
			se, ce := dmath.SinCos(x2omi + x2li - g44)
			sf, cf := dmath.SinCos(x2li - g44)
			sg, cg := dmath.SinCos(xomi + xli - g52)
			sh, ch := dmath.SinCos(-xomi + xli - g52)
			si, ci := dmath.SinCos(xomi + x2li - g54)
			sj, cj := dmath.SinCos(-xomi + x2li - g54)
			xndt = m2(s.d2201, sa) + m2(s.d2211, sb) + m2(s.d3210, sc) + m2(s.d3222, sd) +
				m2(s.d4410, se) + m2(s.d4422, sf) + m2(s.d5220, sg) + m2(s.d5232, sh) +
				m2(s.d5421, si) + m2(s.d5433, sj)
			xldot = xni + s.xfact
			xnddt = m2(s.d2201, ca) + m2(s.d2211, cb) + m2(s.d3210, cc) + m2(s.d3222, cd) +
				m2(s.d5220, cg) + m2(s.d5232, ch) +
				m2(2.0, m2(s.d4410, ce)+m2(s.d4422, cf)+m2(s.d5421, ci)+m2(s.d5433, cj))
			xnddt = m2(xnddt, xldot)
		}
		if math.Abs(t-atime) >= stepp {
			xli = xli + m2(xldot, delt) + m2(xndt, step2)
			xni = xni + m2(xndt, delt) + m2(xnddt, step2)
			atime += delt
			continue
		}
		ft = t - atime
		break
	}
	*nm = xni + m2(xndt, ft) + m3(m2(xnddt, ft), ft, 0.5)
	xl := xli + m2(xldot, ft) + m3(m2(xndt, ft), ft, 0.5)
	if s.irez != 1 {
		*mm = xl - m2(2.0, *nodem) + m2(2.0, theta)
	} else {
		*mm = xl - *nodem - *argpm + theta
	}
	dndt := *nm - s.noUnkozai
	*nm = s.noUnkozai + dndt
}

// dpper applies lunar-solar periodics at time t.
func (s *Satellite) dpper(t float64, ep, inclp, nodep, argpp, mp *float64) {
	zm := s.zmos + m2(zns, t)
	zf := zm + m3(2.0, zes, dmath.Sin(zm))
	sinzf, coszf := dmath.SinCos(zf)
	f2 := m3(0.5, sinzf, sinzf) - 0.25
	f3 := m3(-0.5, sinzf, coszf)
	ses := m2(s.se2, f2) + m2(s.se3, f3)
	sis := m2(s.si2, f2) + m2(s.si3, f3)
	sls := m2(s.sl2, f2) + m2(s.sl3, f3) + m2(s.sl4, sinzf)
	sghs := m2(s.sgh2, f2) + m2(s.sgh3, f3) + m2(s.sgh4, sinzf)
	shs := m2(s.sh2, f2) + m2(s.sh3, f3)
	zm = s.zmol + m2(znl, t)
	zf = zm + m3(2.0, zel, dmath.Sin(zm))
	sinzf, coszf = dmath.SinCos(zf)
	f2 = m3(0.5, sinzf, sinzf) - 0.25
	f3 = m3(-0.5, sinzf, coszf)
	sel := m2(s.ee2, f2) + m2(s.e3, f3)
	sil := m2(s.xi2, f2) + m2(s.xi3, f3)
	sll := m2(s.xl2, f2) + m2(s.xl3, f3) + m2(s.xl4, sinzf)
	sghl := m2(s.xgh2, f2) + m2(s.xgh3, f3) + m2(s.xgh4, sinzf)
	shll := m2(s.xh2, f2) + m2(s.xh3, f3)
	pe := ses + sel
	pinc := sis + sil
	pl := sls + sll
	pgh := sghs + sghl
	ph := shs + shll

	pe -= s.peo
	pinc -= s.pinco
	pl -= s.plo
	pgh -= s.pgho
	ph -= s.pho
	*inclp += pinc
	*ep += pe
	sinip, cosip := dmath.SinCos(*inclp)
	if *inclp >= 0.2 {
		ph = ph / sinip
		pgh = pgh - m2(cosip, ph)
		*argpp += pgh
		*nodep += ph
		*mp += pl
		return
	}
	// Lyddane modification for low inclination.
	sinop, cosop := dmath.SinCos(*nodep)
	alfdp := m2(sinip, sinop)
	betdp := m2(sinip, cosop)
	dalf := m2(ph, cosop) + m3(pinc, cosip, sinop)
	dbet := -m2(ph, sinop) + m3(pinc, cosip, cosop)
	alfdp += dalf
	betdp += dbet
	*nodep = dmath.Mod(*nodep, twoPi)
	if *nodep < 0 && s.OpsMode == 'a' {
		*nodep += twoPi
	}
	xls := *mp + *argpp + m2(cosip, *nodep)
	dls := pl + pgh - m3(pinc, *nodep, sinip)
	xls += dls
	xnoh := *nodep
	*nodep = dmath.Atan2(alfdp, betdp)
	if *nodep < 0 && s.OpsMode == 'a' {
		*nodep += twoPi
	}
	if math.Abs(xnoh-*nodep) > math.Pi {
		if *nodep < xnoh {
			*nodep += twoPi
		} else {
			*nodep -= twoPi
		}
	}
	*mp += pl
	*argpp = xls - *mp - m2(cosip, *nodep)
}
