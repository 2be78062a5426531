//go:build unix

package light

import (
	"fmt"
	"os"
	"syscall"
)

func runNode(path string, args []string) error {
	err := syscall.Exec(path, args, os.Environ())
	return fmt.Errorf("exec %s: %w", path, err)
}
