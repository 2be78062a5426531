package testkit_test

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/kv"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	"github.com/novacron/novacron/internal/testkit"
)

// TestAtHeightMovesCtx is the one rule of every fixture: AtHeight moves the env's context
// (height, fresh event manager) and returns it.
func TestAtHeightMovesCtx(t *testing.T) {
	e := testkit.NewEnv(t, "testkit", nil)
	require.Equal(t, int64(1), e.Ctx.BlockHeight())
	require.Equal(t, testkit.ChainID, e.Ctx.ChainID())
	e.Ctx.EventManager().EmitEvent(sdk.NewEvent("before"))
	ctx := e.AtHeight(12)
	require.Equal(t, int64(12), ctx.BlockHeight())
	require.Equal(t, int64(12), e.Ctx.BlockHeight())
	require.Empty(t, e.Ctx.EventManager().Events())
	ctx.EventManager().EmitEvent(sdk.NewEvent("after"))
	require.Len(t, e.Ctx.EventManager().Events(), 1)

	e.Ctx.KVStore(e.Key).Set([]byte{2, 1}, []byte{1})
	e.Ctx.KVStore(e.Key).Set([]byte{0, 9}, []byte{2})
	e.Ctx.KVStore(e.Key).Set([]byte{2, 0}, []byte{3})
	pairs := e.StorePairs()
	require.Equal(t, []kv.Pair{{Key: []byte{0, 9}, Value: []byte{2}}, {Key: []byte{2, 0}, Value: []byte{3}}, {Key: []byte{2, 1}, Value: []byte{1}}}, pairs)
	require.Equal(t, []byte{0, 2}, testkit.Prefixes(pairs))
}

func TestNewModule(t *testing.T) {
	m := testkit.NewModule(3, func(k int) string { return "msg" }, func(k int) int { return 2 * k })
	require.Equal(t, testkit.Module[int, string, int]{Keeper: 3, MsgServer: "msg", Query: 6}, m)
}

func TestRunOps(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	op := func(name, comment string, ok bool) simtypes.Operation {
		return func(*rand.Rand, *baseapp.BaseApp, sdk.Context, []simtypes.Account, string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
			return simtypes.NewOperationMsgBasic("m", name, comment, ok, nil), nil, nil
		}
	}
	ops := simulation.WeightedOperations{
		simulation.NewWeightedOperation(3, op("a", "", true)),
		simulation.NewWeightedOperation(1, op("b", "x 1: y: refused", false)),
	}
	tally := testkit.NewSimTally()
	testkit.RunOps(t, r, ops, testkit.NewEnv(t, "testkit", nil).Ctx, nil, 400, tally)
	require.Equal(t, 400, tally.Total()+tally.NoOps["refused"])
	require.Len(t, tally.NoOps, 1)
	require.InDelta(t, 300, tally.Delivered["a"], 40)
	ss := testkit.SimState(r, nil, 5, 2)
	require.Len(t, ss.Accounts, 5)
	require.Equal(t, int64(2), ss.NumBonded)
}
