package types

// Event types and attributes of x/heal.
const (
	EventTypeHealthChanged   = "heal_host_health"
	EventTypeIncidentOpened  = "heal_incident_opened"
	EventTypeIncidentChanged = "heal_incident_changed"
	EventTypeVotesApplied    = "heal_votes_applied"

	AttributeKeyHostID     = "host_id"
	AttributeKeyHealth     = "health"
	AttributeKeyPrevHealth = "prev_health"
	AttributeKeyPhiMilli   = "phi_milli"
	AttributeKeyDownPower  = "down_power"
	AttributeKeyLatePower  = "late_power"
	AttributeKeyTotalPower = "total_power"
	AttributeKeyIncidentID = "incident_id"
	AttributeKeyKind       = "kind"
	AttributeKeySubject    = "subject"
	AttributeKeyState      = "state"
	AttributeKeyVotes      = "votes"
	AttributeKeyDropped    = "dropped"
	AttributeKeyVotePower  = "vote_power"
)
