package cmd

import (
	"github.com/spf13/cobra"

	"github.com/novacron/novacron/app"
	artifactscli "github.com/novacron/novacron/app/artifacts/cli"
	orbitcli "github.com/novacron/novacron/x/orbit/engine/cli"
	quantumcli "github.com/novacron/novacron/x/quantumjob/engine/cli"
)

// addEngineCommands adds the off-chain engine tools: the same deterministic engines the
// validators run, usable locally without a node.
func addEngineCommands(rootCmd *cobra.Command) {
	for _, c := range []*cobra.Command{quantumcli.NewQuantumCmd(), orbitcli.NewOrbitCmd()} {
		// Engine tools need no node home, config or keyring: skip the root's config loading.
		c.PersistentPreRunE = func(*cobra.Command, []string) error { return nil }
		rootCmd.AddCommand(c)
	}
	// The artifacts CLI talks to the running node's local API (or works offline for
	// --only-hash); it has its own --home and does not need the root's config loading.
	artifactscli.DefaultNodeHome = app.DefaultNodeHome
	ac := artifactscli.NewArtifactsCmd()
	ac.PersistentPreRunE = func(*cobra.Command, []string) error { return nil }
	rootCmd.AddCommand(ac)
}
