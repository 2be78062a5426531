// Package testutil builds an x/validatorset keeper on a real in-memory store, with a fake
// x/staking that records Jail calls. It is imported by tests only.
package testutil

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"testing"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/novacron/novacron/internal/testkit"
	"github.com/novacron/novacron/x/validatorset/keeper"
	"github.com/novacron/novacron/x/validatorset/types"
)

// Addresses, codecs and the authority are internal/testkit's, shared by every module's fixture.
var (
	// ValCodec parses novavaloper addresses.
	ValCodec = testkit.ValCodec
	// GovAuthority is the x/gov module address, the keeper's authority.
	GovAuthority = testkit.GovAuthority
	// ValAddr(i) is a deterministic operator address whose 20 bytes are all i; ValStr(i) is its
	// novavaloper bech32 form.
	ValAddr, ValStr = testkit.ValAddr, testkit.ValStr
	// AccStr is the nova account address with the same bytes as ValAddr(i): the classic
	// mistake of pasting an account address where an operator address is expected.
	AccStr = testkit.AddrStr
)

// AccPrefix and ValPrefix are NovaCron's bech32 prefixes.
const AccPrefix, ValPrefix = testkit.AccPrefix, testkit.ValPrefix

// Height is the fixture's block height.
const Height = 7

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
	return f.AddValidatorAt(t, ValAddr(i), []byte{'v', i}, fmt.Sprintf("val%d", i), status, jailed)
}

// AddValidatorAt is AddValidator for any operator address, with the consensus key generated
// from secret.
func (f *FakeStaking) AddValidatorAt(t testing.TB, op sdk.ValAddress, secret []byte, moniker string, status stakingtypes.BondStatus, jailed bool) stakingtypes.Validator {
	t.Helper()
	opStr, err := ValCodec.BytesToString(op)
	if err != nil {
		t.Fatal(err)
	}
	pk := ed25519.GenPrivKeyFromSecret(secret).PubKey()
	v, err := stakingtypes.NewValidator(opStr, pk, stakingtypes.Description{Moniker: moniker})
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

// Fixture is a keeper (Keeper, MsgServer, Query) on a real IAVL store with a fake staking
// keeper; Ctx, Cdc and AtHeight come from the shared testkit.Env.
type Fixture struct {
	*testkit.Env
	testkit.Module[keeper.Keeper, types.MsgServer, types.QueryServer]
	Staking *FakeStaking
}

// NewFixture mounts a fresh store and builds the keeper with GovAuthority as authority, over
// an empty allowlist. The context is at ChainID, Height.
func NewFixture(t testing.TB) *Fixture {
	t.Helper()
	env := testkit.NewEnv(t, types.StoreKey, types.RegisterInterfaces)
	env.AtHeight(Height)
	sk := NewFakeStaking()
	k := keeper.NewKeeper(env.Cdc, env.StoreService, ValCodec, GovAuthority, sk)
	return &Fixture{Env: env, Module: testkit.NewModule(k, keeper.NewMsgServerImpl, keeper.NewQueryServerImpl), Staking: sk}
}

// Allow puts operator i on the allowlist directly (no message, no event).
func (f *Fixture) Allow(t testing.TB, i byte) {
	t.Helper()
	if err := f.Keeper.Operators.Set(f.Ctx, ValAddr(i), types.AllowedOperator{OperatorAddress: ValStr(i), Note: fmt.Sprintf("op%d", i)}); err != nil {
		t.Fatal(err)
	}
}
