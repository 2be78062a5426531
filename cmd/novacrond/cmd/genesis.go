package cmd

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/novacron/novacron/app"
	validatorsettypes "github.com/novacron/novacron/x/validatorset/types"
)

const flagNote = "note"

// AllowOperatorCmd seeds the validator allowlist in genesis.json with an operator given as a
// novavaloper address or as the name of a key in the keyring.
func AllowOperatorCmd(defaultHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "allow-operator [novavaloper-address|key-name]",
		Short: "Add a validator operator to the genesis allowlist of x/validatorset",
		Long: `Add a validator operator to the genesis allowlist. Only allowlisted operators can create
validators (gentx included) or receive delegations; after genesis the list changes only by
governance (MsgAddValidator / MsgRemoveValidator).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			cfg := server.GetServerContextFromCmd(cmd).Config
			cfg.SetRoot(clientCtx.HomeDir)

			op, err := resolveOperator(clientCtx, args[0])
			if err != nil {
				return err
			}
			note, _ := cmd.Flags().GetString(flagNote)
			return editGenesis(cfg.GenesisFile(), func(appState map[string]json.RawMessage, _ *genutiltypes.AppGenesis) error {
				var gs validatorsettypes.GenesisState
				if bz := appState[validatorsettypes.ModuleName]; bz != nil {
					if err := clientCtx.Codec.UnmarshalJSON(bz, &gs); err != nil {
						return fmt.Errorf("genesis %s: %w", validatorsettypes.ModuleName, err)
					}
				}
				for _, existing := range gs.Operators {
					if existing.OperatorAddress == op {
						return validatorsettypes.ErrAlreadyAllowlisted.Wrap(op)
					}
				}
				gs.Operators = append(gs.Operators, validatorsettypes.AllowedOperator{OperatorAddress: op, Note: note})
				if err := gs.Validate(clientCtx.TxConfig.SigningContext().ValidatorAddressCodec()); err != nil {
					return err
				}
				bz, err := clientCtx.Codec.MarshalJSON(&gs)
				if err != nil {
					return err
				}
				appState[validatorsettypes.ModuleName] = bz
				return nil
			})
		},
	}
	cmd.Flags().String(flagNote, "", "free-form description of the operator")
	cmd.Flags().String(flags.FlagHome, defaultHome, "The application home directory")
	cmd.Flags().String(flags.FlagKeyringBackend, flags.DefaultKeyringBackend, "Select keyring's backend (os|file|kwallet|pass|test)")
	return cmd
}

// withBlockGasLimit makes `novacrond init` write a block gas limit (consensus.params.block.
// max_gas = app.DefaultBlockMaxGas) instead of CometBFT's -1 (unlimited): without one a single
// block may carry any number of metered jobs, and the block's work has no bound.
func withBlockGasLimit(init *cobra.Command) *cobra.Command {
	run := init.RunE
	init.RunE = func(cmd *cobra.Command, args []string) error {
		if err := run(cmd, args); err != nil {
			return err
		}
		cfg := server.GetServerContextFromCmd(cmd).Config
		return editGenesis(cfg.GenesisFile(), func(_ map[string]json.RawMessage, g *genutiltypes.AppGenesis) error {
			if g.Consensus == nil || g.Consensus.Params == nil {
				return fmt.Errorf("genesis has no consensus params")
			}
			if g.Consensus.Params.Block.MaxGas <= 0 {
				g.Consensus.Params.Block.MaxGas = app.DefaultBlockMaxGas
			}
			return nil
		})
	}
	return init
}

// SetVoteExtensionsHeightCmd sets consensus.params.abci.vote_extensions_enable_height.
func SetVoteExtensionsHeightCmd(defaultHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-vote-extensions-height [height]",
		Short: "Enable ABCI++ vote extensions from the given height (0 disables them)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			cfg := server.GetServerContextFromCmd(cmd).Config
			cfg.SetRoot(clientCtx.HomeDir)
			h, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || h < 0 {
				return fmt.Errorf("height %q: must be a non-negative integer", args[0])
			}
			return editGenesis(cfg.GenesisFile(), func(_ map[string]json.RawMessage, g *genutiltypes.AppGenesis) error {
				if g.Consensus == nil || g.Consensus.Params == nil {
					return fmt.Errorf("genesis has no consensus params; run `novacrond init` first")
				}
				g.Consensus.Params.ABCI.VoteExtensionsEnableHeight = h
				return nil
			})
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultHome, "The application home directory")
	return cmd
}

// resolveOperator accepts a novavaloper address or a keyring key name.
func resolveOperator(clientCtx client.Context, arg string) (string, error) {
	valCodec := clientCtx.TxConfig.SigningContext().ValidatorAddressCodec()
	if _, err := valCodec.StringToBytes(arg); err == nil {
		return arg, nil
	}
	if clientCtx.Keyring == nil {
		return "", fmt.Errorf("%q is not a valid operator address and no keyring is available", arg)
	}
	rec, err := clientCtx.Keyring.Key(arg)
	if err != nil {
		return "", fmt.Errorf("%q is neither a novavaloper address nor a key in the keyring: %w", arg, err)
	}
	addr, err := rec.GetAddress()
	if err != nil {
		return "", err
	}
	return valCodec.BytesToString(sdk.ValAddress(addr))
}

// editGenesis loads genesis.json, lets fn change the app state or consensus section, and writes it back.
func editGenesis(genFile string, fn func(appState map[string]json.RawMessage, g *genutiltypes.AppGenesis) error) error {
	appState, appGenesis, err := genutiltypes.GenesisStateFromGenFile(genFile)
	if err != nil {
		return fmt.Errorf("read genesis %s: %w", genFile, err)
	}
	if err := fn(appState, appGenesis); err != nil {
		return err
	}
	bz, err := json.MarshalIndent(appState, "", "  ")
	if err != nil {
		return err
	}
	appGenesis.AppState = bz
	return genutil.ExportGenesisFile(appGenesis, genFile)
}
