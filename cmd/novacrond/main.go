// Command novacrond is the NovaCron node and CLI.
package main

import (
	"fmt"
	"os"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	"github.com/spf13/cobra"

	"github.com/novacron/novacron/app"
	"github.com/novacron/novacron/cmd/novacrond/cmd"
)

func main() {
	var rootCmd *cobra.Command
	if len(os.Args) > 1 && cmd.IsLightCommand(os.Args[1]) {
		// version and the off-chain tools need no app: skip building one (most of the
		// start-up time and memory of every other command)
		rootCmd = cmd.NewLightRootCmd()
	} else {
		rootCmd = cmd.NewRootCmd()
	}
	if err := svrcmd.Execute(rootCmd, "", app.DefaultNodeHome); err != nil {
		fmt.Fprintln(rootCmd.ErrOrStderr(), "Error:", err)
		os.Exit(1)
	}
}
