package simulation

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/kv"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// NewDecodeStore returns a function that prints two values stored under the same key of the
// module store (used by the simulator to show where two app states differ).
func NewDecodeStore(cdc codec.BinaryCodec) func(kvA, kvB kv.Pair) string {
	decode := func(prefix byte, bz []byte) string {
		var msg interface{ String() string }
		switch {
		case prefix == types.ParamsKey[0]:
			var v types.Params
			cdc.MustUnmarshal(bz, &v)
			msg = &v
		case prefix == types.HostsKey[0]:
			var v types.Host
			cdc.MustUnmarshal(bz, &v)
			msg = &v
		case prefix == types.VMsKey[0]:
			var v types.VM
			cdc.MustUnmarshal(bz, &v)
			msg = &v
		case prefix == types.AuditKey[0]:
			var v types.AuditEntry
			cdc.MustUnmarshal(bz, &v)
			msg = &v
		case prefix == types.ExplanationsKey[0]:
			var v types.Explanation
			cdc.MustUnmarshal(bz, &v)
			msg = &v
		case len(bz) == 8: // sequences, counters, vm ids, drain cursors
			return fmt.Sprintf("%d", binary.BigEndian.Uint64(bz))
		default: // key sets store no value
			return fmt.Sprintf("%X", bz)
		}
		return msg.String()
	}
	return func(kvA, kvB kv.Pair) string {
		if len(kvA.Key) == 0 || !bytes.Equal(kvA.Key[:1], kvB.Key[:1]) {
			panic(fmt.Sprintf("invalid %s key pair %X / %X", types.ModuleName, kvA.Key, kvB.Key))
		}
		// Collections without a decoder case (counters, key sets, newer collections) print as
		// numbers or hex rather than failing the simulator's report.
		p := kvA.Key[0]
		return fmt.Sprintf("%s\n%s", decode(p, kvA.Value), decode(p, kvB.Value))
	}
}
