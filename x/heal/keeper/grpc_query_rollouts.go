package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/novacron/novacron/x/heal/types"
)

func (q queryServer) Rollout(ctx context.Context, req *types.QueryRolloutRequest) (*types.QueryRolloutResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	r, err := q.k.Rollouts.Get(ctx, req.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, types.ErrRolloutNotFound.Wrapf("rollout %d", req.Id)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryRolloutResponse{Rollout: r}, nil
}

// Rollouts: newest first, as incidents; owner filters through the ByOwner index.
func (q queryServer) Rollouts(ctx context.Context, req *types.QueryRolloutsRequest) (*types.QueryRolloutsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	pg := newestFirst(req.Pagination)
	if req.Owner == "" {
		rs, page, err := query.CollectionPaginate(ctx, q.k.Rollouts, pg,
			func(_ uint64, r types.Rollout) (types.Rollout, error) { return r, nil })
		if err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
		return &types.QueryRolloutsResponse{Rollouts: rs, Pagination: page}, nil
	}
	rs, page, err := query.CollectionPaginate(ctx, q.k.Rollouts.Indexes.ByOwner, pg,
		func(key collections.Pair[string, uint64], _ collections.NoValue) (types.Rollout, error) {
			return q.k.Rollouts.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[string, uint64](req.Owner))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryRolloutsResponse{Rollouts: rs, Pagination: page}, nil
}

// newestFirst reverses a first page request so that listings start with the newest id.
func newestFirst(pg *query.PageRequest) *query.PageRequest {
	pr := query.PageRequest{}
	if pg != nil {
		pr = *pg
	}
	if pr.Key == nil && pr.Offset == 0 {
		pr.Reverse = !pr.Reverse
	}
	return &pr
}

func (q queryServer) Policy(ctx context.Context, req *types.QueryPolicyRequest) (*types.QueryPolicyResponse, error) {
	if req == nil || req.Owner == "" {
		return nil, status.Error(codes.InvalidArgument, "owner required")
	}
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	pol, source, err := q.k.EffectivePolicy(ctx, p, req.Owner, req.VmId)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryPolicyResponse{Policy: pol, Source: source}, nil
}

func (q queryServer) Policies(ctx context.Context, req *types.QueryPoliciesRequest) (*types.QueryPoliciesResponse, error) {
	if req == nil || req.Owner == "" {
		return nil, status.Error(codes.InvalidArgument, "owner required")
	}
	pols, page, err := query.CollectionPaginate(ctx, q.k.Policies, req.Pagination,
		func(_ collections.Pair[string, uint64], p types.Policy) (types.Policy, error) { return p, nil },
		query.WithCollectionPaginationPairPrefix[string, uint64](req.Owner))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryPoliciesResponse{Policies: pols, Pagination: page}, nil
}

func (q queryServer) Forecast(ctx context.Context, req *types.QueryForecastRequest) (*types.QueryForecastResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	f, err := q.k.Forecasts.Get(ctx, req.Group)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, types.ErrForecastNotFound.Wrapf("group %d has no forecast (no scaling policy, or no block since it was set)", req.Group)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryForecastResponse{Forecast: f}, nil
}

func (q queryServer) Forecasts(ctx context.Context, req *types.QueryForecastsRequest) (*types.QueryForecastsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	fs, page, err := query.CollectionPaginate(ctx, q.k.Forecasts, req.Pagination,
		func(_ uint64, f types.Forecast) (types.Forecast, error) { return f, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryForecastsResponse{Forecasts: fs, Pagination: page}, nil
}
