package cmd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
	protov2 "google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
	"sigs.k8s.io/yaml"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/cosmos/cosmos-sdk/x/tx/signing/aminojson"

	"github.com/novacron/novacron/app"
	healtypes "github.com/novacron/novacron/x/heal/types"
)

const (
	flagFail    = "fail"
	flagGenesis = "genesis"
)

// whatIfMethod is x/heal's WhatIf query, as the gRPC query router and `query heal what-if` name it.
var whatIfMethod = "/" + healtypes.Query_serviceDesc.ServiceName + "/WhatIf"

// HealCmd groups the x/heal tools that run off chain (the on-chain queries are `query heal`).
func HealCmd(defaultHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "heal",
		Short:                      "x/heal off chain: the what-if twin over a genesis file",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
		// Reads a genesis file only: skip the root's loading of the node's config, which writes
		// config files into a home that has none.
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
	}
	cmd.AddCommand(HealWhatIfCmd(defaultHome))
	return cmd
}

// HealWhatIfCmd is `heal what-if`: x/heal's WhatIf query run on an in-memory chain started
// from a genesis file (an exported one from `novacrond export`, or a network's genesis).
func HealWhatIfCmd(defaultHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "what-if [host:<id>|region:<code>]...",
		Short: "Where the VMs of failed hosts would go, computed off chain from a genesis file",
		Long: `Loads a genesis file (default <home>/config/genesis.json; an exported genesis from
'novacrond export' is the state of a running chain) into the application in memory, as
InitChain would, and runs x/heal's WhatIf query on that state: the failed hosts are evacuated
and their VMs migrated through x/vmlifecycle's scheduler on a copy that is thrown away. The
answer is the one 'novacrond query heal what-if' gives on a chain in that state, printed the
same way. Nothing is committed and nothing is written to the home directory (the app gets
an empty scratch home in the temporary directory, removed on exit).

Failures are host:<id> or region:<code> entries, given to --fail (comma-separated or the flag
repeated) or as arguments.`,
		Example: `novacrond heal what-if --fail host:h1,region:eu-west --home ~/.novacron
novacrond export --home ~/.novacron --output-document exported.json
novacrond heal what-if --fail region:eu-west --genesis exported.json --output json`,
		SilenceUsage: true, // its errors are the genesis's or the query's, not the command line's
		RunE: func(cmd *cobra.Command, args []string) error {
			fail, _ := cmd.Flags().GetStringSlice(flagFail)
			fail = append(fail, args...)
			if len(fail) == 0 {
				return errors.New("nothing fails: give --fail host:<id>|region:<code>[,...]")
			}
			genFile, _ := cmd.Flags().GetString(flagGenesis)
			if genFile == "" {
				home, _ := cmd.Flags().GetString(flags.FlagHome)
				genFile = filepath.Join(home, "config", "genesis.json")
			}
			output, _ := cmd.Flags().GetString(flags.FlagOutput)
			if output != flags.OutputFormatJSON && output != flags.OutputFormatText {
				return fmt.Errorf("--output %q: want %s or %s", output, flags.OutputFormatText, flags.OutputFormatJSON)
			}
			res, err := WhatIfFromGenesis(genFile, fail)
			if err != nil {
				return err
			}
			out, err := FormatQueryResponse(res, output)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), out)
			return err
		},
	}
	cmd.Flags().StringSlice(flagFail, nil, "failed hosts and regions: host:<id> or region:<code>, comma-separated")
	cmd.Flags().String(flags.FlagHome, defaultHome, "The node home directory (its config/genesis.json is read)")
	cmd.Flags().String(flagGenesis, "", "the genesis file to read (default <home>/config/genesis.json)")
	cmd.Flags().StringP(flags.FlagOutput, "o", flags.OutputFormatText, "Output format (text|json)")
	return cmd
}

// WhatIfFromGenesis starts the application in memory from the genesis file genFile, as CometBFT
// starts a chain (InitChain with the file's chain id, time, initial height, consensus params
// and validators), and runs x/heal's WhatIf query for fail on the state InitChain loaded,
// through the app's gRPC query router. Nothing is committed and the database is discarded.
func WhatIfFromGenesis(genFile string, fail []string) (*healtypes.QueryWhatIfResponse, error) {
	appGen, err := genutiltypes.AppGenesisFromFile(genFile)
	if err != nil {
		return nil, err
	}
	if err := appGen.ValidateAndComplete(); err != nil {
		return nil, fmt.Errorf("genesis %s: %w", genFile, err)
	}
	doc, err := appGen.ToGenesisDoc()
	if err != nil {
		return nil, err
	}

	// The app reads nothing from its home before it runs a block, but the upgrade keeper is given
	// one: a scratch directory, never the node's.
	scratch, err := os.MkdirTemp("", "novacrond-what-if")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(scratch)
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, appOptions{flags.FlagHome: scratch}, baseapp.SetChainID(doc.ChainID))

	// The validators as CometBFT hands them to InitChain (its handshake): x/staking's genesis
	// (an export's last validator powers, or the gentxs) must return the same set.
	var vals []abci.ValidatorUpdate
	if len(doc.Validators) > 0 {
		set := make([]*cmttypes.Validator, len(doc.Validators))
		for i, v := range doc.Validators {
			set[i] = cmttypes.NewValidator(v.PubKey, v.Power)
		}
		vals = cmttypes.TM2PB.ValidatorUpdates(cmttypes.NewValidatorSet(set))
	}
	cp := doc.ConsensusParams.ToProto()
	if _, err := a.InitChain(&abci.RequestInitChain{
		Time:            doc.GenesisTime,
		ChainId:         doc.ChainID,
		InitialHeight:   doc.InitialHeight,
		ConsensusParams: &cp,
		Validators:      vals,
		AppStateBytes:   doc.AppState,
	}); err != nil {
		return nil, fmt.Errorf("init chain from %s: %w", genFile, err)
	}

	// The query runs on the state InitChain wrote (not yet committed: the first block would), in
	// a context like a query's, at the height and time of the chain's first block.
	handler := a.GRPCQueryRouter().Route(whatIfMethod)
	if handler == nil {
		return nil, fmt.Errorf("the app has no %s query", whatIfMethod)
	}
	reqBz, err := (&healtypes.QueryWhatIfRequest{Fail: fail}).Marshal()
	if err != nil {
		return nil, err
	}
	ctx := a.NewContextLegacy(false, cmtproto.Header{ChainID: doc.ChainID, Height: doc.InitialHeight, Time: doc.GenesisTime}).
		WithConsensusParams(cp)
	resp, err := handler(ctx, &abci.RequestQuery{Path: whatIfMethod, Data: reqBz, Height: doc.InitialHeight})
	if err != nil {
		return nil, err
	}
	var res healtypes.QueryWhatIfResponse
	if err := res.Unmarshal(resp.Value); err != nil {
		return nil, err
	}
	return &res, nil
}

// FormatQueryResponse prints a query response as autocli's `novacrond query ...` commands print
// it: amino JSON of the message (enums as strings, fields in proto order, two-space indent),
// and for text that JSON as YAML.
func FormatQueryResponse(msg gogoproto.Message, output string) (string, error) {
	files, err := gogoproto.MergedRegistry()
	if err != nil {
		return "", err
	}
	name := protoreflect.FullName(gogoproto.MessageName(msg))
	d, err := files.FindDescriptorByName(name)
	if err != nil {
		return "", err
	}
	md, ok := d.(protoreflect.MessageDescriptor)
	if !ok {
		return "", fmt.Errorf("%s is not a message", name)
	}
	var typ protoreflect.MessageType
	if typ, err = protoregistry.GlobalTypes.FindMessageByName(name); err != nil {
		typ = dynamicpb.NewMessageType(md)
	}
	bz, err := gogoproto.Marshal(msg)
	if err != nil {
		return "", err
	}
	m := typ.New()
	if err := protov2.Unmarshal(bz, m.Interface()); err != nil {
		return "", err
	}
	enc := aminojson.NewEncoder(aminojson.EncoderOptions{
		Indent:             "  ",
		EnumAsString:       true,
		DoNotSortFields:    true,
		AminoNameAsTypeURL: true,
		MarshalMappings:    true,
		TypeResolver:       protoregistry.GlobalTypes,
		FileResolver:       files,
	})
	out, err := enc.Marshal(m.Interface())
	if err != nil {
		return "", err
	}
	if output == flags.OutputFormatText {
		if out, err = yaml.JSONToYAML(out); err != nil {
			return "", err
		}
	}
	return strings.TrimSpace(string(out)), nil
}
