package statevec

// Strided kernels: `blocks` blocks, block b starting at off + b*step, each
// holding n amplitudes (or n pairs x = a[base+j], y = a[base+d+j]). On amd64
// with AVX (or AVX-512) they run in assembly that does, lane by lane,
// exactly the rounded multiplies and adds of the Go loops below (no FMA), so
// all give the same bits; the golden tests run every path
// (scripts/test-determinism.sh), and TestKernelsMatchGo compares them
// directly.

// span returns the index one past the last amplitude a strided call touches.
func span(off, n, step, blocks int) int { return off + (blocks-1)*step + n }

// kernRuns applies the complex 2x2 m to the pairs (a[b+j], a[b+d+j]).
func kernRuns(a []complex128, off, d, n, step, blocks int, m *mat) {
	if n <= 0 || blocks <= 0 {
		return
	}
	_ = a[span(off+d, n, step, blocks)-1]
	// qubit 0 (adjacent pairs, n = 1) has its own loop in the AVX kernel
	if useAVX512 && n > 1 {
		kernAVX512(&a[off], &a[off+d], n, step, blocks, m)
		return
	}
	if useAVX {
		kernAVX(&a[off], &a[off+d], n, step, blocks, m)
		return
	}
	for b := off; blocks > 0; b, blocks = b+step, blocks-1 {
		kern(a[b:b+n], a[b+d:b+d+n], *m)
	}
}

// realKernRuns is kernRuns for a real matrix (imaginary parts ignored).
func realKernRuns(a []complex128, off, d, n, step, blocks int, m *mat) {
	if n <= 0 || blocks <= 0 {
		return
	}
	_ = a[span(off+d, n, step, blocks)-1]
	if useAVX512 {
		realKernAVX512(&a[off], &a[off+d], n, step, blocks, m)
		return
	}
	if useAVX {
		realKernAVX(&a[off], &a[off+d], n, step, blocks, m)
		return
	}
	for b := off; blocks > 0; b, blocks = b+step, blocks-1 {
		realKern(a[b:b+n], a[b+d:b+d+n], *m)
	}
}

// scaleRuns multiplies the amplitudes of every block by r + i*im.
func scaleRuns(a []complex128, off, n, step, blocks int, r, im float64) {
	if n <= 0 || blocks <= 0 {
		return
	}
	_ = a[span(off, n, step, blocks)-1]
	if useAVX512 {
		scaleAVX512(&a[off], n, step, blocks, r, im)
		return
	}
	if useAVX {
		scaleAVX(&a[off], n, step, blocks, r, im)
		return
	}
	for b := off; blocks > 0; b, blocks = b+step, blocks-1 {
		scale(a[b:b+n], r, im)
	}
}

func kern(x, y []complex128, m mat) {
	y = y[:len(x)]
	for i := range x {
		xr, xi := real(x[i]), imag(x[i])
		yr, yi := real(y[i]), imag(y[i])
		x[i] = complex(float64(m.ar*xr)-float64(m.ai*xi)+float64(m.br*yr)-float64(m.bi*yi),
			float64(m.ar*xi)+float64(m.ai*xr)+float64(m.br*yi)+float64(m.bi*yr))
		y[i] = complex(float64(m.cr*xr)-float64(m.ci*xi)+float64(m.dr*yr)-float64(m.di*yi),
			float64(m.cr*xi)+float64(m.ci*xr)+float64(m.dr*yi)+float64(m.di*yr))
	}
}

// realKern is the kernel for real matrices (H, RY, fused real products):
// half the multiplications of the complex kernel.
func realKern(x, y []complex128, m mat) {
	y = y[:len(x)]
	for i := range x {
		xr, xi := real(x[i]), imag(x[i])
		yr, yi := real(y[i]), imag(y[i])
		x[i] = complex(float64(m.ar*xr)+float64(m.br*yr), float64(m.ar*xi)+float64(m.br*yi))
		y[i] = complex(float64(m.cr*xr)+float64(m.dr*yr), float64(m.cr*xi)+float64(m.dr*yi))
	}
}

func scale(x []complex128, r, i float64) {
	for k := range x {
		xr, xi := real(x[k]), imag(x[k])
		x[k] = complex(float64(r*xr)-float64(i*xi), float64(r*xi)+float64(i*xr))
	}
}

// mulRuns multiplies a element-wise by t: a[i] = a[i] * t[i].
func mulRuns(a, t []complex128) {
	t = t[:len(a)]
	if useAVX512 && len(a) > 0 {
		mulAVX512(&a[0], &t[0], len(a))
		return
	}
	if useAVX && len(a) > 0 {
		mulAVX(&a[0], &t[0], len(a))
		return
	}
	mul(a, t)
}

func mul(a, t []complex128) {
	t = t[:len(a)]
	for i := range a {
		ar, ai := real(a[i]), imag(a[i])
		tr, ti := real(t[i]), imag(t[i])
		a[i] = complex(float64(ar*tr)-float64(ai*ti), float64(ai*tr)+float64(ar*ti))
	}
}
