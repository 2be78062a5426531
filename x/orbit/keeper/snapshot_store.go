package keeper

import (
	"context"
	"encoding/binary"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/novacron/novacron/x/orbit/types"
)

// SnapshotStore keeps the latency snapshot as a header (height, time, constellation, region
// codes) plus one row per source region. The scheduler asks for one pair at a time, so
// RTTUs reads the header and a single N x 8-byte row instead of the whole N^2 matrix.
type SnapshotStore struct {
	header collections.Item[types.LatencySnapshot] // rtt_us left empty
	rows   collections.Map[string, []byte]         // from-region code -> N big-endian int64
}

func newSnapshotStore(sb *collections.SchemaBuilder, cdc codec.BinaryCodec) SnapshotStore {
	return SnapshotStore{
		header: collections.NewItem(sb, types.SnapshotKey, "snapshot", codec.CollValue[types.LatencySnapshot](cdc)),
		rows:   collections.NewMap(sb, types.SnapshotRowsKey, "snapshot_rows", collections.StringKey, collections.BytesValue),
	}
}

// Has reports whether a snapshot was stored.
func (s SnapshotStore) Has(ctx context.Context) (bool, error) { return s.header.Has(ctx) }

// Set replaces the snapshot; rows of regions that left the matrix are removed.
func (s SnapshotStore) Set(ctx context.Context, snap types.LatencySnapshot) error {
	n := len(snap.RegionCodes)
	if old, err := s.header.Get(ctx); err == nil {
		for _, code := range old.RegionCodes {
			if indexOf(snap.RegionCodes, code) < 0 {
				if err := s.rows.Remove(ctx, code); err != nil {
					return err
				}
			}
		}
	}
	for i, code := range snap.RegionCodes {
		row := make([]byte, 8*n)
		for j, v := range snap.RttUs[i*n : (i+1)*n] {
			binary.BigEndian.PutUint64(row[8*j:], uint64(v))
		}
		if err := s.rows.Set(ctx, code, row); err != nil {
			return err
		}
	}
	header := snap
	header.RttUs = nil
	return s.header.Set(ctx, header)
}

// Get assembles the full snapshot (collections.ErrNotFound before the first one).
func (s SnapshotStore) Get(ctx context.Context) (types.LatencySnapshot, error) {
	snap, err := s.header.Get(ctx)
	if err != nil {
		return snap, err
	}
	n := len(snap.RegionCodes)
	snap.RttUs = make([]int64, 0, n*n)
	for _, code := range snap.RegionCodes {
		row, err := s.rows.Get(ctx, code)
		if err != nil {
			return snap, err
		}
		for j := 0; j < n; j++ {
			snap.RttUs = append(snap.RttUs, int64(binary.BigEndian.Uint64(row[8*j:])))
		}
	}
	return snap, nil
}

// pair returns one entry of the matrix reading only the header and the source row.
func (s SnapshotStore) pair(ctx context.Context, from, to string) (int64, bool) {
	snap, err := s.header.Get(ctx)
	if err != nil {
		return 0, false
	}
	j := indexOf(snap.RegionCodes, to)
	if j < 0 || indexOf(snap.RegionCodes, from) < 0 {
		return 0, false
	}
	row, err := s.rows.Get(ctx, from)
	if err != nil || len(row) < 8*(j+1) {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(row[8*j:])), true
}
