// Package testkit is the one test fixture base every module's tests build on: a module
// keeper's KV store on a real in-memory IAVL multistore, its codec, NovaCron's address
// codecs, deterministic addresses and the x/gov authority. Module testutil packages add only
// what is theirs (keeper construction, genesis, domain helpers). Tests only.
package testkit

import (
	"bytes"
	"testing"

	corestore "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdktestutil "github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
)

// NovaCron's bech32 prefixes.
const (
	AccPrefix = "nova"
	ValPrefix = "novavaloper"
)

// ChainID is the chain id of every fixture's context.
const ChainID = "novacron-test-1"

var (
	// AccCodec and ValCodec parse nova and novavaloper addresses.
	AccCodec = addresscodec.NewBech32Codec(AccPrefix)
	ValCodec = addresscodec.NewBech32Codec(ValPrefix)
	// GovAuthority is the x/gov module address, every keeper's authority in tests.
	GovAuthority = sdk.MustBech32ifyAddressBytes(AccPrefix, authtypes.NewModuleAddress(govtypes.ModuleName))
)

// Addr is a deterministic 20-byte account address whose bytes are all i.
func Addr(i byte) sdk.AccAddress { return sdk.AccAddress(bytes.Repeat([]byte{i}, 20)) }

// AddrStr is the nova bech32 form of Addr(i).
func AddrStr(i byte) string { return sdk.MustBech32ifyAddressBytes(AccPrefix, Addr(i)) }

// ValAddr is a deterministic 20-byte operator address whose bytes are all i.
func ValAddr(i byte) sdk.ValAddress { return sdk.ValAddress(bytes.Repeat([]byte{i}, 20)) }

// ValStr is the novavaloper bech32 form of ValAddr(i).
func ValStr(i byte) string { return sdk.MustBech32ifyAddressBytes(ValPrefix, ValAddr(i)) }

// Env is one module's store and codec.
type Env struct {
	Ctx          sdk.Context
	Key          *storetypes.KVStoreKey
	CMS          storetypes.CommitMultiStore
	StoreService corestore.KVStoreService
	Cdc          codec.Codec
}

// NewEnv mounts a fresh store under storeKey (plus a transient store) and builds a proto
// codec with the module's interfaces registered. The context is at ChainID, height 1, with
// an infinite gas meter.
func NewEnv(t testing.TB, storeKey string, register func(codectypes.InterfaceRegistry)) *Env {
	t.Helper()
	key := storetypes.NewKVStoreKey(storeKey)
	tkey := storetypes.NewTransientStoreKey("transient_test")
	tc := sdktestutil.DefaultContextWithDB(t, key, tkey)
	reg := codectypes.NewInterfaceRegistry()
	if register != nil {
		register(reg)
	}
	return &Env{
		Ctx:          tc.Ctx.WithChainID(ChainID).WithBlockHeight(1),
		Key:          key,
		CMS:          tc.CMS,
		StoreService: runtime.NewKVStoreService(key),
		Cdc:          codec.NewProtoCodec(reg),
	}
}

// AtHeight moves the environment's context to height h with a fresh event manager and
// returns it: later reads through Ctx see the same height (one rule for every fixture).
func (e *Env) AtHeight(h int64) sdk.Context {
	e.Ctx = e.Ctx.WithBlockHeight(h).WithEventManager(sdk.NewEventManager())
	return e.Ctx
}

// Module is what a module fixture holds besides its Env: the keeper and its Msg and Query
// services (embed both; f.Keeper, f.MsgServer and f.Query are promoted).
type Module[K, M, Q any] struct {
	Keeper    K
	MsgServer M
	Query     Q
}

// NewModule builds the services of keeper k, e.g.
// NewModule(k, keeper.NewMsgServerImpl, keeper.NewQueryServerImpl).
func NewModule[K, M, Q any](k K, msgServer func(K) M, queryServer func(K) Q) Module[K, M, Q] {
	return Module[K, M, Q]{Keeper: k, MsgServer: msgServer(k), Query: queryServer(k)}
}
