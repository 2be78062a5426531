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
		StuckAfterBlocks: 60, CrashLoopFailures: 3, CrashLoopWindowBlocks: 600,
		MaxActiveRollouts: 16, MaxRolloutVms: 128,
		HoltAlphaPpm: 500_000, HoltBetaPpm: 300_000, ScalingHorizonMs: 15 * 60 * 1000, ScaleCooldownBlocks: 30, MaxScalingGroups: 256,
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
	case p.StuckAfterBlocks < 1 || p.StuckAfterBlocks > 1_000_000:
		return ErrInvalidParams.Wrapf("stuck_after_blocks %d: 1..1,000,000", p.StuckAfterBlocks)
	case p.CrashLoopFailures < 2 || p.CrashLoopFailures > 1_000:
		return ErrInvalidParams.Wrapf("crash_loop_failures %d: 2..1,000", p.CrashLoopFailures)
	case p.CrashLoopWindowBlocks < 1 || p.CrashLoopWindowBlocks > 1_000_000:
		return ErrInvalidParams.Wrapf("crash_loop_window_blocks %d: 1..1,000,000", p.CrashLoopWindowBlocks)
	case p.MaxActiveRollouts < 1 || p.MaxActiveRollouts > 1_000:
		return ErrInvalidParams.Wrapf("max_active_rollouts %d: 1..1,000", p.MaxActiveRollouts)
	case p.MaxRolloutVms < 1 || p.MaxRolloutVms > 10_000:
		return ErrInvalidParams.Wrapf("max_rollout_vms %d: 1..10,000", p.MaxRolloutVms)
	case p.HoltAlphaPpm < 1 || p.HoltAlphaPpm > 1_000_000 || p.HoltBetaPpm < 0 || p.HoltBetaPpm > 1_000_000:
		return ErrInvalidParams.Wrapf("holt factors α %d, β %d ppm: 0 < α ≤ 1,000,000, 0 ≤ β ≤ 1,000,000", p.HoltAlphaPpm, p.HoltBetaPpm)
	case p.ScalingHorizonMs < 1_000 || p.ScalingHorizonMs > 7*24*3_600_000:
		return ErrInvalidParams.Wrapf("scaling_horizon_ms %d: 1 s..7 days", p.ScalingHorizonMs)
	case p.ScaleCooldownBlocks < 1 || p.ScaleCooldownBlocks > 1_000_000:
		return ErrInvalidParams.Wrapf("scale_cooldown_blocks %d: 1..1,000,000", p.ScaleCooldownBlocks)
	case p.MaxScalingGroups > 10_000:
		return ErrInvalidParams.Wrapf("max_scaling_groups %d: 0..10,000", p.MaxScalingGroups)
	}
	return p.Remedy.Validate()
}

// Validate checks a remediation ladder's bounds.
func (r RemedyPolicy) Validate() error {
	switch {
	case r.MaxRestarts > 100 || r.MaxMigrations > 100:
		return ErrInvalidPolicy.Wrapf("remedy ladder %d restarts, %d migrations: at most 100 each", r.MaxRestarts, r.MaxMigrations)
	case r.BackoffBlocks < 0 || r.BackoffBlocks > 100_000:
		return ErrInvalidPolicy.Wrapf("remedy backoff_blocks %d: 0..100,000", r.BackoffBlocks)
	}
	return nil
}

// Validate checks a scaling policy (max_replicas 0: scaling off, and nothing else may be set).
func (s ScalingPolicy) Validate() error {
	if s.MaxReplicas == 0 {
		if s != (ScalingPolicy{}) {
			return ErrInvalidPolicy.Wrap("scaling: max_replicas 0 (off) takes no other field")
		}
		return nil
	}
	switch {
	case s.MinReplicas < 1 || s.MinReplicas > s.MaxReplicas || s.MaxReplicas > 1_000:
		return ErrInvalidPolicy.Wrapf("scaling replicas %d..%d: need 1 ≤ min ≤ max ≤ 1,000", s.MinReplicas, s.MaxReplicas)
	case s.ScaleOutPercent < 1 || s.ScaleOutPercent > 100:
		return ErrInvalidPolicy.Wrapf("scale_out_percent %d: 1..100", s.ScaleOutPercent)
	case s.ScaleInPercent >= s.ScaleOutPercent:
		return ErrInvalidPolicy.Wrapf("scale_in_percent %d must be below scale_out_percent %d (the hysteresis band)", s.ScaleInPercent, s.ScaleOutPercent)
	}
	return nil
}
