package keeper

import (
	"context"
	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/heal/types"
)

// IncidentIndexes: ByState (state, id) finds the active incidents without walking history.
type IncidentIndexes struct {
	ByState *indexes.Multi[int32, uint64, types.Incident]
}

func (i IncidentIndexes) IndexesList() []collections.Index[uint64, types.Incident] {
	return []collections.Index[uint64, types.Incident]{i.ByState}
}

// RolloutIndexes: ByState (state, id) finds the active rollouts; ByOwner (owner, id) an owner's.
type RolloutIndexes struct {
	ByState *indexes.Multi[int32, uint64, types.Rollout]
	ByOwner *indexes.Multi[string, uint64, types.Rollout]
}

func (i RolloutIndexes) IndexesList() []collections.Index[uint64, types.Rollout] {
	return []collections.Index[uint64, types.Rollout]{i.ByState, i.ByOwner}
}

// Keeper holds the agreed view of the tracked hosts, their health and the incidents.
type Keeper struct {
	cdc       codec.BinaryCodec
	authority string
	addresses address.Codec
	vm        types.VMLifecycleKeeper

	Schema         collections.Schema
	Params         collections.Item[types.Params]
	View           collections.Item[types.View]
	PreviousView   collections.Item[types.View]
	Health         collections.Map[string, types.HostHealth]
	Incidents      *collections.IndexedMap[uint64, types.Incident, IncidentIndexes]
	NextIncidentID collections.Sequence
	ResolvedCount  collections.Item[uint64]

	Rollouts      *collections.IndexedMap[uint64, types.Rollout, RolloutIndexes]
	NextRolloutID collections.Sequence
	// RolloutVMs: the VMs of active rollouts (a VM is in at most one).
	RolloutVMs collections.Map[uint64, uint64]
	// Policies: (owner, vm id; 0 = the owner's default) → Policy.
	Policies collections.Map[collections.Pair[string, uint64], types.Policy]
	// ScalingGroups: group → owner, for every group whose policy scales (at most max_scaling_groups).
	ScalingGroups collections.Map[uint64, string]
	Forecasts     collections.Map[uint64, types.Forecast]
}

// NewKeeper builds the keeper; authority is the x/gov module address, addresses the account
// address codec (owners of policies and rollouts).
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, addresses address.Codec, authority string, vm types.VMLifecycleKeeper) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc: cdc, authority: authority, addresses: addresses, vm: vm,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		View:         collections.NewItem(sb, types.ViewKey, "view", codec.CollValue[types.View](cdc)),
		PreviousView: collections.NewItem(sb, types.PreviousViewKey, "previous_view", codec.CollValue[types.View](cdc)),
		Health:       collections.NewMap(sb, types.HealthKey, "health", collections.StringKey, codec.CollValue[types.HostHealth](cdc)),
		Incidents: collections.NewIndexedMap(sb, types.IncidentsKey, "incidents", collections.Uint64Key, codec.CollValue[types.Incident](cdc),
			IncidentIndexes{ByState: indexes.NewMulti(sb, types.IncidentsByStateKey, "incidents_by_state", collections.Int32Key, collections.Uint64Key,
				func(_ uint64, inc types.Incident) (int32, error) { return int32(inc.State), nil })}),
		NextIncidentID: collections.NewSequence(sb, types.NextIncidentIDKey, "next_incident_id"),
		ResolvedCount:  collections.NewItem(sb, types.ResolvedCountKey, "resolved_count", collections.Uint64Value),
		Rollouts: collections.NewIndexedMap(sb, types.RolloutsKey, "rollouts", collections.Uint64Key, codec.CollValue[types.Rollout](cdc),
			RolloutIndexes{
				ByState: indexes.NewMulti(sb, types.RolloutsByStateKey, "rollouts_by_state", collections.Int32Key, collections.Uint64Key,
					func(_ uint64, r types.Rollout) (int32, error) { return int32(r.State), nil }),
				ByOwner: indexes.NewMulti(sb, types.RolloutsByOwnerKey, "rollouts_by_owner", collections.StringKey, collections.Uint64Key,
					func(_ uint64, r types.Rollout) (string, error) { return r.Owner, nil }),
			}),
		NextRolloutID: collections.NewSequence(sb, types.NextRolloutIDKey, "next_rollout_id"),
		RolloutVMs:    collections.NewMap(sb, types.RolloutVMsKey, "rollout_vms", collections.Uint64Key, collections.Uint64Value),
		Policies: collections.NewMap(sb, types.PoliciesKey, "policies", collections.PairKeyCodec(collections.StringKey, collections.Uint64Key),
			codec.CollValue[types.Policy](cdc)),
		ScalingGroups: collections.NewMap(sb, types.ScalingGroupsKey, "scaling_groups", collections.Uint64Key, collections.StringValue),
		Forecasts:     collections.NewMap(sb, types.ForecastsKey, "forecasts", collections.Uint64Key, codec.CollValue[types.Forecast](cdc)),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// Authority is the governance address.
func (k Keeper) Authority() string { return k.authority }

func (k Keeper) logger(ctx context.Context) log.Logger {
	return sdk.UnwrapSDKContext(ctx).Logger().With("module", "x/"+types.ModuleName)
}

// view returns a stored view, empty when none was stored yet.
func view(ctx context.Context, item collections.Item[types.View]) (types.View, error) {
	v, err := item.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return types.View{}, nil
	}
	return v, err
}

// owner checks an owner's address and returns its canonical spelling (state is keyed by it).
func (k Keeper) owner(s string, invalid *errorsmod.Error) (string, error) {
	bz, err := k.addresses.StringToBytes(s)
	if err != nil || len(bz) == 0 {
		return "", invalid.Wrapf("owner %q: %v", s, err)
	}
	return k.addresses.BytesToString(bz)
}
