// Package testgen produces deterministic pseudo-random test content, so unit
// tests, kubo interop tests and benchmarks hash exactly the same bytes.
package testgen

import (
	"crypto/sha256"
	"io"
	"math/rand/v2"
)

// Reader streams n bytes derived from seed (ChaCha8); O(1) memory.
func Reader(seed string, n int64) io.Reader {
	key := sha256.Sum256([]byte(seed))
	return io.LimitReader(rand.NewChaCha8(key), n)
}

// Bytes returns the same content as Reader.
func Bytes(seed string, n int64) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(Reader(seed, n), b); err != nil {
		panic(err)
	}
	return b
}

// Case is a pinned CID vector: content = Reader(Seed, Size).
type Case struct {
	Name string
	Seed string
	Size int64
}

// Seed is the content seed of the sized vectors.
const Seed = "novacron/artifacts/cid-vectors/v1"

// Cases are the sizes the issue asks for: empty, one byte, around the
// 256 KiB chunk boundary, exactly 174 chunks (first layer boundary),
// 100 MiB, and an odd-sized file from another seed.
var Cases = []Case{
	{"0B", Seed, 0},
	{"1B", Seed, 1},
	{"262143B", Seed, 262143},
	{"262144B", Seed, 262144},
	{"262145B", Seed, 262145},
	{"45613056B", Seed, 45613056},
	{"45613057B", Seed, 45613057},
	{"100MiB", Seed, 100 << 20},
	{"random3141593B", "novacron/artifacts/random/v1", 3141593},
}
