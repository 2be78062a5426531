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

	"github.com/novacron/novacron/x/internal/events"
	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/orbit/engine"
	"github.com/novacron/novacron/x/orbit/engine/geo"
	"github.com/novacron/novacron/x/orbit/engine/netgraph"
	"github.com/novacron/novacron/x/orbit/types"
)

// Keeper holds constellations, regions and the latency snapshot, and adapts the pure
// orbit engine: every engine call runs under the engine's work meter, with a budget from the
// query's gas or, in EndBlock, from max_snapshot_cost (types/budget.go).
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
// blocks. It only saves work: a cached network is a pure function of its key, and a hit
// charges the meter exactly what the build did. The mutex guards the map only; builds run
// outside it (see network).
type networkCache struct {
	mu   sync.Mutex
	nets map[[32]byte]cachedNetwork
	// onBuild, when set (tests only: export_test.go), runs on every cache miss in the middle
	// of the build (for a TLE set after its lines are charged, before they are parsed; then
	// the engine generates or sets satellites up), outside the lock, with the constellation's
	// name.
	onBuild func(constellation string)
}

// cachedNetwork is a built network and the steps of the TLE source the keeper charged
// before the engine build (TLE sets: parsing tle_lines; 0 for shells, whose TLE generation
// the engine charges itself).
type cachedNetwork struct {
	net         *netgraph.Network
	sourceSteps uint64
}

// maxCachedNetworks bounds the cache's memory: when full, it is emptied.
const maxCachedNetworks = 8

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
		networks:       &networkCache{nets: map[[32]byte]cachedNetwork{}},
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

// network builds (or reuses) the engine network of a constellation over the regions under
// the meter m (nil: unmetered).
//
// The cache's lock is held only to look the key up and to store a result: the build (TLE
// parsing or generation, SGP4 set-up of up to 20,000 satellites) runs outside it, so
// EndBlock never waits on a query's build, nor a query on EndBlock's. Callers that miss the
// same key at the same time each build it (each under its own budget); the networks are
// equal and the first stored stays. A hit charges m exactly the charges of a build (the
// TLE source, then netgraph.Network.ChargeBuild), so the steps used, and a budget error's
// stage and numbers, do not depend on what this node's cache holds.
//
// The key (SHA-256 of the stored constellation and regions) is not metered: it is linear in
// the bytes the caller read from the store (queries pay store read gas per byte; EndBlock
// reads at most MaxConstellationBytes), so a shell and its own TLEs as a TLE set are charged
// the same steps.
func (k Keeper) network(c types.Constellation, regions []types.Region, m *meter.Meter) (*netgraph.Network, error) {
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
	e, ok := k.networks.nets[key]
	onBuild := k.networks.onBuild
	k.networks.mu.Unlock()
	if ok {
		if e.sourceSteps > 0 {
			if err := m.Charge(netgraph.StageTLEs, e.sourceSteps); err != nil {
				return nil, err
			}
		}
		if err := e.net.ChargeBuild(m); err != nil {
			return nil, err
		}
		return e.net, nil
	}

	e, err := buildNetwork(c, regions, m, onBuild)
	if err != nil {
		return nil, err
	}
	k.networks.mu.Lock()
	if old, ok := k.networks.nets[key]; ok {
		e = old // built meanwhile by another caller: equal, keep the stored one
	} else {
		if len(k.networks.nets) >= maxCachedNetworks { // bound memory: drop everything, rebuild on demand
			k.networks.nets = map[[32]byte]cachedNetwork{}
		}
		k.networks.nets[key] = e
	}
	k.networks.mu.Unlock()
	return e.net, nil
}

// buildNetwork builds the engine network of a constellation over the regions under m: a TLE
// set's lines are charged netgraph.TLESourceSteps per satellite before they are parsed (the
// engine charges a shell's TLE generation at the same price), then the engine charges the
// SGP4 set-up, links and stations.
func buildNetwork(c types.Constellation, regions []types.Region, m *meter.Meter, onBuild func(string)) (cachedNetwork, error) {
	stations := make([]geo.GroundStation, len(regions))
	for i, r := range regions {
		stations[i] = r.ToStation(i)
	}
	if !c.IsTLESet() {
		if onBuild != nil {
			onBuild(c.Name)
		}
		n, err := engine.NewShellNetworkMetered(c.ToShell(), stations, m)
		return cachedNetwork{net: n}, err
	}
	src := meter.Mul(uint64(c.NumSatellites()), netgraph.TLESourceSteps)
	if err := m.Charge(netgraph.StageTLEs, src); err != nil {
		return cachedNetwork{}, err
	}
	if onBuild != nil {
		onBuild(c.Name)
	}
	tn, err := c.ToTLENetwork()
	if err != nil {
		return cachedNetwork{}, err
	}
	n, err := netgraph.NewNetworkFromTLEsMetered(tn.TLEs, tn.ISLs, tn.MaxGSLKm, tn.MaxISLKm, stations, tn.EpochUnixNano, m)
	return cachedNetwork{net: n, sourceSteps: src}, err
}

// snapshotCost prices an all-pairs snapshot from the satellite and ISL counts (+Grid: two
// ISLs per satellite; a TLE set without a plane layout has none).
func snapshotCost(c types.Constellation, regions int) uint64 {
	return engine.EstimateSnapshotCost(c.NumSatellites(), regions, c.NumISLs())
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
		events.Emit(ctx, types.EventTypeSnapshotFailed,
			types.AttributeKeyConstellation, p.ActiveConstellation,
			types.AttributeKeyError, err.Error())
		return nil
	}
	if err := k.Snapshot.Set(ctx, snap); err != nil {
		return err
	}
	events.Emit(ctx, types.EventTypeSnapshot,
		types.AttributeKeyConstellation, snap.Constellation,
		types.AttributeKeyRegions, fmt.Sprint(len(snap.RegionCodes)))
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
	// The estimate rejects an oversized snapshot early; the meter bounds the work itself:
	// max_snapshot_cost × SnapshotStepsPerCostUnit steps for the network (built or from the
	// cache, charged the same) and the all-pairs routing.
	if cost := snapshotCost(c, len(regions)); cost > p.MaxSnapshotCost {
		return snap, types.ErrTooCostly.Wrapf("snapshot cost %d > max %d", cost, p.MaxSnapshotCost)
	}
	mt := meter.New(p.SnapshotStepBudget())
	n, err := k.network(c, regions, mt)
	if err != nil {
		return snap, types.WrapBudget(err)
	}
	m, err := engine.ComputeLatencyMatrixMetered(n, sdkCtx.BlockTime().UnixNano(), mt)
	if err != nil {
		return snap, types.WrapBudget(err)
	}
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
