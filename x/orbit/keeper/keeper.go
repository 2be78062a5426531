package keeper

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sort"
	"sync"

	"cosmossdk.io/collections"
	corestore "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/orbit/engine"
	"github.com/novacron/novacron/x/orbit/engine/geo"
	"github.com/novacron/novacron/x/orbit/engine/netgraph"
	"github.com/novacron/novacron/x/orbit/types"
)

// Keeper holds constellations, regions and the latency snapshot, and adapts the pure
// orbit engine: every engine call is priced from the engine's cost model first.
type Keeper struct {
	cdc       codec.BinaryCodec
	authority string

	Schema         collections.Schema
	Params         collections.Item[types.Params]
	Constellations collections.Map[string, types.Constellation]
	Regions        collections.Map[string, types.Region]
	Snapshot       SnapshotStore

	networks *networkCache
}

// networkCache keeps built networks (TLE generation and SGP4 initialisation) between
// blocks. It only saves work: a cached network is a pure function of its key.
type networkCache struct {
	mu   sync.Mutex
	nets map[[32]byte]*netgraph.Network
}

// NewKeeper builds the keeper; authority is the x/gov module address.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, authority string) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:            cdc,
		authority:      authority,
		Params:         collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Constellations: collections.NewMap(sb, types.ConstellationsKey, "constellations", collections.StringKey, codec.CollValue[types.Constellation](cdc)),
		Regions:        collections.NewMap(sb, types.RegionsKey, "regions", collections.StringKey, codec.CollValue[types.Region](cdc)),
		Snapshot:       newSnapshotStore(sb, cdc),
		networks:       &networkCache{nets: map[[32]byte]*netgraph.Network{}},
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

// regionsInOrder returns every region in code order (the matrix order).
func (k Keeper) regionsInOrder(ctx context.Context) ([]types.Region, error) {
	var out []types.Region
	err := k.Regions.Walk(ctx, nil, func(_ string, r types.Region) (bool, error) {
		out = append(out, r)
		return false, nil
	})
	return out, err
}

// network builds (or reuses) the engine network of a constellation over the regions.
func (k Keeper) network(c types.Constellation, regions []types.Region) (*netgraph.Network, error) {
	h := sha256.New()
	bz, _ := c.Marshal()
	h.Write(bz)
	for _, r := range regions {
		rb, _ := r.Marshal()
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(rb))))
		h.Write(rb)
	}
	var key [32]byte
	copy(key[:], h.Sum(nil))

	k.networks.mu.Lock()
	defer k.networks.mu.Unlock()
	if n, ok := k.networks.nets[key]; ok {
		return n, nil
	}
	stations := make([]geo.GroundStation, len(regions))
	for i, r := range regions {
		stations[i] = r.ToStation(i)
	}
	var n *netgraph.Network
	var err error
	if c.IsTLESet() {
		var tn types.TLENetwork
		if tn, err = c.ToTLENetwork(); err != nil {
			return nil, err
		}
		n, err = netgraph.NewNetworkFromTLEs(tn.TLEs, tn.ISLs, tn.MaxGSLKm, tn.MaxISLKm, stations, tn.EpochUnixNano)
	} else {
		n, err = engine.NewShellNetwork(c.ToShell(), stations)
	}
	if err != nil {
		return nil, err
	}
	if len(k.networks.nets) >= 8 { // bound memory: drop everything, rebuild on demand
		k.networks.nets = map[[32]byte]*netgraph.Network{}
	}
	k.networks.nets[key] = n
	return n, nil
}

// snapshotCost prices an all-pairs snapshot from the satellite and ISL counts (+Grid: two
// ISLs per satellite; a TLE set without a plane layout has none).
func snapshotCost(c types.Constellation, regions int) uint64 {
	return engine.EstimateSnapshotCost(c.NumSatellites(), regions, c.NumISLs())
}

// routeCost prices one pair route.
func routeCost(c types.Constellation, regions int) uint64 {
	return engine.EstimateRouteCost(c.NumSatellites(), regions, c.NumISLs())
}

// MaybeSnapshot recomputes the latency matrix every snapshot_interval_blocks. Engine failures
// are recorded as events and never halt the chain.
func (k Keeper) MaybeSnapshot(ctx context.Context) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if p.ActiveConstellation == "" || sdkCtx.BlockHeight()%int64(p.SnapshotIntervalBlocks) != 0 {
		return nil
	}
	snap, err := k.computeSnapshot(ctx, p)
	if err != nil {
		sdkCtx.EventManager().EmitEvent(sdk.NewEvent(types.EventTypeSnapshotFailed,
			sdk.NewAttribute(types.AttributeKeyConstellation, p.ActiveConstellation),
			sdk.NewAttribute(types.AttributeKeyError, err.Error())))
		return nil
	}
	if err := k.Snapshot.Set(ctx, snap); err != nil {
		return err
	}
	sdkCtx.EventManager().EmitEvent(sdk.NewEvent(types.EventTypeSnapshot,
		sdk.NewAttribute(types.AttributeKeyConstellation, snap.Constellation),
		sdk.NewAttribute(types.AttributeKeyRegions, fmt.Sprint(len(snap.RegionCodes)))))
	return nil
}

func (k Keeper) computeSnapshot(ctx context.Context, p types.Params) (snap types.LatencySnapshot, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("engine panic: %v", r)
		}
	}()
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	c, err := k.Constellations.Get(ctx, p.ActiveConstellation)
	if err != nil {
		return snap, types.ErrUnknownConstellation.Wrap(p.ActiveConstellation)
	}
	regions, err := k.regionsInOrder(ctx)
	if err != nil {
		return snap, err
	}
	if len(regions) < 2 {
		return snap, types.ErrInvalidRegion.Wrap("fewer than two regions")
	}
	if cost := snapshotCost(c, len(regions)); cost > p.MaxSnapshotCost {
		return snap, types.ErrTooCostly.Wrapf("snapshot cost %d > max %d", cost, p.MaxSnapshotCost)
	}
	n, err := k.network(c, regions)
	if err != nil {
		return snap, err
	}
	m := engine.ComputeLatencyMatrix(n, sdkCtx.BlockTime().UnixNano())
	snap = types.LatencySnapshot{Height: sdkCtx.BlockHeight(), UnixNano: m.UnixNano, Constellation: c.Name, RttUs: m.RTTUs}
	for _, r := range regions {
		snap.RegionCodes = append(snap.RegionCodes, r.Code)
	}
	return snap, nil
}

// RTTUs is the round trip between two regions from the latest snapshot (false when either
// region is not in it, or they are unreachable).
func (k Keeper) RTTUs(ctx context.Context, from, to string) (int64, bool) {
	v, ok := k.Snapshot.pair(ctx, from, to)
	return v, ok && v >= 0
}

// LatencyUs is the one-way latency (half the round trip) between two regions; it is the
// latency source x/vmlifecycle's scheduler uses for max-latency constraints.
func (k Keeper) LatencyUs(ctx context.Context, from, to string) (int64, bool) {
	rtt, ok := k.RTTUs(ctx, from, to)
	return rtt / 2, ok
}

func indexOf(sorted []string, s string) int {
	i := sort.SearchStrings(sorted, s)
	if i < len(sorted) && sorted[i] == s {
		return i
	}
	return -1
}
