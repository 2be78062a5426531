package testkit

import (
	"testing"

	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ErrorCode is a module error with its ABCI code (consensus: never renumber) and the gRPC code
// a query answers with it.
type ErrorCode struct {
	Err  *errorsmod.Error
	ABCI uint32
	GRPC codes.Code
}

// CheckErrorCodes pins every registered error of codespace: each in table has its ABCI code and,
// bare or wrapped once or twice, its gRPC code (through GRPCStatus), and every code registered
// under codespace is in the table.
func CheckErrorCodes(t *testing.T, codespace string, table []ErrorCode) {
	t.Helper()
	seen := map[uint32]bool{}
	for _, tc := range table {
		name := tc.Err.Error()
		if tc.Err.Codespace() != codespace || tc.Err.ABCICode() != tc.ABCI {
			t.Errorf("%s: %s/%d, want %s/%d", name, tc.Err.Codespace(), tc.Err.ABCICode(), codespace, tc.ABCI)
		}
		if seen[tc.ABCI] {
			t.Errorf("code %d twice", tc.ABCI)
		}
		seen[tc.ABCI] = true
		wrapped := tc.Err.Wrapf("object %d", 7)
		for _, err := range []error{tc.Err, wrapped, errorsmod.Wrap(wrapped, "outer")} {
			if got := status.Code(err); got != tc.GRPC {
				t.Errorf("%v: gRPC code %s, want %s", err, got, tc.GRPC)
			}
		}
		if msg := status.Convert(wrapped).Message(); !contains(msg, "object 7") {
			t.Errorf("%s: status message %q lost the wrapping", name, msg)
		}
	}
	for code := uint32(1); code <= 1000; code++ {
		// ABCIError wraps the error registered under (codespace, code), or a new one described
		// "unknown" when there is none.
		registered := errorsmod.ABCIError(codespace, code, "").Error() != ": unknown"
		if seen[code] != registered {
			t.Errorf("%s code %d: registered %v, in the table %v", codespace, code, registered, seen[code])
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
