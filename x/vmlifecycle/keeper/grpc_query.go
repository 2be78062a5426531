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

type queryServer struct{ k Keeper }

// NewQueryServerImpl returns the Query service of x/vmlifecycle.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k} }

var _ types.QueryServer = queryServer{}

// Queries answer with registered errors (types/errors.go), whose GRPCStatus carries the gRPC
// code (NotFound for a missing host, VM, explanation, policy, operation or rule), or with a
// status made here: InvalidArgument for a malformed request, Internal for a store failure.

func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

func (q queryServer) Host(ctx context.Context, req *types.QueryHostRequest) (*types.QueryHostResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	h, err := q.k.getHost(ctx, req.HostId)
	if errors.Is(err, types.ErrHostNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryHostResponse{Host: h}, nil
}

func (q queryServer) Hosts(ctx context.Context, req *types.QueryHostsRequest) (*types.QueryHostsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	hosts, page, err := query.CollectionPaginate(ctx, q.k.Hosts, req.Pagination,
		func(_ string, h types.Host) (types.Host, error) { return h, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryHostsResponse{Hosts: hosts, Pagination: page}, nil
}

func (q queryServer) VM(ctx context.Context, req *types.QueryVMRequest) (*types.QueryVMResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	vm, err := q.k.getVM(ctx, req.VmId)
	if errors.Is(err, types.ErrVMNotFound) {
		return nil, err
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryVMResponse{Vm: vm}, nil
}

// VMs pages through every VM in id order (or, with owner, that owner's VMs through VMsByOwner),
// keeping only those in req.State when it is set.
func (q queryServer) VMs(ctx context.Context, req *types.QueryVMsRequest) (*types.QueryVMsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if _, known := types.VMState_name[int32(req.State)]; !known {
		return nil, status.Errorf(codes.InvalidArgument, "unknown VM state %d", req.State)
	}
	all := req.State == types.VM_STATE_UNSPECIFIED
	if req.Owner == "" {
		var keep func(uint64, types.VM) (bool, error)
		if !all {
			keep = func(_ uint64, vm types.VM) (bool, error) { return vm.State == req.State, nil }
		}
		vms, page, err := query.CollectionFilteredPaginate(ctx, q.k.VMs, req.Pagination, keep,
			func(_ uint64, vm types.VM) (types.VM, error) { return vm, nil })
		if err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
		return &types.QueryVMsResponse{Vms: vms, Pagination: page}, nil
	}
	owner, _, err := q.k.canonical(req.Owner)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	var keep func(collections.Pair[sdk.AccAddress, uint64], collections.NoValue) (bool, error)
	if !all {
		keep = func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (bool, error) {
			vm, err := q.k.VMs.Get(ctx, key.K2())
			return err == nil && vm.State == req.State, err
		}
	}
	vms, page, err := query.CollectionFilteredPaginate(ctx, q.k.VMs.Indexes.ByOwner, req.Pagination, keep,
		func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.VM, error) {
			return q.k.VMs.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](owner))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryVMsResponse{Vms: vms, Pagination: page}, nil
}

func (q queryServer) VMsByOwner(ctx context.Context, req *types.QueryVMsByOwnerRequest) (*types.QueryVMsByOwnerResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	owner, _, err := q.k.canonical(req.Owner)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	vms, page, err := query.CollectionPaginate(ctx, q.k.VMs.Indexes.ByOwner, req.Pagination,
		func(key collections.Pair[sdk.AccAddress, uint64], _ collections.NoValue) (types.VM, error) {
			return q.k.VMs.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[sdk.AccAddress, uint64](owner))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryVMsByOwnerResponse{Vms: vms, Pagination: page}, nil
}

func (q queryServer) VMsByHost(ctx context.Context, req *types.QueryVMsByHostRequest) (*types.QueryVMsByHostResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	vms, page, err := query.CollectionPaginate(ctx, q.k.VMs.Indexes.ByHost, req.Pagination,
		func(key collections.Pair[string, uint64], _ collections.NoValue) (types.VM, error) {
			return q.k.VMs.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[string, uint64](req.HostId))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryVMsByHostResponse{Vms: vms, Pagination: page}, nil
}

func (q queryServer) Explain(ctx context.Context, req *types.QueryExplainRequest) (*types.QueryExplainResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	ex, err := q.k.Explanations.Get(ctx, req.VmId)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, types.ErrExplanationNotFound.Wrapf("vm %d", req.VmId)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryExplainResponse{Explanation: ex}, nil
}

func (q queryServer) AuditByVM(ctx context.Context, req *types.QueryAuditByVMRequest) (*types.QueryAuditResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	entries, page, err := query.CollectionPaginate(ctx, q.k.Audit.Indexes.ByVM, req.Pagination,
		func(key collections.Pair[uint64, uint64], _ collections.NoValue) (types.AuditEntry, error) {
			return q.k.Audit.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[uint64, uint64](req.VmId))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryAuditResponse{Entries: entries, Pagination: page}, nil
}

func (q queryServer) AuditByHost(ctx context.Context, req *types.QueryAuditByHostRequest) (*types.QueryAuditResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	entries, page, err := query.CollectionPaginate(ctx, q.k.Audit.Indexes.ByHost, req.Pagination,
		func(key collections.Pair[string, uint64], _ collections.NoValue) (types.AuditEntry, error) {
			return q.k.Audit.Get(ctx, key.K2())
		}, query.WithCollectionPaginationPairPrefix[string, uint64](req.HostId))
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryAuditResponse{Entries: entries, Pagination: page}, nil
}
