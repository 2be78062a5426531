package engine

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestRTTBucket(t *testing.T) {
	for _, c := range []struct {
		us   uint64
		want uint8
	}{{0, 0}, {999, 0}, {1000, 1}, {1999, 1}, {2000, 2}, {3999, 2}, {4000, 3}, {16_383_999, 14}, {16_384_000, 15}, {1 << 40, 15}} {
		if got := RTTBucket(c.us); got != c.want {
			t.Errorf("RTTBucket(%d µs) = %d, want %d", c.us, got, c.want)
		}
	}
}

// The byte-level example of x/heal's README.
func TestObservationsExample(t *testing.T) {
	agreed := View{
		{Status: StatusUp, RTTBucket: 2, Seq: 40, VMs: []VM{{ID: 7, State: VMRunning, CPUMilli: 500, MemMiB: 1024}}},
		{Status: StatusUp, RTTBucket: 2, Seq: 90},
		{Status: StatusUp, RTTBucket: 3, Seq: 12},
	}
	seen := View{
		{Status: StatusUp, RTTBucket: 2, Seq: 41, VMs: []VM{{ID: 7, State: VMCrashed, CPUMilli: 0, MemMiB: 1024}}},
		{Status: StatusUp, RTTBucket: 2, Seq: 90}, // no new heartbeat: left out
		{Status: StatusDown},
	}
	obs, err := Diff(299, agreed, seen)
	if err != nil {
		t.Fatal(err)
	}
	bz, err := EncodeObservations(obs)
	if err != nil {
		t.Fatal(err)
	}
	// base 299 | host 0: gap 0, head up|rtt 2|vms, advance 1, 1 vm: id gap 7, crashed, cpu 0, mem 1024
	// | host 2: gap 1, head down, advance 0
	if got, want := hex.EncodeToString(bz), "ab02"+"00"+"48"+"01"+"01"+"07"+"03"+"00"+"8008"+"01"+"02"+"00"; got != want {
		t.Fatalf("encoding %s, want %s", got, want)
	}
	back, err := DecodeObservations(bz)
	if err != nil {
		t.Fatal(err)
	}
	if err := back.CheckAgainst(299, agreed); err != nil {
		t.Fatal(err)
	}
	want := View{seen[0], seen[1], {Status: StatusDown, Seq: 12}}
	if got := Apply(agreed, back); !reflect.DeepEqual(got, want) {
		t.Fatalf("applied %+v, want %+v", got, want)
	}
}

func TestDecodeObservationsRejects(t *testing.T) {
	for name, c := range map[string]struct{ hex, reason string }{
		"empty":              {"", "base height: truncated"},
		"padded base":        {"8000", "non-minimal"},
		"truncated head":     {"0100", "head: truncated"},
		"status 3":           {"010003" + "00", "status 3"},
		"bit 7":              {"010080" + "00", "bit 7"},
		"down with rtt":      {"010006" + "00", "down but carries"},
		"down with advance":  {"010002" + "01", "down but carries"},
		"no vm count":        {"010040" + "01", "vm count: truncated"},
		"zero vms":           {"010040" + "01" + "00", "vm count 0"},
		"vm count too big":   {"010040" + "01" + "7f" + "00", "vm count 127"},
		"vm state 4":         {"010040" + "01" + "01" + "00" + "04" + "00" + "00", "state 4"},
		"absent vm id max":   {"010040" + "01" + "01" + "ffffffffffffffffff01" + "00", "vm id"},
		"index overflow":     {"01" + "ffffffff7f" + "00" + "00", "beyond 2^32"},
		"index gap overflow": {"01" + "00" + "00" + "01" + "ffffffffffffffffff01" + "00" + "00", "beyond 2^32"},
	} {
		bz, err := hex.DecodeString(c.hex)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		_, err = DecodeObservations(bz)
		var oe *ObservationError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("%s: %x: error %v, want an ObservationError saying %q", name, bz, err, c.reason)
		}
	}
}

func TestCheckAgainstRejects(t *testing.T) {
	agreed := View{{Status: StatusUp, Seq: 5}, {Status: StatusUp, Seq: 9}}
	for name, c := range map[string]struct {
		base uint64
		obs  Observations
	}{
		"other base":   {7, Observations{BaseHeight: 8}},
		"index beyond": {8, Observations{BaseHeight: 8, Changes: []HostChange{{Index: 2, SeqAdvance: 1}}}},
		"no-op change": {8, Observations{BaseHeight: 8, Changes: []HostChange{{Index: 1}}}},
	} {
		if err := c.obs.CheckAgainst(c.base, agreed); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func genVMs(t *rapid.T, label string) []VM {
	ids := rapid.SliceOfNDistinct(rapid.Uint64Range(1, 40), 0, 6, rapid.ID[uint64]).Draw(t, label)
	slicesSort(ids)
	vms := make([]VM, len(ids))
	for i, id := range ids {
		vms[i] = VM{ID: id, State: VMState(rapid.IntRange(1, int(maxVMState)).Draw(t, "state")),
			CPUMilli: rapid.Uint64Range(0, 4000).Draw(t, "cpu"), MemMiB: rapid.Uint64Range(0, 1<<20).Draw(t, "mem")}
	}
	return vms
}

func slicesSort(s []uint64) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Diff, encode, decode and apply give back what the validator saw (a down host keeps the
// agreed sequence and VMs: the prober learned nothing of them), and the bytes are canonical.
func TestObservationsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 30).Draw(t, "hosts")
		agreed, seen := make(View, n), make(View, n)
		for i := range agreed {
			agreed[i] = Host{Status: Status(rapid.IntRange(0, 2).Draw(t, "agreed status")),
				RTTBucket: uint8(rapid.IntRange(0, MaxRTTBucket).Draw(t, "rtt")),
				Seq:       rapid.Uint64Range(0, 1<<40).Draw(t, "seq"), VMs: genVMs(t, "agreed vms")}
			if agreed[i].Status == StatusDown {
				agreed[i].RTTBucket = 0
			}
			s := Host{Status: Status(rapid.IntRange(0, 2).Draw(t, "status"))}
			if s.Status == StatusDown {
				s.Seq, s.VMs = agreed[i].Seq, agreed[i].VMs
			} else {
				s.RTTBucket = uint8(rapid.IntRange(0, MaxRTTBucket).Draw(t, "rtt"))
				s.Seq = agreed[i].Seq + rapid.Uint64Range(0, 3).Draw(t, "advance")
				s.VMs = agreed[i].VMs
				if rapid.Bool().Draw(t, "vms change") {
					s.VMs = genVMs(t, "vms")
				}
			}
			seen[i] = s
		}
		obs, err := Diff(42, agreed, seen)
		if err != nil {
			t.Fatal(err)
		}
		bz, err := EncodeObservations(obs)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeObservations(bz)
		if err != nil {
			t.Fatalf("%x: %v", bz, err)
		}
		if err := back.CheckAgainst(42, agreed); err != nil {
			t.Fatal(err)
		}
		again, _ := EncodeObservations(back)
		if !bytes.Equal(again, bz) {
			t.Fatalf("re-encoded %x, was %x", again, bz)
		}
		got := Apply(agreed, back)
		for i := range got {
			if len(got[i].VMs) == 0 {
				got[i].VMs = nil
			}
			if len(seen[i].VMs) == 0 {
				seen[i].VMs = nil
			}
		}
		if !reflect.DeepEqual(got, seen) {
			t.Fatalf("applied %+v, seen %+v", got, seen)
		}
	})
}

func FuzzDecodeObservations(f *testing.F) {
	f.Add([]byte{0xab, 0x02, 0x00, 0x48, 0x01, 0x01, 0x07, 0x03, 0x00, 0x80, 0x08, 0x01, 0x02, 0x00})
	f.Fuzz(func(t *testing.T, bz []byte) {
		obs, err := DecodeObservations(bz)
		if err != nil {
			var oe *ObservationError
			if !errors.As(err, &oe) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		again, err := EncodeObservations(obs)
		if err != nil || !bytes.Equal(again, bz) {
			t.Fatalf("%x decoded but re-encodes as %x (%v)", bz, again, err)
		}
	})
}
