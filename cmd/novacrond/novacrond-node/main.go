// Command novacrond-node is the whole NovaCron command tree: the node (start, init, keys,
// genesis, tx, query, host-agent, ...) and the light commands. Users run it as `novacrond`,
// which hands it every command it does not run itself (see cmd/novacrond); it is installed
// next to novacrond by `make build` and `make install`.
package main

import (
	"fmt"
	"os"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	"github.com/spf13/cobra"

	"github.com/novacron/novacron/app"
	"github.com/novacron/novacron/cmd/novacrond/cmd"
	"github.com/novacron/novacron/cmd/novacrond/light"
)

func main() {
	var rootCmd *cobra.Command
	if len(os.Args) > 1 && light.IsLightCommand(os.Args[1]) {
		// version (with flags, from novacrond) and the off-chain tools need no app: skip
		// building one (most of the remaining start-up time and memory)
		rootCmd = light.NewRootCmd()
	} else {
		rootCmd = cmd.NewRootCmd()
	}
	if err := svrcmd.Execute(rootCmd, "", app.DefaultNodeHome); err != nil {
		fmt.Fprintln(rootCmd.ErrOrStderr(), "Error:", err)
		os.Exit(1)
	}
}
