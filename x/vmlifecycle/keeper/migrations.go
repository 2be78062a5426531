package keeper

import (
	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// Migrate1to2 builds the host-operator indexes added in consensus version 2 from the stored hosts
// and params: ActiveHostsByOperator (every ACTIVE host) and RevokedOperators (operators off
// host_operators that still have an ACTIVE host, whose hosts EndBlock then drains). It walks every
// host once (an upgrade-time cost). ActiveHostsByOperator is an index of Hosts now: its entries
// are written directly, as a store of version 1 has none for the hosts already stored. The result is what InitGenesis would build from an export.
func (k Keeper) Migrate1to2(ctx sdk.Context) error {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	var active []types.Host
	if err := k.Hosts.Walk(ctx, nil, func(_ string, h types.Host) (bool, error) {
		if h.Status == types.HOST_STATUS_ACTIVE {
			active = append(active, h)
		}
		return false, nil
	}); err != nil {
		return err
	}
	for _, h := range active {
		op, opStr, err := k.canonical(h.Operator)
		if err != nil {
			return err
		}
		if err := k.Hosts.Indexes.ActiveByOperator.Entries().Set(ctx, collections.Join(op, h.Id)); err != nil {
			return err
		}
		if !p.IsHostOperator(opStr) {
			if err := k.RevokedOperators.Set(ctx, op); err != nil {
				return err
			}
		}
	}
	return nil
}
