package keeper

import (
	"context"
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

// Keeper holds the agreed view of the tracked hosts, their health and the incidents.
type Keeper struct {
	cdc       codec.BinaryCodec
	authority string
	vm        types.VMLifecycleKeeper

	Schema         collections.Schema
	Params         collections.Item[types.Params]
	View           collections.Item[types.View]
	PreviousView   collections.Item[types.View]
	Health         collections.Map[string, types.HostHealth]
	Incidents      *collections.IndexedMap[uint64, types.Incident, IncidentIndexes]
	NextIncidentID collections.Sequence
	ResolvedCount  collections.Item[uint64]
}

// NewKeeper builds the keeper; authority is the x/gov module address.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, authority string, vm types.VMLifecycleKeeper) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc: cdc, authority: authority, vm: vm,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		View:         collections.NewItem(sb, types.ViewKey, "view", codec.CollValue[types.View](cdc)),
		PreviousView: collections.NewItem(sb, types.PreviousViewKey, "previous_view", codec.CollValue[types.View](cdc)),
		Health:       collections.NewMap(sb, types.HealthKey, "health", collections.StringKey, codec.CollValue[types.HostHealth](cdc)),
		Incidents: collections.NewIndexedMap(sb, types.IncidentsKey, "incidents", collections.Uint64Key, codec.CollValue[types.Incident](cdc),
			IncidentIndexes{ByState: indexes.NewMulti(sb, types.IncidentsByStateKey, "incidents_by_state", collections.Int32Key, collections.Uint64Key,
				func(_ uint64, inc types.Incident) (int32, error) { return int32(inc.State), nil })}),
		NextIncidentID: collections.NewSequence(sb, types.NextIncidentIDKey, "next_incident_id"),
		ResolvedCount:  collections.NewItem(sb, types.ResolvedCountKey, "resolved_count", collections.Uint64Value),
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
