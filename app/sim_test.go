package app_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/baseapp"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	"github.com/cosmos/cosmos-sdk/testutil/simsx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	authztypes "github.com/cosmos/cosmos-sdk/x/authz"
	govv1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1"
	"github.com/cosmos/cosmos-sdk/x/simulation/client/cli"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/novacron/novacron/app"
	orbittypes "github.com/novacron/novacron/x/orbit/types"
	quantumjobtypes "github.com/novacron/novacron/x/quantumjob/types"
	vssim "github.com/novacron/novacron/x/validatorset/simulation"
	vstypes "github.com/novacron/novacron/x/validatorset/types"
	vmlifecycletypes "github.com/novacron/novacron/x/vmlifecycle/types"
)

// The SDK simulator's flags (-NumBlocks, -BlockSize, -Seed, -Verbose, ...), as simapp has them.
func init() { cli.GetSimulatorFlags() }

// Sizes of the full-app simulation: short by default (make test-unit runs it), longer with
// NOVACRON_SIM_LONG=1 (more blocks, ops and seeds) or with explicit -NumBlocks/-BlockSize/-Seed.
const (
	shortBlocks, shortBlockSize = 50, 20
	longBlocks, longBlockSize   = 300, 100
)

var novacronModules = []string{quantumjobtypes.ModuleName, orbittypes.ModuleName, vstypes.ModuleName, vmlifecycletypes.ModuleName}

// simParams are the app params of a run without -Params: x/gov's voting periods a few simulated
// blocks long (blocks are 5000-10000 s apart), so that MsgVote operations find proposals in
// their voting period and proposals end within a short run; x/gov then executes their messages
// (the NovaCron modules' governance messages run only there).
var simParams = map[string]json.RawMessage{
	"voting_period":           json.RawMessage(strconv.FormatInt(int64(36*time.Hour), 10)),
	"expedited_voting_period": json.RawMessage(strconv.FormatInt(int64(18*time.Hour), 10)),
	// A proposal passes on any yes vote: its messages run, and succeed or fail on the state.
	"quorum":              json.RawMessage(`"0.000000000000000001"`),
	"threshold":           json.RawMessage(`"0.000000000000000001"`),
	"expedited_threshold": json.RawMessage(`"0.000000000000000002"`),
}

var longSeeds = []int64{1, 2, 7, 42, 123, 2989}

// simApp is the app as simsx runs it (simsx.SimulationApp wants GetBaseApp).
type simApp struct{ *app.App }

func (a simApp) GetBaseApp() *baseapp.BaseApp { return a.App.BaseApp }

// newSimApp builds the app for simsx, with base genesis accounts only (baseGenesisAccounts).
// x/staking's, x/slashing's and authz's factories make
// messages for any simulation account's operator; the ones NovaCron's allowlist ante refuses
// (MsgCreateValidator of an operator not allowlisted, a delegation to a removed one) are
// skipped with that reason (vssim.AllowlistRegistry) instead of failing the run.
func newSimApp(logger log.Logger, db dbm.DB, loadLatest bool, appOpts servertypes.AppOptions, opts ...func(*baseapp.BaseApp)) simApp {
	a := app.New(logger, db, loadLatest, appOpts, opts...)
	sm := a.SimulationManager()
	for i, m := range sm.Modules {
		switch name := m.(module.HasName).Name(); name {
		case stakingtypes.ModuleName, slashingtypes.ModuleName, authztypes.ModuleName:
			sm.Modules[i] = allowlisted{AppModuleSimulation: m, a: a}
		}
	}
	return simApp{a}
}

// allowlisted is a module whose simsx factories are registered through vssim.AllowlistRegistry.
type allowlisted struct {
	module.AppModuleSimulation
	a *app.App
}

func (m allowlisted) WeightedOperationsX(weights simsx.WeightSource, reg simsx.Registry) {
	m.AppModuleSimulation.(simsx.HasWeightedOperationsX).WeightedOperationsX(weights, vssim.AllowlistRegistry(reg, m.a.ValidatorSetKeeper))
}

func (m allowlisted) ProposalMsgsX(weights simsx.WeightSource, reg simsx.Registry) {
	if p, ok := m.AppModuleSimulation.(simsx.HasProposalMsgsX); ok {
		p.ProposalMsgsX(weights, reg)
	}
}

func simStateFactory(a simApp) simsx.SimStateFactory {
	return simsx.SimStateFactory{
		Codec:         a.AppCodec(),
		AppStateFn:    simtestutil.AppStateFn(a.AppCodec(), a.SimulationManager(), a.DefaultGenesis()),
		BlockedAddr:   app.BlockedAddresses(),
		AccountSource: a.AccountKeeper,
		BalanceSource: a.BankKeeper,
	}
}

// simConfig is the simulator's config from its flags, with the short (or long) sizes unless
// the flags set them, and the seeds to run.
func simConfig(t *testing.T) (simtypes.Config, []int64) {
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	cfg := cli.NewConfigFromFlags()
	cfg.ChainID = simsx.SimAppChainID
	long := os.Getenv("NOVACRON_SIM_LONG") != ""
	blocks, size, seeds := shortBlocks, shortBlockSize, []int64{cli.DefaultSeedValue}
	if long {
		blocks, size, seeds = longBlocks, longBlockSize, longSeeds
	}
	if !set["NumBlocks"] {
		cfg.NumBlocks = blocks
	}
	if !set["BlockSize"] {
		cfg.BlockSize = size
	}
	if !set["Params"] && !set["Genesis"] {
		bz, err := json.Marshal(simParams)
		require.NoError(t, err)
		cfg.ParamsFile = t.TempDir() + "/params.json"
		require.NoError(t, os.WriteFile(cfg.ParamsFile, bz, 0o600))
	}
	if set["Seed"] {
		seeds = []int64{cfg.Seed}
	}
	if !set["GenesisTime"] {
		cfg.GenesisTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix() // reproducible runs
	}
	return cfg, seeds
}

// TestFullAppSimulation runs the SDK simulator (simsx, as simapp's TestFullAppSimulation) over
// the whole app: every module's simsx factories as signed txs through the ante handler, x/gov
// proposals carrying the governance messages of x/orbit, x/validatorset, x/quantumjob and
// x/vmlifecycle, then the NovaCron modules' invariants, an export and its import into a new app.
func TestFullAppSimulation(t *testing.T) {
	cfg, seeds := simConfig(t)
	for _, seed := range seeds {
		t.Run(strconv.FormatInt(seed, 10), func(t *testing.T) {
			simsx.RunWithSeed(t, cfg, newSimApp, simStateFactory, seed, nil, checkInvariants, reportGov, exportImport)
		})
	}
}

// ctxOf is a context over the app's last committed state.
func ctxOf(a *app.App) sdk.Context {
	return a.NewContextLegacy(true, cmtproto.Header{Height: a.LastBlockHeight(), ChainID: simsx.SimAppChainID})
}

// checkInvariants runs each NovaCron module's CheckInvariants on the final state (x/crisis is
// gone in v0.54; the SDK modules have no invariants left to run).
func checkInvariants(t testing.TB, ti simsx.TestInstance[simApp], _ []simtypes.Account) {
	a := ti.App.App
	ctx := ctxOf(a)
	require.NoError(t, a.QuantumJobKeeper.CheckInvariants(ctx), "x/quantumjob")
	require.NoError(t, a.OrbitKeeper.CheckInvariants(ctx), "x/orbit")
	require.NoError(t, a.ValidatorSetKeeper.CheckInvariants(ctx), "x/validatorset")
	require.NoError(t, a.VMLifecycleKeeper.CheckInvariants(ctx), "x/vmlifecycle")
}

// reportGov prints what the simulated proposals carried and how they ended: the governance
// messages of the NovaCron modules run only there (simsx's summary counts MsgSubmitProposal).
func reportGov(t testing.TB, ti simsx.TestInstance[simApp], _ []simtypes.Account) {
	a := ti.App.App
	tally := map[string]int{}
	require.NoError(t, a.GovKeeper.Proposals.Walk(ctxOf(a), nil, func(_ uint64, p govv1.Proposal) (bool, error) {
		status := strings.TrimPrefix(p.Status.String(), "PROPOSAL_STATUS_")
		for _, m := range p.Messages {
			key := m.TypeUrl + " " + status
			if p.FailedReason != "" {
				reason := p.FailedReason
				if i := strings.LastIndex(reason, ": "); i >= 0 {
					reason = reason[i+2:]
				}
				key += " (" + reason + ")"
			}
			tally[key]++
		}
		return false, nil
	}))
	keys := make([]string, 0, len(tally))
	for k := range tally {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %4d %s\n", tally[k], k)
	}
	fmt.Printf("+++ proposals' messages by status (seed %d):\n%s", ti.Cfg.Seed, b.String())
}

// exportImport exports the final state, starts a new app from it and compares the NovaCron
// modules' genesis exported by both.
func exportImport(t testing.TB, ti simsx.TestInstance[simApp], _ []simtypes.Account) {
	a := ti.App.App
	exp, err := a.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	b := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()),
		baseapp.SetChainID(simsx.SimAppChainID))
	_, err = b.InitChain(&abci.RequestInitChain{ChainId: simsx.SimAppChainID, Time: time.Unix(ti.Cfg.GenesisTime, 0),
		AppStateBytes: exp.AppState, ConsensusParams: &exp.ConsensusParams, InitialHeight: exp.Height})
	require.NoError(t, err, "import the exported state")
	// InitChain's state is the finalize-block state until the first block commits it.
	gs, err := b.ModuleManager.ExportGenesisForModules(b.NewContextLegacy(false, cmtproto.Header{Height: exp.Height}),
		b.AppCodec(), novacronModules)
	require.NoError(t, err)
	var s1 map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exp.AppState, &s1))
	for _, m := range novacronModules {
		require.JSONEq(t, string(s1[m]), string(gs[m]), "x/%s genesis after export and import", m)
	}
}
