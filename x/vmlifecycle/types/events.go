package types

const (
	EventTypeHostRegistered   = "vm_host_registered"
	EventTypeHostUpdated      = "vm_host_updated"
	EventTypeHostDraining     = "vm_host_draining"
	EventTypeHostDrained      = "vm_host_drained"
	EventTypeHostDeregistered = "vm_host_deregistered"
	EventTypeVMCreated        = "vm_created"
	EventTypeVMPlaced         = "vm_placed"
	EventTypeVMStateChanged   = "vm_state_changed"
	EventTypeVMResized        = "vm_resized"
	EventTypeParamsUpdated    = "vm_params_updated"

	AttributeKeyHostID     = "host_id"
	AttributeKeyPrevHostID = "prev_host_id"
	AttributeKeyOperator   = "operator"
	AttributeKeyRegion     = "region"
	AttributeKeyVMID       = "vm_id"
	AttributeKeyOwner      = "owner"
	AttributeKeyName       = "name"
	AttributeKeyPrevState  = "prev_state"
	AttributeKeyNewState   = "new_state"
	AttributeKeyActor      = "actor"
	AttributeKeyReason     = "reason"
	AttributeKeyScore      = "score"
	AttributeKeyAuditSeq   = "audit_seq"
)
