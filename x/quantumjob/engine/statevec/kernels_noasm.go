//go:build !amd64 || purego

package statevec

var useAVX, useAVX512 = false, false

func kernAVX(x, y *complex128, n, step, blocks int, m *mat)        { panic("no assembly kernels") }
func realKernAVX(x, y *complex128, n, step, blocks int, m *mat)    { panic("no assembly kernels") }
func scaleAVX(x *complex128, n, step, blocks int, r, i float64)    { panic("no assembly kernels") }
func mulAVX(a, t *complex128, n int)                               { panic("no assembly kernels") }
func realKernAVX512(x, y *complex128, n, step, blocks int, m *mat) { panic("no assembly kernels") }
func scaleAVX512(x *complex128, n, step, blocks int, r, i float64) { panic("no assembly kernels") }
func mulAVX512(a, t *complex128, n int)                            { panic("no assembly kernels") }
func kernAVX512(x, y *complex128, n, step, blocks int, m *mat)     { panic("no assembly kernels") }
