package engine

// Step prices of a placement (x/internal/meter steps). types/scheduler_meter.go re-exports
// them for the keeper, next to the budgets; see there and the README (Security: metered work)
// for how they are calibrated.
//
// Who charges what: the engine charges the region filter (StepsPerRegion plus the region
// surcharge, the latency lookups, the nearest-region ranking), the label, operator and
// anti-affinity checks of a host, its score and its ranking; the Hosts source (the keeper's
// index walk, or HostSet) charges the known-region reads (StepsPerRegion each), the scope
// seek (StepsPerScopeSeek) and each index entry before it reads the host (StepsPerCandidate
// plus the candidate surcharge, passed in WalkSpec.CandidateSteps). A charge's price includes
// the store reads it stands for.
const (
	// StepsPerGas is how many steps one unit of gas buys (types.SchedulerStepsPerGas); the
	// governance surcharges Config.GasPerRegion and Config.GasPerCandidate cost that many
	// steps per gas.
	StepsPerGas uint64 = 2

	// StepsPerRegion: one candidate region (read from the known regions or the constraint
	// list, explanation entry).
	StepsPerRegion uint64 = 600
	// StepsPerLatencyLookup: one Latency lookup (a latency bound, or the distance to the
	// nearest region), flat part: covers x/orbit's snapshot reads when it is chained first.
	StepsPerLatencyLookup uint64 = 4_000
	// StepsPerTableCompare: per comparison of the params latency table's binary search
	// (Config.LatencyTableSize entries).
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

// Meter stages (BudgetError.Stage), in the order a placement charges them.
const (
	StageKnownRegion   = "known region"
	StageRegion        = "region"
	StageLatency       = "latency lookup"
	StageRegionRanking = "region ranking"
	StageScopeSeek     = "scope seek"
	StageCandidate     = "candidate"
	StageLabels        = "candidate labels"
	StageOperator      = "operator check"
	StageAntiAffinity  = "anti-affinity"
	StageScore         = "score"
	StageRanking       = "ranking"
	StageTarget        = "target"
)
