// Package simulation has the x/vmlifecycle parts of the SDK simulation: a randomized genesis,
// a store decoder and weighted operations built from the module's Msgs (as x/bank/simulation).
package simulation

import (
	"math/rand"
	"sort"

	"cosmossdk.io/core/address"

	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// Regions used by the simulation (codes of x/orbit's list; the keeper only checks the format).
var Regions = []string{"frankfurt", "london", "new-york-newark", "tokyo"}

// MaxOperators: the first accounts of the simulation (at most this many) are host operators.
const MaxOperators = 3

// Operators returns the bech32 addresses of the host operators of a simulation, sorted.
func Operators(simState *module.SimulationState, ac address.Codec) []string {
	var ops []string
	for i := 0; i < len(simState.Accounts) && i < MaxOperators; i++ {
		op, err := ac.BytesToString(simState.Accounts[i].Address)
		if err != nil {
			panic(err) // a simulation account always encodes
		}
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops
}

// RandomParams draws scheduler bounds around the defaults; the operator allowlist is given.
func RandomParams(r *rand.Rand, operators []string) types.Params {
	p := types.DefaultParams()
	p.HostOperators = operators
	p.MaxCandidates = uint32(4 + r.Intn(61))
	p.SpreadWeightPpm = int64(r.Intn(200_001))
	p.MaxDrainMigrationsPerBlock = uint32(1 + r.Intn(16))
	p.MaxPendingRetriesPerBlock = uint32(1 + r.Intn(16))
	p.PendingRetryIntervalBlocks = int64(1 + r.Intn(10))
	p.MaxReplicas = uint32(1 + r.Intn(8))
	// Finished operations are pruned within the run (a few hundred blocks), a few per block.
	p.OpRetentionBlocks = int64(5 + r.Intn(60))
	p.MaxOpPrunesPerBlock = uint32(1 + r.Intn(4))
	// A symmetric latency table for the simulation regions (from < to), 5–150 ms.
	p.RegionLatencies = nil
	for i := 0; i < len(Regions); i++ {
		for j := i + 1; j < len(Regions); j++ {
			p.RegionLatencies = append(p.RegionLatencies, types.RegionLatency{From: Regions[i], To: Regions[j], LatencyUs: int64(5_000 + r.Intn(145_000))})
		}
	}
	return p
}

// RandomizedGenState generates a random GenesisState for x/vmlifecycle: random params, the first
// accounts allowlisted as host operators, no hosts or VMs yet (operations create them).
func RandomizedGenState(simState *module.SimulationState, ac address.Codec) {
	var params types.Params
	simState.AppParams.GetOrGenerate("vmlifecycle_params", &params, simState.Rand, func(r *rand.Rand) {
		params = RandomParams(r, Operators(simState, ac))
	})
	gs := types.DefaultGenesis()
	gs.Params = params
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
}
