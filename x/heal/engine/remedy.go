package engine

// Remediation: the ladder of automatic actions for one affected VM — restart (on a healthy
// host) up to MaxRestarts times, then migrate to another host (up to MaxMigrations), then scale
// out a replica, then give up: the incident escalates. Attempts are spaced by an exponential
// backoff in blocks. The keeper runs at most a param's number of actions per block.

// RemedyAction is one step of the ladder.
type RemedyAction uint8

const (
	ActNone     RemedyAction = 0 // wait (backoff) or nothing to do
	ActRestart  RemedyAction = 1
	ActMigrate  RemedyAction = 2
	ActScaleOut RemedyAction = 3
	ActEscalate RemedyAction = 4 // no automatic remedy left
)

func (a RemedyAction) String() string {
	switch a {
	case ActRestart:
		return "restart"
	case ActMigrate:
		return "migrate"
	case ActScaleOut:
		return "scale-out"
	case ActEscalate:
		return "escalate"
	}
	return "none"
}

// RemedyPolicy is an owner's (or the default) remediation policy.
type RemedyPolicy struct {
	MaxRestarts   uint32
	MaxMigrations uint32
	ScaleOut      bool  // add a replica when restarts and migrations are used up
	BackoffBlocks int64 // wait before the second attempt; doubles with each further one (capped at 2^10 ×)
}

// RemedyState is what has been tried on one VM in one incident (integers: state).
type RemedyState struct {
	Restarts, Migrations uint32
	ScaledOut            bool
	LastHeight           int64 // height of the last action, 0: none yet
}

// attempts is the number of actions taken so far.
func (s RemedyState) attempts() uint32 {
	n := s.Restarts + s.Migrations
	if s.ScaledOut {
		n++
	}
	return n
}

// NextRemedy returns the action due at height for a VM whose last action did not repair it
// (hostFailed: its host is down or suspect, where a restart cannot help), and the state after it.
func NextRemedy(s RemedyState, p RemedyPolicy, hostFailed bool, height int64) (RemedyAction, RemedyState) {
	if n := s.attempts(); n > 0 {
		wait := max(p.BackoffBlocks, 0) << min(n-1, 10)
		if height < s.LastHeight+wait {
			return ActNone, s
		}
	}
	switch {
	case !hostFailed && s.Restarts < p.MaxRestarts:
		s.Restarts++
		s.LastHeight = height
		return ActRestart, s
	case s.Migrations < p.MaxMigrations:
		s.Migrations++
		s.LastHeight = height
		return ActMigrate, s
	case p.ScaleOut && !s.ScaledOut:
		s.ScaledOut = true
		s.LastHeight = height
		return ActScaleOut, s
	}
	return ActEscalate, s
}
