package keeper_test

import (
	"fmt"
	"testing"
)

// The IndexedMaps (keeper/indexes.go) took over hand-kept index key sets under the same prefixes
// and key layouts, so stores needed no migration. These are the hashes of the whole module store
// after the random runs as the hand-kept indexes wrote it (commit 224fac4, consensus version 2): a
// change to any key or value layout changes them, and then needs a store migration and a new
// consensus version.
func TestStoreLayoutUnchanged(t *testing.T) {
	want := map[uint64]string{
		1: "7d2f77d39dcd34ba7f80117e10820e4d43647cc26982a28a6b1ef6017e39fe57",
		2: "24eb5bc8862179315fc0dfdcfd9cbb9b112442144e5a8684732b9fcc8fce0cb8",
	}
	for seed := uint64(1); seed <= 2; seed++ {
		f := newFixture(t)
		f.setPruning(8, 2)
		randomOps(t, f, seed, 150)
		if got := fmt.Sprintf("%x", f.storeHash()); got != want[seed] {
			t.Errorf("seed %d: store hash %s, want %s", seed, got, want[seed])
		}
	}
}
