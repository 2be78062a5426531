//go:build amd64 && !purego

package statevec

import "golang.org/x/sys/cpu"

// useAVX selects the assembly kernels (same bits as the Go loops, 2
// amplitudes per instruction).
var useAVX = cpu.X86.HasAVX

//go:noescape
func kernAVX(x, y *complex128, n, step, blocks int, m *mat)

//go:noescape
func realKernAVX(x, y *complex128, n, step, blocks int, m *mat)

//go:noescape
func scaleAVX(x *complex128, n, step, blocks int, r, i float64)

//go:noescape
func mulAVX(a, t *complex128, n int)
