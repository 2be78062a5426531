package types

import (
	"cosmossdk.io/core/address"
)

// DefaultGenesis has the default params and no jobs.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextJobId: 1}
}

// Validate checks params, id uniqueness and that every result and queued job refers to a job.
func (gs GenesisState) Validate(ac address.Codec) error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	jobs := make(map[uint64]Job, len(gs.Jobs))
	for _, j := range gs.Jobs {
		if j.Id == 0 || j.Id >= gs.NextJobId {
			return ErrInvalidGenesis.Wrapf("job id %d outside [1, next_job_id=%d)", j.Id, gs.NextJobId)
		}
		if _, dup := jobs[j.Id]; dup {
			return ErrInvalidGenesis.Wrapf("duplicate job id %d", j.Id)
		}
		if _, err := ac.StringToBytes(j.Owner); err != nil {
			return ErrInvalidGenesis.Wrapf("job %d owner %q: %v", j.Id, j.Owner, err)
		}
		if j.Status == JOB_STATUS_UNSPECIFIED {
			return ErrInvalidGenesis.Wrapf("job %d has no status", j.Id)
		}
		jobs[j.Id] = j
	}
	seen := make(map[uint64]bool, len(gs.Results))
	for _, r := range gs.Results {
		j, ok := jobs[r.JobId]
		if !ok {
			return ErrInvalidGenesis.Wrapf("result for unknown job %d", r.JobId)
		}
		if j.Status != JOB_STATUS_SUCCEEDED {
			return ErrInvalidGenesis.Wrapf("result for job %d in status %s", r.JobId, j.Status)
		}
		if seen[r.JobId] {
			return ErrInvalidGenesis.Wrapf("duplicate result for job %d", r.JobId)
		}
		seen[r.JobId] = true
	}
	return nil
}
