package types_test

import (
	"testing"

	"github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"

	"github.com/novacron/novacron/cidcalc"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

func cidOf(t *testing.T, version uint64, codec uint64, hash uint64, data string) string {
	t.Helper()
	sum, err := mh.Sum([]byte(data), hash, -1)
	if err != nil {
		t.Fatal(err)
	}
	if version == 0 {
		return cid.NewCidV0(sum).String()
	}
	return cid.NewCidV1(codec, sum).String()
}

// An image CID is accepted exactly when the artifact store can store and pin it: one rule,
// cidcalc.Validate. Before, any decodable CIDv0/v1 passed (dag-cbor, identity or blake2b
// hashes), naming images no node could hold.
func TestValidateCIDIsTheStoreRule(t *testing.T) {
	accepted := []string{
		cidOf(t, 0, cid.DagProtobuf, mh.SHA2_256, "image"),
		cidOf(t, 1, cid.DagProtobuf, mh.SHA2_256, "image"),
		cidOf(t, 1, cid.Raw, mh.SHA2_256, "image"),
		"bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy",
	}
	rejected := map[string]string{
		"dag-cbor":      cidOf(t, 1, cid.DagCBOR, mh.SHA2_256, "image"),
		"dag-json":      cidOf(t, 1, cid.DagJSON, mh.SHA2_256, "image"),
		"identity hash": cidOf(t, 1, cid.Raw, mh.IDENTITY, "inline data"),
		"blake2b-256":   cidOf(t, 1, cid.Raw, mh.BLAKE2B_MIN+31, "image"),
		"sha2-512":      cidOf(t, 1, cid.Raw, mh.SHA2_512, "image"),
		"empty":         "",
		"padded":        " " + cidOf(t, 1, cid.Raw, mh.SHA2_256, "image"),
		"garbage":       "not-a-cid",
		"too long":      "b" + string(make([]byte, cidcalc.MaxCIDLength)),
	}
	for _, c := range accepted {
		if err := types.ValidateCID(c); err != nil {
			t.Errorf("%s: %v", c, err)
		}
		if err := cidcalc.Validate(c); err != nil {
			t.Errorf("store rejects %s: %v", c, err)
		}
	}
	for name, c := range rejected {
		if err := types.ValidateCID(c); !types.ErrInvalidCID.Is(err) {
			t.Errorf("%s (%q): want ErrInvalidCID, got %v", name, c, err)
		}
		if cidcalc.Validate(c) == nil {
			t.Errorf("%s: the store accepts what the module rejects", name)
		}
	}
}
