package keeper

import (
	"context"
	"slices"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/heal/types"
)

// maxWhatIfFailures bounds a what-if's list of hosts and regions.
const maxWhatIfFailures = 256

// WhatIf runs the remediation of a failure on a cache of the state that is never written: the
// failed hosts are evacuated (so none receives another's VMs) and each of their VMs is migrated
// through x/vmlifecycle's scheduler, as the drain that evacuation starts would. The query's
// gas bounds the scheduling (it charges its steps as everywhere).
func (q queryServer) WhatIf(ctx context.Context, req *types.QueryWhatIfRequest) (*types.QueryWhatIfResponse, error) {
	if req == nil || len(req.Fail) == 0 || len(req.Fail) > maxWhatIfFailures {
		return nil, status.Errorf(codes.InvalidArgument, "fail: 1 to %d entries host:<id> or region:<code>", maxWhatIfFailures)
	}
	cc, _ := sdk.UnwrapSDKContext(ctx).CacheContext() // discarded: nothing is written
	var hosts []string
	for _, f := range req.Fail {
		kind, name, ok := strings.Cut(f, ":")
		if !ok || name == "" {
			return nil, status.Errorf(codes.InvalidArgument, "fail entry %q: want host:<id> or region:<code>", f)
		}
		switch kind {
		case "host":
			hosts = append(hosts, name)
		case "region":
			ids, err := q.k.vm.HostsInRegion(cc, name)
			if err != nil {
				return nil, status.Error(codes.Internal, err.Error())
			}
			hosts = append(hosts, ids...)
		default:
			return nil, status.Errorf(codes.InvalidArgument, "fail entry %q: want host:<id> or region:<code>", f)
		}
	}
	slices.Sort(hosts)
	hosts = slices.Compact(hosts)
	res := &types.QueryWhatIfResponse{FailedHosts: hosts}
	for _, h := range hosts {
		if _, err := q.k.vm.EvacuateHost(cc, h, "what-if"); err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
	}
	for _, h := range hosts {
		vms, err := q.k.vm.VMsOnHost(cc, h)
		if err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
		for _, vm := range vms {
			id := vm.ID
			move := types.WhatIfMove{VmId: id, FromHost: h}
			to, err := q.k.vm.MigrateVM(cc, id, "what-if")
			if err != nil {
				move.Reason = err.Error()
				res.Unplaced++
			} else {
				move.ToHost = to
			}
			res.Moves = append(res.Moves, move)
		}
	}
	capacity, err := q.k.vm.FreeCapacity(cc)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	res.Capacity = capacity
	return res, nil
}
