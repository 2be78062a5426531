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
	RolloutsKey         = collections.NewPrefix(8) // id → Rollout
	NextRolloutIDKey    = collections.NewPrefix(9)
	RolloutsByStateKey  = collections.NewPrefix(10) // (state, id), index of Rollouts
	RolloutVMsKey       = collections.NewPrefix(11) // vm id → active rollout id
	PoliciesKey         = collections.NewPrefix(12) // (owner, vm id) → Policy
	ScalingGroupsKey    = collections.NewPrefix(13) // group id → owner: groups with a scaling policy
	ForecastsKey        = collections.NewPrefix(14) // group id → Forecast
	RolloutsByOwnerKey  = collections.NewPrefix(15) // (owner, id), index of Rollouts
)
