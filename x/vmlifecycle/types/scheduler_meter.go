package types

import "github.com/novacron/novacron/x/vmlifecycle/engine"

// Scheduler work metering (keeper/scheduler.go, x/vmlifecycle/engine, x/internal/meter).
//
// A placement runs under a step budget:
//
//	budget = min(gas remaining at the start of the placement × SchedulerStepsPerGas, MaxPlacementSteps)
//
// Every unit of work is charged before it is done, at the prices below (defined in
// engine/prices.go, where the engine and the keeper's index walk charge them; a region also pays
// Params.GasPerRegion × SchedulerStepsPerGas, a candidate Params.GasPerCandidate ×
// SchedulerStepsPerGas: the governance surcharges, inside the budget); when a charge does not
// fit, the placement stops with ErrSchedulerBudget. The store reads inside the placement are not
// charged per access by the SDK's KV gas: their cost is in these prices. When the placement ends
// (placed, not placed, or out of budget) ⌈steps ÷ SchedulerStepsPerGas⌉ gas is charged to the
// transaction, which by construction never exceeds the gas it had left, so a transaction that did
// not pay enough fails with ErrSchedulerBudget (and the same gas used on every validator), never
// with an out-of-gas panic in the middle of the search.
//
// In EndBlock the budget of a placement is what is left of the block's EndBlockSchedulerSteps
// (at most MaxPlacementSteps), so EndBlock's scheduling work is at most EndBlockSchedulerSteps
// per block whatever the params. On any other infinite gas meter (simulation, queries) it is
// MaxPlacementSteps.
//
// The prices are calibrated so that one step is at most ~2.5 ns of the scheduler's real work on
// committed IAVL state (BenchmarkSchedulerSteps reports ns/step; see the README).
const (
	// SchedulerStepsPerGas is how many scheduler steps one unit of gas buys.
	SchedulerStepsPerGas = engine.StepsPerGas
	// MaxPlacementSteps caps one placement's budget whatever the gas (so simulation, on an
	// infinite gas meter, answers as delivery does).
	MaxPlacementSteps uint64 = 10_000_000
	// EndBlockSchedulerSteps is the scheduling budget of one EndBlock, shared by all its
	// placements (pending retries, drain migrations, due operations, rule actions); each gets what
	// is left, at most MaxPlacementSteps. Due operations wait for the next block once less than
	// MaxPlacementSteps is left; a retry, drain move or rule action that runs out fails like any
	// other placement (re-queued, retried next pass, or recorded in the rule's last_error).
	EndBlockSchedulerSteps uint64 = 100_000_000
)

// Step prices (see engine/prices.go for what each covers and who charges it).
const (
	StepsPerRegion          = engine.StepsPerRegion          // a candidate region
	StepsPerLatencyLookup   = engine.StepsPerLatencyLookup   // a latency lookup, flat part
	StepsPerTableCompare    = engine.StepsPerTableCompare    // per latency-table comparison
	StepsPerRegionRank      = engine.StepsPerRegionRank      // per nearest-region sort comparison
	StepsPerScopeSeek       = engine.StepsPerScopeSeek       // an index scope seek
	StepsPerCandidate       = engine.StepsPerCandidate       // an index entry scanned
	StepsPerLabel           = engine.StepsPerLabel           // per host label and required label
	StepsPerOperatorCompare = engine.StepsPerOperatorCompare // per host_operators comparison
	StepsPerAffinityCheck   = engine.StepsPerAffinityCheck   // the anti-affinity read
	StepsPerScore           = engine.StepsPerScore           // the spread read and the score
	StepsPerRank            = engine.StepsPerRank            // a comparison with the best so far
)

// MaxRevokedHostDrainsPerBlock bounds how many ACTIVE hosts of operators removed from
// host_operators EndBlock moves to DRAINING per block (the rest follow in later blocks).
const MaxRevokedHostDrainsPerBlock = 64
