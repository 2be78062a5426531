// Package simulation has the x/validatorset parts of the SDK simulation: a randomized
// allowlist, a store decoder and weighted MsgAddValidator/MsgRemoveValidator operations
// delivered with the governance authority as signer, as a passed proposal executes them
// (after x/vmlifecycle/simulation).
package simulation

import (
	"fmt"
	"math/rand" // determinism-ok: SDK simulation only (its API takes *math/rand.Rand), never in consensus
	"strings"

	"cosmossdk.io/core/address"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"

	"github.com/novacron/novacron/x/validatorset/types"
)

// Operator is the operator address of a simulation account, the one x/staking's simulation
// gives its validator (sdk.ValAddress of the account's bytes).
func Operator(vc address.Codec, acc simtypes.Account) (string, error) {
	return vc.BytesToString(sdk.ValAddress(acc.Address))
}

// RandomNote is a short note, empty one time in four.
func RandomNote(r *rand.Rand) string {
	if r.Intn(4) == 0 {
		return ""
	}
	return fmt.Sprintf("%s-%d", []string{"acme", "node", "ops@example.org", "dc eu-1"}[r.Intn(4)], r.Intn(1000))
}

// RandomOperators is a random allowlist: the operators of the first bonded accounts (x/staking's
// random genesis makes them bonded validators, and InitChain refuses a bonded validator that is
// not allowlisted) and about a third of the others, in account order, with random notes; most
// were added at genesis (added_height 0), some at an earlier height of an exported chain.
func RandomOperators(r *rand.Rand, vc address.Codec, accs []simtypes.Account, bonded int) ([]types.AllowedOperator, error) {
	var out []types.AllowedOperator
	for i, acc := range accs {
		if i >= bonded && r.Intn(3) != 0 {
			continue
		}
		op, err := Operator(vc, acc)
		if err != nil {
			return nil, err
		}
		e := types.AllowedOperator{OperatorAddress: op, Note: RandomNote(r)}
		if r.Intn(4) == 0 {
			e.AddedHeight = int64(1 + r.Intn(10_000))
		}
		if r.Intn(8) == 0 {
			e.OperatorAddress = strings.ToUpper(op) // bech32's other spelling: stored canonical
		}
		out = append(out, e)
	}
	return out, nil
}

// RandomizedGenState generates a random GenesisState for x/validatorset (the module has no
// params; its genesis is the allowlist, see RandomOperators). Operator addresses use NovaCron's
// novavaloper prefix (x/validatorset's address codec).
func RandomizedGenState(simState *module.SimulationState, vc address.Codec) {
	var ops []types.AllowedOperator
	simState.AppParams.GetOrGenerate("validatorset_operators", &ops, simState.Rand, func(r *rand.Rand) {
		var err error
		if ops, err = RandomOperators(r, vc, simState.Accounts, int(simState.NumBonded)); err != nil {
			panic(err)
		}
	})
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(&types.GenesisState{Operators: ops})
}
