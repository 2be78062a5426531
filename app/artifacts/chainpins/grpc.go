package chainpins

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	qjtypes "github.com/novacron/novacron/x/quantumjob/types"
	vmtypes "github.com/novacron/novacron/x/vmlifecycle/types"
)

// DefaultGapLimit is how many consecutive missing ids past the highest id
// seen are probed before concluding there are no more (ids come from a
// collections.Sequence and are dense; gaps can only come from a genesis
// file).
const DefaultGapLimit = 8

// GRPCLister lists CIDs referenced by chain state through the node's own
// gRPC query services (the client.Context the SDK hands to PostSetup).
//
// Neither module has a list-everything query for these records, so it
// walks ids, which are dense and start at 1, and never re-reads what
// cannot change:
//
//   - x/vmlifecycle: VM(id). A VM's image_cid is set at creation and never
//     changes; VMs are never removed from state, only marked DELETED. Every
//     round re-reads each live (not DELETED) VM, to notice deletion, and
//     probes new ids from the highest seen. DELETED VMs stop referencing
//     their image (so gc may reclaim it).
//   - x/quantumjob: Job(id), then Result(id) for SUCCEEDED jobs. Results are
//     immutable and never removed, so a result's artifact_cid is read once
//     and remembered; QUEUED jobs are re-checked each round; new ids are
//     probed from the highest seen.
//
// Cost per round, in unary queries against the local node: live VMs +
// queued jobs + newly created VMs and jobs (+1 Result query per newly
// succeeded job) + 2 x (GapLimit+1) probes past the end. The first round
// after start reads every VM and job ever created (memory: one id and CID
// per live VM and per succeeded job). Queries run one at a time, each with
// a 10 s timeout, at the latest committed height; a round never holds a
// lock that consensus takes.
//
// With many live VMs a paginated list-all query in x/vmlifecycle (e.g.
// "VMs" with a PageRequest, 100 per page) would cut the VM part to
// live/100 queries; x/vmlifecycle has none today (Hosts + VMsByHost would
// miss PENDING VMs, whose image a host is about to need).
type GRPCLister struct {
	vm       vmtypes.QueryClient
	qj       qjtypes.QueryClient
	GapLimit int
	Timeout  time.Duration

	mu      sync.Mutex
	liveVMs map[uint64]string // vm id -> image cid, not DELETED
	nextVM  uint64            // lowest id not yet seen
	results map[uint64]string // job id -> artifact cid (immutable)
	queued  map[uint64]struct{}
	nextJob uint64
	Queries int // queries made by the last List (for tests and logs)
}

// NewGRPCLister queries through cc (a client.Context or a *grpc.ClientConn).
func NewGRPCLister(cc gogogrpc.ClientConn) *GRPCLister {
	return &GRPCLister{
		vm:       vmtypes.NewQueryClient(cc),
		qj:       qjtypes.NewQueryClient(cc),
		GapLimit: DefaultGapLimit,
		Timeout:  10 * time.Second,
		liveVMs:  map[uint64]string{},
		nextVM:   1,
		results:  map[uint64]string{},
		queued:   map[uint64]struct{}{},
		nextJob:  1,
	}
}

func isNotFound(err error) bool {
	if err == nil {
		return false
	}
	if s, ok := status.FromError(err); ok && s.Code() == codes.NotFound {
		return true
	}
	// The ABCI-query path of client.Context does not keep gRPC codes.
	return strings.Contains(strings.ToLower(err.Error()), "not found")
}

// List implements Lister.
func (l *GRPCLister) List(ctx context.Context) ([]string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.Queries = 0
	vmErr := l.scanVMs(ctx)
	jobErr := l.scanJobs(ctx)
	seen := map[string]struct{}{}
	var out []string
	add := func(s string) {
		if s == "" {
			return
		}
		if _, ok := seen[s]; !ok {
			seen[s] = struct{}{}
			out = append(out, s)
		}
	}
	for _, c := range l.liveVMs {
		add(c)
	}
	for _, c := range l.results {
		add(c)
	}
	sort.Strings(out)
	return out, errors.Join(vmErr, jobErr)
}

func (l *GRPCLister) timeout(ctx context.Context) (context.Context, context.CancelFunc) {
	t := l.Timeout
	if t <= 0 {
		t = 10 * time.Second
	}
	return context.WithTimeout(ctx, t)
}

// vmRecord reads one VM; found=false when it does not exist.
func (l *GRPCLister) vmRecord(ctx context.Context, id uint64) (vm vmtypes.VM, found bool, err error) {
	qctx, cancel := l.timeout(ctx)
	defer cancel()
	l.Queries++
	res, err := l.vm.VM(qctx, &vmtypes.QueryVMRequest{VmId: id})
	if isNotFound(err) {
		return vm, false, nil
	}
	if err != nil {
		return vm, false, fmt.Errorf("x/vmlifecycle VM %d: %w", id, err)
	}
	return res.Vm, true, nil
}

func (l *GRPCLister) scanVMs(ctx context.Context) error {
	ids := make([]uint64, 0, len(l.liveVMs))
	for id := range l.liveVMs {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		vm, found, err := l.vmRecord(ctx, id)
		if err != nil {
			return err // keep the previous view of the rest
		}
		if !found || vm.State == vmtypes.VM_STATE_DELETED {
			delete(l.liveVMs, id)
		}
	}
	for id, misses := l.nextVM, 0; misses <= l.gap(); id++ {
		vm, found, err := l.vmRecord(ctx, id)
		if err != nil {
			return err
		}
		if !found {
			misses++
			continue
		}
		misses = 0
		l.nextVM = id + 1
		if vm.State != vmtypes.VM_STATE_DELETED {
			l.liveVMs[id] = vm.ImageCid
		}
	}
	return nil
}

func (l *GRPCLister) gap() int {
	if l.GapLimit <= 0 {
		return DefaultGapLimit
	}
	return l.GapLimit
}

// job reads one job and, once it succeeded, its result's artifact CID.
// found=false when the job does not exist.
func (l *GRPCLister) job(ctx context.Context, id uint64) (found bool, err error) {
	qctx, cancel := l.timeout(ctx)
	defer cancel()
	l.Queries++
	res, err := l.qj.Job(qctx, &qjtypes.QueryJobRequest{Id: id})
	if isNotFound(err) {
		delete(l.queued, id)
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("x/quantumjob Job %d: %w", id, err)
	}
	switch res.Job.Status {
	case qjtypes.JOB_STATUS_SUCCEEDED:
		l.Queries++
		r, err := l.qj.Result(qctx, &qjtypes.QueryResultRequest{Id: id})
		if err != nil {
			l.queued[id] = struct{}{} // look again next round
			return true, fmt.Errorf("x/quantumjob Result %d: %w", id, err)
		}
		l.results[id] = r.Result.ArtifactCid
		delete(l.queued, id)
	case qjtypes.JOB_STATUS_FAILED:
		delete(l.queued, id)
	default: // queued (or a status added later): check again next round
		l.queued[id] = struct{}{}
	}
	return true, nil
}

func (l *GRPCLister) scanJobs(ctx context.Context) error {
	ids := make([]uint64, 0, len(l.queued))
	for id := range l.queued {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if _, err := l.job(ctx, id); err != nil {
			return err
		}
	}
	for id, misses := l.nextJob, 0; misses <= l.gap(); id++ {
		found, err := l.job(ctx, id)
		if found {
			l.nextJob = id + 1
		}
		if err != nil {
			return err
		}
		if !found {
			misses++
			continue
		}
		misses = 0
	}
	return nil
}
