package cmd

import (
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/version"

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

// lightCommands are the top-level commands that need no app, codec or node config.
var lightCommands = map[string]bool{"version": true, "quantum": true, "orbit": true, "artifacts": true}

// IsLightCommand reports whether the top-level command name runs on the light root.
func IsLightCommand(name string) bool { return lightCommands[name] }

// NewLightRootCmd is the command tree of the commands that need no app: version and the
// off-chain engine tools. Building it costs no throwaway app, codecs or module manager.
func NewLightRootCmd() *cobra.Command {
	app.SetConfig()
	rootCmd := &cobra.Command{
		Use:           "novacrond",
		Short:         "NovaCron: the control-plane chain of a planetary-scale VM platform",
		SilenceErrors: true,
	}
	rootCmd.AddCommand(version.NewVersionCommand())
	addEngineCommands(rootCmd)
	return rootCmd
}
