package types

import (
	"github.com/novacron/novacron/x/quantumjob/engine"
)

// DefaultParams follow the on-chain defaults: 24 state-vector qubits, 5,000 stabilizer qubits.
func DefaultParams() Params {
	lim := engine.ChainLimits()
	return Params{
		MaxQubitsStatevector: uint32(lim.MaxQubitsStateVector),
		MaxQubitsStabilizer:  uint32(lim.MaxQubitsStabilizer),
		MaxGates:             uint64(lim.MaxGates),
		MaxShots:             uint32(lim.MaxShots),
		MaxSourceBytes:       uint64(lim.Parse.MaxSourceBytes),
		// A cost unit is one step of the engines' work meter, at most ~2.5 ns of one core
		// (BenchmarkAdversarial), so a gas unit is ~10-25 ns, in line with the SDK's store
		// gas: a 20-qubit QFT is ~1.8e8 steps, ~1.8e7 gas, ~0.11 s.
		CostUnitsPerGas: 10,
		// Under ~0.6 s of engine work per block at most, so 1 s blocks keep their pace.
		BlockCostBudget: engine.ChainBudget,
		MaxJobsPerBlock: 4,
		MaxQueueLength:  1_000,
		// CheckTx's pre-check stops after ~5 ms of work (BenchmarkAdversarial: <= 1.2 ns
		// per parse step): an expansion bomb no longer freezes the mempool lock.
		MaxCheckSteps: 4_000_000,
		MaxJobsPerTx:  4,
	}
}

// Validate rejects params the engine cannot honour.
func (p Params) Validate() error {
	def := engine.ChainLimits()
	switch {
	case p.MaxQubitsStatevector == 0 || p.MaxQubitsStatevector > 30:
		return ErrInvalidParams.Wrapf("max_qubits_statevector %d: must be 1..30", p.MaxQubitsStatevector)
	case p.MaxQubitsStabilizer == 0 || int(p.MaxQubitsStabilizer) > def.Parse.MaxQubits:
		return ErrInvalidParams.Wrapf("max_qubits_stabilizer %d: must be 1..%d", p.MaxQubitsStabilizer, def.Parse.MaxQubits)
	case p.MaxGates == 0 || p.MaxGates > uint64(def.Parse.MaxOps):
		return ErrInvalidParams.Wrapf("max_gates %d: must be 1..%d", p.MaxGates, def.Parse.MaxOps)
	case p.MaxShots == 0:
		return ErrInvalidParams.Wrap("max_shots must be positive")
	case p.MaxSourceBytes == 0 || p.MaxSourceBytes > uint64(def.Parse.MaxSourceBytes):
		return ErrInvalidParams.Wrapf("max_source_bytes %d: must be 1..%d", p.MaxSourceBytes, def.Parse.MaxSourceBytes)
	case p.CostUnitsPerGas == 0:
		return ErrInvalidParams.Wrap("cost_units_per_gas must be positive")
	case p.BlockCostBudget == 0:
		return ErrInvalidParams.Wrap("block_cost_budget must be positive")
	case p.MaxJobsPerBlock == 0:
		return ErrInvalidParams.Wrap("max_jobs_per_block must be positive")
	case p.MaxQueueLength == 0:
		return ErrInvalidParams.Wrap("max_queue_length must be positive")
	case p.MaxCheckSteps == 0:
		return ErrInvalidParams.Wrap("max_check_steps must be positive")
	case p.MaxJobsPerTx == 0:
		return ErrInvalidParams.Wrap("max_jobs_per_tx must be positive")
	}
	return nil
}

// EngineLimits turns params into the engine's hard caps.
func (p Params) EngineLimits() engine.Limits {
	lim := engine.ChainLimits()
	lim.MaxQubitsStateVector = int(p.MaxQubitsStatevector)
	lim.MaxQubitsStabilizer = int(p.MaxQubitsStabilizer)
	lim.MaxGates = int(p.MaxGates)
	lim.MaxShots = int(p.MaxShots)
	lim.Parse.MaxSourceBytes = int(p.MaxSourceBytes)
	lim.MaxCost = p.BlockCostBudget
	return lim
}
