package cmd

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	protov2 "google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoregistry"

	"cosmossdk.io/client/v2/autocli"
	"cosmossdk.io/client/v2/autocli/flag"
	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdkflags "github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/novacron/novacron/app"
	healtypes "github.com/novacron/novacron/x/heal/types"
	vstypes "github.com/novacron/novacron/x/validatorset/types"
	vmtypes "github.com/novacron/novacron/x/vmlifecycle/types"
)

const whatIfChainID = "novacron-whatif-1"

var whatIfGenesisTime = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// whatIfGenesis is a one-validator genesis with four hosts and three running VMs:
//
//	h1 eu-west  8000m      vm 1 web   2000m, allowed_regions [eu-west]
//	                        vm 2 db    4000m
//	h2 eu-west  4000m      vm 3 cache 1000m, required label tier=cache   (h2 tier=cache)
//	h3 us-east  8000m      (empty)
//	h4 us-east  2000m      (empty, tier=cache)
//
// so each VM has one possible new host once its own fails: vm 1 only h2 (its region), vm 2 only
// h3 (the only host with 4000m free besides h1), vm 3 only h4 once h2 fails (the other cache host).
func whatIfGenesis(t *testing.T) *genutiltypes.AppGenesis {
	t.Helper()
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, appOptions{sdkflags.FlagHome: t.TempDir()})
	cdc := a.AppCodec()

	valKey := cmted25519.GenPrivKeyFromSecret([]byte("what-if-val"))
	valSet := cmttypes.NewValidatorSet([]*cmttypes.Validator{cmttypes.NewValidator(valKey.PubKey(), 1)})
	owner := secp256k1.GenPrivKeyFromSecret([]byte("what-if-owner"))
	ownerAddr := sdk.AccAddress(owner.PubKey().Address()).String()
	gs, err := simtestutil.GenesisStateWithValSet(cdc, a.DefaultGenesis(), valSet,
		[]authtypes.GenesisAccount{authtypes.NewBaseAccount(owner.PubKey().Address().Bytes(), owner.PubKey(), 0, 0)},
		banktypes.Balance{Address: ownerAddr, Coins: sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1_000_000_000)))},
	)
	require.NoError(t, err)
	gs[vstypes.ModuleName] = cdc.MustMarshalJSON(&vstypes.GenesisState{Operators: []vstypes.AllowedOperator{
		{OperatorAddress: sdk.ValAddress(valSet.Validators[0].Address).String(), Note: "what-if validator"},
	}})

	res := func(cpu uint64) vmtypes.Resources {
		return vmtypes.Resources{CpuMillis: cpu, MemoryMib: cpu * 2, DiskGib: 100}
	}
	cache := []vmtypes.Label{{Key: "tier", Value: "cache"}}
	vm := func(id uint64, name, host string, cpu uint64, c vmtypes.Constraints) vmtypes.VM {
		return vmtypes.VM{
			Id: id, Owner: ownerAddr, Name: name, ImageCid: "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
			Resources: vmtypes.Resources{CpuMillis: cpu, MemoryMib: 1024, DiskGib: 10}, Constraints: c,
			State: vmtypes.VM_STATE_RUNNING, HostId: host, CreatedHeight: 0, UpdatedHeight: 0,
		}
	}
	vms := []vmtypes.VM{
		vm(1, "web", "h1", 2000, vmtypes.Constraints{AllowedRegions: []string{"eu-west"}}),
		vm(2, "db", "h1", 4000, vmtypes.Constraints{}),
		vm(3, "cache", "h2", 1000, vmtypes.Constraints{RequiredLabels: cache}),
	}
	host := func(id, region string, cpu uint64, labels []vmtypes.Label) vmtypes.Host {
		h := vmtypes.Host{
			Id: id, Operator: ownerAddr, Region: region, LatUdeg: 51_500_000, LonUdeg: -100_000,
			Capacity: res(cpu), Labels: labels, Status: vmtypes.HOST_STATUS_ACTIVE,
		}
		for _, v := range vms {
			if v.HostId == id {
				h.Allocated = h.Allocated.Add(v.Resources)
				h.VmCount++
			}
		}
		return h
	}
	vmGen := vmtypes.DefaultGenesis()
	vmGen.Params.HostOperators = []string{ownerAddr}
	vmGen.Hosts = []vmtypes.Host{
		host("h1", "eu-west", 8000, nil), host("h2", "eu-west", 4000, cache),
		host("h3", "us-east", 8000, nil), host("h4", "us-east", 2000, cache),
	}
	vmGen.Vms = vms
	vmGen.NextVmId = 4
	gs[vmtypes.ModuleName] = cdc.MustMarshalJSON(vmGen)

	appState, err := json.MarshalIndent(gs, "", " ")
	require.NoError(t, err)
	var gvals []cmttypes.GenesisValidator
	for _, v := range valSet.Validators {
		gvals = append(gvals, cmttypes.GenesisValidator{Address: v.Address, PubKey: v.PubKey, Power: v.VotingPower, Name: "val"})
	}
	return &genutiltypes.AppGenesis{
		AppName: app.AppName, ChainID: whatIfChainID, GenesisTime: whatIfGenesisTime, InitialHeight: 1,
		AppState:  appState,
		Consensus: &genutiltypes.ConsensusGenesis{Validators: gvals, Params: cmttypes.DefaultConsensusParams()},
	}
}

// whatIfChain is the chain a node runs from genesis gen: InitChain as CometBFT calls it, then
// `blocks` empty blocks finalized and committed.
func whatIfChain(t *testing.T, gen *genutiltypes.AppGenesis, blocks int) *app.App {
	t.Helper()
	require.NoError(t, gen.ValidateAndComplete())
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, appOptions{sdkflags.FlagHome: t.TempDir()}, baseapp.SetChainID(gen.ChainID))
	var vals []*cmttypes.Validator
	for _, v := range gen.Consensus.Validators {
		vals = append(vals, cmttypes.NewValidator(v.PubKey, v.Power))
	}
	cp := gen.Consensus.Params.ToProto()
	_, err := a.InitChain(&abci.RequestInitChain{
		ChainId: gen.ChainID, Time: gen.GenesisTime, InitialHeight: gen.InitialHeight, ConsensusParams: &cp,
		Validators: cmttypes.TM2PB.ValidatorUpdates(cmttypes.NewValidatorSet(vals)), AppStateBytes: gen.AppState,
	})
	require.NoError(t, err)
	for i := range blocks {
		h := gen.InitialHeight + int64(i)
		_, err := a.FinalizeBlock(&abci.RequestFinalizeBlock{Height: h, Time: gen.GenesisTime.Add(time.Duration(i+1) * time.Second)})
		require.NoError(t, err)
		_, err = a.Commit()
		require.NoError(t, err)
	}
	return a
}

// abciQueryConn is the gRPC client connection of `novacrond query` against a node without a
// gRPC endpoint: every call an ABCI query whose path is the method (client.Context.Invoke ->
// RunGRPCQuery), here answered by the app in-process.
type abciQueryConn struct{ app *app.App }

func (c abciQueryConn) Invoke(ctx context.Context, method string, args, reply any, _ ...grpc.CallOption) error {
	bz, err := protov2.Marshal(args.(protov2.Message))
	if err != nil {
		return err
	}
	res, err := c.app.Query(ctx, &abci.RequestQuery{Path: method, Data: bz})
	if err != nil {
		return err
	}
	if !res.IsOK() {
		return fmt.Errorf("query %s: code %d: %s", method, res.Code, res.Log)
	}
	return protov2.Unmarshal(res.Value, reply.(protov2.Message))
}

func (abciQueryConn) NewStream(context.Context, *grpc.StreamDesc, string, ...grpc.CallOption) (grpc.ClientStream, error) {
	return nil, errors.New("no streams")
}

// onChainQuery runs the autocli `query heal what-if` command novacrond has, against the chain a.
func onChainQuery(t *testing.T, a *app.App, args ...string) string {
	t.Helper()
	files, err := gogoproto.MergedRegistry()
	require.NoError(t, err)
	opts := a.AutoCliOpts()
	b := &autocli.Builder{
		Builder: flag.Builder{
			TypeResolver: protoregistry.GlobalTypes, FileResolver: files, AddressCodec: opts.AddressCodec,
			ValidatorAddressCodec: opts.ValidatorAddressCodec, ConsensusAddressCodec: opts.ConsensusAddressCodec,
		},
		GetClientConn:     func(*cobra.Command) (grpc.ClientConnInterface, error) { return abciQueryConn{a}, nil },
		AddQueryConnFlags: sdkflags.AddQueryFlagsToCmd,
	}
	require.NoError(t, b.ValidateAndComplete())
	q, err := b.BuildQueryCommand(context.Background(), opts, nil)
	require.NoError(t, err)
	root := &cobra.Command{Use: "novacrond"}
	root.AddCommand(q)
	return runCmd(t, root, append([]string{"query", "heal", "what-if"}, args...)...)
}

// offChain runs `novacrond heal what-if` as the node binary's command tree has it.
func offChain(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := &cobra.Command{Use: "novacrond", SilenceErrors: true, SilenceUsage: true}
	root.AddCommand(HealCmd(filepath.Join(t.TempDir(), "no-such-home")))
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append([]string{"heal", "what-if"}, args...))
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func runCmd(t *testing.T, root *cobra.Command, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	require.NoError(t, root.ExecuteContext(context.Background()), out.String())
	return out.String()
}

// treeDigest is every file under dir with its mode, time and content digest.
func treeDigest(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		sum := ""
		if !d.IsDir() {
			bz, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum = fmt.Sprintf("%x", sha256.Sum256(bz))
		}
		m[p] = fmt.Sprintf("%v %v %s", info.Mode(), info.ModTime().UnixNano(), sum)
		return nil
	}))
	return m
}

// decodeWhatIf reads the JSON the commands print back into the response.
func decodeWhatIf(t *testing.T, cdc codec.Codec, out string) healtypes.QueryWhatIfResponse {
	t.Helper()
	var res healtypes.QueryWhatIfResponse
	require.NoError(t, cdc.UnmarshalJSON([]byte(out), &res), out)
	return res
}

type move struct {
	vm       uint64
	from, to string
}

func movesOf(res healtypes.QueryWhatIfResponse) []move {
	var out []move
	for _, m := range res.Moves {
		out = append(out, move{m.VmId, m.FromHost, m.ToHost})
	}
	return out
}

// `novacrond heal what-if` on a node home's genesis, and on the genesis `novacrond export`
// writes from a chain started from it, prints exactly what `novacrond query heal what-if` prints
// against that chain (the same autocli command, served by the app's ABCI query), in JSON and in
// text; the VMs of the failed hosts move where the only host that fits each is, or stay
// unplaced when none is left; the home is not touched.
func TestHealWhatIfOffChainMatchesOnChainQuery(t *testing.T) {
	gen := whatIfGenesis(t)
	home := t.TempDir()
	genFile := filepath.Join(home, "config", "genesis.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(genFile), 0o755))
	require.NoError(t, gen.SaveAs(genFile))
	before := treeDigest(t, home)

	chain := whatIfChain(t, gen, 2)
	exp, err := chain.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	require.Equal(t, int64(3), exp.Height)
	exported := &genutiltypes.AppGenesis{
		AppName: app.AppName, ChainID: gen.ChainID, GenesisTime: gen.GenesisTime, InitialHeight: exp.Height,
		AppState: exp.AppState, Consensus: genutiltypes.NewConsensusGenesis(exp.ConsensusParams, exp.Validators),
	}
	exportFile := filepath.Join(t.TempDir(), "exported.json")
	require.NoError(t, exported.SaveAs(exportFile))
	cdc := chain.AppCodec()

	for _, c := range []struct {
		name        string
		fail        []string // the off-chain command's flags and arguments
		onChain     []string // the same failures for `query heal what-if`
		failedHosts []string
		moves       []move
		unplaced    uint32
	}{
		{
			name: "host", fail: []string{"--fail", "host:h1"}, onChain: []string{"host:h1"},
			failedHosts: []string{"h1"},
			// vm 1 may only run in eu-west: h2; vm 2 needs 4000m: only h3 has it.
			moves: []move{{1, "h1", "h2"}, {2, "h1", "h3"}},
		},
		{
			name: "region", fail: []string{"--fail", "host:h2,region:eu-west"}, onChain: []string{"host:h2", "region:eu-west"},
			failedHosts: []string{"h1", "h2"},
			// eu-west is gone: vm 1 has nowhere to go; vm 3 needs tier=cache: h4.
			moves: []move{{1, "h1", ""}, {2, "h1", "h3"}, {3, "h2", "h4"}}, unplaced: 1,
		},
		{
			name: "arguments", fail: []string{"region:us-east", "--fail", "host:h2"}, onChain: []string{"host:h2", "region:us-east"},
			failedHosts: []string{"h2", "h3", "h4"},
			// the cache hosts h2 and h4 both fail: vm 3 cannot be placed.
			moves: []move{{3, "h2", ""}}, unplaced: 1,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := onChainQuery(t, chain, append(c.onChain, "--output", "json")...)
			res := decodeWhatIf(t, cdc, want)
			require.Equal(t, c.failedHosts, res.FailedHosts)
			require.Equal(t, c.moves, movesOf(res))
			require.Equal(t, c.unplaced, res.Unplaced)
			for _, m := range res.Moves {
				require.Equal(t, m.ToHost == "", m.Reason != "", "vm %d: a reason exactly when unplaced", m.VmId)
			}
			require.NotEmpty(t, res.Capacity)

			fromHome, err := offChain(t, append(c.fail, "--home", home, "--output", "json")...)
			require.NoError(t, err, fromHome)
			require.Equal(t, want, fromHome)
			fromExport, err := offChain(t, append(c.fail, "--genesis", exportFile, "--output", "json")...)
			require.NoError(t, err, fromExport)
			require.Equal(t, want, fromExport)

			wantText := onChainQuery(t, chain, c.onChain...)
			text, err := offChain(t, append(c.fail, "--genesis", exportFile)...)
			require.NoError(t, err, text)
			require.Equal(t, wantText, text)
			require.Contains(t, text, "failed_hosts:")
		})
	}

	// The free capacity is the one left after the moves: failing h1 puts vm 1 (2000m) on h2 and
	// vm 2 (4000m) on h3, and h1 no longer counts.
	res := decodeWhatIf(t, cdc, onChainQuery(t, chain, "host:h1", "--output", "json"))
	free := map[string]uint64{}
	for _, rc := range res.Capacity {
		free[rc.Region] = rc.FreeCpuMillis
	}
	require.Equal(t, map[string]uint64{"eu-west": 4000 - 1000 - 2000, "us-east": 8000 - 4000 + 2000}, free)

	_, err = offChain(t, "--fail", "rack:r1", "--home", home)
	require.ErrorContains(t, err, "want host:<id> or region:<code>")
	_, err = offChain(t, "--home", home)
	require.ErrorContains(t, err, "nothing fails")
	_, err = offChain(t, "--fail", "host:h1")
	require.ErrorContains(t, err, "no-such-home")

	require.Equal(t, before, treeDigest(t, home), "the home directory is not written")
}
