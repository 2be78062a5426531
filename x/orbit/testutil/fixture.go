// Package testutil builds an x/orbit keeper on a real in-memory store, loaded with the
// default genesis (Hypatia's three shells and top-100 cities). It is imported by tests only.
package testutil

import (
	"testing"
	"time"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/x/orbit/engine/shell"
	"github.com/novacron/novacron/x/orbit/keeper"
	"github.com/novacron/novacron/x/orbit/simulation"
	"github.com/novacron/novacron/x/orbit/types"
)

// Shared with every module's fixture (internal/testkit).
const AccPrefix = testkit.AccPrefix

// GovAuthority is the x/gov module address, the keeper's authority.
var GovAuthority = testkit.GovAuthority

// Height is the fixture's block height: not a snapshot height with the default interval of 10.
const Height = 7

// Epoch is the shells' epoch, 2000-01-01T00:00:00Z, the fixture's block time.
var Epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// Fixture is an x/orbit keeper (Keeper, MsgServer, Query) on a real IAVL store; Ctx, Cdc and
// AtHeight (which moves Ctx) come from the shared testkit.Env.
type Fixture struct {
	*testkit.Env
	testkit.Module[keeper.Keeper, types.MsgServer, types.QueryServer]
}

// NewFixture mounts a fresh store, builds the keeper with GovAuthority as authority and
// loads gs (the default genesis when nil). The context is at ChainID, Height and block
// time Epoch.
func NewFixture(t testing.TB, gs *types.GenesisState) *Fixture {
	t.Helper()
	env := testkit.NewEnv(t, types.StoreKey, types.RegisterInterfaces)
	env.Ctx = env.Ctx.WithBlockHeight(Height).WithBlockTime(Epoch)
	k := keeper.NewKeeper(env.Cdc, env.StoreService, GovAuthority)
	if gs == nil {
		gs = types.DefaultGenesis()
	}
	if err := k.InitGenesis(env.Ctx, gs); err != nil {
		t.Fatal(err)
	}
	return &Fixture{Env: env, Module: testkit.NewModule(k, keeper.NewMsgServerImpl, keeper.NewQueryServerImpl)}
}

// TLESetFromShell is simulation.TLESetFromShell (a shell as a TLE set of its own TLEs, with
// the same network bit for bit), failing the test on error.
func TLESetFromShell(t testing.TB, name string, sh shell.Shell) types.Constellation {
	t.Helper()
	c, err := simulation.TLESetFromShell(name, sh)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
