// Package testutil builds an x/quantumjob keeper on a real in-memory store with the default
// genesis, plus small helpers (addresses, circuits, a recording artifact sink). Tests only.
package testutil

import (
	"sync"
	"testing"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/x/quantumjob/keeper"
	"github.com/novacron/novacron/x/quantumjob/types"
)

// Shared with every module's fixture (internal/testkit).
const (
	AccPrefix = testkit.AccPrefix
	ChainID   = testkit.ChainID
	// Height is the fixture's block height.
	Height = 7
)

var (
	AccCodec     = testkit.AccCodec
	GovAuthority = testkit.GovAuthority
	Addr         = testkit.Addr
	AddrStr      = testkit.AddrStr
)

// Circuits used across the tests.
const (
	Bell = `OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
cx q[0],q[1];
measure q -> c;
`
	GHZ3 = `OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
creg c[3];
h q[0];
cx q[0],q[1];
cx q[1],q[2];
measure q -> c;
`
	// NonClifford has a T gate: state vector only.
	NonClifford = `OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
t q[0];
cx q[0],q[1];
measure q -> c;
`
	// Opaque declares and applies an opaque gate: it parses, but cannot run.
	Opaque = `OPENQASM 2.0;
include "qelib1.inc";
opaque magic a;
qreg q[1];
creg c[1];
magic q[0];
measure q -> c;
`
)

// Fixture is a keeper on a real IAVL store loaded with the default genesis; Ctx, Cdc and
// AtHeight come from the shared testkit.Env.
type Fixture struct {
	*testkit.Env
	Keeper    keeper.Keeper
	MsgServer types.MsgServer
	Query     types.QueryServer
}

// NewFixture mounts a fresh store, builds the keeper with GovAuthority as authority and loads
// gs (the default genesis when nil). The context is at ChainID, Height, with an infinite gas meter.
func NewFixture(t testing.TB, gs *types.GenesisState) *Fixture {
	t.Helper()
	env := testkit.NewEnv(t, types.StoreKey, types.RegisterInterfaces)
	k := keeper.NewKeeper(env.Cdc, env.StoreService, AccCodec, GovAuthority)
	f := &Fixture{Env: env, Keeper: k, MsgServer: keeper.NewMsgServerImpl(k), Query: keeper.NewQueryServerImpl(k)}
	f.Ctx = f.Ctx.WithBlockHeight(Height)
	if gs == nil {
		gs = types.DefaultGenesis()
	}
	if err := k.InitGenesis(f.Ctx, gs); err != nil {
		t.Fatal(err)
	}
	return f
}

// SetParams replaces the params directly.
func (f *Fixture) SetParams(t testing.TB, mutate func(*types.Params)) types.Params {
	t.Helper()
	p, err := f.Keeper.Params.Get(f.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	mutate(&p)
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := f.Keeper.Params.Set(f.Ctx, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// Submit sends a MsgSubmitJob from owner i and fails the test on error.
func (f *Fixture) Submit(t testing.TB, owner byte, src string, shots uint32, backend string) *types.MsgSubmitJobResponse {
	t.Helper()
	res, err := f.MsgServer.SubmitJob(f.Ctx, &types.MsgSubmitJob{Owner: AddrStr(owner), Source: src, Shots: shots, Backend: backend})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Enqueue stores a QUEUED job directly (bypassing SubmitJob's checks), as genesis or an older
// params set could have left it, with its queue entry, queue size and owner index.
func (f *Fixture) Enqueue(t testing.TB, owner byte, src string, shots uint32, cost uint64) uint64 {
	t.Helper()
	id, err := f.Keeper.NextJobID.Next(f.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	job := types.Job{Id: id, Owner: AddrStr(owner), Source: src, Shots: shots, Backend: "auto",
		Status: types.JOB_STATUS_QUEUED, SubmittedHeight: f.Ctx.BlockHeight(), Cost: cost}
	n, err := f.Keeper.QueueSize.Get(f.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []error{
		f.Keeper.Jobs.Set(f.Ctx, id, job),
		f.Keeper.Queue.Set(f.Ctx, id),
		f.Keeper.QueueSize.Set(f.Ctx, n+1),
	} {
		if e != nil {
			t.Fatal(e)
		}
	}
	return id
}

// Job reads a job or fails the test.
func (f *Fixture) Job(t testing.TB, id uint64) types.Job {
	t.Helper()
	j, err := f.Keeper.Jobs.Get(f.Ctx, id)
	if err != nil {
		t.Fatalf("job %d: %v", id, err)
	}
	return j
}

// Queued lists the queued job ids in order.
func (f *Fixture) Queued(t testing.TB) []uint64 {
	t.Helper()
	var ids []uint64
	if err := f.Keeper.Queue.Walk(f.Ctx, nil, func(id uint64) (bool, error) {
		ids = append(ids, id)
		return false, nil
	}); err != nil {
		t.Fatal(err)
	}
	return ids
}

// QueueSize reads the stored queue length.
func (f *Fixture) QueueSize(t testing.TB) uint64 {
	t.Helper()
	n, err := f.Keeper.QueueSize.Get(f.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// Put is one call of an artifact sink.
type Put struct {
	CID  string
	Data []byte
}

// RecordingSink is an ArtifactSink that records every Put.
type RecordingSink struct {
	mu   sync.Mutex
	puts []Put
}

var _ types.ArtifactSink = (*RecordingSink)(nil)

func (s *RecordingSink) Put(cid string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts = append(s.puts, Put{CID: cid, Data: append([]byte(nil), data...)})
}

// Puts returns a copy of the recorded calls.
func (s *RecordingSink) Puts() []Put {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Put(nil), s.puts...)
}
