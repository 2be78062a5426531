// Package cli holds the hand-written x/quantumjob commands that autocli cannot express.
package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"

	"github.com/novacron/novacron/x/quantumjob/types"
)

// GetTxCmd returns `tx quantumjob` with the `submit` command.
func GetTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Quantum job transactions",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(NewSubmitCmd())
	return cmd
}

// NewSubmitCmd submits an OpenQASM 2.0 file as a job.
func NewSubmitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "submit [file.qasm] --shots N [--backend auto|statevector|stabilizer]",
		Short: "Submit an OpenQASM 2.0 circuit to run on chain (gas is charged from its cost estimate)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			src, err := os.ReadFile(args[0])
			if err != nil {
				return fmt.Errorf("read %s: %w", args[0], err)
			}
			shots, _ := cmd.Flags().GetUint32("shots")
			backend, _ := cmd.Flags().GetString("backend")
			msg := &types.MsgSubmitJob{Owner: clientCtx.GetFromAddress().String(), Source: string(src), Shots: shots, Backend: backend}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().Uint32("shots", 1024, "number of seeded shots (0: probabilities only)")
	cmd.Flags().String("backend", "auto", "auto, statevector or stabilizer")
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}
