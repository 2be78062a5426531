package simulation

import (
	"fmt"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/kv"

	"github.com/novacron/novacron/x/internal/simdecode"
	"github.com/novacron/novacron/x/validatorset/types"
)

// NewDecodeStore returns a function that prints two values stored under the same key of the
// module store (used by the simulator to show where two app states differ): allowlist entries
// as AllowedOperator, anything else as hex.
func NewDecodeStore(cdc codec.BinaryCodec) func(kvA, kvB kv.Pair) string {
	return simdecode.Store(types.ModuleName, cdc, func(prefix byte) simdecode.Message {
		if prefix == types.OperatorsKey[0] {
			return &types.AllowedOperator{}
		}
		return nil
	}, func(_ byte, bz []byte) (string, bool) { return fmt.Sprintf("%X", bz), true })
}
