package planets

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"testing"
	"time"
)

func TestEarthMarsLightTime2000to2050(t *testing.T) {
	start := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2050, 1, 1, 0, 0, 0, 0, time.UTC)
	lo, hi := 1e9, 0.0
	var loAt time.Time
	for d := start; d.Before(end); d = d.Add(24 * time.Hour) {
		s := EarthMarsLightTimeSeconds(d.UnixNano())
		if s < lo {
			lo, loAt = s, d
		}
		if s > hi {
			hi = s
		}
	}
	t.Logf("light time %.3f..%.3f min, minimum on %s", lo/60, hi/60, loAt.Format("2006-01-02"))
	if lo/60 < 2.9 || lo/60 > 3.2 || hi/60 < 22.1 || hi/60 > 22.5 {
		t.Fatalf("span %.3f..%.3f min, want about 3.0..22.3", lo/60, hi/60)
	}
	want := time.Date(2003, 8, 27, 0, 0, 0, 0, time.UTC)
	if d := loAt.Sub(want); d < -4*24*time.Hour || d > 4*24*time.Hour {
		t.Fatalf("minimum on %s, want near 2003-08-27", loAt.Format("2006-01-02"))
	}
}

func TestGoldenPlanets(t *testing.T) {
	h := sha256.New()
	var b [8]byte
	for d := int64(0); d < 50*366; d += 7 {
		ns := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano() + d*86400e9
		binary.BigEndian.PutUint64(b[:], uint64(EarthMarsLightTimeMs(ns)))
		h.Write(b[:])
	}
	got := hex.EncodeToString(h.Sum(nil))
	const want = "f39f74b51b0b84cacfe706e16fa8f923aa4fe2e84dacaaebce3f38ba65a63477"
	if got != want {
		t.Fatalf("golden planets hash %s, want %s", got, want)
	}
}
