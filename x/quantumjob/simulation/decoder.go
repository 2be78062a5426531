package simulation

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/kv"

	"github.com/novacron/novacron/x/quantumjob/types"
)

// NewDecodeStore returns a function that prints two values stored under the same key of the
// module store (used by the simulator to show where two app states differ).
func NewDecodeStore(cdc codec.BinaryCodec) func(kvA, kvB kv.Pair) string {
	decode := func(prefix byte, bz []byte) string {
		var msg interface{ String() string }
		switch prefix {
		case types.ParamsKey[0]:
			var v types.Params
			cdc.MustUnmarshal(bz, &v)
			msg = &v
		case types.JobsKey[0]:
			var v types.Job
			cdc.MustUnmarshal(bz, &v)
			msg = &v
		case types.ResultsKey[0]:
			var v types.Result
			cdc.MustUnmarshal(bz, &v)
			msg = &v
		default:
			if len(bz) == 8 { // the job sequence and the queue size
				return fmt.Sprintf("%d", binary.BigEndian.Uint64(bz))
			}
			return fmt.Sprintf("%X", bz) // key sets store no value
		}
		return msg.String()
	}
	return func(kvA, kvB kv.Pair) string {
		if len(kvA.Key) == 0 || !bytes.Equal(kvA.Key[:1], kvB.Key[:1]) {
			panic(fmt.Sprintf("invalid %s key pair %X / %X", types.ModuleName, kvA.Key, kvB.Key))
		}
		p := kvA.Key[0]
		return fmt.Sprintf("%s\n%s", decode(p, kvA.Value), decode(p, kvB.Value))
	}
}
