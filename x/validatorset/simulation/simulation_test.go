package simulation_test

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"cosmossdk.io/log/v2"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/kv"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/x/validatorset"
	"github.com/novacron/novacron/x/validatorset/keeper"
	"github.com/novacron/novacron/x/validatorset/simulation"
	vstestutil "github.com/novacron/novacron/x/validatorset/testutil"
	"github.com/novacron/novacron/x/validatorset/types"
)

const (
	accounts = 12
	bonded   = 4
)

func TestRandomizedGenState(t *testing.T) {
	f := vstestutil.NewFixture(t)
	am := validatorset.NewAppModule(f.Cdc, f.Keeper)
	for seed := int64(1); seed <= 20; seed++ {
		ss := testkit.SimState(rand.New(rand.NewSource(seed)), f.Cdc, accounts, bonded)
		am.GenerateGenesisState(ss)
		require.NoError(t, am.ValidateGenesis(f.Cdc, nil, ss.GenState[types.ModuleName]), "seed %d", seed)
		var gs types.GenesisState
		f.Cdc.MustUnmarshalJSON(ss.GenState[types.ModuleName], &gs)
		require.GreaterOrEqual(t, len(gs.Operators), bonded)
		require.LessOrEqual(t, len(gs.Operators), accounts)
		// The bonded validators' operators are always listed (InitChain refuses them otherwise).
		for i := 0; i < bonded; i++ {
			op, err := simulation.Operator(f.Keeper.ValidatorAddressCodec(), ss.Accounts[i])
			require.NoError(t, err)
			require.True(t, strings.EqualFold(op, gs.Operators[i].OperatorAddress), "seed %d: operator %d", seed, i)
		}
		g := vstestutil.NewFixture(t)
		require.NoError(t, g.Keeper.InitGenesis(g.Ctx, &gs))
		require.NoError(t, g.Keeper.CheckInvariants(g.Ctx))
	}
}

// chain is a fixture whose fake x/staking holds a validator for some simulation accounts:
// the bonded ones, an unbonded one for some listed operators, and a revoked (jailed) one for
// some unlisted operators, as an exported genesis may carry them.
func chain(t *testing.T, seed int64) (*vstestutil.Fixture, validatorset.AppModule, []simtypes.Account, *rand.Rand, []simtypes.WeightedOperation) {
	f := vstestutil.NewFixture(t)
	am := validatorset.NewAppModule(f.Cdc, f.Keeper)
	r := rand.New(rand.NewSource(seed))
	ss := testkit.SimState(r, f.Cdc, accounts, bonded)
	am.GenerateGenesisState(ss)
	am.InitGenesis(f.Ctx, f.Cdc, ss.GenState[types.ModuleName])
	for i, acc := range ss.Accounts {
		op := sdk.ValAddress(acc.Address)
		listed, err := f.Keeper.IsAllowed(f.Ctx, op)
		require.NoError(t, err)
		switch {
		case i < bonded:
			f.Staking.AddValidatorAt(t, op, acc.Address, acc.Address.String(), stakingtypes.Bonded, false)
		case i%2 == 0 && listed:
			f.Staking.AddValidatorAt(t, op, acc.Address, acc.Address.String(), stakingtypes.Unbonded, false)
		case i%2 == 0:
			f.Staking.AddValidatorAt(t, op, acc.Address, acc.Address.String(), stakingtypes.Unbonded, true)
		}
	}
	require.NoError(t, f.Keeper.CheckGenesisValidators(f.Ctx))
	ops := am.WeightedOperations(*ss)
	require.Len(t, ops, 2)
	return f, am, ss.Accounts, r, ops
}

// unjailOne stands in for x/slashing's MsgUnjail, which the ante decorator admits for a listed
// operator only: a jailed validator of a listed operator, if any, is unjailed.
func unjailOne(t *testing.T, r *rand.Rand, f *vstestutil.Fixture) bool {
	vals, err := f.Staking.GetAllValidators(f.Ctx)
	require.NoError(t, err)
	var jailed []stakingtypes.Validator
	for _, v := range vals {
		op, err := vstestutil.ValCodec.StringToBytes(v.OperatorAddress)
		require.NoError(t, err)
		if ok, err := f.Keeper.IsAllowed(f.Ctx, op); err == nil && ok && v.Jailed {
			jailed = append(jailed, v)
		}
	}
	if len(jailed) == 0 {
		return false
	}
	v := jailed[r.Intn(len(jailed))]
	v.Jailed = false
	f.Staking.Validators[v.OperatorAddress] = v
	return true
}

// TestSimulationKeepsInvariants adds and removes operators by weight, for three seeds, for
// 300 blocks of 4 operations on top of a random allowlist, with a fake x/staking in which
// removals jail validators and listed operators unjail now and then; the invariants hold after
// every block (among them: no unlisted validator is unjailed). Then the export validates and
// imports into a fresh fixture to the same export.
func TestSimulationKeepsInvariants(t *testing.T) {
	for seed := int64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) { simulate(t, seed) })
	}
}

func simulate(t *testing.T, seed int64) {
	f, am, accs, r, ops := chain(t, seed)
	tally := testkit.NewSimTally()
	unjailed := 0
	for b := int64(0); b < 300; b++ {
		ctx := f.AtHeight(10 + b)
		testkit.RunOps(t, r, ops, ctx, accs, 4, tally)
		if r.Intn(3) == 0 && unjailOne(t, r, f) {
			unjailed++
		}
		require.NoError(t, f.Keeper.CheckInvariants(ctx), "block %d", b)
	}
	t.Logf("delivered %v, no-ops %v, %d jail calls, %d unjails", tally.Delivered, tally.NoOps, len(f.Staking.JailCalls), unjailed)
	require.Greater(t, tally.Delivered[sdk.MsgTypeURL(&types.MsgAddValidator{})], 50)
	require.Greater(t, tally.Delivered[sdk.MsgTypeURL(&types.MsgRemoveValidator{})], 30)
	for _, err := range []error{sdkerrors.ErrUnauthorized, types.ErrAlreadyAllowlisted, types.ErrNotAllowlisted,
		types.ErrNoteTooLong, types.ErrInvalidOperator, types.ErrLastValidator} {
		require.Positive(t, tally.NoOps[err.Error()], "no %q no-op in %v", err, tally.NoOps)
	}
	require.NotEmpty(t, f.Staking.JailCalls)
	require.Positive(t, unjailed)

	exported := am.ExportGenesis(f.Ctx, f.Cdc)
	require.NoError(t, am.ValidateGenesis(f.Cdc, nil, exported))
	var gs types.GenesisState
	f.Cdc.MustUnmarshalJSON(exported, &gs)
	require.NotEmpty(t, gs.Operators)
	g := vstestutil.NewFixture(t)
	am2 := validatorset.NewAppModule(g.Cdc, g.Keeper)
	am2.InitGenesis(g.Ctx, g.Cdc, exported)
	require.NoError(t, g.Keeper.CheckInvariants(g.Ctx))
	require.JSONEq(t, string(exported), string(am2.ExportGenesis(g.Ctx, g.Cdc)))
}

func TestDecodeStore(t *testing.T) {
	f, am, _, _, _ := chain(t, 2)
	sdr := simtypes.StoreDecoderRegistry{}
	am.RegisterStoreDecoder(sdr)
	dec := sdr[types.StoreKey]
	pairs := f.StorePairs()
	require.NotEmpty(t, pairs)
	require.Equal(t, []byte{types.OperatorsKey[0]}, testkit.Prefixes(pairs))
	for _, p := range pairs {
		var op types.AllowedOperator
		f.Cdc.MustUnmarshal(p.Value, &op)
		require.Equal(t, op.String()+"\n"+op.String(), dec(p, p))
		require.Contains(t, dec(p, p), op.OperatorAddress)
	}
	require.Equal(t, "0102\n03", dec(kv.Pair{Key: []byte{9}, Value: []byte{1, 2}}, kv.Pair{Key: []byte{9, 1}, Value: []byte{3}}))
	require.Panics(t, func() { dec(kv.Pair{Key: []byte{0}}, kv.Pair{Key: []byte{1}}) })
	require.Panics(t, func() { dec(kv.Pair{}, kv.Pair{}) })
}

// TestDeliverThroughAppRouter: with an app that routes the module's messages, Deliver goes
// through the app's router, else through the keeper's Msg server; both refuse the same way.
func TestDeliverThroughAppRouter(t *testing.T) {
	f := vstestutil.NewFixture(t)
	app := baseapp.NewBaseApp("sim", log.NewNopLogger(), dbm.NewMemDB(), nil)
	app.MsgServiceRouter().SetInterfaceRegistry(f.Cdc.InterfaceRegistry())
	types.RegisterMsgServer(app.MsgServiceRouter(), keeper.NewMsgServerImpl(f.Keeper))
	add := &types.MsgAddValidator{Authority: vstestutil.GovAuthority, OperatorAddress: vstestutil.ValStr(3), Note: "n"}
	require.NoError(t, simulation.Deliver(app, f.Ctx, f.Keeper, add))
	ok, err := f.Keeper.IsAllowed(f.Ctx, vstestutil.ValAddr(3))
	require.NoError(t, err)
	require.True(t, ok)
	for _, a := range []*baseapp.BaseApp{app, nil} {
		require.ErrorIs(t, simulation.Deliver(a, f.Ctx, f.Keeper, add), types.ErrAlreadyAllowlisted)
	}
	// The only bonded validator cannot be removed: the refusal writes nothing.
	f.Staking.AddValidator(t, 3, stakingtypes.Bonded, false)
	err = simulation.Deliver(app, f.Ctx, f.Keeper, &types.MsgRemoveValidator{Authority: vstestutil.GovAuthority, OperatorAddress: vstestutil.ValStr(3)})
	require.ErrorIs(t, err, types.ErrLastValidator)
	ok, err = f.Keeper.IsAllowed(f.Ctx, vstestutil.ValAddr(3))
	require.NoError(t, err)
	require.True(t, ok)
	require.ErrorIs(t, simulation.Deliver(nil, f.Ctx, f.Keeper, &types.MsgAddValidatorResponse{}), sdkerrors.ErrUnknownRequest)
}
