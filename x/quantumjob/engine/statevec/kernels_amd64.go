//go:build amd64 && !purego

package statevec

import (
	"os"

	"golang.org/x/sys/cpu"
)

// useAVX selects the assembly kernels (same bits as the Go loops, 2
// amplitudes per instruction); useAVX512 their AVX-512 versions (4 per
// instruction, same bits again). NOVACRON_NO_AVX512=1 keeps the AVX ones,
// so the determinism check can run both on one machine.
var (
	useAVX    = cpu.X86.HasAVX
	useAVX512 = useAVX && cpu.X86.HasAVX512F && os.Getenv("NOVACRON_NO_AVX512") == "" // determinism-ok: speed only, same bits
)

//go:noescape
func kernAVX(x, y *complex128, n, step, blocks int, m *mat)

//go:noescape
func realKernAVX(x, y *complex128, n, step, blocks int, m *mat)

//go:noescape
func scaleAVX(x *complex128, n, step, blocks int, r, i float64)

//go:noescape
func mulAVX(a, t *complex128, n int)

//go:noescape
func realKernAVX512(x, y *complex128, n, step, blocks int, m *mat)

//go:noescape
func scaleAVX512(x *complex128, n, step, blocks int, r, i float64)

//go:noescape
func mulAVX512(a, t *complex128, n int)

//go:noescape
func kernAVX512(x, y *complex128, n, step, blocks int, m *mat)
