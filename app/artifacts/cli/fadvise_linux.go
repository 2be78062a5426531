package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// adviseSequential tells the kernel f is read front to back (pread by
// several workers at increasing offsets), for a bigger read-ahead window on
// a cold page cache. Advisory only, so its error is irrelevant.
func adviseSequential(f *os.File) {
	_ = unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_SEQUENTIAL)
}
