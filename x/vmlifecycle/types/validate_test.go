package types_test

import (
	"errors"
	"strings"
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

func TestValidateHealthEndpoint(t *testing.T) {
	long := "http://a.example:1/" + strings.Repeat("p", types.MaxHealthEndpointLen-len("http://a.example:1/"))
	accepted := []string{
		"", // not probed
		"http://127.0.0.1:26680",
		"http://127.0.0.1:26680/",
		"https://agent.example.com:8443/novacron",
		"http://[::1]:9100",
		"http://[2001:db8::7]:65535/x",
		"http://host-1.local:1",
		long,
	}
	for _, s := range accepted {
		if err := types.ValidateHealthEndpoint(s); err != nil {
			t.Errorf("%q rejected: %v", s, err)
		}
	}
	rejected := []string{
		long + "p",                    // 257 bytes
		"127.0.0.1:26680",             // no scheme
		"ftp://127.0.0.1:21",          // scheme
		"HTTP://127.0.0.1:80",         // scheme is lowercase
		"http://",                     // nothing
		"http://127.0.0.1",            // no port
		"http://:80",                  // no host
		"http://127.0.0.1:0",          // port 0
		"http://127.0.0.1:65536",      // port range
		"http://127.0.0.1:80a",        // port digits
		"http://127.0.0.1:123456",     // port length
		"http://user:pw@127.0.0.1:80", // user info
		"http://127.0.0.1:80/?x=1",    // query
		"http://127.0.0.1:80/#f",      // fragment
		"http://127.0.0.1:80/a b",     // space
		"http://127.0.0.1:80/\x00",    // control
		"http://héllo:80",             // non-ASCII
		"http://::1:80",               // unbracketed IPv6
		"http://[::1]",                // bracketed without port
		"http://[::1%eth0]:80",        // zone
		"http://[]:80",                // empty literal
		"http://host_name:80",         // underscore
		"http:/127.0.0.1:80",          // one slash
		"https//127.0.0.1:80",         // no colon
	}
	for _, s := range rejected {
		err := types.ValidateHealthEndpoint(s)
		if err == nil {
			t.Errorf("%q accepted", s)
			continue
		}
		if !errors.Is(err, types.ErrInvalidHost) {
			t.Errorf("%q: %v is not ErrInvalidHost", s, err)
		}
	}
}
