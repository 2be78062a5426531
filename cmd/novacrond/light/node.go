package light

import (
	"fmt"
	"os"
	"path/filepath"
)

// NodeBinaryName is the node binary: the whole command tree (node, keys, genesis, tx, query,
// host-agent, ... and the light commands too). `make build` writes it next to
// build/novacrond, `make install` (go install ./cmd/novacrond ./cmd/novacrond/novacrond-node)
// next to novacrond in GOBIN.
const NodeBinaryName = "novacrond-node"

// NodeBinaryEnv, when set, is the path of the node binary (packagers who keep it elsewhere).
const NodeBinaryEnv = "NOVACROND_NODE_BINARY"

// NodeBinary is the node binary `novacrond` hands its other commands to: $NOVACROND_NODE_BINARY,
// else novacrond-node in the directory of the running executable (symlinks resolved). There
// is deliberately no $PATH search: a node binary from another build must not answer for
// this one.
func NodeBinary() (string, error) {
	if p := os.Getenv(NodeBinaryEnv); p != "" {
		return p, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("locating %s: %w", NodeBinaryName, err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	p := filepath.Join(filepath.Dir(exe), NodeBinaryName)
	if st, err := os.Stat(p); err != nil || st.IsDir() {
		return "", fmt.Errorf("this command needs the node binary %s next to %s (make build and make install put both there; or set $%s)",
			NodeBinaryName, exe, NodeBinaryEnv)
	}
	return p, nil
}

// RunNode hands args (the whole os.Args, argv[0] included) to the node binary and does not
// return unless that fails. On Unix it is execve: the same process (pid, signals, stdin,
// stdout, exit status all belong to the node, so `novacrond start &` then `kill $!` still
// stops the node) and argv[0] kept, so ps shows the command the user typed.
func RunNode(args []string) error {
	p, err := NodeBinary()
	if err != nil {
		return err
	}
	return runNode(p, args)
}
