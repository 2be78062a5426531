package keeper

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/orbit/types"
)

// ErrBrokenInvariant is what CheckInvariants wraps: the state is not one the module's messages,
// genesis and EndBlock can produce.
var ErrBrokenInvariant = errors.New("x/orbit invariant broken")

func broken(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBrokenInvariant, fmt.Sprintf(format, args...))
}

// CheckInvariants verifies the module's state (x/crisis is deprecated in v0.54: tests and the
// simulation call it after every block; it walks the whole state and validates every
// constellation, TLE sets included):
//   - the params are valid, the active constellation (if any) is registered and there are at
//     most max_regions regions: the exported genesis validates;
//   - every constellation and region is valid and stored under its name or code;
//   - the latency snapshot, if any, is from a past or the current block; its region codes are
//     strictly increasing (code order: the pair lookup searches them), its header holds no
//     matrix, and there is exactly one row per region code, of one 8-byte round trip per
//     region: 0 to itself, -1 (unreachable) in both directions or in neither, and the two
//     directions within a microsecond of each other (rounding). Without a snapshot there is no
//     row.
func (k Keeper) CheckInvariants(ctx context.Context) error {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return broken("params: %s", err)
	}
	if err := p.Validate(); err != nil {
		return broken("params: %s", err)
	}
	err = k.Constellations.Walk(ctx, nil, func(name string, c types.Constellation) (bool, error) {
		if c.Name != name {
			return true, broken("constellation %q stored under %q", c.Name, name)
		}
		if err := c.Validate(); err != nil {
			return true, broken("constellation %s: %s", name, err)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	if a := p.ActiveConstellation; a != "" {
		has, err := k.Constellations.Has(ctx, a)
		if err != nil {
			return err
		}
		if !has {
			return broken("active constellation %q is not registered", a)
		}
	}
	regions := 0
	err = k.Regions.Walk(ctx, nil, func(code string, r types.Region) (bool, error) {
		regions++
		if r.Code != code {
			return true, broken("region %q stored under %q", r.Code, code)
		}
		if err := r.Validate(); err != nil {
			return true, broken("region %s: %s", code, err)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	if regions > int(p.MaxRegions) {
		return broken("%d regions > max_regions %d", regions, p.MaxRegions)
	}
	return k.checkSnapshot(ctx)
}

func (k Keeper) checkSnapshot(ctx context.Context) error {
	s := k.Snapshot
	snap, err := s.header.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		snap = types.LatencySnapshot{}
	} else if err != nil {
		return err
	}
	if h := sdk.UnwrapSDKContext(ctx).BlockHeight(); snap.Height > h {
		return broken("snapshot of height %d at height %d", snap.Height, h)
	}
	if len(snap.RttUs) != 0 {
		return broken("snapshot header holds %d round trips", len(snap.RttUs))
	}
	codes := snap.RegionCodes
	for i := 1; i < len(codes); i++ {
		if codes[i-1] >= codes[i] {
			return broken("snapshot region codes %q, %q out of order", codes[i-1], codes[i])
		}
	}
	n := len(codes)
	rows := make([][]int64, 0, n)
	err = s.rows.Walk(ctx, nil, func(code string, row []byte) (bool, error) {
		i := len(rows)
		if i >= n || codes[i] != code {
			return true, broken("snapshot row %q of no region of the snapshot", code)
		}
		if len(row) != 8*n {
			return true, broken("snapshot row %q of %d bytes, want %d", code, len(row), 8*n)
		}
		vals := make([]int64, n)
		for j := range vals {
			vals[j] = int64(binary.BigEndian.Uint64(row[8*j:]))
		}
		rows = append(rows, vals)
		return false, nil
	})
	if err != nil {
		return err
	}
	if len(rows) != n {
		return broken("%d snapshot rows for %d regions", len(rows), n)
	}
	for i := range rows {
		if rows[i][i] != 0 {
			return broken("snapshot round trip %s-%s is %d", codes[i], codes[i], rows[i][i])
		}
		for j := i + 1; j < n; j++ {
			a, b := rows[i][j], rows[j][i]
			if a < -1 || b < -1 || (a < 0) != (b < 0) || a-b > 1 || b-a > 1 {
				return broken("snapshot round trips %s-%s %d and back %d", codes[i], codes[j], a, b)
			}
		}
	}
	return nil
}
