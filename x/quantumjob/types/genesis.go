package types

import (
	"crypto/sha256"

	"cosmossdk.io/core/address"

	"github.com/novacron/novacron/cidcalc"
)

// DefaultGenesis has the default params and no jobs.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextJobId: 1}
}

// Validate checks params, id uniqueness, owners, that every result belongs to a SUCCEEDED job,
// and that result artifact hashes and CIDs are well formed.
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
		if n := len(r.ArtifactSha256); n != 0 && n != sha256.Size {
			return ErrInvalidGenesis.Wrapf("result for job %d: artifact_sha256 is %d bytes, want %d", r.JobId, n, sha256.Size)
		}
		if r.ArtifactCid != "" {
			if err := cidcalc.Validate(r.ArtifactCid); err != nil {
				return ErrInvalidGenesis.Wrapf("result for job %d: artifact_cid: %v", r.JobId, err)
			}
		}
	}
	return nil
}
