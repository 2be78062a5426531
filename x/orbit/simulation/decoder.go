package simulation

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/kv"

	"github.com/novacron/novacron/x/orbit/types"
)

// NewDecodeStore returns a function that prints two values stored under the same key of the
// module store (used by the simulator to show where two app states differ): params,
// constellations, regions and the snapshot header as protobuf text, a snapshot row as its
// round trips in microseconds, anything else as hex.
func NewDecodeStore(cdc codec.BinaryCodec) func(kvA, kvB kv.Pair) string {
	decode := func(prefix byte, bz []byte) string {
		var v interface {
			codec.ProtoMarshaler
			String() string
		}
		switch prefix {
		case types.ParamsKey[0]:
			v = &types.Params{}
		case types.ConstellationsKey[0]:
			v = &types.Constellation{}
		case types.RegionsKey[0]:
			v = &types.Region{}
		case types.SnapshotKey[0]:
			v = &types.LatencySnapshot{}
		case types.SnapshotRowsKey[0]:
			return rowString(bz)
		default:
			return fmt.Sprintf("%X", bz)
		}
		cdc.MustUnmarshal(bz, v)
		return v.String()
	}
	return func(kvA, kvB kv.Pair) string {
		if len(kvA.Key) == 0 || len(kvB.Key) == 0 || kvA.Key[0] != kvB.Key[0] {
			panic(fmt.Sprintf("invalid %s key pair %X / %X", types.ModuleName, kvA.Key, kvB.Key))
		}
		return decode(kvA.Key[0], kvA.Value) + "\n" + decode(kvA.Key[0], kvB.Value)
	}
}

// rowString prints a snapshot row (big-endian int64 round trips, -1 for unreachable).
func rowString(bz []byte) string {
	if len(bz)%8 != 0 {
		return fmt.Sprintf("%X", bz)
	}
	parts := make([]string, len(bz)/8)
	for i := range parts {
		parts[i] = fmt.Sprint(int64(binary.BigEndian.Uint64(bz[8*i:])))
	}
	return "[" + strings.Join(parts, " ") + "]"
}
