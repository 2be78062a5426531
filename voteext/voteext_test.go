package voteext_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/novacron/novacron/voteext"
)

// The byte-level example of the README: height 300, a 3-byte heal section, a 2-byte bridge section.
func TestEncodeExample(t *testing.T) {
	bz, err := voteext.Encode(voteext.Extension{Height: 300, Sections: []voteext.Section{
		{ID: voteext.SectionHeal, Payload: []byte{0xaa, 0xbb, 0xcc}},
		{ID: voteext.SectionBridge, Payload: []byte{0x01, 0x02}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	// 02 version | ac 02 height 300 | 01 03 aabbcc heal | 02 02 0102 bridge
	if got, want := hex.EncodeToString(bz), "02ac020103aabbcc02020102"; got != want {
		t.Fatalf("encoding %s, want %s", got, want)
	}
	e, err := voteext.Verify(bz, 300)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(e.Get(voteext.SectionHeal), []byte{0xaa, 0xbb, 0xcc}) || !bytes.Equal(e.Get(voteext.SectionBridge), []byte{1, 2}) {
		t.Fatalf("sections %+v", e.Sections)
	}
	if _, err := voteext.Verify(bz, 301); err == nil {
		t.Fatal("an extension for height 300 verified at 301")
	}
}

func TestDecodeRejects(t *testing.T) {
	big := make([]byte, voteext.MaxHealBytes+1)
	cases := map[string]struct {
		hex    string
		bz     []byte
		reason string
	}{
		"empty":                {hex: "", reason: "empty"},
		"heartbeat v1":         {hex: "01000000000000012c", reason: "version 1"},
		"height zero":          {hex: "0200", reason: "height 0"},
		"height truncated":     {hex: "0280", reason: "truncated"},
		"height padded":        {hex: "028000", reason: "non-minimal"},
		"height overflow":      {hex: "02ffffffffffffffffff7f", reason: "overflow"},
		"unknown section":      {hex: "020107016a", reason: "unknown section id 7"},
		"empty section":        {hex: "02010100", reason: "empty heal section"},
		"repeated section":     {hex: "020101016a01016b", reason: "out of order or repeated"},
		"unsorted sections":    {hex: "020102016a01016b", reason: "out of order or repeated"},
		"length padded":        {hex: "0201018100" + strings.Repeat("6a", 1), reason: "non-minimal"},
		"short payload":        {hex: "020101056a6b", reason: "5 bytes, 2 left"},
		"trailing byte":        {hex: "020101016a02", reason: "truncated"},
		"length beyond int":    {hex: "020101ffffffffffffffffff01", reason: "max 32768"},
		"bridge over its size": {hex: "02010281020" + "1" + strings.Repeat("00", 257), reason: "max 256"},
		"heal over its size": {bz: append(append([]byte{2, 1, 1}, uvarint(len(big))...), big...),
			reason: "max 32768"},
		"whole over its size": {bz: make([]byte, voteext.MaxBytes+1), reason: "max"},
	}
	for name, c := range cases {
		bz := c.bz
		if bz == nil {
			var err error
			if bz, err = hex.DecodeString(c.hex); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		_, err := voteext.Decode(bz)
		var fe *voteext.FormatError
		if !errors.As(err, &fe) {
			t.Errorf("%s: %x decoded (err %v)", name, bz, err)
			continue
		}
		if !strings.Contains(err.Error(), c.reason) {
			t.Errorf("%s: error %q does not say %q", name, err, c.reason)
		}
	}
}

func uvarint(n int) []byte {
	var out []byte
	for n >= 0x80 {
		out = append(out, byte(n)|0x80)
		n >>= 7
	}
	return append(out, byte(n))
}

func TestEncodeRejects(t *testing.T) {
	for name, e := range map[string]voteext.Extension{
		"height 0":      {Height: 0},
		"empty section": {Height: 1, Sections: []voteext.Section{{ID: voteext.SectionHeal}}},
		"unsorted": {Height: 1, Sections: []voteext.Section{
			{ID: voteext.SectionBridge, Payload: []byte{1}}, {ID: voteext.SectionHeal, Payload: []byte{1}}}},
		"unknown":   {Height: 1, Sections: []voteext.Section{{ID: 9, Payload: []byte{1}}}},
		"too large": {Height: 1, Sections: []voteext.Section{{ID: voteext.SectionBridge, Payload: make([]byte, 257)}}},
	} {
		if bz, err := voteext.Encode(e); err == nil {
			t.Errorf("%s: encoded as %x", name, bz)
		}
	}
}

// Every valid extension round-trips, and its bytes are the only ones that decode to it.
func TestRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := voteext.Extension{Height: rapid.Int64Range(1, 1<<62).Draw(t, "height")}
		for _, id := range []voteext.SectionID{voteext.SectionHeal, voteext.SectionBridge} {
			if rapid.Bool().Draw(t, "present") {
				n := rapid.IntRange(1, min(voteext.MaxSectionBytes(id), 2000)).Draw(t, "size")
				e.Sections = append(e.Sections, voteext.Section{ID: id, Payload: rapid.SliceOfN(rapid.Byte(), n, n).Draw(t, "payload")})
			}
		}
		bz, err := voteext.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := voteext.Verify(bz, e.Height)
		if err != nil {
			t.Fatal(err)
		}
		again, err := voteext.Encode(got)
		if err != nil || !bytes.Equal(again, bz) {
			t.Fatalf("re-encoding %x gave %x (%v)", bz, again, err)
		}
	})
}

// Whatever decodes is canonical: it re-encodes to the same bytes.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"02ac020103aabbcc02020102", "0201", "01000000000000012c", "020101016a"} {
		bz, _ := hex.DecodeString(s)
		f.Add(bz)
	}
	f.Fuzz(func(t *testing.T, bz []byte) {
		e, err := voteext.Decode(bz)
		if err != nil {
			var fe *voteext.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		again, err := voteext.Encode(e)
		if err != nil || !bytes.Equal(again, bz) {
			t.Fatalf("%x decoded but re-encodes as %x (%v)", bz, again, err)
		}
	})
}

// docs/VOTE_EXTENSIONS.md states this bound.
func TestMaxBytes(t *testing.T) {
	if voteext.MaxBytes != 33_047 {
		t.Fatalf("MaxBytes %d: update docs/VOTE_EXTENSIONS.md", voteext.MaxBytes)
	}
}
