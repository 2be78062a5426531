package types_test

import (
	"testing"

	errorsmod "cosmossdk.io/errors"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// TestErrorGRPCCodes pins every registered error of x/vmlifecycle: its ABCI code (consensus: never
// renumber) and the gRPC code a query answers with it, bare or wrapped, through its
// GRPCStatus. A registered code missing from the table fails the test.
func TestErrorGRPCCodes(t *testing.T) {
	table := []struct {
		err  *errorsmod.Error
		abci uint32
		code codes.Code
	}{
		{types.ErrInvalidParams, 2, codes.InvalidArgument},
		{types.ErrInvalidGenesis, 3, codes.InvalidArgument},
		{types.ErrOperatorNotAllowed, 4, codes.PermissionDenied},
		{types.ErrInvalidHost, 5, codes.InvalidArgument},
		{types.ErrHostExists, 6, codes.AlreadyExists},
		{types.ErrHostNotFound, 7, codes.NotFound},
		{types.ErrNotHostOperator, 8, codes.PermissionDenied},
		{types.ErrHostNotEmpty, 9, codes.FailedPrecondition},
		{types.ErrHostDraining, 10, codes.FailedPrecondition},
		{types.ErrInvalidCID, 11, codes.InvalidArgument},
		{types.ErrInvalidResources, 12, codes.InvalidArgument},
		{types.ErrInvalidName, 13, codes.InvalidArgument},
		{types.ErrDuplicateName, 14, codes.AlreadyExists},
		{types.ErrInvalidConstraints, 15, codes.InvalidArgument},
		{types.ErrVMNotFound, 16, codes.NotFound},
		{types.ErrNotVMOwner, 17, codes.PermissionDenied},
		{types.ErrIllegalTransition, 18, codes.FailedPrecondition},
		{types.ErrNoPlacement, 19, codes.FailedPrecondition},
		{types.ErrInsufficientCapacity, 20, codes.ResourceExhausted},
		{types.ErrInvalidReplicas, 21, codes.InvalidArgument},
		{types.ErrInvalidStatusReport, 22, codes.InvalidArgument},
		{types.ErrExplanationNotFound, 23, codes.NotFound},
		{types.ErrInvalidMigration, 24, codes.InvalidArgument},
		{types.ErrInvalidPolicy, 25, codes.InvalidArgument},
		{types.ErrPolicyNotFound, 26, codes.NotFound},
		{types.ErrOperationNotFound, 27, codes.NotFound},
		{types.ErrNotApprover, 28, codes.PermissionDenied},
		{types.ErrAlreadyApproved, 29, codes.AlreadyExists},
		{types.ErrOperationExpired, 30, codes.FailedPrecondition},
		{types.ErrOperationNotPending, 31, codes.FailedPrecondition},
		{types.ErrInvalidTimeLock, 32, codes.InvalidArgument},
		{types.ErrNotCancellable, 33, codes.FailedPrecondition},
		{types.ErrInvalidRule, 34, codes.InvalidArgument},
		{types.ErrRuleNotFound, 35, codes.NotFound},
		{types.ErrNotRuleOwner, 36, codes.PermissionDenied},
		{types.ErrTooManyRules, 37, codes.ResourceExhausted},
		{types.ErrNotOperationOwner, 38, codes.PermissionDenied},
		{types.ErrHostNotDraining, 39, codes.FailedPrecondition},
		{types.ErrSchedulerBudget, 40, codes.ResourceExhausted},
	}
	seen := map[uint32]bool{}
	for _, tc := range table {
		name := tc.err.Error()
		require.Equal(t, types.ModuleName, tc.err.Codespace(), name)
		require.Equal(t, tc.abci, tc.err.ABCICode(), name)
		require.False(t, seen[tc.abci], "code %d twice", tc.abci)
		seen[tc.abci] = true

		wrapped := tc.err.Wrapf("object %d", 7)
		require.Equal(t, tc.code, status.Code(wrapped), name)
		require.Equal(t, tc.code, status.Code(errorsmod.Wrap(wrapped, "outer")), name)
		require.Equal(t, tc.code, status.Code(tc.err), name)
		require.Contains(t, status.Convert(wrapped).Message(), "object 7", name)
		require.ErrorIs(t, wrapped, tc.err)
	}
	for code := uint32(1); code <= 1000; code++ {
		// ABCIError wraps the error registered under (codespace, code), or a new one
		// described "unknown" when there is none.
		registered := errorsmod.ABCIError(types.ModuleName, code, "").Error() != ": unknown"
		require.Equal(t, seen[code], registered, "code %d: registered but not in the table, or the reverse", code)
	}
}
