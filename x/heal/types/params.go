package types

// DefaultParams: φ 5 suspects and φ 8 declares down (Akka's default threshold is 8); sixteen
// intervals of history, three before φ judges, σ at least 200 ms (blocks are about a second
// apart); two hosts and half a region make a region incident; eight remedies per block, each
// crashed VM restarted twice and migrated twice, three blocks apart and doubling, then escalated.
func DefaultParams() Params {
	return Params{
		PhiSuspectMilli: 5_000, PhiDownMilli: 8_000,
		HeartbeatWindow: 16, MinSamples: 3, MinStdDevMs: 200, AcceptablePauseMs: 0,
		RegionMinHosts: 2, RegionMinPercent: 50,
		MaxHosts: 2_000, MaxResolvedIncidents: 10_000,
		MaxActionsPerBlock: 8, Remedy: RemedyPolicy{MaxRestarts: 2, MaxMigrations: 2, BackoffBlocks: 3},
	}
}

// Validate checks the params' ranges.
func (p Params) Validate() error {
	switch {
	case p.PhiSuspectMilli <= 0 || p.PhiDownMilli <= p.PhiSuspectMilli || p.PhiDownMilli > 1_000_000:
		return ErrInvalidParams.Wrapf("phi thresholds %d/%d: need 0 < suspect < down ≤ 1,000,000", p.PhiSuspectMilli, p.PhiDownMilli)
	case p.HeartbeatWindow < 2 || p.HeartbeatWindow > 256:
		return ErrInvalidParams.Wrapf("heartbeat_window %d: 2..256", p.HeartbeatWindow)
	case p.MinSamples < 1 || p.MinSamples > p.HeartbeatWindow:
		return ErrInvalidParams.Wrapf("min_samples %d: 1..heartbeat_window", p.MinSamples)
	case p.MinStdDevMs < 1 || p.MinStdDevMs > 3_600_000:
		return ErrInvalidParams.Wrapf("min_std_dev_ms %d: 1..3,600,000", p.MinStdDevMs)
	case p.AcceptablePauseMs < 0 || p.AcceptablePauseMs > 3_600_000:
		return ErrInvalidParams.Wrapf("acceptable_pause_ms %d: 0..3,600,000", p.AcceptablePauseMs)
	case p.RegionMinHosts < 2:
		return ErrInvalidParams.Wrapf("region_min_hosts %d: at least 2", p.RegionMinHosts)
	case p.RegionMinPercent < 1 || p.RegionMinPercent > 100:
		return ErrInvalidParams.Wrapf("region_min_percent %d: 1..100", p.RegionMinPercent)
	case p.MaxHosts < 1 || p.MaxHosts > 10_000:
		return ErrInvalidParams.Wrapf("max_hosts %d: 1..10,000", p.MaxHosts)
	case p.MaxResolvedIncidents < 1:
		return ErrInvalidParams.Wrap("max_resolved_incidents must be positive")
	case p.MaxActionsPerBlock < 1 || p.MaxActionsPerBlock > 1_000:
		return ErrInvalidParams.Wrapf("max_actions_per_block %d: 1..1,000", p.MaxActionsPerBlock)
	case p.Remedy.MaxRestarts > 100 || p.Remedy.MaxMigrations > 100:
		return ErrInvalidParams.Wrapf("remedy ladder %d restarts, %d migrations: at most 100 each", p.Remedy.MaxRestarts, p.Remedy.MaxMigrations)
	case p.Remedy.BackoffBlocks < 0 || p.Remedy.BackoffBlocks > 100_000:
		return ErrInvalidParams.Wrapf("remedy backoff_blocks %d: 0..100,000", p.Remedy.BackoffBlocks)
	}
	return nil
}
