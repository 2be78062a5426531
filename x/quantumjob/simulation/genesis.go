// Package simulation has the x/quantumjob parts of the SDK simulation: a randomized genesis,
// a store decoder and a weighted MsgSubmitJob operation over small random circuits and the
// engine's adversarial corpus (as x/vmlifecycle/simulation, after x/bank/simulation).
package simulation

import (
	"math/rand" // determinism-ok: SDK simulation only (its API takes *math/rand.Rand), never in consensus

	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/novacron/novacron/x/quantumjob/types"
)

// RandomParams draws engine bounds below the defaults, so the simulation exercises the
// limits and the budgets, not only the happy path.
func RandomParams(r *rand.Rand) types.Params {
	p := types.DefaultParams()
	p.MaxQubitsStatevector = uint32(4 + r.Intn(9))
	p.MaxQubitsStabilizer = uint32(16 + r.Intn(200))
	p.MaxGates = uint64(50 + r.Intn(2000))
	p.MaxShots = uint32(1 + r.Intn(2048))
	p.BlockCostBudget = uint64(2_000_000 + r.Intn(50_000_000))
	p.MaxJobsPerBlock = uint32(1 + r.Intn(4))
	p.MaxQueueLength = uint64(5 + r.Intn(50))
	p.MaxCheckSteps = uint64(200_000 + r.Intn(4_000_000))
	p.MaxJobsPerTx = uint32(1 + r.Intn(4))
	return p
}

// RandomizedGenState generates a random GenesisState for x/quantumjob: random params, no
// jobs yet (the operation submits them).
func RandomizedGenState(simState *module.SimulationState) {
	var params types.Params
	simState.AppParams.GetOrGenerate("quantumjob_params", &params, simState.Rand, func(r *rand.Rand) {
		params = RandomParams(r)
	})
	gs := types.DefaultGenesis()
	gs.Params = params
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
}
