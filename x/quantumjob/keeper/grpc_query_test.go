package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"

	qjtestutil "github.com/novacron/novacron/x/quantumjob/testutil"
	"github.com/novacron/novacron/x/quantumjob/types"
)

func requireCode(t *testing.T, err error, code codes.Code, contains string) {
	t.Helper()
	require.Error(t, err)
	st, ok := status.FromError(err)
	require.True(t, ok, "not a gRPC status: %v", err)
	require.Equal(t, code, st.Code(), st.Message())
	require.Contains(t, st.Message(), contains)
}

func TestQueryParams(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	res, err := f.Query.Params(f.Ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), res.Params)
}

func TestQueryJobAndResult(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	f.Submit(t, 1, qjtestutil.Bell, 100, "")
	f.Enqueue(t, 1, qjtestutil.Opaque, 1, 1_000_000)

	_, err := f.Query.Job(f.Ctx, nil)
	requireCode(t, err, codes.InvalidArgument, "empty request")
	_, err = f.Query.Job(f.Ctx, &types.QueryJobRequest{Id: 99})
	requireCode(t, err, codes.NotFound, "job 99")
	_, err = f.Query.Result(f.Ctx, &types.QueryResultRequest{Id: 99})
	requireCode(t, err, codes.NotFound, "job not found")
	_, err = f.Query.Result(f.Ctx, nil)
	requireCode(t, err, codes.InvalidArgument, "empty request")

	job, err := f.Query.Job(f.Ctx, &types.QueryJobRequest{Id: 1})
	require.NoError(t, err)
	require.Equal(t, f.Job(t, 1), job.Job)
	_, err = f.Query.Result(f.Ctx, &types.QueryResultRequest{Id: 1})
	requireCode(t, err, codes.NotFound, "job 1 is JOB_STATUS_QUEUED")

	require.NoError(t, f.Keeper.RunQueued(f.AtHeight(8)))
	res, err := f.Query.Result(f.Ctx, &types.QueryResultRequest{Id: 1})
	require.NoError(t, err)
	require.Equal(t, result(t, f, 1), res.Result)
	require.Equal(t, uint64(100), sum(res.Result.Counts))
	_, err = f.Query.Result(f.Ctx, &types.QueryResultRequest{Id: 2})
	requireCode(t, err, codes.NotFound, "job 2 failed: ")
	requireCode(t, err, codes.NotFound, "opaque gate")
}

func TestQueryJobsByOwner(t *testing.T) {
	f := qjtestutil.NewFixture(t, nil)
	for _, owner := range []byte{1, 2, 1, 1, 3, 1} {
		f.Submit(t, owner, qjtestutil.Bell, 1, "")
	}
	ids := func(js []types.Job) []uint64 {
		var out []uint64
		for _, j := range js {
			out = append(out, j.Id)
		}
		return out
	}

	all, err := f.Query.JobsByOwner(f.Ctx, &types.QueryJobsByOwnerRequest{Owner: qjtestutil.AddrStr(1), Pagination: &query.PageRequest{CountTotal: true}})
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 3, 4, 6}, ids(all.Jobs))
	require.Equal(t, uint64(4), all.Pagination.Total)
	require.Equal(t, qjtestutil.AddrStr(1), all.Jobs[0].Owner)

	// Pages of 3 by key.
	p1, err := f.Query.JobsByOwner(f.Ctx, &types.QueryJobsByOwnerRequest{Owner: qjtestutil.AddrStr(1), Pagination: &query.PageRequest{Limit: 3}})
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 3, 4}, ids(p1.Jobs))
	require.NotEmpty(t, p1.Pagination.NextKey)
	p2, err := f.Query.JobsByOwner(f.Ctx, &types.QueryJobsByOwnerRequest{Owner: qjtestutil.AddrStr(1), Pagination: &query.PageRequest{Key: p1.Pagination.NextKey, Limit: 3}})
	require.NoError(t, err)
	require.Equal(t, []uint64{6}, ids(p2.Jobs))
	require.Empty(t, p2.Pagination.NextKey)

	// By offset, and in reverse.
	off, err := f.Query.JobsByOwner(f.Ctx, &types.QueryJobsByOwnerRequest{Owner: qjtestutil.AddrStr(1), Pagination: &query.PageRequest{Offset: 2, Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, []uint64{4}, ids(off.Jobs))
	rev, err := f.Query.JobsByOwner(f.Ctx, &types.QueryJobsByOwnerRequest{Owner: qjtestutil.AddrStr(1), Pagination: &query.PageRequest{Reverse: true, Limit: 2}})
	require.NoError(t, err)
	require.Equal(t, []uint64{6, 4}, ids(rev.Jobs))

	other, err := f.Query.JobsByOwner(f.Ctx, &types.QueryJobsByOwnerRequest{Owner: qjtestutil.AddrStr(2)})
	require.NoError(t, err)
	require.Equal(t, []uint64{2}, ids(other.Jobs))
	none, err := f.Query.JobsByOwner(f.Ctx, &types.QueryJobsByOwnerRequest{Owner: qjtestutil.AddrStr(9)})
	require.NoError(t, err)
	require.Empty(t, none.Jobs)

	_, err = f.Query.JobsByOwner(f.Ctx, &types.QueryJobsByOwnerRequest{Owner: "nova1bad"})
	requireCode(t, err, codes.InvalidArgument, "")
	_, err = f.Query.JobsByOwner(f.Ctx, nil)
	requireCode(t, err, codes.InvalidArgument, "empty request")
}
