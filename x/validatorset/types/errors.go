package types

import (
	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
)

// Registered error codes of x/validatorset; codes are part of the public API, never renumber them.
// Each carries the gRPC code a query answers with it (through its GRPCStatus; the ABCI code is
// the number, whatever the gRPC code).
var (
	ErrNotAllowlisted     = errorsmod.RegisterWithGRPCCode(ModuleName, 2, codes.PermissionDenied, "validator operator is not on the allowlist")
	ErrAlreadyAllowlisted = errorsmod.RegisterWithGRPCCode(ModuleName, 3, codes.AlreadyExists, "validator operator is already on the allowlist")
	ErrLastValidator      = errorsmod.RegisterWithGRPCCode(ModuleName, 4, codes.FailedPrecondition, "removal would leave no bonded validator")
	ErrInvalidOperator    = errorsmod.RegisterWithGRPCCode(ModuleName, 5, codes.InvalidArgument, "invalid validator operator address")
	ErrInvalidGenesis     = errorsmod.RegisterWithGRPCCode(ModuleName, 6, codes.InvalidArgument, "invalid validatorset genesis")
	ErrNoteTooLong        = errorsmod.RegisterWithGRPCCode(ModuleName, 7, codes.InvalidArgument, "note too long")
)
