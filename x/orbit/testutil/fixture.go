// Package testutil builds an x/orbit keeper on a real in-memory store, loaded with the
// default genesis (Hypatia's three shells and top-100 cities). It is imported by tests only.
package testutil

import (
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdktestutil "github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"

	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/keeper"
	"github.com/novacron/novacron/x/orbit/types"
)

// AccPrefix is NovaCron's bech32 account prefix.
const AccPrefix = "nova"

// GovAuthority is the x/gov module address, the keeper's authority.
var GovAuthority = sdk.MustBech32ifyAddressBytes(AccPrefix, authtypes.NewModuleAddress(govtypes.ModuleName))

// Epoch is the shells' epoch, 2000-01-01T00:00:00Z, the fixture's block time.
var Epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Fixture is an x/orbit keeper on a real IAVL store.
type Fixture struct {
	Ctx       sdk.Context
	Keeper    keeper.Keeper
	MsgServer types.MsgServer
	Query     types.QueryServer
	Cdc       codec.Codec
}

// NewFixture mounts a fresh store, builds the keeper with GovAuthority as authority and
// loads gs (the default genesis when nil). The context is at height 7 (not a snapshot
// height with the default interval of 10) and block time Epoch.
func NewFixture(t testing.TB, gs *types.GenesisState) *Fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tkey := storetypes.NewTransientStoreKey("transient_test")
	tc := sdktestutil.DefaultContextWithDB(t, key, tkey)
	reg := codectypes.NewInterfaceRegistry()
	types.RegisterInterfaces(reg)
	cdc := codec.NewProtoCodec(reg)
	k := keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), GovAuthority)
	f := &Fixture{
		Ctx:       tc.Ctx.WithBlockHeight(7).WithBlockTime(Epoch),
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

// AtHeight returns the fixture's context at another height with a fresh event manager.
func (f *Fixture) AtHeight(h int64) sdk.Context {
	return f.Ctx.WithBlockHeight(h).WithEventManager(sdk.NewEventManager())
}

// TLESetFromShell is a preset shell registered as a TLE set under another name: the shell's
// generated TLEs as tle_lines, its plane layout for +Grid ISLs and its altitude, elevation
// and cone for the link limits. Its network equals the shell's bit for bit.
func TLESetFromShell(t testing.TB, name string, sh shell.Shell) types.Constellation {
	t.Helper()
	tles, err := sh.TLEs()
	if err != nil {
		t.Fatal(err)
	}
	c := types.ConstellationFromShell(sh)
	return types.Constellation{Name: name, Planes: c.Planes, SatsPerPlane: c.SatsPerPlane,
		AltitudeM: c.AltitudeM, MinElevationMicrodeg: c.MinElevationMicrodeg, ConeRadiusM: c.ConeRadiusM,
		TleLines: types.TLELinesFromTLEs(tles)}
}
