package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

func (q queryServer) ApprovalPolicy(ctx context.Context, req *types.QueryApprovalPolicyRequest) (*types.QueryApprovalPolicyResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	owner, _, err := q.k.canonical(req.Owner)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	pol, err := q.k.Policies.Get(ctx, collections.Join(owner, req.VmId))
	if errors.Is(err, collections.ErrNotFound) {
		return nil, types.ErrPolicyNotFound.Wrapf("%s vm %d", req.Owner, req.VmId)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryApprovalPolicyResponse{Policy: pol}, nil
}

func (q queryServer) ApprovalPolicies(ctx context.Context, req *types.QueryApprovalPoliciesRequest) (*types.QueryApprovalPoliciesResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	owner, _, err := q.k.canonical(req.Owner)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	pols, page, err := query.CollectionPaginate(ctx, q.k.Policies, req.Pagination,
		func(_ collections.Pair[sdk.AccAddress, uint64], p types.ApprovalPolicy) (types.ApprovalPolicy, error) {
			return p, nil
		},
		query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](owner))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryApprovalPoliciesResponse{Policies: pols, Pagination: page}, nil
}

func (q queryServer) Operation(ctx context.Context, req *types.QueryOperationRequest) (*types.QueryOperationResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	o, err := q.k.getOp(ctx, req.OperationId)
	if errors.Is(err, types.ErrOperationNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryOperationResponse{Operation: o}, nil
}

func (q queryServer) OperationsByVM(ctx context.Context, req *types.QueryOperationsByVMRequest) (*types.QueryOperationsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	ops, page, err := query.CollectionFilteredPaginate(ctx, q.k.Ops.Indexes.ByVM, req.Pagination,
		func(key collections.Pair[uint64, uint64], _ collections.NoValue) (bool, error) {
			if req.Status == types.OPERATION_STATUS_UNSPECIFIED {
				return true, nil
			}
			o, err := q.k.Ops.Get(ctx, key.K2())
			return o.Status == req.Status, err
		},
		func(key collections.Pair[uint64, uint64], _ collections.NoValue) (types.Operation, error) {
			return q.k.Ops.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[uint64, uint64](req.VmId))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryOperationsResponse{Operations: ops, Pagination: page}, nil
}

func (q queryServer) Operations(ctx context.Context, req *types.QueryOperationsRequest) (*types.QueryOperationsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if req.Status == types.OPERATION_STATUS_UNSPECIFIED {
		ops, page, err := query.CollectionPaginate(ctx, q.k.Ops, req.Pagination,
			func(_ uint64, o types.Operation) (types.Operation, error) { return o, nil })
		if err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
		return &types.QueryOperationsResponse{Operations: ops, Pagination: page}, nil
	}
	ops, page, err := query.CollectionPaginate(ctx, q.k.Ops.Indexes.ByStatus, req.Pagination,
		func(key collections.Pair[int32, uint64], _ collections.NoValue) (types.Operation, error) {
			return q.k.Ops.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[int32, uint64](int32(req.Status)))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryOperationsResponse{Operations: ops, Pagination: page}, nil
}

func (q queryServer) Rule(ctx context.Context, req *types.QueryRuleRequest) (*types.QueryRuleResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	r, err := q.k.Rules.Get(ctx, req.RuleId)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, types.ErrRuleNotFound.Wrapf("rule %d", req.RuleId)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryRuleResponse{Rule: r}, nil
}

func (q queryServer) RulesByOwner(ctx context.Context, req *types.QueryRulesByOwnerRequest) (*types.QueryRulesByOwnerResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	owner, _, err := q.k.canonical(req.Owner)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	rules, page, err := query.CollectionPaginate(ctx, q.k.Rules.Indexes.ByOwner, req.Pagination,
		func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.Rule, error) {
			return q.k.Rules.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](owner))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryRulesByOwnerResponse{Rules: rules, Pagination: page}, nil
}
