package geo

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestECEFAndFrames(t *testing.T) {
	p := WGS84.ECEF(0, 0, 0)
	if math.Abs(p[0]-6378.137) > 1e-9 || math.Abs(p[1]) > 1e-9 || math.Abs(p[2]) > 1e-9 {
		t.Fatalf("%v", p)
	}
	n := WGS72.ECEF(90, 0, 0)
	if b := 6378.135 * (1 - 1/298.26); math.Abs(n[2]-b) > 1e-6 {
		t.Fatalf("pole %v want %v", n[2], b)
	}
	q := ECEFToTEME(WGS72.ECEF(40, -74, 10), 1.234)
	back := TEMEToECEF(q, 1.234)
	if Distance(back, WGS72.ECEF(40, -74, 10)) > 1e-9 {
		t.Fatal("rotation roundtrip")
	}
	// GMST at J2000.0 (2000-01-01 12:00 UT) is 280.46 deg.
	g := GMST(time.Date(2000, 1, 1, 12, 0, 0, 0, time.UTC).UnixNano()) * 180 / math.Pi
	if math.Abs(g-280.46061837) > 1e-6 {
		t.Fatalf("gmst %v", g)
	}
	if e := ElevationDeg(WGS72, 0, 0, WGS72.ECEF(0, 0, 0), WGS72.ECEF(0, 0, 500000)); math.Abs(e-90) > 1e-9 {
		t.Fatalf("zenith elevation %v", e)
	}
}

func TestGroundStationsParse(t *testing.T) {
	gs, err := ParseGroundStations(strings.NewReader("0,A,1.5,2.5,10\n1,B,-3,4,0,1,2,3\n"))
	if err != nil || len(gs) != 2 || gs[1].LatDeg != -3 || gs[0].ElevM != 10 {
		t.Fatalf("%v %v", gs, err)
	}
	for _, bad := range []string{"1,A,1,2,0\n", "0,A,91,2,0\n", "0,A,x,2,0\n", "0,A,1,2\n"} {
		if _, err := ParseGroundStations(strings.NewReader(bad)); err == nil {
			t.Fatalf("accepted %q", bad)
		}
	}
	// New York - London great circle at R = 6378.135 km.
	if d := GreatCircleKm(40.717042, -74.003663, 51.50853, -0.12574); math.Abs(d-5576) > 5 {
		t.Fatalf("NY-London %v km", d)
	}
}
