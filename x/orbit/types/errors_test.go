package types_test

import (
	"testing"

	errorsmod "cosmossdk.io/errors"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/novacron/novacron/x/orbit/types"
)

// TestErrorGRPCCodes pins every registered error of x/orbit: its ABCI code (consensus: never
// renumber) and the gRPC code a query answers with it, bare or wrapped, through its
// GRPCStatus. A registered code missing from the table fails the test.
func TestErrorGRPCCodes(t *testing.T) {
	table := []struct {
		err  *errorsmod.Error
		abci uint32
		code codes.Code
	}{
		{types.ErrInvalidParams, 2, codes.InvalidArgument},
		{types.ErrInvalidConstellation, 3, codes.InvalidArgument},
		{types.ErrInvalidRegion, 4, codes.InvalidArgument},
		{types.ErrUnknownConstellation, 5, codes.NotFound},
		{types.ErrUnknownRegion, 6, codes.NotFound},
		{types.ErrDuplicate, 7, codes.AlreadyExists},
		{types.ErrNoSnapshot, 8, codes.NotFound},
		{types.ErrNoRoute, 9, codes.NotFound},
		{types.ErrTooCostly, 10, codes.ResourceExhausted},
		{types.ErrInvalidPlan, 11, codes.InvalidArgument},
		{types.ErrInvalidGenesis, 12, codes.InvalidArgument},
		{types.ErrInUse, 13, codes.FailedPrecondition},
		{types.ErrBudgetExceeded, 14, codes.ResourceExhausted},
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
