package cmd

import (
	"github.com/spf13/cobra"

	"github.com/novacron/novacron/cmd/novacrond/light"
)

// addEngineCommands adds the off-chain engine tools (quantum, orbit, artifacts): the same
// commands the light `novacrond` runs itself.
func addEngineCommands(rootCmd *cobra.Command) { light.AddEngineCommands(rootCmd) }
