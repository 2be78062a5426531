package simulation

import (
	"fmt"
	"math/rand" // determinism-ok: SDK simulation only (its API takes *math/rand.Rand), never in consensus
	"strings"

	"github.com/cosmos/cosmos-sdk/baseapp"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	simkit "github.com/novacron/novacron/x/internal/simulation"
	"github.com/novacron/novacron/x/quantumjob/keeper"
	"github.com/novacron/novacron/x/quantumjob/types"
)

// Operation weight (app params key and default).
const (
	OpWeightMsgSubmitJob      = "op_weight_msg_quantumjob_submit_job"
	DefaultWeightMsgSubmitJob = 100
)

// SimGas is the gas limit of a simulated submission: enough for the small circuits, far
// too little for the adversarial ones, which must then fail within it.
const SimGas = 3_000_000

// AdversarialCircuit is one of the shapes of the engine's adversarial corpus
// (x/quantumjob/engine/testdata/adversarial), generated: an expansion bomb of empty gates,
// a flood of self-cancelling gates, or conditions on a wide register.
func AdversarialCircuit(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[4000];\n")
	body := []string{"", "x a;", "h a;"}[r.Intn(3)]
	depth := 10 + r.Intn(51)
	fmt.Fprintf(&b, "gate g0 a { %s }\n", body)
	for k := 1; k <= depth; k++ {
		fmt.Fprintf(&b, "gate g%d a { g%d a; g%d a; }\n", k, k-1, k-1)
	}
	if r.Intn(2) == 0 {
		b.WriteString("measure q[0] -> c[0];\nif(c==0) ")
	}
	fmt.Fprintf(&b, "g%d q[1];\n", depth)
	return b.String()
}

// RandomCircuit is a small OpenQASM 2.0 program over every kind of op the engine has:
// gates with and without angles and controls, measurements, resets and conditions.
func RandomCircuit(r *rand.Rand) string {
	n := 2 + r.Intn(5)
	var b strings.Builder
	fmt.Fprintf(&b, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[%d];\ncreg c[%d];\n", n, n)
	for i, ops := 0, 1+r.Intn(25); i < ops; i++ {
		a := r.Intn(n)
		t := (a + 1 + r.Intn(n-1)) % n
		if r.Intn(10) == 0 {
			fmt.Fprintf(&b, "if(c==%d) ", r.Intn(4))
		}
		switch r.Intn(8) {
		case 0, 1:
			fmt.Fprintf(&b, "%s q[%d];\n", []string{"h", "x", "s", "t", "sdg", "z"}[r.Intn(6)], a)
		case 2:
			fmt.Fprintf(&b, "rz(%d.%d) q[%d];\n", r.Intn(7), r.Intn(1000), a)
		case 3, 4:
			fmt.Fprintf(&b, "cx q[%d],q[%d];\n", a, t)
		case 5:
			fmt.Fprintf(&b, "cz q[%d],q[%d];\n", a, t)
		case 6:
			fmt.Fprintf(&b, "measure q[%d] -> c[%d];\n", a, r.Intn(n))
		default:
			fmt.Fprintf(&b, "reset q[%d];\n", a)
		}
	}
	b.WriteString("measure q -> c;\n")
	return b.String()
}

// WeightedOperations returns the module's simulation operations.
func WeightedOperations(appParams simtypes.AppParams, k keeper.Keeper) simulation.WeightedOperations {
	var w int
	appParams.GetOrGenerate(OpWeightMsgSubmitJob, &w, nil, func(*rand.Rand) { w = DefaultWeightMsgSubmitJob })
	return simulation.WeightedOperations{simulation.NewWeightedOperation(w, SimulateMsgSubmitJob(k))}
}

// GenSubmitJob is a job submission from a random account: a random circuit (one in ten: an
// adversarial input) with random shots and backend. The classic operation and the simsx
// factory both submit it.
func GenSubmitJob(k keeper.Keeper) simkit.Gen[*types.MsgSubmitJob] {
	return func(r *rand.Rand, _ sdk.Context, accs []simtypes.Account) (*types.MsgSubmitJob, string) {
		msg := &types.MsgSubmitJob{}
		if len(accs) == 0 {
			return msg, "no accounts"
		}
		acc, _ := simtypes.RandomAcc(r, accs)
		src := RandomCircuit(r)
		if r.Intn(10) == 0 {
			src = AdversarialCircuit(r)
		}
		owner, err := k.AddressCodec().BytesToString(acc.Address)
		if err != nil {
			return msg, err.Error()
		}
		msg.Owner, msg.Source, msg.Shots = owner, src, uint32(r.Intn(300))
		msg.Backend = []string{"", "auto", "statevector", "stabilizer"}[r.Intn(4)]
		return msg, ""
	}
}

// SimulateMsgSubmitJob submits a GenSubmitJob job under SimGas, delivered like a tx's only
// message: in a cache context written only on success. A rejected job (over a limit or its
// gas, the queue full) is a no-op, not a simulation failure; running out of gas is the
// rejection it is in a block.
func SimulateMsgSubmitJob(k keeper.Keeper) simtypes.Operation {
	gen := GenSubmitJob(k)
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg, skip := gen(r, ctx, accs)
		name := sdk.MsgTypeURL(msg)
		if skip != "" {
			return simtypes.NoOpMsg(types.ModuleName, name, skip), nil, nil
		}
		if err := Deliver(app, ctx.WithGasMeter(storetypes.NewGasMeter(SimGas)), k, msg); err != nil {
			return simtypes.NoOpMsg(types.ModuleName, name, err.Error()), nil, nil
		}
		return simtypes.NewOperationMsgBasic(types.ModuleName, name, "", true, nil), nil, nil
	}
}

// Deliver executes msg atomically (as the only message of a tx, without the ante handler);
// an out-of-gas panic becomes the error it is for a tx.
func Deliver(app *baseapp.BaseApp, ctx sdk.Context, k keeper.Keeper, msg *types.MsgSubmitJob) (err error) {
	cctx, write := ctx.CacheContext()
	defer func() {
		if r := recover(); r != nil {
			if oog, ok := r.(storetypes.ErrorOutOfGas); ok {
				err = fmt.Errorf("out of gas: %s", oog.Descriptor)
				return
			}
			panic(r)
		}
	}()
	if app != nil && app.MsgServiceRouter().Handler(msg) != nil {
		_, err = app.MsgServiceRouter().Handler(msg)(cctx, msg)
	} else {
		_, err = keeper.NewMsgServerImpl(k).SubmitJob(cctx, msg)
	}
	if err == nil {
		write()
	}
	return err
}
