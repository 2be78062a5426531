package chainpins_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/novacron/novacron/app/artifacts/chainpins"
	qjtypes "github.com/novacron/novacron/x/quantumjob/types"
	vmtypes "github.com/novacron/novacron/x/vmlifecycle/types"
)

// fakeChain answers the three queries the lister uses from maps.
type fakeChain struct {
	vms     map[uint64]vmtypes.VM
	jobs    map[uint64]qjtypes.Job
	results map[uint64]qjtypes.Result
	down    bool
	calls   map[string]int
}

func (f *fakeChain) Invoke(_ context.Context, method string, args, reply interface{}, _ ...grpc.CallOption) error {
	f.calls[method]++
	if f.down {
		return status.Error(codes.Unavailable, "node restarting")
	}
	switch method {
	case "/novacron.vmlifecycle.v1.Query/VM":
		id := args.(*vmtypes.QueryVMRequest).VmId
		vm, ok := f.vms[id]
		if !ok {
			return status.Error(codes.NotFound, fmt.Sprintf("vm %d: not found", id))
		}
		*reply.(*vmtypes.QueryVMResponse) = vmtypes.QueryVMResponse{Vm: vm}
	case "/novacron.quantumjob.v1.Query/Job":
		id := args.(*qjtypes.QueryJobRequest).Id
		j, ok := f.jobs[id]
		if !ok {
			return status.Error(codes.NotFound, "job not found")
		}
		*reply.(*qjtypes.QueryJobResponse) = qjtypes.QueryJobResponse{Job: j}
	case "/novacron.quantumjob.v1.Query/Result":
		id := args.(*qjtypes.QueryResultRequest).Id
		r, ok := f.results[id]
		if !ok {
			return status.Error(codes.NotFound, "no result")
		}
		*reply.(*qjtypes.QueryResultResponse) = qjtypes.QueryResultResponse{Result: r}
	default:
		return status.Error(codes.Unimplemented, method)
	}
	return nil
}

func (f *fakeChain) NewStream(context.Context, *grpc.StreamDesc, string, ...grpc.CallOption) (grpc.ClientStream, error) {
	return nil, status.Error(codes.Unimplemented, "no streams")
}

const (
	img1 = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
	img2 = "QmWATWQ7fVPP2EFGu71UkfnqhYXDYH566qy47CnJDgvs8u"
	img3 = "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"
	res1 = "bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq"
	res2 = "bafkreiabltrd5zm73pvi7plq25pef3hm7jxhbi3kv4hapegrkfpkqtkbme"
)

func vm(id uint64, img string, st vmtypes.VMState) vmtypes.VM {
	return vmtypes.VM{Id: id, ImageCid: img, State: st}
}

func TestGRPCLister(t *testing.T) {
	ctx := context.Background()
	f := &fakeChain{
		vms: map[uint64]vmtypes.VM{
			1: vm(1, img1, vmtypes.VM_STATE_RUNNING),
			2: vm(2, img2, vmtypes.VM_STATE_DELETED),
			3: vm(3, img1, vmtypes.VM_STATE_PENDING), // same image twice: listed once
			// 4, 5 missing: a gap from a genesis file
			6: vm(6, img3, vmtypes.VM_STATE_STOPPED),
		},
		jobs: map[uint64]qjtypes.Job{
			1: {Id: 1, Status: qjtypes.JOB_STATUS_SUCCEEDED},
			2: {Id: 2, Status: qjtypes.JOB_STATUS_QUEUED},
			3: {Id: 3, Status: qjtypes.JOB_STATUS_FAILED},
		},
		results: map[uint64]qjtypes.Result{1: {JobId: 1, ArtifactCid: res1}},
		calls:   map[string]int{},
	}
	l := chainpins.NewGRPCLister(f)
	l.GapLimit = 3

	got, err := l.List(ctx)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{img1, img3, res1}, got)
	// VMs 1..6 + 4 misses (7..10); jobs 1..3 + 4 misses; 1 result.
	require.Equal(t, 6+4, f.calls["/novacron.vmlifecycle.v1.Query/VM"])
	require.Equal(t, 3+4, f.calls["/novacron.quantumjob.v1.Query/Job"])
	require.Equal(t, 1, f.calls["/novacron.quantumjob.v1.Query/Result"])

	// Job 2 succeeds, VM 6 is deleted, VM 7 and job 4 appear.
	f.jobs[2] = qjtypes.Job{Id: 2, Status: qjtypes.JOB_STATUS_SUCCEEDED}
	f.results[2] = qjtypes.Result{JobId: 2, ArtifactCid: res2}
	f.jobs[4] = qjtypes.Job{Id: 4, Status: qjtypes.JOB_STATUS_QUEUED}
	f.vms[6] = vm(6, img3, vmtypes.VM_STATE_DELETED)
	f.vms[7] = vm(7, img2, vmtypes.VM_STATE_SCHEDULED)
	f.calls = map[string]int{}
	got, err = l.List(ctx)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{img1, img2, res1, res2}, got)
	// Only live VMs (1, 3, 6) are re-read, then 7.. probed; finished jobs
	// (1, 3) are not re-read.
	require.Equal(t, 3+1+4, f.calls["/novacron.vmlifecycle.v1.Query/VM"])
	require.Equal(t, 1+1+4, f.calls["/novacron.quantumjob.v1.Query/Job"])
	require.Equal(t, 1, f.calls["/novacron.quantumjob.v1.Query/Result"])

	// The node is unreachable: an error, and the last good view is kept.
	f.down = true
	got, err = l.List(ctx)
	require.Error(t, err)
	require.ElementsMatch(t, []string{img1, img2, res1, res2}, got)
}
