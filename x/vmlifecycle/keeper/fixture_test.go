package keeper_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/x/vmlifecycle/keeper"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

const accPrefix = testkit.AccPrefix

var (
	ac        = testkit.AccCodec
	govAuth   = testkit.GovAuthority
	validCID0 = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"
	validCID1 = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
)

// addr is a deterministic account whose 20 bytes are all i.
func addr(i byte) string {
	return sdk.MustBech32ifyAddressBytes(accPrefix, bytes.Repeat([]byte{i}, 20))
}

type fixture struct {
	t     testing.TB
	ctx   sdk.Context
	key   *storetypes.KVStoreKey
	cms   storetypes.CommitMultiStore
	k     keeper.Keeper
	msg   types.MsgServer
	query types.QueryServer
	cdc   codec.Codec
}

// operators on the default allowlist: addr(1), addr(2) (sorted by bech32).
func testParams() types.Params {
	p := types.DefaultParams()
	ops := []string{addr(1), addr(2)}
	if ops[0] > ops[1] {
		ops[0], ops[1] = ops[1], ops[0]
	}
	p.HostOperators = ops
	p.RegionLatencies = []types.RegionLatency{
		{From: "eu-central", To: "eu-west", LatencyUs: 10_000},
		{From: "eu-central", To: "us-east", LatencyUs: 45_000},
		{From: "eu-west", To: "us-east", LatencyUs: 40_000},
	}
	return p
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	env := testkit.NewEnv(t, types.StoreKey, types.RegisterInterfaces)
	k := keeper.NewKeeper(env.Cdc, env.StoreService, ac, govAuth)
	f := &fixture{
		t:     t,
		ctx:   env.Ctx.WithBlockHeight(10).WithBlockTime(time.Unix(1_700_000_000, 0).UTC()),
		key:   env.Key,
		cms:   env.CMS,
		k:     k,
		msg:   keeper.NewMsgServerImpl(k),
		query: keeper.NewQueryServerImpl(k),
		cdc:   env.Cdc,
	}
	gs := types.DefaultGenesis()
	gs.Params = testParams()
	require.NoError(t, k.InitGenesis(f.ctx, gs))
	return f
}

// nextBlock runs EndBlock and advances height by one and time by 5 s.
func (f *fixture) nextBlock() {
	f.t.Helper()
	require.NoError(f.t, f.k.EndBlocker(f.ctx))
	f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1).WithBlockTime(f.ctx.BlockTime().Add(5 * time.Second))
}

// storeHash hashes every key/value in the module store: "nothing changed" means equal hashes.
func (f *fixture) storeHash() [32]byte {
	st := f.ctx.KVStore(f.key)
	it := st.Iterator(nil, nil)
	defer it.Close()
	h := sha256.New()
	for ; it.Valid(); it.Next() {
		fmt.Fprintf(h, "%x=%x;", it.Key(), it.Value())
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// requireUnchanged runs fn and checks it fails with want and leaves the store byte-identical.
func (f *fixture) requireFailsUnchanged(want error, fn func() error) {
	f.t.Helper()
	before := f.storeHash()
	err := fn()
	require.ErrorIs(f.t, err, want)
	require.Equal(f.t, before, f.storeHash(), "store changed by a failed message")
}

func (f *fixture) invariants() {
	f.t.Helper()
	require.NoError(f.t, f.k.CheckInvariants(f.ctx))
}

func res(cpu, mem, disk uint64, gpus uint32) types.Resources {
	return types.Resources{CpuMillis: cpu, MemoryMib: mem, DiskGib: disk, Gpus: gpus}
}

func (f *fixture) registerHost(op byte, id, region string, capacity types.Resources, labels ...types.Label) {
	f.t.Helper()
	_, err := f.msg.RegisterHost(f.ctx, &types.MsgRegisterHost{
		Operator: addr(op), HostId: id, Region: region, LatUdeg: 48_856_600, LonUdeg: 2_352_200, Capacity: capacity, Labels: labels,
	})
	require.NoError(f.t, err)
}

func (f *fixture) createVM(owner byte, name string, r types.Resources, replicas uint32, c types.Constraints) *types.MsgCreateVMResponse {
	f.t.Helper()
	resp, err := f.msg.CreateVM(f.ctx, &types.MsgCreateVM{Owner: addr(owner), Name: name, ImageCid: validCID1, Resources: r, Replicas: replicas, Constraints: c})
	require.NoError(f.t, err)
	return resp
}

func (f *fixture) vm(id uint64) types.VM {
	f.t.Helper()
	vm, err := f.k.VMs.Get(f.ctx, id)
	require.NoError(f.t, err)
	return vm
}

func (f *fixture) host(id string) types.Host {
	f.t.Helper()
	h, err := f.k.Hosts.Get(f.ctx, id)
	require.NoError(f.t, err)
	return h
}

func (f *fixture) report(op byte, vmID uint64, s types.VMState) error {
	_, err := f.msg.ReportVMStatus(f.ctx, &types.MsgReportVMStatus{Operator: addr(op), VmId: vmID, Status: s})
	return err
}

// importedCopy sends gs through the codec's JSON, imports it into a fresh
// store at f's height and time, checks the invariants there, and requires
// every key, including the rebuilt indexes, to be byte-identical to f's.
func (f *fixture) importedCopy(gs *types.GenesisState) *fixture {
	t := f.t
	bz, err := f.cdc.MarshalJSON(gs)
	require.NoError(t, err)
	var back types.GenesisState
	require.NoError(t, f.cdc.UnmarshalJSON(bz, &back))
	g := newFixture(t)
	g.ctx = g.ctx.WithBlockHeight(f.ctx.BlockHeight()).WithBlockTime(f.ctx.BlockTime())
	require.NoError(t, g.k.InitGenesis(g.ctx, &back))
	g.invariants()
	require.Equal(t, f.storeHash(), g.storeHash())
	return g
}
