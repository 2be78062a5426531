package testkit

import (
	"encoding/json"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/kv"
	"github.com/cosmos/cosmos-sdk/types/module"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
)

// SimGenesisTime is the genesis time of SimState.
var SimGenesisTime = time.Unix(1_700_000_000, 0).UTC()

// SimState is a simulation state for a module's GenerateGenesisState and WeightedOperations:
// no app params (every weight and random genesis drawn), n random accounts of which the
// first bonded are x/staking's initially bonded validators.
func SimState(r *rand.Rand, cdc codec.JSONCodec, n int, bonded int64) *module.SimulationState {
	return &module.SimulationState{AppParams: simtypes.AppParams{}, Cdc: cdc, Rand: r,
		GenState: map[string]json.RawMessage{}, Accounts: simtypes.RandomAccounts(r, n),
		NumBonded: bonded, GenTimestamp: SimGenesisTime}
}

// SimTally counts what a simulation's operations did: delivered messages by type URL, and
// no-ops by the reason's last ": "-separated part, which for a wrapped registered error is the
// error itself (so "op1: already registered" and "op2: already registered" count together).
type SimTally struct {
	Delivered map[string]int
	NoOps     map[string]int
}

// NewSimTally returns an empty tally.
func NewSimTally() *SimTally {
	return &SimTally{Delivered: map[string]int{}, NoOps: map[string]int{}}
}

// Total is the number of delivered messages.
func (s *SimTally) Total() int {
	n := 0
	for _, c := range s.Delivered {
		n += c
	}
	return n
}

// RunOps runs n operations picked by weight, as the SDK simulator picks them, with accounts
// accs; it fails the test when an operation returns an error or future operations, and
// tallies the results.
func RunOps(t testing.TB, r *rand.Rand, ops []simtypes.WeightedOperation, ctx sdk.Context, accs []simtypes.Account, n int, tally *SimTally) {
	t.Helper()
	total := 0
	for _, op := range ops {
		if op.Weight() <= 0 {
			t.Fatalf("operation with weight %d", op.Weight())
		}
		total += op.Weight()
	}
	for i := 0; i < n; i++ {
		x := r.Intn(total)
		var op simtypes.Operation
		for _, w := range ops {
			if x < w.Weight() {
				op = w.Op()
				break
			}
			x -= w.Weight()
		}
		res, future, err := op(r, nil, ctx, accs, ChainID)
		if err != nil {
			t.Fatalf("operation %s: %v", res.Name, err)
		}
		if len(future) > 0 {
			t.Fatalf("operation %s: %d future operations", res.Name, len(future))
		}
		if res.OK {
			tally.Delivered[res.Name]++
			continue
		}
		reason := res.Comment
		if k := strings.LastIndex(reason, ": "); k >= 0 {
			reason = reason[k+2:]
		}
		tally.NoOps[reason]++
	}
}

// StorePairs returns every key/value pair of the module's store, in key order (for a store
// decoder test).
func (e *Env) StorePairs() []kv.Pair {
	var out []kv.Pair
	it := e.Ctx.KVStore(e.Key).Iterator(nil, nil)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		out = append(out, kv.Pair{Key: it.Key(), Value: it.Value()})
	}
	return out
}

// Prefixes returns the distinct first key bytes of pairs, sorted.
func Prefixes(pairs []kv.Pair) []byte {
	seen := map[byte]bool{}
	var out []byte
	for _, p := range pairs {
		if len(p.Key) > 0 && !seen[p.Key[0]] {
			seen[p.Key[0]] = true
			out = append(out, p.Key[0])
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
