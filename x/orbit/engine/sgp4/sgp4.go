package sgp4

import (
	"fmt"
	"math"

	"github.com/novacron/novacron/x/internal/dmath"
	"github.com/novacron/novacron/x/orbit/engine/tle"
)

// Error is an SGP4 failure with Vallado's documented code:
//
//	1 mean elements: ecc >= 1.0 or ecc < -0.001 or a < 0.95 er
//	2 mean motion less than 0.0
//	3 perturbed elements: ecc < 0.0 or ecc > 1.0
//	4 semi-latus rectum < 0.0
//	5 epoch elements are sub-orbital (unused by modern SGP4)
//	6 satellite has decayed
type Error struct {
	Code   int
	Tsince float64 // minutes from epoch
}

func (e *Error) Error() string {
	msg := map[int]string{
		1: "mean eccentricity out of range 0 <= e < 1",
		2: "mean motion less than zero",
		3: "perturbed eccentricity out of range 0 <= e <= 1",
		4: "semi-latus rectum less than zero",
		5: "epoch elements are sub-orbital",
		6: "satellite has decayed",
	}[e.Code]
	return fmt.Sprintf("sgp4: error %d at tsince %.8f min: %s", e.Code, e.Tsince, msg)
}

const (
	twoPi = 2 * math.Pi
	x2o3  = 2.0 / 3.0
	temp4 = 1.5e-12
)

// Satellite is an initialised element set. It is immutable after New.
type Satellite struct {
	SatNum        int
	Grav          Gravity
	OpsMode       byte
	JDEpoch       float64 // whole part of the epoch Julian date
	JDEpochF      float64 // fraction
	EpochUnixNano int64

	epoch                                  float64 // days since 1949 Dec 31 00:00 UT
	bstar, ndot, nddot                     float64
	ecco, argpo, inclo, mo, noKozai, nodeo float64
	noUnkozai, gsto                        float64
	amBase                                 float64 // (xke/noUnkozai)^(2/3)
	deep                                   bool
	isimp                                  bool

	aycof, con41, cc1, cc4, cc5, d2, d3, d4 float64
	delmo, eta, argpdot, omgcof, sinmao     float64
	t2cof, t3cof, t4cof, t5cof              float64
	x1mth2, x7thm1, mdot, nodedot           float64
	xlcof, xmcof, nodecf                    float64

	// deep space
	irez                                             int
	d2201, d2211, d3210, d3222, d4410, d4422         float64
	d5220, d5232, d5421, d5433                       float64
	dedt, del1, del2, del3, didt, dmdt, dnodt, domdt float64
	e3, ee2, peo, pgho, pho, pinco, plo              float64
	se2, se3, sgh2, sgh3, sgh4, sh2, sh3, si2, si3   float64
	sl2, sl3, sl4                                    float64
	xfact, xgh2, xgh3, xgh4, xh2, xh3, xi2, xi3      float64
	xl2, xl3, xl4, xlamo, zmol, zmos                 float64
	xli0, xni0                                       float64

	// InitErr is the error of the t=0 propagation done at initialisation.
	InitErr error
}

// New initialises a satellite from an element set (opsmode 'i', the
// improved mode of the verification set). A non-nil error is the *Error of
// the t=0 propagation; the returned satellite is still usable for inspection.
func New(e tle.TLE, g Gravity) (*Satellite, error) {
	return NewMode(e, g, 'i')
}

// NewMode is New with an explicit opsmode ('a' AFSPC or 'i' improved).
func NewMode(e tle.TLE, g Gravity, opsmode byte) (*Satellite, error) {
	const xpdotp = 1440.0 / (2.0 * math.Pi)
	const deg2rad = math.Pi / 180.0
	jd, jdf := EpochJD(e.EpochYear, e.EpochDay)
	s := &Satellite{
		SatNum:        e.SatNum,
		Grav:          g,
		OpsMode:       opsmode,
		JDEpoch:       jd,
		JDEpochF:      jdf,
		EpochUnixNano: e.EpochUnixNano(),
	}
	s.init((jd+jdf)-2433281.5, e.BStar, e.NDot/(xpdotp*1440.0), e.NDDot/(xpdotp*1440.0*1440),
		e.Eccentricity, float64(e.ArgPerigee*deg2rad), float64(e.Inclination*deg2rad),
		float64(e.MeanAnomaly*deg2rad), e.MeanMotion/xpdotp, float64(e.RAAN*deg2rad))
	return s, s.InitErr
}

// EpochJD converts a TLE epoch (year, fractional day of year) to a split
// Julian date the way Vallado's days2mdhms + jday do.
func EpochJD(year int, days float64) (jd, jdf float64) {
	mon, day, hr, minute, sec := days2mdhms(year, days)
	return jday(year, mon, day, hr, minute, sec)
}

func days2mdhms(year int, days float64) (mon, day, hr, minute int, sec float64) {
	lmonth := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	dayofyr := int(math.Floor(days))
	if year%4 == 0 {
		lmonth[2] = 29
	}
	i, inttemp := 1, 0
	for dayofyr > inttemp+lmonth[i] && i < 12 {
		inttemp += lmonth[i]
		i++
	}
	mon = i
	day = dayofyr - inttemp
	temp := float64((days - float64(dayofyr)) * 24.0)
	hr = int(math.Floor(temp))
	temp = float64((temp - float64(hr)) * 60.0)
	minute = int(math.Floor(temp))
	sec = float64((temp - float64(minute)) * 60.0)
	return
}

func jday(year, mon, day, hr, minute int, sec float64) (jd, jdFrac float64) {
	y, m := float64(year), float64(mon)
	jd = float64(367.0*y) - math.Floor(float64(float64(7*(y+math.Floor((m+9)/12.0)))*0.25)) +
		math.Floor(float64(275*m)/9.0) + float64(day) + 1721013.5
	jdFrac = (sec + float64(float64(minute)*60.0) + float64(float64(hr)*3600.0)) / 86400.0
	if math.Abs(jdFrac) > 1.0 {
		dtt := math.Floor(jdFrac)
		jd += dtt
		jdFrac -= dtt
	}
	return
}

// GSTime returns Greenwich mean sidereal time (IAU-82) in radians for a UT1
// Julian date.
func GSTime(jdut1 float64) float64 {
	const deg2rad = math.Pi / 180.0
	tut1 := (jdut1 - 2451545.0) / 36525.0
	t2 := float64(tut1 * tut1)
	temp := float64(float64(-6.2e-6*t2)*tut1) + float64(0.093104*t2) +
		float64((876600.0*3600+8640184.812866)*tut1) + 67310.54841
	temp = dmath.Mod(float64(temp*deg2rad)/240.0, twoPi)
	if temp < 0 {
		temp += twoPi
	}
	return temp
}

func pow4(x float64) float64 { return float64(float64(float64(x*x)*x) * x) }

func (s *Satellite) init(epoch, bstar, ndot, nddot, ecco, argpo, inclo, mo, noKozai, nodeo float64) {
	g := s.Grav
	s.epoch, s.bstar, s.ndot, s.nddot = epoch, bstar, ndot, nddot
	s.ecco, s.argpo, s.inclo, s.mo, s.noKozai, s.nodeo = ecco, argpo, inclo, mo, noKozai, nodeo

	ss := 78.0/g.RadiusKm + 1.0
	qzms2t := pow4((120.0 - 78.0) / g.RadiusKm)

	// initl: un-Kozai the mean motion.
	eccsq := float64(ecco * ecco)
	omeosq := 1.0 - eccsq
	rteosq := math.Sqrt(omeosq)
	sinio, cosio := dmath.SinCos(inclo)
	cosio2 := float64(cosio * cosio)
	ak := dmath.Pow(g.Xke/noKozai, x2o3)
	d1 := float64(float64(0.75*g.J2)*(float64(3.0*cosio2)-1.0)) / float64(rteosq*omeosq)
	del := d1 / float64(ak*ak)
	adel := float64(ak * (1.0 - float64(del*del) - float64(del*(1.0/3.0+float64(134.0*float64(del*del))/81.0))))
	del = d1 / float64(adel*adel)
	s.noUnkozai = noKozai / (1.0 + del)
	ao := dmath.Pow(g.Xke/s.noUnkozai, x2o3)
	s.amBase = ao
	po := float64(ao * omeosq)
	con42 := 1.0 - float64(5.0*cosio2)
	s.con41 = -con42 - cosio2 - cosio2
	posq := float64(po * po)
	rp := float64(ao * (1.0 - ecco))
	s.gsto = GSTime(epoch + 2433281.5)

	s.isimp = rp < (220.0/g.RadiusKm + 1.0)
	sfour := ss
	qzms24 := qzms2t
	perige := float64((rp - 1.0) * g.RadiusKm)
	if perige < 156.0 {
		sfour = perige - 78.0
		if perige < 98.0 {
			sfour = 20.0
		}
		qzms24 = pow4((120.0 - sfour) / g.RadiusKm)
		sfour = sfour/g.RadiusKm + 1.0
	}
	pinvsq := 1.0 / posq
	tsi := 1.0 / (ao - sfour)
	s.eta = float64(float64(ao*ecco) * tsi)
	etasq := float64(s.eta * s.eta)
	eeta := float64(ecco * s.eta)
	psisq := math.Abs(1.0 - etasq)
	coef := float64(qzms24 * pow4(tsi))
	coef1 := coef / dmath.Pow(psisq, 3.5)
	cc2 := float64(float64(coef1*s.noUnkozai) * (float64(ao*(1.0+float64(1.5*etasq)+float64(eeta*(4.0+etasq)))) +
		float64(float64(float64(float64(0.375*g.J2)*tsi)/psisq*s.con41)*(8.0+float64(float64(3.0*etasq)*(8.0+etasq))))))
	s.cc1 = float64(bstar * cc2)
	cc3 := 0.0
	if ecco > 1.0e-4 {
		cc3 = float64(float64(float64(float64(float64(-2.0*coef)*tsi)*g.J3OJ2)*s.noUnkozai)*sinio) / ecco
	}
	s.x1mth2 = 1.0 - cosio2
	cos2w := dmath.Cos(2.0 * argpo)
	inner := float64(float64(-3.0*s.con41)*(1.0-float64(2.0*eeta)+float64(etasq*(1.5-float64(0.5*eeta))))) +
		float64(float64(float64(0.75*s.x1mth2)*(float64(2.0*etasq)-float64(eeta*(1.0+etasq))))*cos2w)
	s.cc4 = float64(float64(float64(float64(float64(2.0*s.noUnkozai)*coef1)*ao)*omeosq) *
		(float64(s.eta*(2.0+float64(0.5*etasq))) + float64(ecco*(0.5+float64(2.0*etasq))) -
			float64(float64(g.J2*tsi)/float64(ao*psisq)*inner)))
	s.cc5 = float64(float64(float64(float64(2.0*coef1)*ao)*omeosq) *
		(1.0 + float64(2.75*(etasq+eeta)) + float64(eeta*etasq)))
	cosio4 := float64(cosio2 * cosio2)
	temp1 := float64(float64(float64(1.5*g.J2)*pinvsq) * s.noUnkozai)
	temp2 := float64(float64(float64(0.5*temp1)*g.J2) * pinvsq)
	temp3 := float64(float64(float64(float64(-0.46875*g.J4)*pinvsq)*pinvsq) * s.noUnkozai)
	s.mdot = s.noUnkozai + float64(float64(float64(0.5*temp1)*rteosq)*s.con41) +
		float64(float64(float64(0.0625*temp2)*rteosq)*(13.0-float64(78.0*cosio2)+float64(137.0*cosio4)))
	s.argpdot = float64(float64(-0.5*temp1)*con42) +
		float64(float64(0.0625*temp2)*(7.0-float64(114.0*cosio2)+float64(395.0*cosio4))) +
		float64(temp3*(3.0-float64(36.0*cosio2)+float64(49.0*cosio4)))
	xhdot1 := float64(-temp1 * cosio)
	s.nodedot = xhdot1 + float64((float64(float64(0.5*temp2)*(4.0-float64(19.0*cosio2)))+
		float64(float64(2.0*temp3)*(3.0-float64(7.0*cosio2))))*cosio)
	xpidot := s.argpdot + s.nodedot
	s.omgcof = float64(float64(bstar*cc3) * dmath.Cos(argpo))
	if ecco > 1.0e-4 {
		s.xmcof = float64(float64(-x2o3*coef)*bstar) / eeta
	}
	s.nodecf = float64(float64(float64(3.5*omeosq)*xhdot1) * s.cc1)
	s.t2cof = float64(1.5 * s.cc1)
	den := 1.0 + cosio
	if math.Abs(cosio+1.0) <= 1.5e-12 {
		den = temp4
	}
	s.xlcof = float64(float64(float64(-0.25*g.J3OJ2)*sinio)*(3.0+float64(5.0*cosio))) / den
	s.aycof = float64(float64(-0.5*g.J3OJ2) * sinio)
	sinmo, cosmo := dmath.SinCos(mo)
	delmotemp := 1.0 + float64(s.eta*cosmo)
	s.delmo = float64(float64(delmotemp*delmotemp) * delmotemp)
	s.sinmao = sinmo
	s.x7thm1 = float64(7.0*cosio2) - 1.0

	if twoPi/s.noUnkozai >= 225.0 {
		s.deep = true
		s.isimp = true
		s.initDeep(eccsq, xpidot)
	}
	if !s.isimp {
		cc1sq := float64(s.cc1 * s.cc1)
		s.d2 = float64(float64(float64(4.0*ao)*tsi) * cc1sq)
		temp := float64(float64(s.d2*tsi)*s.cc1) / 3.0
		s.d3 = float64((float64(17.0*ao) + sfour) * temp)
		s.d4 = float64(float64(float64(float64(float64(0.5*temp)*ao)*tsi)*(float64(221.0*ao)+float64(31.0*sfour))) * s.cc1)
		s.t3cof = s.d2 + float64(2.0*cc1sq)
		s.t4cof = float64(0.25 * (float64(3.0*s.d3) + float64(s.cc1*(float64(12.0*s.d2)+float64(10.0*cc1sq)))))
		s.t5cof = float64(0.2 * (float64(3.0*s.d4) + float64(float64(12.0*s.cc1)*s.d3) +
			float64(float64(6.0*s.d2)*s.d2) + float64(float64(15.0*cc1sq)*(float64(2.0*s.d2)+cc1sq))))
	}
	if _, _, err := s.propagate(0); err != nil {
		s.InitErr = err
	}
}
