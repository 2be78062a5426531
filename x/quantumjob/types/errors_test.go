package types_test

import (
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/x/quantumjob/types"
)

// TestErrorGRPCCodes pins every registered error of x/quantumjob: its ABCI code (consensus: never
// renumber) and the gRPC code a query answers with it, bare or wrapped, through its
// GRPCStatus. A registered code missing from the table fails the test.
func TestErrorGRPCCodes(t *testing.T) {
	testkit.CheckErrorCodes(t, types.ModuleName, []testkit.ErrorCode{
		{Err: types.ErrInvalidCircuit, ABCI: 2, GRPC: codes.InvalidArgument},
		{Err: types.ErrTooLarge, ABCI: 3, GRPC: codes.ResourceExhausted},
		{Err: types.ErrInvalidBackend, ABCI: 4, GRPC: codes.InvalidArgument},
		{Err: types.ErrQueueFull, ABCI: 5, GRPC: codes.ResourceExhausted},
		{Err: types.ErrJobNotFound, ABCI: 6, GRPC: codes.NotFound},
		{Err: types.ErrNoResult, ABCI: 7, GRPC: codes.NotFound},
		{Err: types.ErrInvalidParams, ABCI: 8, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidShots, ABCI: 9, GRPC: codes.InvalidArgument},
		{Err: types.ErrInvalidGenesis, ABCI: 10, GRPC: codes.InvalidArgument},
		{Err: types.ErrBudgetExceeded, ABCI: 11, GRPC: codes.ResourceExhausted},
		{Err: types.ErrTooManyJobs, ABCI: 12, GRPC: codes.ResourceExhausted},
	})
}
