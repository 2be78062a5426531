package types

import (
	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
)

// Registered error codes of x/heal; never renumber.
var (
	ErrInvalidParams    = errorsmod.RegisterWithGRPCCode(ModuleName, 2, codes.InvalidArgument, "invalid params")
	ErrInvalidGenesis   = errorsmod.RegisterWithGRPCCode(ModuleName, 3, codes.InvalidArgument, "invalid heal genesis")
	ErrHostNotTracked   = errorsmod.RegisterWithGRPCCode(ModuleName, 4, codes.NotFound, "host not tracked")
	ErrIncidentNotFound = errorsmod.RegisterWithGRPCCode(ModuleName, 5, codes.NotFound, "incident not found")
	// ErrInvalidObservations: a validator's heal section that does not decode or fit the agreed
	// view (its vote is left out of the block's agreement; never an error of the block).
	ErrInvalidObservations = errorsmod.RegisterWithGRPCCode(ModuleName, 6, codes.InvalidArgument, "invalid host observations")
)
