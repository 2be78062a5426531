// Package cli holds the hand-written x/vmlifecycle commands that autocli cannot express.
package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

const flagJSON = "json"

// GetQueryCmd returns `query vmlifecycle` with the custom `explain` command; autocli adds the rest.
func GetQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "VM lifecycle queries",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(NewExplainCmd())
	return cmd
}

// NewExplainCmd prints the scheduler's explanation of a VM's last placement, in words or JSON.
func NewExplainCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "explain [vm-id]",
		Short: "Explain the last placement decision for a VM (in words; --json for the raw structure)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("vm id %q: %w", args[0], err)
			}
			res, err := types.NewQueryClient(clientCtx).Explain(cmd.Context(), &types.QueryExplainRequest{VmId: id})
			if err != nil {
				return err
			}
			if asJSON, _ := cmd.Flags().GetBool(flagJSON); asJSON {
				// --json means JSON whatever --output says (its default, text, would print YAML).
				return clientCtx.WithOutputFormat(flags.OutputFormatJSON).PrintProto(res)
			}
			_, err = fmt.Fprint(cmd.OutOrStdout(), RenderExplanation(res.Explanation))
			return err
		},
	}
	cmd.Flags().Bool(flagJSON, false, "print the explanation as JSON")
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

// RenderExplanation renders an explanation as sentences.
func RenderExplanation(ex types.Explanation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "VM %d, %s placement at height %d: %s.\n", ex.VmId, ex.Kind, ex.Height, ex.Summary)
	for _, r := range ex.Regions {
		name := r.Region
		if name == "" {
			name = "(any region)"
		}
		if r.RejectReason != "" {
			fmt.Fprintf(&b, "  Region %s was skipped: %s.\n", name, r.RejectReason)
		} else {
			fmt.Fprintf(&b, "  Region %s was searched through index scope %q.\n", name, r.Scope)
		}
	}
	for _, c := range ex.Candidates {
		switch {
		case c.HostId == ex.WinnerHostId && c.Accepted:
			fmt.Fprintf(&b, "  Host %s (%s) WON with score %d (fit %d, spread penalty %d).\n", c.HostId, c.Region, c.Score, c.FitScore, c.SpreadPenalty)
		case c.Accepted:
			fmt.Fprintf(&b, "  Host %s (%s) fit with score %d (fit %d, spread penalty %d) but scored lower.\n", c.HostId, c.Region, c.Score, c.FitScore, c.SpreadPenalty)
		default:
			fmt.Fprintf(&b, "  Host %s (%s) was rejected: %s.\n", c.HostId, c.Region, c.RejectReason)
		}
	}
	fmt.Fprintf(&b, "  %d candidate(s) considered, %d gas charged for the search.\n", len(ex.Candidates), ex.GasCharged)
	return b.String()
}
