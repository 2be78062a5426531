package simulation

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/kv"

	"github.com/novacron/novacron/x/internal/simdecode"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// NewDecodeStore returns a function that prints two values stored under the same key of the
// module store (used by the simulator to show where two app states differ). Collections
// without a case (counters, key sets, newer collections) print as numbers or hex rather than
// failing the simulator's report.
func NewDecodeStore(cdc codec.BinaryCodec) func(kvA, kvB kv.Pair) string {
	return simdecode.Store(types.ModuleName, cdc, func(prefix byte) simdecode.Message {
		switch prefix {
		case types.ParamsKey[0]:
			return &types.Params{}
		case types.HostsKey[0]:
			return &types.Host{}
		case types.VMsKey[0]:
			return &types.VM{}
		case types.AuditKey[0]:
			return &types.AuditEntry{}
		case types.ExplanationsKey[0]:
			return &types.Explanation{}
		}
		return nil
	}, nil)
}
