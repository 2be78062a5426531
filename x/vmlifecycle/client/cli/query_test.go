package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"

	"github.com/novacron/novacron/x/vmlifecycle/client/cli"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// fakeNode answers every ABCI query with one stored response.
type fakeNode struct {
	client.CometRPC
	path  string
	value []byte
}

func (f *fakeNode) ABCIQueryWithOptions(_ context.Context, path string, _ cmtbytes.HexBytes, _ rpcclient.ABCIQueryOptions) (*coretypes.ResultABCIQuery, error) {
	f.path = path
	return &coretypes.ResultABCIQuery{Response: abci.ResponseQuery{Value: f.value, Height: 7}}, nil
}

func runExplain(t *testing.T, args ...string) (string, *fakeNode) {
	reg := codectypes.NewInterfaceRegistry()
	types.RegisterInterfaces(reg)
	cdc := codec.NewProtoCodec(reg)
	res := types.QueryExplainResponse{Explanation: types.Explanation{VmId: 3, WinnerHostId: "ldn-1", Summary: "placed on ldn-1",
		Candidates: []types.CandidateExplanation{{HostId: "ldn-1", Region: "london", Accepted: true, Score: 42}}}}
	bz, err := cdc.Marshal(&res)
	require.NoError(t, err)
	node := &fakeNode{value: bz}
	var out bytes.Buffer
	clientCtx := client.Context{}.WithCodec(cdc).WithInterfaceRegistry(reg).WithClient(node).WithOutput(&out)
	cmd := cli.NewExplainCmd()
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	ctx := context.WithValue(context.Background(), client.ClientContextKey, &clientCtx)
	require.NoError(t, cmd.ExecuteContext(ctx))
	return out.String(), node
}

// --json prints JSON without --output json (the query flags' default output is text, i.e. YAML).
func TestExplainJSONWithoutOutputFlag(t *testing.T) {
	for _, args := range [][]string{{"3", "--json"}, {"3", "--json", "--output", "json"}, {"3", "--json", "--output", "text"}} {
		out, node := runExplain(t, args...)
		require.Equal(t, "/novacron.vmlifecycle.v1.Query/Explain", node.path)
		var got struct {
			Explanation struct {
				VmID         string `json:"vm_id"`
				WinnerHostID string `json:"winner_host_id"`
			} `json:"explanation"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &got), "%v: %s", args, out)
		require.Equal(t, "ldn-1", got.Explanation.WinnerHostID)
		require.Equal(t, "3", got.Explanation.VmID)
	}
	words, _ := runExplain(t, "3")
	require.Contains(t, words, "Host ldn-1 (london) WON with score 42")
}
