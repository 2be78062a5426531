package types

import "cosmossdk.io/collections"

const (
	ModuleName = "heal"
	StoreKey   = ModuleName
)

// Collection prefixes; never renumber.
var (
	ParamsKey           = collections.NewPrefix(0)
	ViewKey             = collections.NewPrefix(1) // the agreed view after the last block
	PreviousViewKey     = collections.NewPrefix(2) // the one before: the base of this block's observations
	HealthKey           = collections.NewPrefix(3) // host id → HostHealth
	IncidentsKey        = collections.NewPrefix(4) // id → Incident
	NextIncidentIDKey   = collections.NewPrefix(5)
	IncidentsByStateKey = collections.NewPrefix(6) // (state, id), index of Incidents
	ResolvedCountKey    = collections.NewPrefix(7) // resolved incidents kept
)
