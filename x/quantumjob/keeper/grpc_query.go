package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/novacron/novacron/x/quantumjob/types"
)

// queryServer answers with registered errors (types/errors.go), whose GRPCStatus carries
// the gRPC code, or with a status made here: InvalidArgument for a malformed request,
// Internal for a store failure.
type queryServer struct{ k Keeper }

// NewQueryServerImpl returns the Query service of x/quantumjob.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k} }

var _ types.QueryServer = queryServer{}

func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

func (q queryServer) Job(ctx context.Context, req *types.QueryJobRequest) (*types.QueryJobResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	job, err := q.k.Jobs.Get(ctx, req.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, types.ErrJobNotFound.Wrapf("job %d", req.Id)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryJobResponse{Job: job}, nil
}

func (q queryServer) Result(ctx context.Context, req *types.QueryResultRequest) (*types.QueryResultResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	job, err := q.k.Jobs.Get(ctx, req.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, types.ErrJobNotFound.Wrapf("job %d", req.Id)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	res, err := q.k.Results.Get(ctx, req.Id)
	if errors.Is(err, collections.ErrNotFound) {
		if job.Error != "" {
			return nil, types.ErrNoResult.Wrapf("job %d failed: %s", req.Id, job.Error)
		}
		return nil, types.ErrNoResult.Wrapf("job %d is %s", req.Id, job.Status)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryResultResponse{Result: res}, nil
}

func (q queryServer) JobsByOwner(ctx context.Context, req *types.QueryJobsByOwnerRequest) (*types.QueryJobsByOwnerResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	owner, err := q.k.addressCodec.StringToBytes(req.Owner)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	jobs, page, err := query.CollectionPaginate(ctx, q.k.Jobs.Indexes.Owner, req.Pagination,
		func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.Job, error) {
			return q.k.Jobs.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](owner))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryJobsByOwnerResponse{Jobs: jobs, Pagination: page}, nil
}
