package chainpins

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"sync"
	"time"

	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/types/query"

	qjtypes "github.com/novacron/novacron/x/quantumjob/types"
	vmtypes "github.com/novacron/novacron/x/vmlifecycle/types"
)

// DefaultGapLimit is how many consecutive missing job ids past the highest
// id seen are probed before concluding there are no more (ids come from a
// collections.Sequence and are dense; gaps can only come from a genesis
// file).
const DefaultGapLimit = 8

// DefaultPageLimit is how many VMs one x/vmlifecycle VMs query returns.
const DefaultPageLimit = 100

// GRPCLister lists CIDs referenced by chain state through the node's own
// gRPC query services (the client.Context the SDK hands to PostSetup).
// It never re-reads what cannot change:
//
//   - x/vmlifecycle: pages through VMs (the list-all query, id order,
//     PageLimit per page). A VM's image_cid is set at creation and never
//     changes; VMs are never removed from state, only marked DELETED (a
//     terminal state), and DELETED VMs stop referencing their image (so gc
//     may reclaim it). The walk therefore starts after the leading run of
//     DELETED VMs seen so far (the page key is a VM id, 8 bytes big-endian,
//     as the query documents), and every round re-reads the rest, which
//     notices deletions and new VMs alike (no id probing).
//   - x/quantumjob: Job(id), then Result(id) for SUCCEEDED jobs. Results are
//     immutable and never removed, so a result's artifact_cid is read once
//     and remembered; QUEUED jobs are re-checked each round; new ids are
//     probed from the highest seen (x/quantumjob has no list-all query).
//
// Cost per round, in unary queries against the local node: ceil(VMs from
// the first live one / PageLimit) + queued jobs + newly created jobs (+1
// Result query per newly succeeded job) + GapLimit+1 probes past the last
// job. The first round after start reads every VM and job ever created
// (memory: one id and CID per live VM and per succeeded job). Queries run
// one at a time, each with a 10 s timeout, at the latest committed height
// (pages may come from consecutive heights, which is fine: VMs only ever
// appear at the end and DELETED is final); a round never holds a lock
// that consensus takes.
type GRPCLister struct {
	vm        vmtypes.QueryClient
	qj        qjtypes.QueryClient
	GapLimit  int
	PageLimit uint64
	Timeout   time.Duration

	mu      sync.Mutex
	liveVMs map[uint64]string // vm id -> image cid, not DELETED
	vmFloor uint64            // every VM with a lower id is DELETED
	results map[uint64]string // job id -> artifact cid (immutable)
	queued  map[uint64]struct{}
	nextJob uint64
	Queries int // queries made by the last List (for tests and logs)
}

// NewGRPCLister queries through cc (a client.Context or a *grpc.ClientConn).
func NewGRPCLister(cc gogogrpc.ClientConn) *GRPCLister {
	return &GRPCLister{
		vm:        vmtypes.NewQueryClient(cc),
		qj:        qjtypes.NewQueryClient(cc),
		GapLimit:  DefaultGapLimit,
		PageLimit: DefaultPageLimit,
		Timeout:   10 * time.Second,
		liveVMs:   map[uint64]string{},
		vmFloor:   1,
		results:   map[uint64]string{},
		queued:    map[uint64]struct{}{},
		nextJob:   1,
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

// vmPage reads one page of VMs from key (nil: from the first VM).
func (l *GRPCLister) vmPage(ctx context.Context, key []byte) (*vmtypes.QueryVMsResponse, error) {
	qctx, cancel := l.timeout(ctx)
	defer cancel()
	l.Queries++
	limit := l.PageLimit
	if limit == 0 {
		limit = DefaultPageLimit
	}
	res, err := l.vm.VMs(qctx, &vmtypes.QueryVMsRequest{Pagination: &query.PageRequest{Key: key, Limit: limit}})
	if err != nil {
		return nil, fmt.Errorf("x/vmlifecycle VMs: %w", err)
	}
	return res, nil
}

// vmKey is the page key of VM id (the collection's key: 8 bytes big-endian).
func vmKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, id)
}

// scanVMs pages through the VMs from vmFloor. A complete walk replaces the
// view of the live VMs; a walk cut short by an error applies what it read
// and keeps the previous view of the rest.
func (l *GRPCLister) scanVMs(ctx context.Context) error {
	live := map[uint64]string{}
	var deleted []uint64
	merge := func() {
		for _, id := range deleted {
			delete(l.liveVMs, id)
		}
		maps.Copy(l.liveVMs, live)
	}
	var key []byte
	if l.vmFloor > 1 {
		key = vmKey(l.vmFloor)
	}
	floorMoves := true // still in the leading run of DELETED VMs
	for {
		res, err := l.vmPage(ctx, key)
		if err != nil {
			merge()
			return err
		}
		for _, vm := range res.Vms {
			if vm.State == vmtypes.VM_STATE_DELETED {
				deleted = append(deleted, vm.Id)
				if floorMoves && vm.Id >= l.vmFloor {
					l.vmFloor = vm.Id + 1
				}
				continue
			}
			floorMoves = false
			live[vm.Id] = vm.ImageCid
		}
		var next []byte
		if res.Pagination != nil {
			next = res.Pagination.NextKey
		}
		if len(next) == 0 {
			break
		}
		if bytes.Compare(next, key) <= 0 { // a node that does not move forward: stop, do not loop
			merge()
			return fmt.Errorf("x/vmlifecycle VMs: page key %x does not advance past %x", next, key)
		}
		key = next
	}
	// Complete: every VM from the floor on was read, so live is the whole view.
	l.liveVMs = live
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
