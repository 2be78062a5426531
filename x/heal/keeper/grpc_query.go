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

type queryServer struct{ k Keeper }

// NewQueryServerImpl returns the module's Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k} }

var _ types.QueryServer = queryServer{}

func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

func (q queryServer) Hosts(ctx context.Context, req *types.QueryHostsRequest) (*types.QueryHostsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	hosts, page, err := query.CollectionPaginate(ctx, q.k.Health, req.Pagination,
		func(_ string, h types.HostHealth) (types.HostHealth, error) { return h, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryHostsResponse{Hosts: hosts, Pagination: page}, nil
}

func (q queryServer) Host(ctx context.Context, req *types.QueryHostRequest) (*types.QueryHostResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	h, err := q.k.Health.Get(ctx, req.HostId)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, types.ErrHostNotTracked.Wrapf("host %q", req.HostId)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	v, err := view(ctx, q.k.View)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	res := &types.QueryHostResponse{Health: h}
	if j, ok := index(v).pos[req.HostId]; ok {
		res.View = v.Hosts[j]
	}
	return res, nil
}

func (q queryServer) Incidents(ctx context.Context, req *types.QueryIncidentsRequest) (*types.QueryIncidentsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	pg := req.Pagination
	if pg == nil {
		pg = &query.PageRequest{}
	}
	if req.State == types.IncidentState_INCIDENT_STATE_UNSPECIFIED {
		pr := *pg
		if pg.Key == nil && pg.Offset == 0 {
			pr.Reverse = !pg.Reverse // newest first by default
		}
		incs, page, err := query.CollectionPaginate(ctx, q.k.Incidents, &pr,
			func(_ uint64, inc types.Incident) (types.Incident, error) { return inc, nil })
		if err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
		return &types.QueryIncidentsResponse{Incidents: incs, Pagination: page}, nil
	}
	incs, page, err := query.CollectionPaginate(ctx, q.k.Incidents.Indexes.ByState, pg,
		func(key collections.Pair[int32, uint64], _ collections.NoValue) (types.Incident, error) {
			return q.k.Incidents.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[int32, uint64](int32(req.State)))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryIncidentsResponse{Incidents: incs, Pagination: page}, nil
}

func (q queryServer) Incident(ctx context.Context, req *types.QueryIncidentRequest) (*types.QueryIncidentResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	inc, err := q.k.Incidents.Get(ctx, req.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, types.ErrIncidentNotFound.Wrapf("incident %d", req.Id)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryIncidentResponse{Incident: inc}, nil
}
