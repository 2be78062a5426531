package types

import (
	"sort"

	"cosmossdk.io/core/address"
)

// DefaultOpRetentionBlocks keeps a finished operation ~2 weeks at 6 s blocks (as long as the longest
// default approval ttl) before EndBlock prunes it.
const DefaultOpRetentionBlocks = 201_600

// DefaultParams: an empty operator allowlist (governance fills it), 32 candidates per placement.
func DefaultParams() Params {
	return Params{
		MaxCandidates:              32,
		GasPerCandidate:            1_500,
		GasPerRegion:               500,
		SpreadWeightPpm:            50_000,
		MaxDrainMigrationsPerBlock: 16,
		MaxPendingRetriesPerBlock:  16,
		PendingRetryIntervalBlocks: 10,
		MaxReplicas:                16,
		MaxLabels:                  16,
		MaxVmResources:             Resources{CpuMillis: 256_000, MemoryMib: 4 << 20, DiskGib: 65_536, Gpus: 16},
		MaxHostCapacity:            Resources{CpuMillis: 4_096_000, MemoryMib: 64 << 20, DiskGib: 1 << 20, Gpus: 64},
		MaxRegionsScanned:          64,
		MaxApprovers:               16,
		MaxApprovalTtlBlocks:       201_600,   // ~2 weeks at 6 s
		MaxApprovalTtlSeconds:      1_209_600, // 2 weeks
		MaxTimelockBlocks:          5_256_000, // ~1 year at 6 s
		MaxTimelockSeconds:         31_536_000,
		MaxScheduledOpsPerBlock:    16,
		MaxExpirationsPerBlock:     64,
		MaxRulesPerOwner:           32,
		MaxRuleTargets:             16,
		MaxRuleFiringsPerBlock:     16,
		MaxRuleEventsPerBlock:      64,
		OpRetentionBlocks:          DefaultOpRetentionBlocks,
		MaxOpPrunesPerBlock:        64,
	}
}

// Validate checks bounds and the canonical order of the allowlist and latency table.
func (p Params) Validate(ac address.Codec) error {
	for i, op := range p.HostOperators {
		if _, err := ac.StringToBytes(op); err != nil {
			return ErrInvalidParams.Wrapf("host operator %q: %v", op, err)
		}
		if i > 0 && p.HostOperators[i-1] >= op {
			return ErrInvalidParams.Wrap("host_operators must be sorted without duplicates")
		}
	}
	switch {
	case p.MaxCandidates == 0 || p.MaxCandidates > 1024:
		return ErrInvalidParams.Wrapf("max_candidates %d: must be 1..1024", p.MaxCandidates)
	case p.SpreadWeightPpm < 0 || p.SpreadWeightPpm > 1_000_000:
		return ErrInvalidParams.Wrapf("spread_weight_ppm %d: must be 0..1e6", p.SpreadWeightPpm)
	case p.MaxDrainMigrationsPerBlock == 0 || p.MaxDrainMigrationsPerBlock > 1024:
		return ErrInvalidParams.Wrap("max_drain_migrations_per_block must be 1..1024")
	case p.MaxPendingRetriesPerBlock == 0 || p.MaxPendingRetriesPerBlock > 1024:
		return ErrInvalidParams.Wrap("max_pending_retries_per_block must be 1..1024")
	case p.PendingRetryIntervalBlocks <= 0:
		return ErrInvalidParams.Wrap("pending_retry_interval_blocks must be positive")
	case p.MaxReplicas == 0 || p.MaxReplicas > 256:
		return ErrInvalidParams.Wrap("max_replicas must be 1..256")
	case p.MaxLabels == 0 || p.MaxLabels > 64:
		return ErrInvalidParams.Wrap("max_labels must be 1..64")
	case p.MaxRegionsScanned == 0 || p.MaxRegionsScanned > 1024:
		return ErrInvalidParams.Wrap("max_regions_scanned must be 1..1024")
	case p.MaxApprovers == 0 || p.MaxApprovers > 64:
		return ErrInvalidParams.Wrap("max_approvers must be 1..64")
	case p.MaxApprovalTtlBlocks <= 0 || p.MaxApprovalTtlSeconds <= 0:
		return ErrInvalidParams.Wrap("max_approval_ttl_blocks and max_approval_ttl_seconds must be positive")
	case p.MaxTimelockBlocks <= 0 || p.MaxTimelockSeconds <= 0:
		return ErrInvalidParams.Wrap("max_timelock_blocks and max_timelock_seconds must be positive")
	case p.MaxApprovalTtlBlocks > 1<<40 || p.MaxApprovalTtlSeconds > 1<<40 || p.MaxTimelockBlocks > 1<<40 || p.MaxTimelockSeconds > 1<<40:
		return ErrInvalidParams.Wrap("ttl and time-lock bounds must be ≤ 2^40")
	case p.MaxScheduledOpsPerBlock == 0 || p.MaxScheduledOpsPerBlock > 1024:
		return ErrInvalidParams.Wrap("max_scheduled_ops_per_block must be 1..1024")
	case p.MaxExpirationsPerBlock == 0 || p.MaxExpirationsPerBlock > 4096:
		return ErrInvalidParams.Wrap("max_expirations_per_block must be 1..4096")
	case p.MaxRulesPerOwner == 0 || p.MaxRulesPerOwner > 1024:
		return ErrInvalidParams.Wrap("max_rules_per_owner must be 1..1024")
	case p.MaxRuleTargets == 0 || p.MaxRuleTargets > 256:
		return ErrInvalidParams.Wrap("max_rule_targets must be 1..256")
	case p.MaxRuleFiringsPerBlock == 0 || p.MaxRuleFiringsPerBlock > 1024:
		return ErrInvalidParams.Wrap("max_rule_firings_per_block must be 1..1024")
	case p.MaxRuleEventsPerBlock == 0 || p.MaxRuleEventsPerBlock > 4096:
		return ErrInvalidParams.Wrap("max_rule_events_per_block must be 1..4096")
	case p.OpRetentionBlocks < 0 || p.OpRetentionBlocks > 1<<40:
		return ErrInvalidParams.Wrapf("op_retention_blocks %d: must be 0 (keep forever)..2^40", p.OpRetentionBlocks)
	case p.MaxOpPrunesPerBlock > 4096 || (p.MaxOpPrunesPerBlock == 0 && p.OpRetentionBlocks > 0):
		// 0 is allowed with pruning off: params stored before these two fields
		// existed read as (0, 0) = keep forever, valid without a migration
		return ErrInvalidParams.Wrap("max_op_prunes_per_block must be 1..4096 (0 only with op_retention_blocks 0)")
	case p.MaxVmResources.CpuMillis == 0 || p.MaxVmResources.MemoryMib == 0:
		return ErrInvalidParams.Wrap("max_vm_resources must allow cpu and memory")
	case !p.MaxVmResources.Fits(p.MaxHostCapacity):
		return ErrInvalidParams.Wrap("max_vm_resources must fit in max_host_capacity")
	case p.MaxHostCapacity.CpuMillis > 1<<40 || p.MaxHostCapacity.MemoryMib > 1<<40 || p.MaxHostCapacity.DiskGib > 1<<40:
		// keeps every score product well inside int64
		return ErrInvalidParams.Wrap("max_host_capacity dimensions must be ≤ 2^40")
	}
	for i, l := range p.RegionLatencies {
		if !isToken(l.From, MaxRegionLen) || !isToken(l.To, MaxRegionLen) || l.From >= l.To || l.LatencyUs < 0 {
			return ErrInvalidParams.Wrapf("region latency %q→%q %d µs: want valid regions, from < to, latency ≥ 0", l.From, l.To, l.LatencyUs)
		}
		if i > 0 {
			prev := p.RegionLatencies[i-1]
			if prev.From > l.From || (prev.From == l.From && prev.To >= l.To) {
				return ErrInvalidParams.Wrap("region_latencies must be sorted by (from, to) without duplicates")
			}
		}
	}
	return nil
}

// IsHostOperator reports whether addr is on the allowlist (binary search; the list is sorted).
func (p Params) IsHostOperator(addr string) bool {
	i := sort.SearchStrings(p.HostOperators, addr)
	return i < len(p.HostOperators) && p.HostOperators[i] == addr
}

// TableLatencyUs looks a region pair up in the params table; a region to itself is 0.
func (p Params) TableLatencyUs(a, b string) (int64, bool) {
	if a == b {
		return 0, true
	}
	if a > b {
		a, b = b, a
	}
	t := p.RegionLatencies
	i := sort.Search(len(t), func(i int) bool {
		return t[i].From > a || (t[i].From == a && t[i].To >= b)
	})
	if i < len(t) && t[i].From == a && t[i].To == b {
		return t[i].LatencyUs, true
	}
	return 0, false
}
