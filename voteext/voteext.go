// Package voteext is NovaCron's one vote-extension format: a version byte, the height the
// precommit is for, then sections, one per module that attests something (x/heal's host
// observations, the bridge's checkpoint signature), each bounded in size, in ascending id and
// at most once each.
//
// The encoding is canonical: every extension has exactly one byte string, and Decode rejects
// all others (non-minimal varints, unsorted, repeated, empty or unknown sections, trailing
// bytes), so validators that agree on the content agree on the bytes, and verification is a
// pure function of (bytes, height). A new section or field needs a new Version: old and new
// nodes must not accept different extensions.
//
// The package is pure (no SDK import): the node's ABCI handlers, x/heal and the bridge use it.
package voteext

import (
	"encoding/binary"
	"fmt"
)

// Version is the format of this package. Version 1 was the heartbeat (version byte and height,
// nine bytes); its extensions are refused.
const Version byte = 2

// SectionID names a section; sections appear in ascending id.
type SectionID byte

const (
	// SectionHeal carries a validator's host observations (x/heal's codec).
	SectionHeal SectionID = 1
	// SectionBridge carries a validator's signature of the pending checkpoint (the bridge's codec).
	SectionBridge SectionID = 2
)

// Size bounds. The heal section holds delta-encoded observations (a few bytes per host and
// changed VM: about 4 KiB for 1,000 steady hosts); the bridge section one secp256k1 signature
// and what it signs.
const (
	MaxHealBytes   = 32 << 10
	MaxBridgeBytes = 256
	// MaxBytes bounds a whole extension: header and every section at its bound.
	MaxBytes = 1 + binary.MaxVarintLen64 + 2*(1+binary.MaxVarintLen32) + MaxHealBytes + MaxBridgeBytes
)

// MaxSectionBytes is the payload bound of a section, 0 for an unknown id.
func MaxSectionBytes(id SectionID) int {
	switch id {
	case SectionHeal:
		return MaxHealBytes
	case SectionBridge:
		return MaxBridgeBytes
	}
	return 0
}

func (id SectionID) String() string {
	switch id {
	case SectionHeal:
		return "heal"
	case SectionBridge:
		return "bridge"
	}
	return fmt.Sprintf("section(%d)", byte(id))
}

// Section is one module's payload.
type Section struct {
	ID      SectionID
	Payload []byte
}

// Extension is a decoded vote extension.
type Extension struct {
	Height   int64
	Sections []Section // ascending ID, each non-empty
}

// Get returns the payload of section id, or nil when the extension has none.
func (e Extension) Get(id SectionID) []byte {
	for _, s := range e.Sections {
		if s.ID == id {
			return s.Payload
		}
	}
	return nil
}

// FormatError says where and why bytes are not a valid extension.
type FormatError struct {
	Offset int
	Reason string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("vote extension: byte %d: %s", e.Offset, e.Reason)
}

func formatErr(off int, format string, args ...any) error {
	return &FormatError{Offset: off, Reason: fmt.Sprintf(format, args...)}
}

// Encode returns the canonical bytes of e, or an error if e breaks a rule Decode enforces.
func Encode(e Extension) ([]byte, error) {
	if e.Height < 1 {
		return nil, formatErr(1, "height %d, want ≥ 1", e.Height)
	}
	n := 1 + binary.MaxVarintLen64
	for i, s := range e.Sections {
		if err := checkSection(s.ID, len(s.Payload), i > 0 && s.ID <= e.Sections[i-1].ID); err != nil {
			return nil, formatErr(0, "section %d: %v", i, err)
		}
		n += 1 + binary.MaxVarintLen32 + len(s.Payload)
	}
	bz := make([]byte, 0, n)
	bz = append(bz, Version)
	bz = binary.AppendUvarint(bz, uint64(e.Height))
	for _, s := range e.Sections {
		bz = append(bz, byte(s.ID))
		bz = binary.AppendUvarint(bz, uint64(len(s.Payload)))
		bz = append(bz, s.Payload...)
	}
	return bz, nil
}

func checkSection(id SectionID, size int, outOfOrder bool) error {
	limit := MaxSectionBytes(id)
	switch {
	case limit == 0:
		return fmt.Errorf("unknown section id %d", byte(id))
	case outOfOrder:
		return fmt.Errorf("section %s out of order or repeated", id)
	case size == 0:
		return fmt.Errorf("empty %s section (leave it out)", id)
	case size > limit:
		return fmt.Errorf("%s section of %d bytes, max %d", id, size, limit)
	}
	return nil
}

// Decode parses canonical extension bytes. The work is linear in len(bz), which it bounds first.
// Payloads alias bz.
func Decode(bz []byte) (Extension, error) {
	var e Extension
	if len(bz) > MaxBytes {
		return e, formatErr(MaxBytes, "%d bytes, max %d", len(bz), MaxBytes)
	}
	if len(bz) == 0 {
		return e, formatErr(0, "empty")
	}
	if bz[0] != Version {
		return e, formatErr(0, "version %d, want %d", bz[0], Version)
	}
	off := 1
	h, n, err := Uvarint(bz[off:])
	if err != nil {
		return e, formatErr(off, "height: %v", err)
	}
	if h < 1 || h > 1<<62 {
		return e, formatErr(off, "height %d out of range", h)
	}
	e.Height = int64(h)
	off += n
	for off < len(bz) {
		id := SectionID(bz[off])
		size, n, err := Uvarint(bz[off+1:])
		if err != nil {
			return e, formatErr(off+1, "%s section length: %v", id, err)
		}
		outOfOrder := len(e.Sections) > 0 && id <= e.Sections[len(e.Sections)-1].ID
		if size > MaxBytes {
			size = MaxBytes + 1 // reported as too large below, without overflowing an int
		}
		if err := checkSection(id, int(size), outOfOrder); err != nil {
			return e, formatErr(off, "%v", err)
		}
		start := off + 1 + n
		if uint64(len(bz)-start) < size {
			return e, formatErr(start, "%s section of %d bytes, %d left", id, size, len(bz)-start)
		}
		end := start + int(size)
		e.Sections = append(e.Sections, Section{ID: id, Payload: bz[start:end:end]})
		off = end
	}
	return e, nil
}

// Verify decodes bz and checks that it is for height: what VerifyVoteExtension and
// PrepareProposal's re-verification accept. It decides on the bytes alone.
func Verify(bz []byte, height int64) (Extension, error) {
	e, err := Decode(bz)
	if err != nil {
		return e, err
	}
	if e.Height != height {
		return e, formatErr(1, "height %d, want %d", e.Height, height)
	}
	return e, nil
}

// Uvarint reads a minimally encoded unsigned varint (the canonical form; encoding/binary also
// accepts padded ones such as 0x80 0x00 for 0). Section codecs use it too.
func Uvarint(bz []byte) (uint64, int, error) {
	v, n := binary.Uvarint(bz)
	switch {
	case n == 0:
		return 0, 0, fmt.Errorf("truncated varint")
	case n < 0:
		return 0, 0, fmt.Errorf("varint overflows 64 bits")
	case n > 1 && bz[n-1] == 0:
		return 0, 0, fmt.Errorf("non-minimal varint")
	}
	return v, n, nil
}
