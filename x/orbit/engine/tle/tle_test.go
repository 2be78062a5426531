package tle

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const (
	iss1 = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927"
	iss2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"
)

func TestParseISS(t *testing.T) {
	e, err := Parse(iss1, iss2, StrictOptions)
	if err != nil {
		t.Fatal(err)
	}
	if e.SatNum != 25544 || e.EpochYear != 2008 || e.IntlDesignator != "98067A" {
		t.Fatalf("%+v", e)
	}
	if e.BStar != -0.11606e-4 || e.NDot != -0.00002182 || e.Eccentricity != 0.0006703 {
		t.Fatalf("bstar %v ndot %v ecc %v", e.BStar, e.NDot, e.Eccentricity)
	}
	if e.Inclination != 51.6416 || e.MeanMotion != 15.72125391 || e.RevNumber != 56353 {
		t.Fatalf("%+v", e)
	}
	want := time.Date(2008, 1, 1, 0, 0, 0, 0, time.UTC).Add(263*24*time.Hour + time.Duration(51782528*int64(864000)))
	if got := e.EpochUnixNano(); got != want.UnixNano() {
		t.Fatalf("epoch %v want %v", time.Unix(0, got).UTC(), want)
	}
	l1, l2 := e.Format()
	if l1 != iss1[:18]+iss1[18:] && l1[18:32] != iss1[18:32] {
		t.Fatalf("format line1 %q", l1)
	}
	e2, err := Parse(l1, l2, StrictOptions)
	if err != nil {
		t.Fatalf("reparse %q %q: %v", l1, l2, err)
	}
	if e2.Inclination != e.Inclination || e2.MeanMotion != e.MeanMotion || e2.BStar != e.BStar || e2.EpochDay != e.EpochDay {
		t.Fatalf("roundtrip %+v vs %+v", e2, e)
	}
}

func TestParseErrors(t *testing.T) {
	bad := func(l1, l2 string, want error) {
		t.Helper()
		_, err := Parse(l1, l2, StrictOptions)
		if !errors.Is(err, want) {
			t.Fatalf("got %v want %v", err, want)
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("not a ParseError: %T", err)
		}
	}
	bad(iss1[:68]+"0", iss2, ErrChecksum)
	bad(iss1[:40], iss2, ErrLength)
	bad("3"+iss1[1:], iss2, ErrLineNumber)
	bad(iss1, iss2[:2]+"25545"+iss2[7:68]+"8", ErrSatNum)
	l2 := iss2[:8] + " 1x.6416" + iss2[16:68]
	bad(iss1, l2+string(rune('0'+Checksum(l2))), ErrField)
	l2 = iss2[:8] + "191.6416" + iss2[16:68]
	bad(iss1, l2+string(rune('0'+Checksum(l2))), ErrRange)
	bad(iss1, "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537\xff", ErrCharacter)
}

// TestParseEpoch: the epoch alone equals Parse's EpochUnixNano, on the ISS and on every set
// of Vallado's verification file (both centuries, every fraction length there).
func TestParseEpoch(t *testing.T) {
	e, err := Parse(iss1, iss2, StrictOptions)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseEpoch(iss1)
	if err != nil || got != e.EpochUnixNano() {
		t.Fatalf("ParseEpoch(iss) = %d, %v; want %d", got, err, e.EpochUnixNano())
	}
	raw, err := os.ReadFile("../testdata/SGP4-VER.TLE")
	if err != nil {
		t.Fatal(err)
	}
	sets, err := ParseFile(strings.NewReader(string(raw)), Vallado)
	if err != nil {
		t.Fatal(err)
	}
	i, years := 0, map[int]bool{}
	for _, l := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(l, "1 ") {
			continue
		}
		got, err := ParseEpoch(l)
		if err != nil || got != sets[i].EpochUnixNano() {
			t.Fatalf("set %d (%d): ParseEpoch = %d, %v; want %d", i, sets[i].SatNum, got, err, sets[i].EpochUnixNano())
		}
		years[sets[i].EpochYear/100] = true
		i++
	}
	if i != len(sets) || !years[19] || !years[20] {
		t.Fatalf("%d line 1s for %d sets, centuries %v", i, len(sets), years)
	}
	for _, tc := range []struct {
		line string
		want error
	}{
		{"", ErrLength},
		{iss2, ErrLineNumber},
		{iss1[:18], ErrField},                    // no year
		{iss1[:18] + "x8" + iss1[20:], ErrField}, // year not a number
		{iss1[:20] + "   .51782528" + iss1[32:], ErrField},
		{iss1[:20] + "367.51782528" + iss1[32:], ErrField},
		{iss1[:20] + "264.5178252x" + iss1[32:], ErrField},
	} {
		_, err := ParseEpoch(tc.line)
		var pe *ParseError
		if !errors.Is(err, tc.want) || !errors.As(err, &pe) {
			t.Fatalf("ParseEpoch(%q) = %v; want %v", tc.line, err, tc.want)
		}
	}
}

func TestAlpha5(t *testing.T) {
	l1 := "1 A0001U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  292"
	l2 := "2 A0001  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"
	l1 += string(rune('0' + Checksum(l1)))
	l2 = l2[:68]
	l2 += string(rune('0' + Checksum(l2)))
	e, err := Parse(l1, l2, StrictOptions)
	if err != nil || e.SatNum != 100001 {
		t.Fatalf("%v %d", err, e.SatNum)
	}
	if a, _ := e.Format(); a[2:7] != "A0001" {
		t.Fatalf("%q", a)
	}
}

// sharedDir finds ../shared/testdata/orbit beside the repository root.
func sharedDir(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Dir(file)
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			p := filepath.Join(filepath.Dir(d), "shared", "testdata", "orbit")
			if _, err := os.Stat(p); err != nil {
				t.Skipf("shared testdata not found at %s", p)
			}
			return p
		}
	}
	t.Skip("repository root not found")
	return ""
}

func TestParseValladoFile(t *testing.T) {
	f, err := os.Open("../testdata/SGP4-VER.TLE")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sets, err := ParseFile(f, Vallado)
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != 33 {
		t.Fatalf("%d sets", len(sets))
	}
	for _, s := range sets {
		if !s.HasRange || s.StepMin <= 0 {
			t.Fatalf("%d: no range", s.SatNum)
		}
	}
	if sets[1].StartMin != -5184 || sets[1].StopMin != -4896 || sets[1].StepMin != 120 {
		t.Fatalf("%+v", sets[1])
	}
	// The subset in shared/ must parse too.
	sub, err := os.ReadFile(filepath.Join(sharedDir(t), "sgp4_verification_subset.tle"))
	if err != nil {
		t.Fatal(err)
	}
	s2, err := ParseFile(strings.NewReader(string(sub)), Vallado)
	if err != nil || len(s2) != 10 {
		t.Fatalf("subset: %d %v", len(s2), err)
	}
}

func FuzzParseTLE(f *testing.F) {
	f.Add(iss1, iss2)
	f.Add("1 11801U          80230.29629788  .01431103  00000-0  14311-1      13",
		"2 11801  46.7916 230.4354 7318036  47.4722  10.4117  2.28537848    13      0.0      1440.0        360.00")
	f.Add("1 A0001U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927", "2")
	f.Fuzz(func(t *testing.T, l1, l2 string) {
		for _, o := range []Options{Vallado, StrictOptions} {
			e, err := Parse(l1, l2, o)
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("untyped error %T %v", err, err)
				}
				continue
			}
			if ep, err := ParseEpoch(l1); err != nil || ep != e.EpochUnixNano() {
				t.Fatalf("ParseEpoch = %d, %v; Parse's epoch %d", ep, err, e.EpochUnixNano())
			}
			a, b := e.Format()
			if _, err := Parse(a, b, StrictOptions); err != nil && e.SatNum < 340000 {
				t.Fatalf("formatted set does not reparse: %v\n%s\n%s", err, a, b)
			}
		}
		if _, err := ParseEpoch(l1); err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseEpoch: untyped error %T %v", err, err)
			}
		}
		_, _ = ParseFile(strings.NewReader(l1+"\n"+l2), Vallado)
	})
}

// TestFormatEdges: what parses must format back to a set that reparses
// (found by FuzzParseTLE): angles that round up to 360 are written as 0,
// and a mean motion below the field's 1e-8 rev/day resolution is rejected.
func TestFormatEdges(t *testing.T) {
	e, err := Parse(iss1, iss2, StrictOptions)
	if err != nil {
		t.Fatal(err)
	}
	e.RAAN, e.ArgPerigee, e.MeanAnomaly = 359.99996, 359.99999, 359.999951
	a, b := e.Format()
	r, err := Parse(a, b, StrictOptions)
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, a, b)
	}
	if r.RAAN != 0 || r.ArgPerigee != 0 || r.MeanAnomaly != 0 {
		t.Fatalf("angles %v %v %v, want 0", r.RAAN, r.ArgPerigee, r.MeanAnomaly)
	}
	e.MeanMotion = 1e-9
	if err := validate(e); !errors.Is(err, ErrRange) {
		t.Fatalf("mean motion 1e-9: %v, want ErrRange", err)
	}
	e.MeanMotion = minMeanMotion
	a, b = e.Format()
	if _, err := Parse(a, b, StrictOptions); err != nil {
		t.Fatalf("mean motion at the resolution: %v\n%s", err, b)
	}
}
