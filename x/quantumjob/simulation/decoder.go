package simulation

import (
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/types/kv"

	"github.com/novacron/novacron/x/internal/simdecode"
	"github.com/novacron/novacron/x/quantumjob/types"
)

// NewDecodeStore returns a function that prints two values stored under the same key of the
// module store (used by the simulator to show where two app states differ): params, jobs
// and results as protobuf text, the job sequence and queue size as numbers, key sets as hex.
func NewDecodeStore(cdc codec.BinaryCodec) func(kvA, kvB kv.Pair) string {
	return simdecode.Store(types.ModuleName, cdc, func(prefix byte) simdecode.Message {
		switch prefix {
		case types.ParamsKey[0]:
			return &types.Params{}
		case types.JobsKey[0]:
			return &types.Job{}
		case types.ResultsKey[0]:
			return &types.Result{}
		}
		return nil
	}, nil)
}
