//go:build !unix

package light

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// runNode without execve: the node runs as a child with our stdio, and its exit status
// becomes ours.
func runNode(path string, args []string) error {
	c := exec.Command(path, args[1:]...)
	c.Stdin, c.Stdout, c.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := c.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		os.Exit(exit.ExitCode())
	}
	if err != nil {
		return fmt.Errorf("running %s: %w", path, err)
	}
	os.Exit(0)
	return nil
}
