package testkit

import (
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/store/v2"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// MultiEnv is an Env with one store per module, for tests of modules that call each other's
// keepers (each keeper on its own store, as in the app).
type MultiEnv struct {
	Ctx      sdk.Context
	Services map[string]corestore.KVStoreService
	Cdc      codec.Codec
}

// NewMultiEnv mounts a fresh store for each key on one multistore; register adds every
// module's interfaces to the codec.
func NewMultiEnv(t testing.TB, keys []string, register ...func(codectypes.InterfaceRegistry)) *MultiEnv {
	t.Helper()
	db := dbm.NewMemDB()
	cms := store.NewCommitMultiStore(db, log.NewNopLogger())
	services := map[string]corestore.KVStoreService{}
	for _, name := range keys {
		key := storetypes.NewKVStoreKey(name)
		cms.MountStoreWithDB(key, storetypes.StoreTypeIAVL, db)
		services[name] = runtime.NewKVStoreService(key)
	}
	cms.MountStoreWithDB(storetypes.NewTransientStoreKey("transient_test"), storetypes.StoreTypeTransient, db)
	require.NoError(t, cms.LoadLatestVersion())
	reg := codectypes.NewInterfaceRegistry()
	for _, r := range register {
		r(reg)
	}
	ctx := sdk.NewContext(cms, cmtproto.Header{Time: time.Unix(1_700_000_000, 0).UTC()}, false, log.NewNopLogger())
	return &MultiEnv{Ctx: ctx.WithChainID(ChainID).WithBlockHeight(1), Services: services, Cdc: codec.NewProtoCodec(reg)}
}
