package engine

import (
	"fmt"
	"testing"
)

// BenchmarkCheckpointRecords: hashing n mirrored VM records and their Merkle root.
func BenchmarkCheckpointRecords(b *testing.B) {
	for _, n := range []int{1_000, 10_000} {
		recs := make([]Record, n)
		for i := range recs {
			recs[i] = Record{Module: ModuleVMLifecycle, ID: uint64(i + 1), Data: VMRecordData(3, fmt.Sprintf("host-%d", i%500), "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", uint64(i))}
		}
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ls := make([][32]byte, len(recs))
				for i, r := range recs {
					ls[i] = r.Hash()
				}
				_ = MerkleRoot(ls)
			}
		})
	}
}

// BenchmarkAggregateSignatures: recovering and checking n validators' checkpoint signatures.
func BenchmarkAggregateSignatures(b *testing.B) {
	for _, n := range []int{21, 100} {
		digest := Keccak256([]byte("checkpoint"))
		sigs := make([]Sig, n)
		for i := range sigs {
			sigs[i] = Sign(key(byte(i+1)), digest)
		}
		b.Run(fmt.Sprintf("validators=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, s := range sigs {
					if _, err := Recover(digest, s); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
