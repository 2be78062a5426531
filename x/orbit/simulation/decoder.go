package simulation

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/kv"

	"github.com/novacron/novacron/x/internal/simdecode"
	"github.com/novacron/novacron/x/orbit/types"
)

// NewDecodeStore returns a function that prints two values stored under the same key of the
// module store (used by the simulator to show where two app states differ): params,
// constellations, regions and the snapshot header as protobuf text, a snapshot row as its
// round trips in microseconds, anything else as hex.
func NewDecodeStore(cdc codec.BinaryCodec) func(kvA, kvB kv.Pair) string {
	return simdecode.Store(types.ModuleName, cdc, func(prefix byte) simdecode.Message {
		switch prefix {
		case types.ParamsKey[0]:
			return &types.Params{}
		case types.ConstellationsKey[0]:
			return &types.Constellation{}
		case types.RegionsKey[0]:
			return &types.Region{}
		case types.SnapshotKey[0]:
			return &types.LatencySnapshot{}
		}
		return nil
	}, func(prefix byte, bz []byte) (string, bool) {
		if prefix == types.SnapshotRowsKey[0] {
			return rowString(bz), true
		}
		return fmt.Sprintf("%X", bz), true
	})
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
