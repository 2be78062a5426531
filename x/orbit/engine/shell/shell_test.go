package shell

import (
	"math"
	"testing"
)

func TestKuiperShell(t *testing.T) {
	tles, err := KuiperK1.TLEs()
	if err != nil {
		t.Fatal(err)
	}
	if len(tles) != 1156 {
		t.Fatalf("%d sats", len(tles))
	}
	// Plane 1 is shifted by half a slot: 360/(34*2) = 5.2941 deg.
	if s := tles[34]; s.RAAN != 10.5882 || s.MeanAnomaly != 5.2941 || s.Eccentricity != 1e-7 || s.MeanMotion != 14.8 {
		t.Fatalf("%+v", s)
	}
	if s := tles[1]; s.MeanAnomaly != 10.5882 || s.RAAN != 0 || s.Inclination != 51.9 {
		t.Fatalf("%+v", s)
	}
	deg := make([]int, 1156)
	isls := KuiperK1.PlusGridISLs()
	for _, l := range isls {
		deg[l.A]++
		deg[l.B]++
	}
	for i, d := range deg {
		if d != 4 {
			t.Fatalf("sat %d has %d ISLs", i, d)
		}
	}
	// Hypatia: 630 km / tan(30 deg) cone -> 1260 km; ISL limit ~5442 km.
	if g := KuiperK1.MaxGSLLengthKm(); math.Abs(g-1260.0) > 0.01 {
		t.Fatalf("max GSL %.4f", g)
	}
	if g := StarlinkS1.MaxGSLLengthKm(); math.Abs(g-math.Sqrt(940.7*940.7+550*550)) > 1e-9 {
		t.Fatalf("starlink max GSL %.4f", g)
	}
	if l := KuiperK1.MaxISLLengthKm(); l < 5400 || l > 5500 {
		t.Fatalf("max ISL %.1f", l)
	}
	if _, err := (Shell{Name: "bad", Planes: 2, SatsPerPlane: 10}).TLEs(); err == nil {
		t.Fatal("invalid shell accepted")
	}
	for _, n := range []string{"starlink-s1", "kuiper-k1", "telesat-t1"} {
		s, err := ByName(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.TLEs(); err != nil {
			t.Fatal(err)
		}
	}
}
