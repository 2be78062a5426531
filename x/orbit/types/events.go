package types

const (
	EventTypeConstellationRegistered = "orbit_constellation_registered"
	EventTypeConstellationRemoved    = "orbit_constellation_removed"
	EventTypeRegionRegistered        = "orbit_region_registered"
	EventTypeRegionRemoved           = "orbit_region_removed"
	EventTypeSnapshot                = "orbit_latency_snapshot"
	EventTypeSnapshotFailed          = "orbit_latency_snapshot_failed"

	AttributeKeyName          = "name"
	AttributeKeyCode          = "code"
	AttributeKeyConstellation = "constellation"
	AttributeKeyRegions       = "regions"
	AttributeKeyError         = "error"
)
