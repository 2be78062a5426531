package types

const (
	EventTypeJobSubmitted = "quantumjob_submitted"
	EventTypeJobSucceeded = "quantumjob_succeeded"
	EventTypeJobFailed    = "quantumjob_failed"

	AttributeKeyJobID   = "job_id"
	AttributeKeyOwner   = "owner"
	AttributeKeyCost    = "cost"
	AttributeKeyBackend = "backend"
	AttributeKeyError   = "error"
	AttributeKeyQubits  = "qubits"

	AttributeKeyArtifactCID = "artifact_cid"
)
