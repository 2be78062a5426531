package cidcalc_test

import (
	"crypto/rand"
	"math/big"
	"testing"

	"github.com/novacron/novacron/cidcalc"
	"github.com/novacron/novacron/internal/testgen"
)

// TestKuboInteropCIDs compares our CIDs with `ipfs add --only-hash -Q` from
// real kubo for every vector, in both CID versions, plus a fresh random file.
func TestKuboInteropCIDs(t *testing.T) {
	k := testgen.NewKubo(t)
	n, _ := rand.Int(rand.Reader, big.NewInt(3<<20))
	cases := append(append([]testgen.Case{}, testgen.Cases...),
		testgen.Case{Name: "fresh-random", Seed: rand.Text(), Size: n.Int64()})
	for _, tc := range cases {
		for _, p := range []cidcalc.Profile{cidcalc.KuboV0, cidcalc.KuboV1} {
			args := []string{"add", "--only-hash", "-Q"}
			if p.CIDVersion == 1 {
				args = append(args, "--cid-version", "1")
			}
			want := k.Run(testgen.Reader(tc.Seed, tc.Size), args...)
			got, err := cidcalc.Compute(testgen.Reader(tc.Seed, tc.Size), p)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s %s kubo=%s", tc.Name, p.Name, want)
			if got.String() != want {
				t.Errorf("%s %s: got %s, kubo %s", tc.Name, p.Name, got, want)
			}
		}
	}
}
