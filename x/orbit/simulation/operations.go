package simulation

import (
	"fmt"
	"math/rand" // determinism-ok: SDK simulation only (its API takes *math/rand.Rand), never in consensus

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/baseapp"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	simkit "github.com/novacron/novacron/x/internal/simulation"
	"github.com/novacron/novacron/x/orbit/keeper"
	"github.com/novacron/novacron/x/orbit/types"
)

// Operation weights (app params keys and defaults).
const (
	OpWeightMsgRegisterConstellation = "op_weight_msg_orbit_register_constellation"
	OpWeightMsgRemoveConstellation   = "op_weight_msg_orbit_remove_constellation"
	OpWeightMsgRegisterRegion        = "op_weight_msg_orbit_register_region"
	OpWeightMsgRemoveRegion          = "op_weight_msg_orbit_remove_region"
	OpWeightMsgUpdateParams          = "op_weight_msg_orbit_update_params"

	DefaultWeightMsgRegisterConstellation = 10
	DefaultWeightMsgRemoveConstellation   = 6
	DefaultWeightMsgRegisterRegion        = 15
	DefaultWeightMsgRemoveRegion          = 10
	DefaultWeightMsgUpdateParams          = 8
)

// WeightedOperations returns the module's simulation operations. Every x/orbit message is
// governance-only: each is built from the current state and signed by the authority the
// keeper expects, as x/gov's end blocker executes a passed proposal's messages, and one time in
// ten by a random account instead, which the keeper refuses. A refused message (a wrong
// signer, a name taken, the active constellation, too many regions) is a no-op, not a
// simulation failure.
func WeightedOperations(appParams simtypes.AppParams, k keeper.Keeper) simulation.WeightedOperations {
	weight := func(key string, def int) int {
		var v int
		appParams.GetOrGenerate(key, &v, nil, func(*rand.Rand) { v = def })
		return v
	}
	return simulation.WeightedOperations{
		simulation.NewWeightedOperation(weight(OpWeightMsgRegisterConstellation, DefaultWeightMsgRegisterConstellation), SimulateMsgRegisterConstellation(k)),
		simulation.NewWeightedOperation(weight(OpWeightMsgRemoveConstellation, DefaultWeightMsgRemoveConstellation), SimulateMsgRemoveConstellation(k)),
		simulation.NewWeightedOperation(weight(OpWeightMsgRegisterRegion, DefaultWeightMsgRegisterRegion), SimulateMsgRegisterRegion(k)),
		simulation.NewWeightedOperation(weight(OpWeightMsgRemoveRegion, DefaultWeightMsgRemoveRegion), SimulateMsgRemoveRegion(k)),
		simulation.NewWeightedOperation(weight(OpWeightMsgUpdateParams, DefaultWeightMsgUpdateParams), SimulateMsgUpdateParams(k)),
	}
}

// govOp is the operation of gen, which makes a message from the state for the given signer:
// the authority the keeper expects for ctx (the consensus-params authority when one is set,
// else x/gov's), one time in ten a random account. The message is delivered (Deliver); when
// gen gives a reason instead (nothing to remove), the operation is a no-op with it.
func govOp[M sdk.Msg](k keeper.Keeper, gen simkit.GovGen[M]) simtypes.Operation {
	own := OwnRouter(k)
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		authority := k.Authority()
		if cp := ctx.ConsensusParams(); cp.Authority != nil && cp.Authority.Authority != "" {
			authority = cp.Authority.Authority
		}
		if len(accs) > 0 && r.Intn(10) == 0 {
			authority = accs[r.Intn(len(accs))].Address.String()
		}
		msg, why := gen(r, ctx, accs, authority)
		if why != "" {
			return simtypes.NoOpMsg(types.ModuleName, sdk.MsgTypeURL(msg), why), nil, nil
		}
		if err := Deliver(app, own, ctx, msg); err != nil {
			return simtypes.NoOpMsg(types.ModuleName, sdk.MsgTypeURL(msg), err.Error()), nil, nil
		}
		return simtypes.NewOperationMsg(msg, true, ""), nil, nil
	}
}

// keys returns the keys of a collection of x/orbit (constellation names, region codes), in
// key order.
func keys[V any](ctx sdk.Context, m collections.Map[string, V]) []string {
	var out []string
	_ = m.Walk(ctx, nil, func(key string, _ V) (bool, error) {
		out = append(out, key)
		return false, nil
	})
	return out
}

// genRemove removes one of the keys of m, picked at random, with the message msg makes.
func genRemove[V any, M sdk.Msg](m collections.Map[string, V], msg func(authority, key string) M) simkit.GovGen[M] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account, authority string) (M, string) {
		have := keys(ctx, m)
		if len(have) == 0 {
			return msg(authority, ""), "nothing to remove"
		}
		return msg(authority, have[r.Intn(len(have))]), ""
	}
}

// GenRegisterConstellation registers a RandomConstellation under a new name (one time in
// eight under a registered one: refused as a duplicate).
func GenRegisterConstellation(k keeper.Keeper) simkit.GovGen[*types.MsgRegisterConstellation] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account, authority string) (*types.MsgRegisterConstellation, string) {
		msg := &types.MsgRegisterConstellation{Authority: authority}
		name := fmt.Sprintf("sim-%d", r.Intn(10_000))
		if have := keys(ctx, k.Constellations); len(have) > 0 && r.Intn(8) == 0 {
			name = have[r.Intn(len(have))]
		}
		c, err := RandomConstellation(r, name)
		if err != nil {
			return msg, err.Error()
		}
		msg.Constellation = c
		return msg, ""
	}
}

// GenRemoveConstellation removes a registered constellation (the active one is refused).
func GenRemoveConstellation(k keeper.Keeper) simkit.GovGen[*types.MsgRemoveConstellation] {
	return genRemove(k.Constellations, func(authority, name string) *types.MsgRemoveConstellation {
		return &types.MsgRemoveConstellation{Authority: authority, Name: name}
	})
}

// GenRegisterRegion registers a RandomRegion (a city already registered is refused as a
// duplicate, one over max_regions as invalid).
func GenRegisterRegion(r *rand.Rand, _ sdk.Context, _ []simtypes.Account, authority string) (*types.MsgRegisterRegion, string) {
	return &types.MsgRegisterRegion{Authority: authority, Region: RandomRegion(r)}, ""
}

// GenRemoveRegion removes a registered region (the snapshot drops it at the next interval
// height; with fewer than two regions the snapshot fails and the old one stays).
func GenRemoveRegion(k keeper.Keeper) simkit.GovGen[*types.MsgRemoveRegion] {
	return genRemove(k.Regions, func(authority, code string) *types.MsgRemoveRegion {
		return &types.MsgRemoveRegion{Authority: authority, Code: code}
	})
}

// GenUpdateParams sets RandomParams over the registered constellations and regions; one time
// in ten the active constellation is not registered, or max_regions is below the regions
// registered (both refused).
func GenUpdateParams(k keeper.Keeper) simkit.GovGen[*types.MsgUpdateParams] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account, authority string) (*types.MsgUpdateParams, string) {
		regions := len(keys(ctx, k.Regions))
		msg := &types.MsgUpdateParams{Authority: authority, Params: RandomParams(r, keys(ctx, k.Constellations), regions)}
		switch r.Intn(20) {
		case 0:
			msg.Params.ActiveConstellation = "sim-unregistered"
		case 1:
			if regions > 2 {
				msg.Params.MaxRegions = uint32(regions - 1)
			}
		}
		return msg, ""
	}
}

// SimulateMsgRegisterConstellation delivers GenRegisterConstellation's message (govOp).
func SimulateMsgRegisterConstellation(k keeper.Keeper) simtypes.Operation {
	return govOp(k, GenRegisterConstellation(k))
}

// SimulateMsgRemoveConstellation delivers GenRemoveConstellation's message (govOp).
func SimulateMsgRemoveConstellation(k keeper.Keeper) simtypes.Operation {
	return govOp(k, GenRemoveConstellation(k))
}

// SimulateMsgRegisterRegion delivers GenRegisterRegion's message (govOp).
func SimulateMsgRegisterRegion(k keeper.Keeper) simtypes.Operation {
	return govOp(k, GenRegisterRegion)
}

// SimulateMsgRemoveRegion delivers GenRemoveRegion's message (govOp).
func SimulateMsgRemoveRegion(k keeper.Keeper) simtypes.Operation {
	return govOp(k, GenRemoveRegion(k))
}

// SimulateMsgUpdateParams delivers GenUpdateParams' message (govOp).
func SimulateMsgUpdateParams(k keeper.Keeper) simtypes.Operation {
	return govOp(k, GenUpdateParams(k))
}

// Deliver executes msg atomically, as the only message of a tx without the ante handler (as x/gov
// runs a proposal's messages): through the app's Msg service router when the simulator gives
// an app that routes it, else through own (OwnRouter), in a cache context written only on
// success.
func Deliver(app *baseapp.BaseApp, own *baseapp.MsgServiceRouter, ctx sdk.Context, msg sdk.Msg) error {
	router := own
	if app != nil && app.MsgServiceRouter().Handler(msg) != nil {
		router = app.MsgServiceRouter()
	}
	handle := router.Handler(msg)
	if handle == nil {
		return sdkerrors.ErrUnknownRequest.Wrapf("no handler for %s", sdk.MsgTypeURL(msg))
	}
	cctx, write := ctx.CacheContext()
	if _, err := handle(cctx, msg); err != nil {
		return err
	}
	write()
	return nil
}

// OwnRouter is a Msg service router with x/orbit's Msg service alone, over k: it handles a
// message as the app's router does (ValidateBasic where a message has one, then the keeper).
func OwnRouter(k keeper.Keeper) *baseapp.MsgServiceRouter {
	reg := codectypes.NewInterfaceRegistry()
	types.RegisterInterfaces(reg)
	r := baseapp.NewMsgServiceRouter()
	r.SetInterfaceRegistry(reg)
	types.RegisterMsgServer(r, keeper.NewMsgServerImpl(k))
	return r
}
