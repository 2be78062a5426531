// Package cmd builds the novacrond command tree: node commands, keys, genesis, tx and query
// (autocli for every module), and the off-chain engine tools.
package cmd

import (
	"os"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/spf13/cobra"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/config"
	"github.com/cosmos/cosmos-sdk/client/flags"
	nodeservice "github.com/cosmos/cosmos-sdk/client/grpc/node"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	"github.com/cosmos/cosmos-sdk/x/auth/tx"
	authtxconfig "github.com/cosmos/cosmos-sdk/x/auth/tx/config"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/novacron/novacron/app"
)

// NewRootCmd creates the root command of novacrond.
func NewRootCmd() *cobra.Command {
	app.SetConfig()
	// A throwaway in-memory app yields the codecs and module list the CLI needs.
	tempApp := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, appOptions{flags.FlagHome: tempHome()})

	initClientCtx := client.Context{}.
		WithCodec(tempApp.AppCodec()).
		WithInterfaceRegistry(tempApp.InterfaceRegistry()).
		WithTxConfig(app.InjectedAwareTxConfig(tempApp.TxConfig())).
		WithLegacyAmino(tempApp.LegacyAmino()).
		WithInput(os.Stdin).
		WithAccountRetriever(authtypes.AccountRetriever{}).
		WithHomeDir(app.DefaultNodeHome).
		WithViper("NOVACRON")

	rootCmd := &cobra.Command{
		Use:           "novacrond",
		Short:         "NovaCron: the control-plane chain of a planetary-scale VM platform",
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SetOut(cmd.OutOrStdout())
			cmd.SetErr(cmd.ErrOrStderr())

			initClientCtx = initClientCtx.WithCmdContext(cmd.Context())
			clientCtx, err := client.ReadPersistentCommandFlags(initClientCtx, cmd.Flags())
			if err != nil {
				return err
			}
			clientCtx, err = config.ReadFromClientConfig(clientCtx)
			if err != nil {
				return err
			}
			// SIGN_MODE_TEXTUAL needs a node to look up coin metadata, so only online.
			if !clientCtx.Offline {
				txConfig, err := tx.NewTxConfigWithOptions(clientCtx.Codec, tx.ConfigOptions{
					EnabledSignModes:           append(tx.DefaultSignModes, signing.SignMode_SIGN_MODE_TEXTUAL),
					TextualCoinMetadataQueryFn: authtxconfig.NewGRPCCoinMetadataQueryFn(clientCtx),
				})
				if err != nil {
					return err
				}
				clientCtx = clientCtx.WithTxConfig(app.InjectedAwareTxConfig(txConfig))
			}
			if err := client.SetCmdClientContextHandler(clientCtx, cmd); err != nil {
				return err
			}
			appTemplate, appConfig := initAppConfig()
			return server.InterceptConfigsPreRunHandler(cmd, appTemplate, appConfig, initCometBFTConfig())
		},
	}

	initRootCmd(rootCmd, tempApp)

	autoCliOpts := tempApp.AutoCliOpts()
	autoCliOpts.ClientCtx = initClientCtx
	nodeCmds := nodeservice.NewNodeCommands()
	autoCliOpts.ModuleOptions[nodeCmds.Name()] = nodeCmds.AutoCLIOptions()
	if err := autoCliOpts.EnhanceRootCommand(rootCmd); err != nil {
		panic(err)
	}
	return rootCmd
}

// appOptions is the throwaway app's options (only --home), as the SDK's testutil/sims
// AppOptionsMap, which production code should not import.
type appOptions map[string]any

func (o appOptions) Get(key string) any { return o[key] }

// tempHome is a scratch home for the throwaway app, so building the CLI never touches a real node home.
func tempHome() string {
	dir, err := os.MkdirTemp("", "novacrond-cli")
	if err != nil {
		return os.TempDir()
	}
	defer os.RemoveAll(dir)
	return dir
}
