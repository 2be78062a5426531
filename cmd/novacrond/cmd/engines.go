package cmd

import "github.com/spf13/cobra"

// addEngineCommands adds the off-chain engine tools (quantum, orbit, artifacts).
func addEngineCommands(rootCmd *cobra.Command) {}
