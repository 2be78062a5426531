package types

import (
	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
)

// Registered error codes of x/vmlifecycle; never renumber. Each carries the gRPC code a query
// answers with it (through its GRPCStatus; the ABCI code is the number, whatever the gRPC code).
var (
	ErrInvalidParams        = errorsmod.RegisterWithGRPCCode(ModuleName, 2, codes.InvalidArgument, "invalid params")
	ErrInvalidGenesis       = errorsmod.RegisterWithGRPCCode(ModuleName, 3, codes.InvalidArgument, "invalid vmlifecycle genesis")
	ErrOperatorNotAllowed   = errorsmod.RegisterWithGRPCCode(ModuleName, 4, codes.PermissionDenied, "operator is not on the host-operator allowlist")
	ErrInvalidHost          = errorsmod.RegisterWithGRPCCode(ModuleName, 5, codes.InvalidArgument, "invalid host")
	ErrHostExists           = errorsmod.RegisterWithGRPCCode(ModuleName, 6, codes.AlreadyExists, "host already registered")
	ErrHostNotFound         = errorsmod.RegisterWithGRPCCode(ModuleName, 7, codes.NotFound, "host not found")
	ErrNotHostOperator      = errorsmod.RegisterWithGRPCCode(ModuleName, 8, codes.PermissionDenied, "signer is not the host's operator")
	ErrHostNotEmpty         = errorsmod.RegisterWithGRPCCode(ModuleName, 9, codes.FailedPrecondition, "host still has VMs")
	ErrHostDraining         = errorsmod.RegisterWithGRPCCode(ModuleName, 10, codes.FailedPrecondition, "host is draining")
	ErrInvalidCID           = errorsmod.RegisterWithGRPCCode(ModuleName, 11, codes.InvalidArgument, "invalid image CID")
	ErrInvalidResources     = errorsmod.RegisterWithGRPCCode(ModuleName, 12, codes.InvalidArgument, "invalid resources")
	ErrInvalidName          = errorsmod.RegisterWithGRPCCode(ModuleName, 13, codes.InvalidArgument, "invalid VM name")
	ErrDuplicateName        = errorsmod.RegisterWithGRPCCode(ModuleName, 14, codes.AlreadyExists, "VM name already used by this owner")
	ErrInvalidConstraints   = errorsmod.RegisterWithGRPCCode(ModuleName, 15, codes.InvalidArgument, "invalid constraints")
	ErrVMNotFound           = errorsmod.RegisterWithGRPCCode(ModuleName, 16, codes.NotFound, "VM not found")
	ErrNotVMOwner           = errorsmod.RegisterWithGRPCCode(ModuleName, 17, codes.PermissionDenied, "signer is not the VM's owner")
	ErrIllegalTransition    = errorsmod.RegisterWithGRPCCode(ModuleName, 18, codes.FailedPrecondition, "illegal VM state transition")
	ErrNoPlacement          = errorsmod.RegisterWithGRPCCode(ModuleName, 19, codes.FailedPrecondition, "no host satisfies the VM's constraints")
	ErrInsufficientCapacity = errorsmod.RegisterWithGRPCCode(ModuleName, 20, codes.ResourceExhausted, "insufficient host capacity")
	ErrInvalidReplicas      = errorsmod.RegisterWithGRPCCode(ModuleName, 21, codes.InvalidArgument, "invalid replica count")
	ErrInvalidStatusReport  = errorsmod.RegisterWithGRPCCode(ModuleName, 22, codes.InvalidArgument, "invalid VM status report")
	ErrExplanationNotFound  = errorsmod.RegisterWithGRPCCode(ModuleName, 23, codes.NotFound, "no placement explanation for VM")
	ErrInvalidMigration     = errorsmod.RegisterWithGRPCCode(ModuleName, 24, codes.InvalidArgument, "invalid migration request")
	ErrInvalidPolicy        = errorsmod.RegisterWithGRPCCode(ModuleName, 25, codes.InvalidArgument, "invalid approval policy")
	ErrPolicyNotFound       = errorsmod.RegisterWithGRPCCode(ModuleName, 26, codes.NotFound, "approval policy not found")
	ErrOperationNotFound    = errorsmod.RegisterWithGRPCCode(ModuleName, 27, codes.NotFound, "operation not found")
	ErrNotApprover          = errorsmod.RegisterWithGRPCCode(ModuleName, 28, codes.PermissionDenied, "signer is not an approver of the operation")
	ErrAlreadyApproved      = errorsmod.RegisterWithGRPCCode(ModuleName, 29, codes.AlreadyExists, "operation already approved by this approver")
	ErrOperationExpired     = errorsmod.RegisterWithGRPCCode(ModuleName, 30, codes.FailedPrecondition, "operation approval deadline passed")
	ErrOperationNotPending  = errorsmod.RegisterWithGRPCCode(ModuleName, 31, codes.FailedPrecondition, "operation is not awaiting approval")
	ErrInvalidTimeLock      = errorsmod.RegisterWithGRPCCode(ModuleName, 32, codes.InvalidArgument, "invalid time-lock")
	ErrNotCancellable       = errorsmod.RegisterWithGRPCCode(ModuleName, 33, codes.FailedPrecondition, "operation can no longer be cancelled")
	ErrInvalidRule          = errorsmod.RegisterWithGRPCCode(ModuleName, 34, codes.InvalidArgument, "invalid rule")
	ErrRuleNotFound         = errorsmod.RegisterWithGRPCCode(ModuleName, 35, codes.NotFound, "rule not found")
	ErrNotRuleOwner         = errorsmod.RegisterWithGRPCCode(ModuleName, 36, codes.PermissionDenied, "signer is not the rule's owner")
	ErrTooManyRules         = errorsmod.RegisterWithGRPCCode(ModuleName, 37, codes.ResourceExhausted, "owner has too many rules")
	ErrNotOperationOwner    = errorsmod.RegisterWithGRPCCode(ModuleName, 38, codes.PermissionDenied, "signer is not the operation's owner")
	ErrHostNotDraining      = errorsmod.RegisterWithGRPCCode(ModuleName, 39, codes.FailedPrecondition, "host is not draining")
	// ErrSchedulerBudget: a placement needed more scheduler steps than its budget (the gas the
	// transaction had left × SchedulerStepsPerGas, at most MaxPlacementSteps; see scheduler_meter.go).
	ErrSchedulerBudget = errorsmod.RegisterWithGRPCCode(ModuleName, 40, codes.ResourceExhausted, "scheduler work budget exceeded")
)
