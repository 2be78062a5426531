package types

// Event types and attributes emitted by x/validatorset.
const (
	EventTypeOperatorAdded   = "validatorset_operator_added"
	EventTypeOperatorRemoved = "validatorset_operator_removed"
	EventTypeValidatorJailed = "validatorset_validator_jailed"

	AttributeKeyOperator = "operator"
	AttributeKeyNote     = "note"
)
