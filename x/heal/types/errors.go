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
	ErrInvalidPolicy       = errorsmod.RegisterWithGRPCCode(ModuleName, 7, codes.InvalidArgument, "invalid remediation policy")
	ErrInvalidRollout      = errorsmod.RegisterWithGRPCCode(ModuleName, 8, codes.InvalidArgument, "invalid rollout")
	ErrRolloutNotFound     = errorsmod.RegisterWithGRPCCode(ModuleName, 9, codes.NotFound, "rollout not found")
	// ErrNotOwner: a rollout or policy on VMs (or a rollout) the signer does not own.
	ErrNotOwner         = errorsmod.RegisterWithGRPCCode(ModuleName, 10, codes.PermissionDenied, "not the owner")
	ErrTooManyRollouts  = errorsmod.RegisterWithGRPCCode(ModuleName, 11, codes.ResourceExhausted, "too many active rollouts")
	ErrRolloutConflict  = errorsmod.RegisterWithGRPCCode(ModuleName, 12, codes.FailedPrecondition, "VM already in an active rollout")
	ErrTooManyScaling   = errorsmod.RegisterWithGRPCCode(ModuleName, 13, codes.ResourceExhausted, "too many scaling groups")
	ErrPolicyNotFound   = errorsmod.RegisterWithGRPCCode(ModuleName, 14, codes.NotFound, "policy not found")
	ErrRolloutNotActive = errorsmod.RegisterWithGRPCCode(ModuleName, 15, codes.FailedPrecondition, "rollout not active")
	ErrForecastNotFound = errorsmod.RegisterWithGRPCCode(ModuleName, 16, codes.NotFound, "forecast not found")
)
