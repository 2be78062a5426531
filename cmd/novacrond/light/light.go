// Package light is the part of `novacrond` that needs no chain app: `version` and the
// off-chain tools (`quantum`, `orbit`, `artifacts`), and the hand-over of every other
// command to the node binary.
//
// Why a separate binary: Go runs the init of every linked package whatever the command,
// and the node links ~2,200 packages (cosmos-sdk, cometbft, gogoproto and protobuf
// registries, grpc, envoy, cloud storage, ...). Measured on the single binary (HEAD
// 224fac4): the inits alone take 50-80 ms and map 90-135 MiB of the 192 MB executable
// (RSS of `novacrond version` 92 MiB with the page cache in small folios, 134 MiB when
// freshly linked; the Go heap peaks at ~10 MiB, so GOGC/GOMEMLIMIT cannot help). The
// light commands link none of that: this package must not import the SDK's types, app
// or server packages (cmd/novacrond's test checks the dependency list).
package light

import (
	"context"

	cmtcli "github.com/cometbft/cometbft/libs/cli"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/version"

	artifactscli "github.com/novacron/novacron/app/artifacts/cli"
	"github.com/novacron/novacron/app/nodehome"
	orbitcli "github.com/novacron/novacron/x/orbit/engine/cli"
	quantumcli "github.com/novacron/novacron/x/quantumjob/engine/cli"
)

// commands are the top-level commands that need no app, codec or node config.
var commands = map[string]bool{"version": true, "quantum": true, "orbit": true, "artifacts": true}

// IsLightCommand reports whether the top-level command name runs on the light root (in the
// node binary, which has both trees).
func IsLightCommand(name string) bool { return commands[name] }

// Handles reports whether the shipped `novacrond` runs args (os.Args[1:]) itself rather than
// handing them to the node binary: the off-chain tools, and a bare `version`. `version` with
// flags (--long, -o) goes to the node, whose build information (Go version, build_deps)
// --long prints and which users mean when they ask for it.
func Handles(args []string) bool {
	if len(args) == 0 {
		return false
	}
	if args[0] == "version" {
		return len(args) == 1
	}
	return IsLightCommand(args[0])
}

// NewRootCmd is the command tree of the commands that need no app: version and the
// off-chain engine tools. Building it costs no app, codecs or module manager.
func NewRootCmd() *cobra.Command {
	rootCmd := &cobra.Command{
		Use:           "novacrond",
		Short:         "NovaCron: the control-plane chain of a planetary-scale VM platform",
		SilenceErrors: true,
	}
	rootCmd.AddCommand(version.NewVersionCommand())
	AddEngineCommands(rootCmd)
	return rootCmd
}

// AddEngineCommands adds the off-chain engine tools: the same deterministic engines the
// validators run, usable locally without a node.
func AddEngineCommands(rootCmd *cobra.Command) {
	for _, c := range []*cobra.Command{quantumcli.NewQuantumCmd(), orbitcli.NewOrbitCmd()} {
		// Engine tools need no node home, config or keyring: skip the root's config loading.
		c.PersistentPreRunE = func(*cobra.Command, []string) error { return nil }
		rootCmd.AddCommand(c)
	}
	// The artifacts CLI talks to the running node's local API (or works offline for
	// --only-hash); it has its own --home and does not need the root's config loading.
	artifactscli.DefaultNodeHome = nodehome.Default()
	ac := artifactscli.NewArtifactsCmd()
	ac.PersistentPreRunE = func(*cobra.Command, []string) error { return nil }
	rootCmd.AddCommand(ac)
}

// Flags the SDK's server/cmd.Execute adds to every root (same names, defaults and help as
// cosmos-sdk v0.54 client/flags and zerolog's level names; light_test.go compares the help
// output of both).
const (
	flagLogLevel        = "log_level"
	flagLogFormat       = "log_format"
	flagLogNoColor      = "log_no_color"
	flagVerboseLogLevel = "verbose_log_level"
)

// Execute runs rootCmd as the SDK's server/cmd.Execute(rootCmd, "", nodehome.Default())
// does (the log flags, CometBFT's --home and --trace, the viper binding of flags), without
// linking the SDK server. The server and client contexts that Execute puts in the command
// context are left out: no light command reads them.
func Execute(rootCmd *cobra.Command) error {
	rootCmd.PersistentFlags().String(flagLogLevel, "info", "The logging level (trace|debug|info|warn|error|fatal|panic|disabled or '*:<level>,<key>:<level>')")
	rootCmd.PersistentFlags().String(flagLogFormat, "plain", "The logging format (json|plain)")
	rootCmd.PersistentFlags().Bool(flagLogNoColor, false, "Disable colored logs")
	rootCmd.PersistentFlags().String(flagVerboseLogLevel, "debug", "The logging level (trace|debug|info|warn|error|fatal|panic|disabled|none) to use when performing operations which require extra verbosity (such as upgrades). When enabled, verbose mode disables any custom log filters. Set this to none to make verbose mode equivalent to normal logging.")
	executor := cmtcli.PrepareBaseCmd(rootCmd, "", nodehome.Default())
	return executor.ExecuteContext(context.Background())
}
