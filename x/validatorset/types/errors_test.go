package types_test

import (
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/x/validatorset/types"
)

// TestErrorGRPCCodes pins every registered error of x/validatorset: its ABCI code (consensus: never
// renumber) and the gRPC code a query answers with it, bare or wrapped, through its
// GRPCStatus. A registered code missing from the table fails the test.
func TestErrorGRPCCodes(t *testing.T) {
	testkit.CheckErrorCodes(t, types.ModuleName, []testkit.ErrorCode{
		{Err: types.ErrNotAllowlisted, ABCI: 2, GRPC: codes.PermissionDenied},
		{Err: types.ErrAlreadyAllowlisted, ABCI: 3, GRPC: codes.AlreadyExists},
		{Err: types.ErrLastValidator, ABCI: 4, GRPC: codes.FailedPrecondition},
		{Err: types.ErrInvalidOperator, ABCI: 5, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidGenesis, ABCI: 6, GRPC: codes.InvalidArgument},
		{Err: types.ErrNoteTooLong, ABCI: 7, GRPC: codes.InvalidArgument},
	})
}
