package types

import errorsmod "cosmossdk.io/errors"

// Registered error codes of x/quantumjob; never renumber.
var (
	ErrInvalidCircuit = errorsmod.Register(ModuleName, 2, "invalid OpenQASM circuit")
	ErrTooLarge       = errorsmod.Register(ModuleName, 3, "job exceeds on-chain limits")
	ErrInvalidBackend = errorsmod.Register(ModuleName, 4, "invalid backend")
	ErrQueueFull      = errorsmod.Register(ModuleName, 5, "job queue is full")
	ErrJobNotFound    = errorsmod.Register(ModuleName, 6, "job not found")
	ErrNoResult       = errorsmod.Register(ModuleName, 7, "job has no result yet")
	ErrInvalidParams  = errorsmod.Register(ModuleName, 8, "invalid params")
	ErrInvalidShots   = errorsmod.Register(ModuleName, 9, "invalid shot count")
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 10, "invalid quantumjob genesis")
	// ErrBudgetExceeded: the engine's work meter ran out (planning under max_check_steps or
	// the gas left, a run under the job's cost).
	ErrBudgetExceeded = errorsmod.Register(ModuleName, 11, "engine work budget exceeded")
	ErrTooManyJobs    = errorsmod.Register(ModuleName, 12, "too many jobs in one transaction")
)
