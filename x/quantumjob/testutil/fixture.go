// Package testutil builds an x/quantumjob keeper on a real in-memory store with the default
// genesis, plus small helpers (addresses, circuits, a recording artifact sink). Tests only.
package testutil

import (
	"bytes"
	"sync"
	"testing"


	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdktestutil "github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	"github.com/novacron/novacron/x/quantumjob/keeper"
	"github.com/novacron/novacron/x/quantumjob/types"
)

const (
	// AccPrefix is NovaCron's bech32 account prefix.
	AccPrefix = "nova"
	// ChainID is the fixture's chain id (it keys the shot seeds).
	ChainID = "novacron-test-1"
	// Height is the fixture's block height.
	Height = 7
)

// AccCodec parses nova addresses.
var AccCodec = addresscodec.NewBech32Codec(AccPrefix)

// GovAuthority is the x/gov module address, the keeper's authority.
var GovAuthority = sdk.MustBech32ifyAddressBytes(AccPrefix, authtypes.NewModuleAddress(govtypes.ModuleName))

// Addr returns a deterministic 20-byte account address whose bytes are all i.
func Addr(i byte) sdk.AccAddress { return sdk.AccAddress(bytes.Repeat([]byte{i}, 20)) }

// AddrStr is the nova bech32 form of Addr(i).
func AddrStr(i byte) string { return sdk.MustBech32ifyAddressBytes(AccPrefix, Addr(i)) }

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

// Fixture is a keeper on a real IAVL store loaded with the default genesis.
type Fixture struct {
	Ctx       sdk.Context
	Keeper    keeper.Keeper
	MsgServer types.MsgServer
	Query     types.QueryServer
	Cdc       codec.Codec
}

// NewFixture mounts a fresh store, builds the keeper with GovAuthority as authority and loads
// gs (the default genesis when nil). The context is at ChainID, Height, with an infinite gas meter.
func NewFixture(t testing.TB, gs *types.GenesisState) *Fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tkey := storetypes.NewTransientStoreKey("transient_test")
	tc := sdktestutil.DefaultContextWithDB(t, key, tkey)
	reg := codectypes.NewInterfaceRegistry()
	types.RegisterInterfaces(reg)
	cdc := codec.NewProtoCodec(reg)
	k := keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), AccCodec, GovAuthority)
	f := &Fixture{
		Ctx:       tc.Ctx.WithChainID(ChainID).WithBlockHeight(Height),
		Keeper:    k,
		MsgServer: keeper.NewMsgServerImpl(k),
		Query:     keeper.NewQueryServerImpl(k),
		Cdc:       cdc,
	}
	if gs == nil {
		gs = types.DefaultGenesis()
	}
	if err := k.InitGenesis(f.Ctx, gs); err != nil {
		t.Fatal(err)
	}
	return f
}

// AtHeight moves the fixture to another height with a fresh event manager and returns the context.
func (f *Fixture) AtHeight(h int64) sdk.Context {
	f.Ctx = f.Ctx.WithBlockHeight(h).WithEventManager(sdk.NewEventManager())
	return f.Ctx
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
