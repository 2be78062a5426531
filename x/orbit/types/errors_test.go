package types_test

import (
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/x/orbit/types"
)

// TestErrorGRPCCodes pins every registered error of x/orbit: its ABCI code (consensus: never
// renumber) and the gRPC code a query answers with it, bare or wrapped, through its
// GRPCStatus. A registered code missing from the table fails the test.
func TestErrorGRPCCodes(t *testing.T) {
	testkit.CheckErrorCodes(t, types.ModuleName, []testkit.ErrorCode{
		{Err: types.ErrInvalidParams, ABCI: 2, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidConstellation, ABCI: 3, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidRegion, ABCI: 4, GRPC: codes.InvalidArgument},
		{Err: types.ErrUnknownConstellation, ABCI: 5, GRPC: codes.NotFound},
		{Err: types.ErrUnknownRegion, ABCI: 6, GRPC: codes.NotFound},
		{Err: types.ErrDuplicate, ABCI: 7, GRPC: codes.AlreadyExists},
		{Err: types.ErrNoSnapshot, ABCI: 8, GRPC: codes.NotFound},
		{Err: types.ErrNoRoute, ABCI: 9, GRPC: codes.NotFound},
		{Err: types.ErrTooCostly, ABCI: 10, GRPC: codes.ResourceExhausted},
		{Err: types.ErrInvalidPlan, ABCI: 11, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidGenesis, ABCI: 12, GRPC: codes.InvalidArgument},
		{Err: types.ErrInUse, ABCI: 13, GRPC: codes.FailedPrecondition},
		{Err: types.ErrBudgetExceeded, ABCI: 14, GRPC: codes.ResourceExhausted},
	})
}
