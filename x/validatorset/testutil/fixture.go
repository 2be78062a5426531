// Package testutil builds an x/validatorset keeper on a real in-memory store, with a fake
// x/staking that records Jail calls. It is imported by tests only.
package testutil

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"testing"

	"cosmossdk.io/core/address"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdktestutil "github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/novacron/novacron/x/validatorset/keeper"
	"github.com/novacron/novacron/x/validatorset/types"
)

const (
	// AccPrefix and ValPrefix are NovaCron's bech32 prefixes.
	AccPrefix = "nova"
	ValPrefix = "novavaloper"
)

// ValCodec parses novavaloper addresses.
var ValCodec address.Codec = addresscodec.NewBech32Codec(ValPrefix)

// GovAuthority is the x/gov module address, the keeper's authority.
var GovAuthority = sdk.MustBech32ifyAddressBytes(AccPrefix, authtypes.NewModuleAddress(govtypes.ModuleName))

// ValAddr returns a deterministic 20-byte operator address whose bytes are all i.
func ValAddr(i byte) sdk.ValAddress { return sdk.ValAddress(bytes.Repeat([]byte{i}, 20)) }

// ValStr is the novavaloper bech32 form of ValAddr(i).
func ValStr(i byte) string {
	s, err := ValCodec.BytesToString(ValAddr(i))
	if err != nil {
		panic(err)
	}
	return s
}

// AccStr is the nova account address with the same bytes as ValAddr(i): the classic
// mistake of pasting an account address where an operator address is expected.
func AccStr(i byte) string { return sdk.MustBech32ifyAddressBytes(AccPrefix, ValAddr(i)) }

// FakeStaking implements types.StakingKeeper in memory.
type FakeStaking struct {
	// Validators by operator bech32 address.
	Validators map[string]stakingtypes.Validator
	// LastSet lists the operators of the last bonded set (what GetLastValidators returns).
	LastSet []string
	// JailCalls records every consensus address passed to Jail, in order.
	JailCalls []sdk.ConsAddress
	// Err, when set, is returned by every method.
	Err error
}

var _ types.StakingKeeper = (*FakeStaking)(nil)

// NewFakeStaking returns an empty fake.
func NewFakeStaking() *FakeStaking {
	return &FakeStaking{Validators: map[string]stakingtypes.Validator{}}
}

// AddValidator stores a validator for operator i with the given status; bonded validators
// join the last set, as x/staking's end blocker would have done.
func (f *FakeStaking) AddValidator(t testing.TB, i byte, status stakingtypes.BondStatus, jailed bool) stakingtypes.Validator {
	t.Helper()
	pk := ed25519.GenPrivKeyFromSecret([]byte{'v', i}).PubKey()
	v, err := stakingtypes.NewValidator(ValStr(i), pk, stakingtypes.Description{Moniker: fmt.Sprintf("val%d", i)})
	if err != nil {
		t.Fatal(err)
	}
	v.Status = status
	v.Jailed = jailed
	v.Tokens = sdkmath.NewInt(1_000_000)
	v.DelegatorShares = sdkmath.LegacyNewDec(1_000_000)
	f.Validators[v.OperatorAddress] = v
	if status == stakingtypes.Bonded {
		f.LastSet = append(f.LastSet, v.OperatorAddress)
	}
	return v
}

func (f *FakeStaking) GetValidator(_ context.Context, addr sdk.ValAddress) (stakingtypes.Validator, error) {
	if f.Err != nil {
		return stakingtypes.Validator{}, f.Err
	}
	s, err := ValCodec.BytesToString(addr)
	if err != nil {
		return stakingtypes.Validator{}, err
	}
	v, ok := f.Validators[s]
	if !ok {
		return stakingtypes.Validator{}, stakingtypes.ErrNoValidatorFound
	}
	return v, nil
}

// GetLastValidators returns the current records of the last set, like x/staking (which
// reads each validator afresh, so a validator jailed earlier in the block shows as jailed).
func (f *FakeStaking) GetLastValidators(context.Context) ([]stakingtypes.Validator, error) {
	if f.Err != nil {
		return nil, f.Err
	}
	out := make([]stakingtypes.Validator, 0, len(f.LastSet))
	for _, op := range f.LastSet {
		out = append(out, f.Validators[op])
	}
	return out, nil
}

// GetAllValidators returns every validator in operator-address byte order, like x/staking's store.
func (f *FakeStaking) GetAllValidators(context.Context) ([]stakingtypes.Validator, error) {
	if f.Err != nil {
		return nil, f.Err
	}
	ops := make([]string, 0, len(f.Validators))
	for op := range f.Validators {
		ops = append(ops, op)
	}
	key := func(op string) []byte {
		bz, err := ValCodec.StringToBytes(op)
		if err != nil {
			panic(err)
		}
		return bz
	}
	sort.Slice(ops, func(i, j int) bool { return bytes.Compare(key(ops[i]), key(ops[j])) < 0 })
	out := make([]stakingtypes.Validator, len(ops))
	for i, op := range ops {
		out[i] = f.Validators[op]
	}
	return out, nil
}

// IterateLastValidatorPowers walks LastSet with each validator's consensus power.
func (f *FakeStaking) IterateLastValidatorPowers(_ context.Context, handler func(sdk.ValAddress, int64) bool) error {
	if f.Err != nil {
		return f.Err
	}
	for _, op := range f.LastSet {
		bz, err := ValCodec.StringToBytes(op)
		if err != nil {
			return err
		}
		if handler(bz, f.Validators[op].ConsensusPower(sdk.DefaultPowerReduction)) {
			return nil
		}
	}
	return nil
}

// Jail marks the validator with that consensus address jailed and records the call; like
// x/staking it fails on an unknown or already jailed validator.
func (f *FakeStaking) Jail(_ context.Context, consAddr sdk.ConsAddress) error {
	if f.Err != nil {
		return f.Err
	}
	f.JailCalls = append(f.JailCalls, consAddr)
	for op, v := range f.Validators {
		ca, err := v.GetConsAddr()
		if err != nil {
			return err
		}
		if bytes.Equal(ca, consAddr) {
			if v.Jailed {
				return stakingtypes.ErrValidatorJailed
			}
			v.Jailed = true
			f.Validators[op] = v
			return nil
		}
	}
	return stakingtypes.ErrNoValidatorFound
}

// Fixture is a keeper on a real IAVL store with a fake staking keeper.
type Fixture struct {
	Ctx       sdk.Context
	Keeper    keeper.Keeper
	Staking   *FakeStaking
	MsgServer types.MsgServer
	Query     types.QueryServer
	Cdc       codec.Codec
}

// NewFixture mounts a fresh store and builds the keeper with GovAuthority as authority.
func NewFixture(t testing.TB) *Fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tkey := storetypes.NewTransientStoreKey("transient_test")
	tc := sdktestutil.DefaultContextWithDB(t, key, tkey)
	reg := codectypes.NewInterfaceRegistry()
	types.RegisterInterfaces(reg)
	cdc := codec.NewProtoCodec(reg)
	sk := NewFakeStaking()
	k := keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), ValCodec, GovAuthority, sk)
	return &Fixture{
		Ctx:       tc.Ctx.WithBlockHeight(7),
		Keeper:    k,
		Staking:   sk,
		MsgServer: keeper.NewMsgServerImpl(k),
		Query:     keeper.NewQueryServerImpl(k),
		Cdc:       cdc,
	}
}

// Allow puts operator i on the allowlist directly (no message, no event).
func (f *Fixture) Allow(t testing.TB, i byte) {
	t.Helper()
	if err := f.Keeper.Operators.Set(f.Ctx, ValAddr(i), types.AllowedOperator{OperatorAddress: ValStr(i), Note: fmt.Sprintf("op%d", i)}); err != nil {
		t.Fatal(err)
	}
}
