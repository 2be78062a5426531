package cidcalc_test

import (
	"io"
	"testing"

	"github.com/novacron/novacron/cidcalc"
	"github.com/novacron/novacron/internal/testgen"
)

// benchSize is large enough for two tree layers (> 174 chunks).
const benchSize = 64 << 20

func benchCompute(b *testing.B, p cidcalc.Profile) {
	data := testgen.Bytes("bench", benchSize)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cidcalc.ComputeBytes(data, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkComputeV0(b *testing.B)           { benchCompute(b, cidcalc.KuboV0) }
func BenchmarkComputeV1(b *testing.B)           { benchCompute(b, cidcalc.KuboV1) }
func BenchmarkComputeUnixFSV12025(b *testing.B) { benchCompute(b, cidcalc.UnixFSV1_2025) }

// BenchmarkComputeSmall is the keeper case: a few KiB of engine output.
func BenchmarkComputeSmall(b *testing.B) {
	data := testgen.Bytes("small", 4096)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cidcalc.CIDv0(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkComputeStream includes producing the bytes (no 64 MiB buffer).
func BenchmarkComputeStream(b *testing.B) {
	b.SetBytes(benchSize)
	for b.Loop() {
		if _, err := cidcalc.Compute(io.LimitReader(zeros{}, benchSize), cidcalc.KuboV0); err != nil {
			b.Fatal(err)
		}
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
