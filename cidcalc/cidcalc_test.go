package cidcalc_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"

	"github.com/novacron/novacron/cidcalc"
	"github.com/novacron/novacron/internal/testgen"
)

// Expected CIDs were produced by kubo v0.43.1 `ipfs add --only-hash -Q
// [--cid-version 1]` (TestKuboInteropCIDs re-checks them against kubo).
var vectors = map[string][2]string{
	"0B":             {"QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"},
	"1B":             {"QmSbbboE828et92njeTGv8Hd2sp7u7F6hwjGg6BofoRMfQ", "bafkreibquw72ldqsrl46ljevk4s5rljg2tkxjjjxwwfx3rwtk6wk2v4foi"},
	"262143B":        {"QmZXuHKDxamNxgHxu1grAJGzcChRfXm5bwW7NL7h7h7H1f", "bafkreidxufcwqzo7fntidnuij473euq2vrklwdf4qjrnyh3rc3ourmrfba"},
	"262144B":        {"QmfDy7rdN3eSUC2w1QU7KJLwdSVidiB1bYQDfR4rBqWk4R", "bafkreicorq3s72u45x45rddl2tsi52zyxhyq5dztd3a6egipwtroewo2yy"},
	"262145B":        {"QmYMJrCZcWZRkmxyMqqJSRv2w1hCwHXwBLBBiWQD6ZYtoW", "bafybeifj4ex6elkdihn7vohk4dxlovcd2qk3fql6fv7f6abeunplnyxuki"},
	"45613056B":      {"QmRroVoYF5Lv42M5dMS2xYTUD514rhdrxLRBGoKqc2Veqe", "bafybeicwluldnjkx3ryo33a6lta6kaii23budhbptegtdl44xzzpetg46a"},
	"45613057B":      {"Qmd8Ev57XYnseNNsiwvpjUSYZYfipLAcMsUK2YUpxon78M", "bafybeifypco4t2ugcuzbt2fffanxdb6oqfgybmnd2cqaj3ljaka7xrufwi"},
	"100MiB":         {"QmSFWA6Quium7wSMt9oqGaRuHDnomURD4ne5sWKJ8Euf5C", "bafybeibmwxjlvdpqxmpulix5kqe5akknciecrcz7jjxlqu4mwmhfd5xq2e"},
	"random3141593B": {"QmSJx7gu42xavgCZyszTxfnPqYHT9xLGgq3dhjBZwCNwaB", "bafybeifgtvfwbnkg4qj5zc6zpjpg3fdwzrl2lhyu5pbmnwsiuzwr6pmbru"},
}

func TestVectors(t *testing.T) {
	for _, tc := range testgen.Cases {
		want, ok := vectors[tc.Name]
		if !ok {
			t.Fatalf("no vector for %s", tc.Name)
		}
		for i, p := range []cidcalc.Profile{cidcalc.KuboV0, cidcalc.KuboV1} {
			got, err := cidcalc.Compute(testgen.Reader(tc.Seed, tc.Size), p)
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != want[i] {
				t.Errorf("%s %s: got %s want %s", tc.Name, p.Name, got, want[i])
			}
		}
	}
}

func TestBytesHelpers(t *testing.T) {
	b := testgen.Bytes(testgen.Seed, 262145)
	v0, err := cidcalc.CIDv0(b)
	if err != nil || v0.String() != vectors["262145B"][0] {
		t.Fatalf("CIDv0 = %s, %v", v0, err)
	}
	v1, err := cidcalc.CIDv1(b)
	if err != nil || v1.String() != vectors["262145B"][1] {
		t.Fatalf("CIDv1 = %s, %v", v1, err)
	}
	// Same bytes through a reader that returns short reads.
	c, err := cidcalc.Compute(&oneByteReader{bytes.NewReader(b)}, cidcalc.KuboV0)
	if err != nil || !c.Equals(v0) {
		t.Fatalf("short reads changed the CID: %s %v", c, err)
	}
}

type oneByteReader struct{ r *bytes.Reader }

func (o *oneByteReader) Read(p []byte) (int, error) { return o.r.Read(p[:min(len(p), 1)]) }

func TestReaderError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := cidcalc.Compute(&failingReader{n: 300000, err: boom}, cidcalc.KuboV0)
	if !errors.Is(err, boom) {
		t.Fatalf("want reader error, got %v", err)
	}
}

type failingReader struct {
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, f.err
	}
	n := min(len(p), f.n)
	f.n -= n
	return n, nil
}

func TestProfiles(t *testing.T) {
	if p, _ := cidcalc.ProfileForVersion(0); p != cidcalc.KuboV0 || p.ChunkSize != 262144 || p.MaxLinks != 174 || p.RawLeaves {
		t.Fatalf("v0 profile %+v", p)
	}
	if p, _ := cidcalc.ProfileForVersion(1); p.CIDVersion != 1 || p.ChunkSize != 262144 || p.MaxLinks != 174 || !p.RawLeaves {
		t.Fatalf("v1 profile %+v", p)
	}
	if _, err := cidcalc.ProfileForVersion(2); err == nil {
		t.Fatal("version 2 accepted")
	}
	if p, _ := cidcalc.ProfileByName("unixfs-v1-2025"); p.ChunkSize != 1<<20 || p.MaxLinks != 1024 {
		t.Fatalf("unixfs-v1-2025 %+v", p)
	}
	bad := cidcalc.KuboV0
	bad.RawLeaves = true
	if _, err := cidcalc.ComputeBytes(nil, bad); err == nil {
		t.Fatal("raw leaves with CIDv0 accepted")
	}
}

func TestParse(t *testing.T) {
	for _, ok := range []string{vectors["1B"][0], vectors["1B"][1], vectors["100MiB"][1]} {
		if _, err := cidcalc.Parse(ok); err != nil {
			t.Errorf("Parse(%s): %v", ok, err)
		}
	}
	idHash, _ := cid.V1Builder{Codec: cid.Raw, MhType: mh.IDENTITY}.Sum([]byte("inline"))
	dagCbor, _ := cid.V1Builder{Codec: cid.DagCBOR, MhType: mh.SHA2_256}.Sum([]byte("x"))
	blake, _ := cid.V1Builder{Codec: cid.Raw, MhType: mh.BLAKE3}.Sum([]byte("x"))
	bad := map[string]string{
		"":                               "empty",
		"hello":                          "hello",
		"Qm123":                          "Qm123",
		" " + vectors["1B"][0]:           "whitespace",
		vectors["1B"][0][:45]:            "Qm",
		strings.Repeat("b", 200):         "longer than",
		idHash.String():                  "not sha2-256",
		dagCbor.String():                 "not dag-pb or raw",
		blake.String():                   "not sha2-256",
		"zb2rhe5P4gXftAwvA4eXQ5HJwsER2o": "invalid CID",
	}
	for in, want := range bad {
		err := cidcalc.Validate(in)
		if err == nil || !errors.Is(err, cidcalc.ErrInvalidCID) || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate(%q) = %v, want error containing %q", in, err, want)
		}
	}
}
