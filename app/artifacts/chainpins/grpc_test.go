package chainpins_test

import (
	"context"
	"encoding/binary"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/novacron/novacron/app/artifacts/chainpins"
	qjtypes "github.com/novacron/novacron/x/quantumjob/types"
	vmtypes "github.com/novacron/novacron/x/vmlifecycle/types"
)

// fakeChain answers the queries the lister uses from maps.
type fakeChain struct {
	vms     map[uint64]vmtypes.VM
	jobs    map[uint64]qjtypes.Job
	results map[uint64]qjtypes.Result
	down    bool
	calls   map[string]int
	// vmKeys records the page key of every VMs query; failVMPage > 0 fails
	// that VMs query of the round (1 = the first).
	vmKeys     [][]byte
	failVMPage int
	stuck      bool
}

const vmsMethod = "/novacron.vmlifecycle.v1.Query/VMs"

// vmsPage pages like query.CollectionPaginate over the VMs map: ids in
// order from the key (an id, 8 bytes big-endian), next_key the next id.
func (f *fakeChain) vmsPage(req *vmtypes.QueryVMsRequest) vmtypes.QueryVMsResponse {
	ids := make([]uint64, 0, len(f.vms))
	for id := range f.vms {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var from uint64
	limit := uint64(100)
	if p := req.Pagination; p != nil {
		if len(p.Key) == 8 {
			from = binary.BigEndian.Uint64(p.Key)
		}
		if p.Limit > 0 {
			limit = p.Limit
		}
	}
	var res vmtypes.QueryVMsResponse
	res.Pagination = &query.PageResponse{}
	for _, id := range ids {
		if id < from {
			continue
		}
		if uint64(len(res.Vms)) == limit {
			res.Pagination.NextKey = binary.BigEndian.AppendUint64(nil, id)
			break
		}
		res.Vms = append(res.Vms, f.vms[id])
	}
	return res
}

func (f *fakeChain) Invoke(_ context.Context, method string, args, reply interface{}, _ ...grpc.CallOption) error {
	f.calls[method]++
	if f.down {
		return status.Error(codes.Unavailable, "node restarting")
	}
	switch method {
	case vmsMethod:
		req := args.(*vmtypes.QueryVMsRequest)
		if req.State != vmtypes.VM_STATE_UNSPECIFIED || req.Owner != "" || req.Pagination == nil {
			return status.Errorf(codes.InvalidArgument, "the lister must page through every VM: %v", req)
		}
		f.vmKeys = append(f.vmKeys, req.Pagination.Key)
		if f.calls[method] == f.failVMPage {
			return status.Error(codes.Unavailable, "node restarting")
		}
		res := f.vmsPage(req)
		if f.stuck { // a broken node: the next key never advances
			res.Pagination.NextKey = key(1)
		}
		*reply.(*vmtypes.QueryVMsResponse) = res
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
	l.PageLimit = 2
	round := func() []string {
		t.Helper()
		f.calls, f.vmKeys = map[string]int{}, nil
		got, err := l.List(ctx)
		require.NoError(t, err)
		return got
	}

	got := round()
	require.ElementsMatch(t, []string{img1, img3, res1}, got)
	// VMs: 2 pages of 2 (1, 2 | 3, 6); jobs 1..3 + 4 misses; 1 result.
	require.Equal(t, 2, f.calls[vmsMethod])
	require.Equal(t, [][]byte{nil, key(3)}, f.vmKeys)
	require.Equal(t, 3+4, f.calls["/novacron.quantumjob.v1.Query/Job"])
	require.Equal(t, 1, f.calls["/novacron.quantumjob.v1.Query/Result"])
	require.Equal(t, 2+3+4+1, l.Queries)

	// Job 2 succeeds, VM 6 is deleted, VM 7 and job 4 appear.
	f.jobs[2] = qjtypes.Job{Id: 2, Status: qjtypes.JOB_STATUS_SUCCEEDED}
	f.results[2] = qjtypes.Result{JobId: 2, ArtifactCid: res2}
	f.jobs[4] = qjtypes.Job{Id: 4, Status: qjtypes.JOB_STATUS_QUEUED}
	f.vms[6] = vm(6, img3, vmtypes.VM_STATE_DELETED)
	f.vms[7] = vm(7, img2, vmtypes.VM_STATE_SCHEDULED)
	got = round()
	require.ElementsMatch(t, []string{img1, img2, res1, res2}, got)
	// VM 1 is live, so the VMs are read from the start again (3 pages);
	// finished jobs (1, 3) are not re-read.
	require.Equal(t, 3, f.calls[vmsMethod])
	require.Equal(t, 1+1+4, f.calls["/novacron.quantumjob.v1.Query/Job"])
	require.Equal(t, 1, f.calls["/novacron.quantumjob.v1.Query/Result"])

	// VMs 1 and 3 are deleted: every VM below 7 is DELETED now, and img1 is
	// no longer referenced.
	f.vms[1] = vm(1, img1, vmtypes.VM_STATE_DELETED)
	f.vms[3] = vm(3, img1, vmtypes.VM_STATE_DELETED)
	got = round()
	require.ElementsMatch(t, []string{img2, res1, res2}, got)
	require.Equal(t, 3, f.calls[vmsMethod])
	// Deleted VMs are final: later rounds start at VM 7.
	f.vms[8] = vm(8, img3, vmtypes.VM_STATE_PENDING)
	f.vms[9] = vm(9, img1, vmtypes.VM_STATE_RUNNING)
	got = round()
	require.ElementsMatch(t, []string{img1, img2, img3, res1, res2}, got)
	require.Equal(t, [][]byte{key(7), key(9)}, f.vmKeys)

	// The second page fails: an error; the first page is applied (VM 8's
	// deletion drops img3), the rest keeps its last view (VM 9 still lists
	// img1 though it was deleted; VM 10 is not seen yet).
	f.vms[8] = vm(8, img3, vmtypes.VM_STATE_DELETED)
	f.vms[9] = vm(9, img1, vmtypes.VM_STATE_DELETED)
	f.vms[10] = vm(10, img3, vmtypes.VM_STATE_RUNNING)
	f.failVMPage = 2
	f.calls, f.vmKeys = map[string]int{}, nil
	got, err := l.List(ctx)
	require.Error(t, err)
	require.Equal(t, [][]byte{key(7), key(9)}, f.vmKeys)
	require.ElementsMatch(t, []string{img1, img2, res1, res2}, got)
	f.failVMPage = 0
	got = round()
	require.ElementsMatch(t, []string{img2, img3, res1, res2}, got)
	require.Equal(t, [][]byte{key(7), key(9)}, f.vmKeys)

	// The node is unreachable: an error, and the last good view is kept.
	f.down = true
	got, err = l.List(ctx)
	require.Error(t, err)
	require.ElementsMatch(t, []string{img2, img3, res1, res2}, got)
}

func key(id uint64) []byte { return binary.BigEndian.AppendUint64(nil, id) }

// A node whose next key does not advance makes the round fail instead of
// looping; nothing is lost.
func TestGRPCListerStuckPageKey(t *testing.T) {
	f := &fakeChain{
		vms:   map[uint64]vmtypes.VM{1: vm(1, img1, vmtypes.VM_STATE_RUNNING), 2: vm(2, img2, vmtypes.VM_STATE_RUNNING)},
		calls: map[string]int{}, stuck: true,
	}
	l := chainpins.NewGRPCLister(f)
	got, err := l.List(context.Background())
	require.ErrorContains(t, err, "does not advance")
	require.Equal(t, [][]byte{nil, key(1)}, f.vmKeys)
	require.ElementsMatch(t, []string{img1, img2}, got)
}
