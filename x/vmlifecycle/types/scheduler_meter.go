package types

// Scheduler work metering (keeper/scheduler.go, x/internal/meter).
//
// A placement runs under a step budget:
//
//	budget = min(gas remaining at the start of the placement × SchedulerStepsPerGas, MaxPlacementSteps)
//
// Every unit of work is charged before it is done, at the prices below (a region also pays
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
	SchedulerStepsPerGas uint64 = 2
	// MaxPlacementSteps caps one placement's budget whatever the gas (so simulation, on an
	// infinite gas meter, answers as delivery does).
	MaxPlacementSteps uint64 = 10_000_000
	// EndBlockSchedulerSteps is the scheduling budget of one EndBlock, shared by all its
	// placements (pending retries, drain migrations, due operations, rule actions); each gets what
	// is left, at most MaxPlacementSteps. Due operations wait for the next block once less than
	// MaxPlacementSteps is left; a retry, drain move or rule action that runs out fails like any
	// other placement (re-queued, retried next pass, or recorded in the rule's last_error).
	EndBlockSchedulerSteps uint64 = 100_000_000

	// StepsPerRegion: one candidate region (read from RegionHosts or the constraint list,
	// explanation entry).
	StepsPerRegion uint64 = 600
	// StepsPerLatencyLookup: one LatencyProvider call (a latency bound, or the distance to the
	// nearest_region), flat part: covers x/orbit's snapshot reads when it is chained first.
	StepsPerLatencyLookup uint64 = 4_000
	// StepsPerTableCompare: per comparison of the params latency table's binary search (the
	// params-table provider answers from the params the search started with, no store read).
	StepsPerTableCompare uint64 = 20
	// StepsPerRegionRank: per comparison of the nearest-region sort (n·⌈log2 n⌉ comparisons).
	StepsPerRegionRank uint64 = 10
	// StepsPerScopeSeek: seeking one placement-index scope to the requested free cpu.
	StepsPerScopeSeek uint64 = 20_000
	// StepsPerCandidate: one index entry scanned: iterator step, host read and decode, the
	// resource/status/region filters, the explanation entry (with its reject reason).
	StepsPerCandidate uint64 = 4_000
	// StepsPerLabel: per label of a scanned host and per required label (decode and compare).
	StepsPerLabel uint64 = 150
	// StepsPerOperatorCompare: per comparison of the host_operators binary search.
	StepsPerOperatorCompare uint64 = 20
	// StepsPerAffinityCheck: the anti-affinity read (owner, group, host).
	StepsPerAffinityCheck uint64 = 1_800
	// StepsPerScore: the spread read (owner on host) and the fit/spread arithmetic of a host
	// that passed the filters.
	StepsPerScore uint64 = 1_800
	// StepsPerRank: comparing a scored host with the best so far.
	StepsPerRank uint64 = 10
)

// MaxRevokedHostDrainsPerBlock bounds how many ACTIVE hosts of operators removed from
// host_operators EndBlock moves to DRAINING per block (the rest follow in later blocks).
const MaxRevokedHostDrainsPerBlock = 64
