package types

import (
	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
)

// Registered error codes of x/quantumjob; never renumber. Each carries the gRPC code a query
// answers with it (through its GRPCStatus; the ABCI code is the number, whatever the gRPC code).
var (
	ErrInvalidCircuit = errorsmod.RegisterWithGRPCCode(ModuleName, 2, codes.InvalidArgument, "invalid OpenQASM circuit")
	ErrTooLarge       = errorsmod.RegisterWithGRPCCode(ModuleName, 3, codes.ResourceExhausted, "job exceeds on-chain limits")
	ErrInvalidBackend = errorsmod.RegisterWithGRPCCode(ModuleName, 4, codes.InvalidArgument, "invalid backend")
	ErrQueueFull      = errorsmod.RegisterWithGRPCCode(ModuleName, 5, codes.ResourceExhausted, "job queue is full")
	ErrJobNotFound    = errorsmod.RegisterWithGRPCCode(ModuleName, 6, codes.NotFound, "job not found")
	// ErrNoResult is NotFound: the job exists, its result does not (yet, or ever when it failed).
	ErrNoResult       = errorsmod.RegisterWithGRPCCode(ModuleName, 7, codes.NotFound, "job has no result yet")
	ErrInvalidParams  = errorsmod.RegisterWithGRPCCode(ModuleName, 8, codes.InvalidArgument, "invalid params")
	ErrInvalidShots   = errorsmod.RegisterWithGRPCCode(ModuleName, 9, codes.InvalidArgument, "invalid shot count")
	ErrInvalidGenesis = errorsmod.RegisterWithGRPCCode(ModuleName, 10, codes.InvalidArgument, "invalid quantumjob genesis")
	// ErrBudgetExceeded: the engine's work meter ran out (planning under max_check_steps or
	// the gas left, a run under the job's cost).
	ErrBudgetExceeded = errorsmod.RegisterWithGRPCCode(ModuleName, 11, codes.ResourceExhausted, "engine work budget exceeded")
	ErrTooManyJobs    = errorsmod.RegisterWithGRPCCode(ModuleName, 12, codes.ResourceExhausted, "too many jobs in one transaction")
)
