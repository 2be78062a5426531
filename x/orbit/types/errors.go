package types

import (
	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
)

// Registered error codes of x/orbit; never renumber. Each carries the gRPC code a query
// answers with it (through its GRPCStatus; the ABCI code is the number, whatever the gRPC code).
var (
	ErrInvalidParams        = errorsmod.RegisterWithGRPCCode(ModuleName, 2, codes.InvalidArgument, "invalid params")
	ErrInvalidConstellation = errorsmod.RegisterWithGRPCCode(ModuleName, 3, codes.InvalidArgument, "invalid constellation")
	ErrInvalidRegion        = errorsmod.RegisterWithGRPCCode(ModuleName, 4, codes.InvalidArgument, "invalid region")
	ErrUnknownConstellation = errorsmod.RegisterWithGRPCCode(ModuleName, 5, codes.NotFound, "unknown constellation")
	ErrUnknownRegion        = errorsmod.RegisterWithGRPCCode(ModuleName, 6, codes.NotFound, "unknown region")
	ErrDuplicate            = errorsmod.RegisterWithGRPCCode(ModuleName, 7, codes.AlreadyExists, "already registered")
	// ErrNoSnapshot is NotFound: the latency matrix does not exist (yet).
	ErrNoSnapshot = errorsmod.RegisterWithGRPCCode(ModuleName, 8, codes.NotFound, "no latency snapshot yet")
	// ErrNoRoute is NotFound: no path between the two ends exists at that time.
	ErrNoRoute        = errorsmod.RegisterWithGRPCCode(ModuleName, 9, codes.NotFound, "no route")
	ErrTooCostly      = errorsmod.RegisterWithGRPCCode(ModuleName, 10, codes.ResourceExhausted, "computation exceeds the allowed cost")
	ErrInvalidPlan    = errorsmod.RegisterWithGRPCCode(ModuleName, 11, codes.InvalidArgument, "invalid DTN contact plan")
	ErrInvalidGenesis = errorsmod.RegisterWithGRPCCode(ModuleName, 12, codes.InvalidArgument, "invalid orbit genesis")
	ErrInUse          = errorsmod.RegisterWithGRPCCode(ModuleName, 13, codes.FailedPrecondition, "in use")
	// ErrBudgetExceeded is the engine's work meter running out (meter.ErrBudgetExceeded):
	// a query's gas or EndBlock's snapshot budget does not pay for the work.
	ErrBudgetExceeded = errorsmod.RegisterWithGRPCCode(ModuleName, 14, codes.ResourceExhausted, "work budget exceeded")
)
