package cidcalc

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"
)

// MaxCIDLength bounds CID strings accepted into chain state. A sha2-256
// CIDv1 in base32 is 59 characters; anything far longer is not one of ours.
const MaxCIDLength = 128

// ErrInvalidCID wraps every validation failure, for errors.Is.
var ErrInvalidCID = errors.New("invalid CID")

// Parse parses s as a CID that can name a UnixFS artifact: CIDv0 or CIDv1,
// codec dag-pb or raw, sha2-256 multihash. It rejects identity hashes (they
// inline arbitrary data) and other codecs, with an error saying why.
func Parse(s string) (cid.Cid, error) {
	if s == "" {
		return cid.Undef, fmt.Errorf("%w: empty string", ErrInvalidCID)
	}
	if len(s) > MaxCIDLength {
		return cid.Undef, fmt.Errorf("%w: %d characters, longer than %d", ErrInvalidCID, len(s), MaxCIDLength)
	}
	if strings.TrimSpace(s) != s {
		return cid.Undef, fmt.Errorf("%w %q: leading or trailing whitespace", ErrInvalidCID, s)
	}
	c, err := cid.Decode(s)
	if err != nil {
		return cid.Undef, fmt.Errorf("%w %q: %v", ErrInvalidCID, s, err)
	}
	if err := Check(c); err != nil {
		return cid.Undef, fmt.Errorf("%w %q: %v", ErrInvalidCID, s, err)
	}
	return c, nil
}

// Validate reports whether s is a valid artifact CID (see Parse).
func Validate(s string) error {
	_, err := Parse(s)
	return err
}

// Check applies Parse's rules to an already decoded CID.
func Check(c cid.Cid) error {
	if !c.Defined() {
		return errors.New("undefined CID")
	}
	p := c.Prefix()
	if p.Version != 0 && p.Version != 1 {
		return fmt.Errorf("unsupported CID version %d", p.Version)
	}
	if p.Codec != cid.DagProtobuf && p.Codec != cid.Raw {
		return fmt.Errorf("codec 0x%x is not dag-pb or raw", p.Codec)
	}
	if p.MhType != mh.SHA2_256 {
		return fmt.Errorf("multihash %s is not sha2-256", mh.Codes[p.MhType])
	}
	if p.MhLength != 32 {
		return fmt.Errorf("sha2-256 digest of %d bytes, want 32", p.MhLength)
	}
	return nil
}

// Canonical returns the string form to store: base58btc for CIDv0,
// base32 for CIDv1, so equal CIDs are equal strings in state.
func Canonical(c cid.Cid) string { return c.String() }
