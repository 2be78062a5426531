package types

import errorsmod "cosmossdk.io/errors"

// Registered error codes of x/validatorset; codes are part of the public API, never renumber them.
var (
	ErrNotAllowlisted     = errorsmod.Register(ModuleName, 2, "validator operator is not on the allowlist")
	ErrAlreadyAllowlisted = errorsmod.Register(ModuleName, 3, "validator operator is already on the allowlist")
	ErrLastValidator      = errorsmod.Register(ModuleName, 4, "removal would leave no bonded validator")
	ErrInvalidOperator    = errorsmod.Register(ModuleName, 5, "invalid validator operator address")
	ErrInvalidGenesis     = errorsmod.Register(ModuleName, 6, "invalid validatorset genesis")
	ErrNoteTooLong        = errorsmod.Register(ModuleName, 7, "note too long")
)
