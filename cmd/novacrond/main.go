// Command novacrond is the NovaCron node and CLI, as users run it.
//
// It is two executables behind one command. This one (the shipped `novacrond`) links only
// what needs no chain app and runs it in-process: `version` and the off-chain tools
// `quantum`, `orbit` and `artifacts` (package light). Every other command (start, init,
// keys, genesis, tx, query, host-agent, help, completion, ...) is handed with its arguments
// unchanged, by execve, to novacrond-node next to it (./novacrond-node, the full command
// tree), so the CLI is the same. The split is for start-up cost: Go initialises every linked
// package whatever the command, and the node's ~2,200 packages cost 50-80 ms and 90-135 MiB
// of RSS before main runs (see package light); this binary starts in a few ms and ~15 MiB.
package main

import (
	"fmt"
	"os"

	"github.com/novacron/novacron/cmd/novacrond/light"
)

func main() {
	if light.Handles(os.Args[1:]) {
		rootCmd := light.NewRootCmd()
		if err := light.Execute(rootCmd); err != nil {
			fmt.Fprintln(rootCmd.ErrOrStderr(), "Error:", err)
			os.Exit(1)
		}
		return
	}
	err := light.RunNode(os.Args) // returns only if the node binary could not be started
	fmt.Fprintln(os.Stderr, "Error:", err)
	os.Exit(1)
}
