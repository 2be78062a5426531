package simulation

import (
	"fmt"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/kv"

	"github.com/novacron/novacron/x/validatorset/types"
)

// NewDecodeStore returns a function that prints two values stored under the same key of the
// module store (used by the simulator to show where two app states differ): allowlist entries
// as AllowedOperator, anything else as hex.
func NewDecodeStore(cdc codec.BinaryCodec) func(kvA, kvB kv.Pair) string {
	return func(kvA, kvB kv.Pair) string {
		if len(kvA.Key) == 0 || len(kvB.Key) == 0 || kvA.Key[0] != kvB.Key[0] {
			panic(fmt.Sprintf("invalid %s key pair %X / %X", types.ModuleName, kvA.Key, kvB.Key))
		}
		if kvA.Key[0] != types.OperatorsKey[0] {
			return fmt.Sprintf("%X\n%X", kvA.Value, kvB.Value)
		}
		var a, b types.AllowedOperator
		cdc.MustUnmarshal(kvA.Value, &a)
		cdc.MustUnmarshal(kvB.Value, &b)
		return fmt.Sprintf("%s\n%s", a.String(), b.String())
	}
}
