package types

import errorsmod "cosmossdk.io/errors"

// Registered error codes of x/orbit; never renumber.
var (
	ErrInvalidParams        = errorsmod.Register(ModuleName, 2, "invalid params")
	ErrInvalidConstellation = errorsmod.Register(ModuleName, 3, "invalid constellation")
	ErrInvalidRegion        = errorsmod.Register(ModuleName, 4, "invalid region")
	ErrUnknownConstellation = errorsmod.Register(ModuleName, 5, "unknown constellation")
	ErrUnknownRegion        = errorsmod.Register(ModuleName, 6, "unknown region")
	ErrDuplicate            = errorsmod.Register(ModuleName, 7, "already registered")
	ErrNoSnapshot           = errorsmod.Register(ModuleName, 8, "no latency snapshot yet")
	ErrNoRoute              = errorsmod.Register(ModuleName, 9, "no route")
	ErrTooCostly            = errorsmod.Register(ModuleName, 10, "computation exceeds the allowed cost")
	ErrInvalidPlan          = errorsmod.Register(ModuleName, 11, "invalid DTN contact plan")
	ErrInvalidGenesis       = errorsmod.Register(ModuleName, 12, "invalid orbit genesis")
	ErrInUse                = errorsmod.Register(ModuleName, 13, "in use")
	// ErrBudgetExceeded is the engine's work meter running out (meter.ErrBudgetExceeded):
	// a query's gas or EndBlock's snapshot budget does not pay for the work.
	ErrBudgetExceeded = errorsmod.Register(ModuleName, 14, "work budget exceeded")
)
