package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/novacron/novacron/x/validatorset/types"
)

// queryServer answers with registered errors (types/errors.go), whose GRPCStatus carries
// the gRPC code, or with a status made here: InvalidArgument for a malformed request,
// Internal for a store failure.
type queryServer struct{ k Keeper }

// NewQueryServerImpl returns the Query service of x/validatorset.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k} }

var _ types.QueryServer = queryServer{}

func (q queryServer) Operators(ctx context.Context, req *types.QueryOperatorsRequest) (*types.QueryOperatorsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	ops, page, err := query.CollectionPaginate(ctx, q.k.Operators, req.Pagination,
		func(_ sdk.ValAddress, v types.AllowedOperator) (types.AllowedOperator, error) { return v, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryOperatorsResponse{Operators: ops, Pagination: page}, nil
}

func (q queryServer) Operator(ctx context.Context, req *types.QueryOperatorRequest) (*types.QueryOperatorResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	op, err := q.k.parseOperator(req.OperatorAddress)
	if err != nil {
		return nil, err // ErrInvalidOperator: InvalidArgument
	}
	entry, err := q.k.Operators.Get(ctx, op)
	if errors.Is(err, collections.ErrNotFound) {
		return &types.QueryOperatorResponse{Allowed: false}, nil
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryOperatorResponse{Allowed: true, Operator: &entry}, nil
}
