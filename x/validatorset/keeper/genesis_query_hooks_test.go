package keeper_test

import (
	"bytes"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"

	vstestutil "github.com/novacron/novacron/x/validatorset/testutil"
	"github.com/novacron/novacron/x/validatorset/types"
)

// sortedByKey sorts entries by their operator bytes, the collection's key order.
func sortedByKey(t *testing.T, ops []types.AllowedOperator) []types.AllowedOperator {
	t.Helper()
	out := append([]types.AllowedOperator(nil), ops...)
	sort.Slice(out, func(i, j int) bool {
		a, err := vstestutil.ValCodec.StringToBytes(out[i].OperatorAddress)
		require.NoError(t, err)
		b, err := vstestutil.ValCodec.StringToBytes(out[j].OperatorAddress)
		require.NoError(t, err)
		return bytes.Compare(a, b) < 0
	})
	return out
}

func TestGenesisRoundTrip(t *testing.T) {
	// Deliberately not in key order: operators 9, 2, 5 (bytes 0x09.., 0x02.., 0x05..).
	in := &types.GenesisState{Operators: []types.AllowedOperator{
		{OperatorAddress: vstestutil.ValStr(9), Note: "nine", AddedHeight: 0},
		{OperatorAddress: vstestutil.ValStr(2), Note: "", AddedHeight: 40},
		{OperatorAddress: vstestutil.ValStr(5), Note: "five", AddedHeight: 3},
	}}
	f := vstestutil.NewFixture(t)
	require.NoError(t, f.Keeper.InitGenesis(f.Ctx, in))
	out, err := f.Keeper.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	want := sortedByKey(t, in.Operators)
	require.Equal(t, []string{vstestutil.ValStr(2), vstestutil.ValStr(5), vstestutil.ValStr(9)},
		[]string{want[0].OperatorAddress, want[1].OperatorAddress, want[2].OperatorAddress})
	require.Equal(t, want, out.Operators)

	// export(import(x)) == x for x in key order, through JSON as the genesis file carries it.
	bz, err := f.Cdc.MarshalJSON(out)
	require.NoError(t, err)
	var decoded types.GenesisState
	require.NoError(t, f.Cdc.UnmarshalJSON(bz, &decoded))
	f2 := vstestutil.NewFixture(t)
	require.NoError(t, f2.Keeper.InitGenesis(f2.Ctx, &decoded))
	out2, err := f2.Keeper.ExportGenesis(f2.Ctx)
	require.NoError(t, err)
	require.Equal(t, out, out2)

	for _, op := range in.Operators {
		bz, err := vstestutil.ValCodec.StringToBytes(op.OperatorAddress)
		require.NoError(t, err)
		require.NoError(t, f2.Keeper.RequireAllowed(f2.Ctx, bz))
	}
}

func TestGenesisEmpty(t *testing.T) {
	f := vstestutil.NewFixture(t)
	require.NoError(t, f.Keeper.InitGenesis(f.Ctx, types.DefaultGenesis()))
	out, err := f.Keeper.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	require.Empty(t, out.Operators)
	require.NoError(t, out.Validate(vstestutil.ValCodec))
}

func TestInitGenesisRejectsInvalid(t *testing.T) {
	for name, gs := range map[string]*types.GenesisState{
		"account address": {Operators: []types.AllowedOperator{{OperatorAddress: vstestutil.AccStr(1)}}},
		"duplicate":       {Operators: []types.AllowedOperator{{OperatorAddress: vstestutil.ValStr(1)}, {OperatorAddress: vstestutil.ValStr(1)}}},
		"upper-case duplicate": {Operators: []types.AllowedOperator{
			{OperatorAddress: vstestutil.ValStr(1)}, {OperatorAddress: strings.ToUpper(vstestutil.ValStr(1))},
		}},
		"negative height": {Operators: []types.AllowedOperator{{OperatorAddress: vstestutil.ValStr(1), AddedHeight: -5}}},
	} {
		t.Run(name, func(t *testing.T) {
			f := vstestutil.NewFixture(t)
			err := f.Keeper.InitGenesis(f.Ctx, gs)
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
		})
	}
}

func TestInitGenesisCanonicalisesAddresses(t *testing.T) {
	f := vstestutil.NewFixture(t)
	require.NoError(t, f.Keeper.InitGenesis(f.Ctx, &types.GenesisState{Operators: []types.AllowedOperator{
		{OperatorAddress: strings.ToUpper(vstestutil.ValStr(4)), Note: "n"},
	}}))
	out, err := f.Keeper.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	require.Equal(t, []types.AllowedOperator{{OperatorAddress: vstestutil.ValStr(4), Note: "n"}}, out.Operators)
}

func TestQueryOperatorsPagination(t *testing.T) {
	f := vstestutil.NewFixture(t)
	for _, i := range []byte{5, 1, 4, 2, 3} {
		f.Allow(t, i)
	}
	all := []string{vstestutil.ValStr(1), vstestutil.ValStr(2), vstestutil.ValStr(3), vstestutil.ValStr(4), vstestutil.ValStr(5)}

	res, err := f.Query.Operators(f.Ctx, &types.QueryOperatorsRequest{})
	require.NoError(t, err)
	require.Equal(t, all, addrs(res.Operators))
	require.Equal(t, "op1", res.Operators[0].Note)

	var got []string
	var nextKey []byte
	pages := 0
	for {
		res, err := f.Query.Operators(f.Ctx, &types.QueryOperatorsRequest{Pagination: &query.PageRequest{Key: nextKey, Limit: 2, CountTotal: pages == 0}})
		require.NoError(t, err)
		require.LessOrEqual(t, len(res.Operators), 2)
		if pages == 0 {
			require.Equal(t, uint64(5), res.Pagination.Total)
		}
		got = append(got, addrs(res.Operators)...)
		pages++
		nextKey = res.Pagination.NextKey
		if nextKey == nil {
			break
		}
		require.Less(t, pages, 5, "pagination does not terminate")
	}
	require.Equal(t, 3, pages)
	require.Equal(t, all, got)

	// Offset pagination and reverse order.
	res, err = f.Query.Operators(f.Ctx, &types.QueryOperatorsRequest{Pagination: &query.PageRequest{Offset: 3, Limit: 10}})
	require.NoError(t, err)
	require.Equal(t, all[3:], addrs(res.Operators))
	res, err = f.Query.Operators(f.Ctx, &types.QueryOperatorsRequest{Pagination: &query.PageRequest{Limit: 2, Reverse: true}})
	require.NoError(t, err)
	require.Equal(t, []string{all[4], all[3]}, addrs(res.Operators))

	_, err = f.Query.Operators(f.Ctx, nil)
	require.Equal(t, codes.InvalidArgument, status.Code(err))
}

func addrs(ops []types.AllowedOperator) []string {
	out := make([]string, len(ops))
	for i, op := range ops {
		out[i] = op.OperatorAddress
	}
	return out
}

func TestQueryOperator(t *testing.T) {
	f := vstestutil.NewFixture(t)
	f.Allow(t, 1)

	res, err := f.Query.Operator(f.Ctx, &types.QueryOperatorRequest{OperatorAddress: vstestutil.ValStr(1)})
	require.NoError(t, err)
	require.True(t, res.Allowed)
	require.Equal(t, &types.AllowedOperator{OperatorAddress: vstestutil.ValStr(1), Note: "op1"}, res.Operator)

	res, err = f.Query.Operator(f.Ctx, &types.QueryOperatorRequest{OperatorAddress: vstestutil.ValStr(2)})
	require.NoError(t, err)
	require.False(t, res.Allowed)
	require.Nil(t, res.Operator)

	for _, bad := range []string{"", vstestutil.AccStr(1), "novavaloper1zzz"} {
		_, err = f.Query.Operator(f.Ctx, &types.QueryOperatorRequest{OperatorAddress: bad})
		require.Equal(t, codes.InvalidArgument, status.Code(err), "address %q", bad)
	}
	_, err = f.Query.Operator(f.Ctx, nil)
	require.Equal(t, codes.InvalidArgument, status.Code(err))
}

func TestHooks(t *testing.T) {
	f := vstestutil.NewFixture(t)
	f.Allow(t, 1)
	h := f.Keeper.Hooks()
	delegator := vstestutil.ValAddr(77).Bytes()

	require.NoError(t, h.AfterValidatorCreated(f.Ctx, vstestutil.ValAddr(1)))
	require.NoError(t, h.BeforeDelegationCreated(f.Ctx, delegator, vstestutil.ValAddr(1)))

	err := h.AfterValidatorCreated(f.Ctx, vstestutil.ValAddr(2))
	require.ErrorIs(t, err, types.ErrNotAllowlisted)
	require.Contains(t, err.Error(), vstestutil.ValStr(2))
	require.ErrorIs(t, h.BeforeDelegationCreated(f.Ctx, delegator, vstestutil.ValAddr(2)), types.ErrNotAllowlisted)

	// Leaving a validator must stay possible after its operator was revoked: the hooks that
	// undelegation and slashing go through do not consult the allowlist.
	require.NoError(t, h.BeforeDelegationSharesModified(f.Ctx, delegator, vstestutil.ValAddr(2)))
	require.NoError(t, h.BeforeDelegationRemoved(f.Ctx, delegator, vstestutil.ValAddr(2)))
	require.NoError(t, h.AfterValidatorRemoved(f.Ctx, nil, vstestutil.ValAddr(2)))
}
