package types_test

import (
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// TestErrorGRPCCodes pins every registered error of x/vmlifecycle: its ABCI code (consensus: never
// renumber) and the gRPC code a query answers with it, bare or wrapped, through its
// GRPCStatus. A registered code missing from the table fails the test.
func TestErrorGRPCCodes(t *testing.T) {
	testkit.CheckErrorCodes(t, types.ModuleName, []testkit.ErrorCode{
		{Err: types.ErrInvalidParams, ABCI: 2, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidGenesis, ABCI: 3, GRPC: codes.InvalidArgument},
		{Err: types.ErrOperatorNotAllowed, ABCI: 4, GRPC: codes.PermissionDenied},
		{Err: types.ErrInvalidHost, ABCI: 5, GRPC: codes.InvalidArgument},
		{Err: types.ErrHostExists, ABCI: 6, GRPC: codes.AlreadyExists},
		{Err: types.ErrHostNotFound, ABCI: 7, GRPC: codes.NotFound},
		{Err: types.ErrNotHostOperator, ABCI: 8, GRPC: codes.PermissionDenied},
		{Err: types.ErrHostNotEmpty, ABCI: 9, GRPC: codes.FailedPrecondition},
		{Err: types.ErrHostDraining, ABCI: 10, GRPC: codes.FailedPrecondition},
		{Err: types.ErrInvalidCID, ABCI: 11, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidResources, ABCI: 12, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidName, ABCI: 13, GRPC: codes.InvalidArgument},
		{Err: types.ErrDuplicateName, ABCI: 14, GRPC: codes.AlreadyExists},
		{Err: types.ErrInvalidConstraints, ABCI: 15, GRPC: codes.InvalidArgument},
		{Err: types.ErrVMNotFound, ABCI: 16, GRPC: codes.NotFound},
		{Err: types.ErrNotVMOwner, ABCI: 17, GRPC: codes.PermissionDenied},
		{Err: types.ErrIllegalTransition, ABCI: 18, GRPC: codes.FailedPrecondition},
		{Err: types.ErrNoPlacement, ABCI: 19, GRPC: codes.FailedPrecondition},
		{Err: types.ErrInsufficientCapacity, ABCI: 20, GRPC: codes.ResourceExhausted},
		{Err: types.ErrInvalidReplicas, ABCI: 21, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidStatusReport, ABCI: 22, GRPC: codes.InvalidArgument},
		{Err: types.ErrExplanationNotFound, ABCI: 23, GRPC: codes.NotFound},
		{Err: types.ErrInvalidMigration, ABCI: 24, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidPolicy, ABCI: 25, GRPC: codes.InvalidArgument},
		{Err: types.ErrPolicyNotFound, ABCI: 26, GRPC: codes.NotFound},
		{Err: types.ErrOperationNotFound, ABCI: 27, GRPC: codes.NotFound},
		{Err: types.ErrNotApprover, ABCI: 28, GRPC: codes.PermissionDenied},
		{Err: types.ErrAlreadyApproved, ABCI: 29, GRPC: codes.AlreadyExists},
		{Err: types.ErrOperationExpired, ABCI: 30, GRPC: codes.FailedPrecondition},
		{Err: types.ErrOperationNotPending, ABCI: 31, GRPC: codes.FailedPrecondition},
		{Err: types.ErrInvalidTimeLock, ABCI: 32, GRPC: codes.InvalidArgument},
		{Err: types.ErrNotCancellable, ABCI: 33, GRPC: codes.FailedPrecondition},
		{Err: types.ErrInvalidRule, ABCI: 34, GRPC: codes.InvalidArgument},
		{Err: types.ErrRuleNotFound, ABCI: 35, GRPC: codes.NotFound},
		{Err: types.ErrNotRuleOwner, ABCI: 36, GRPC: codes.PermissionDenied},
		{Err: types.ErrTooManyRules, ABCI: 37, GRPC: codes.ResourceExhausted},
		{Err: types.ErrNotOperationOwner, ABCI: 38, GRPC: codes.PermissionDenied},
		{Err: types.ErrHostNotDraining, ABCI: 39, GRPC: codes.FailedPrecondition},
		{Err: types.ErrSchedulerBudget, ABCI: 40, GRPC: codes.ResourceExhausted},
	})
}
