package keeper

import (
	"context"
	"slices"

	"cosmossdk.io/collections"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/heal/types"
)

// DefaultStatsWindow is the window of Query/Stats without one, in blocks.
const DefaultStatsWindow = 10_000

// Stats walks the incidents from the newest back to the first opened before the window.
func (q queryServer) Stats(ctx context.Context, req *types.QueryStatsRequest) (*types.QueryStatsResponse, error) {
	if req == nil || req.WindowBlocks < 0 {
		return nil, status.Error(codes.InvalidArgument, "window_blocks must not be negative")
	}
	window := req.WindowBlocks
	if window == 0 {
		window = DefaultStatsWindow
	}
	height := sdk.UnwrapSDKContext(ctx).BlockHeight()
	st := types.Stats{FromHeight: max(height-window+1, 1), ToHeight: height}
	var mttd, mttr []int64
	var automated, decided uint64
	err := q.k.Incidents.Walk(ctx, new(collections.Range[uint64]).Descending(), func(_ uint64, inc types.Incident) (bool, error) {
		if inc.OpenedHeight < st.FromHeight {
			return true, nil // ids grow with opening height: the rest is older
		}
		if inc.Kind == types.IncidentKind_INCIDENT_KIND_REGION_PARTITION || inc.Kind == types.IncidentKind_INCIDENT_KIND_HOST_SUSPECT {
			return false, nil // counted through their hosts / nothing to repair
		}
		st.Incidents++
		if inc.LastSeenMs > 0 && inc.OpenedMs >= inc.LastSeenMs {
			mttd = append(mttd, inc.OpenedMs-inc.LastSeenMs)
		}
		escalated := slices.ContainsFunc(inc.Steps, func(s types.RemedyStep) bool { return s.Action == "escalate" })
		if inc.RepairedHeight > 0 {
			st.Repaired++
			mttr = append(mttr, inc.RepairedMs-inc.OpenedMs)
			decided++
			if !escalated {
				automated++
			}
		} else if escalated {
			decided++
		}
		if escalated {
			st.Escalated++
		}
		if inc.State == types.IncidentState_INCIDENT_STATE_RESOLVED {
			st.Resolved++
		}
		return false, nil
	})
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	st.MttdP50Ms, st.MttdP99Ms = percentile(mttd, 50), percentile(mttd, 99)
	st.MttrP50Ms, st.MttrP99Ms = percentile(mttr, 50), percentile(mttr, 99)
	if decided > 0 {
		st.AutomatedPpm = automated * 1_000_000 / decided
	}
	return &types.QueryStatsResponse{Stats: st}, nil
}

// percentile is the nearest-rank percentile (0 for no values).
func percentile(v []int64, p int) int64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	rank := (p*len(v) + 99) / 100 // ceil(p/100 × n)
	return v[max(rank, 1)-1]
}
