package keeper

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/orbit/engine"
	"github.com/novacron/novacron/x/orbit/engine/dtn"
	"github.com/novacron/novacron/x/orbit/types"
)

// Bounds of computing queries.
const (
	maxPlanBytes      = 1 << 20
	maxHandoffHorizon = 86400 // s
	gasPerPlanByte    = 2
)

// queryServer answers with registered errors (types/errors.go), whose GRPCStatus carries
// the gRPC code, or with a status made here: InvalidArgument for a malformed request,
// Internal for a store failure.
type queryServer struct{ k Keeper }

// NewQueryServerImpl returns the Query service of x/orbit.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k} }

var _ types.QueryServer = queryServer{}

// engineErr is the registered error of engine work that failed with err: the work meter
// running out is ErrBudgetExceeded (ResourceExhausted); any other failure is base (wrapped
// with what, when given, and the cause) unless err already is one.
func engineErr(err error, base *errorsmod.Error, what string) error {
	if w := types.WrapBudget(err); errors.Is(w, types.ErrBudgetExceeded) {
		return w
	}
	if errors.Is(err, base) {
		return err
	}
	if what == "" {
		return base.Wrap(err.Error())
	}
	return base.Wrapf("%s: %v", what, err)
}

// budget is the meter of a query's engine work: the gas left × the steps one gas pays for
// (types.Params.QueryStepBudget). Pair it with a deferred settle.
func budget(ctx context.Context, p types.Params) *meter.Meter {
	return meter.New(p.QueryStepBudget(sdk.UnwrapSDKContext(ctx).GasMeter().GasRemaining()))
}

// settle charges the steps m used as gas, rounded up: also when the work failed or ran out
// of budget, since the steps charged were done (or, for the failing charge, not started).
// It never exceeds the gas that was left when budget made m.
func settle(ctx context.Context, p types.Params, m *meter.Meter, what string) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(p.GasForSteps(m.Used()), what)
}

func at(ctx context.Context, unixNano int64) int64 {
	if unixNano != 0 {
		return unixNano
	}
	return sdk.UnwrapSDKContext(ctx).BlockTime().UnixNano()
}

func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

// Constellations pages through the constellations in name order: a summary of each (no TLE
// lines) by default, the stored objects with full. Both modes read the same records, so a
// page charges the same store gas either way; only the response differs in size.
func (q queryServer) Constellations(ctx context.Context, req *types.QueryConstellationsRequest) (*types.QueryConstellationsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if req.Full {
		cs, page, err := query.CollectionPaginate(ctx, q.k.Constellations, req.Pagination,
			func(_ string, c types.Constellation) (types.Constellation, error) { return c, nil })
		if err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
		return &types.QueryConstellationsResponse{Constellations: cs, Pagination: page}, nil
	}
	var corrupt error // a stored TLE set whose epochs do not parse: state, not the request, is wrong
	sums, page, err := query.CollectionPaginate(ctx, q.k.Constellations, req.Pagination,
		func(_ string, c types.Constellation) (types.ConstellationSummary, error) {
			s, err := c.Summary()
			if err != nil {
				corrupt = err
			}
			return s, err
		})
	if corrupt != nil {
		return nil, status.Error(codes.Internal, corrupt.Error())
	}
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryConstellationsResponse{Summaries: sums, Pagination: page}, nil
}

// Constellation is one stored constellation in full.
func (q queryServer) Constellation(ctx context.Context, req *types.QueryConstellationRequest) (*types.QueryConstellationResponse, error) {
	if req == nil || req.Name == "" {
		return nil, status.Error(codes.InvalidArgument, "constellation name required")
	}
	c, err := q.k.Constellations.Get(ctx, req.Name)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, types.ErrUnknownConstellation.Wrap(req.Name)
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryConstellationResponse{Constellation: c}, nil
}

func (q queryServer) Regions(ctx context.Context, req *types.QueryRegionsRequest) (*types.QueryRegionsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	regions, page, err := query.CollectionPaginate(ctx, q.k.Regions, req.Pagination,
		func(_ string, r types.Region) (types.Region, error) { return r, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryRegionsResponse{Regions: regions, Pagination: page}, nil
}

func (q queryServer) LatencyMatrix(ctx context.Context, _ *types.QueryLatencyMatrixRequest) (*types.QueryLatencyMatrixResponse, error) {
	snap, err := q.k.Snapshot.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return nil, types.ErrNoSnapshot.Wrap("the first snapshot is taken at the next multiple of snapshot_interval_blocks")
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &types.QueryLatencyMatrixResponse{Snapshot: snap}, nil
}

// setup resolves the constellation (default: active) and the ordered regions. Its error is
// ErrUnknownConstellation or an Internal status.
func (q queryServer) setup(ctx context.Context, name string) (types.Params, types.Constellation, []types.Region, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return p, types.Constellation{}, nil, status.Error(codes.Internal, err.Error())
	}
	if name == "" {
		name = p.ActiveConstellation
	}
	c, err := q.k.Constellations.Get(ctx, name)
	if errors.Is(err, collections.ErrNotFound) {
		return p, c, nil, types.ErrUnknownConstellation.Wrap(name)
	}
	if err != nil {
		return p, c, nil, status.Error(codes.Internal, err.Error())
	}
	regions, err := q.k.regionsInOrder(ctx)
	if err != nil {
		return p, c, nil, status.Error(codes.Internal, err.Error())
	}
	return p, c, regions, nil
}

func regionIndex(regions []types.Region, code string) (int, error) {
	for i, r := range regions {
		if r.Code == code {
			return i, nil
		}
	}
	return -1, types.ErrUnknownRegion.Wrap(code)
}

func (q queryServer) Route(ctx context.Context, req *types.QueryRouteRequest) (*types.QueryRouteResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	p, c, regions, err := q.setup(ctx, req.Constellation)
	if err != nil {
		return nil, err
	}
	from, err := regionIndex(regions, req.From)
	if err != nil {
		return nil, err
	}
	to, err := regionIndex(regions, req.To)
	if err != nil {
		return nil, err
	}
	t := at(ctx, req.UnixNano)
	m := budget(ctx, p)
	defer settle(ctx, p, m, "orbit route")
	n, err := q.k.network(c, regions, m)
	if err != nil {
		return nil, engineErr(err, types.ErrInvalidConstellation, c.Name)
	}
	path, err := engine.RouteMetered(n, t, from, to, m)
	if err != nil {
		return nil, engineErr(err, types.ErrNoRoute, fmt.Sprintf("%s -> %s", req.From, req.To))
	}
	nsat := len(n.Sats)
	hops := make([]string, len(path.Nodes))
	for i, node := range path.Nodes {
		if node < nsat {
			hops[i] = fmt.Sprintf("sat:%d", node)
		} else {
			hops[i] = regions[node-nsat].Code
		}
	}
	return &types.QueryRouteResponse{OneWayUs: path.OneWayUs, RttUs: path.RTTUs, LengthMm: path.LengthMM, Hops: hops,
		FibreRttUs: engine.FibreRTTUs(regions[from].ToStation(from), regions[to].ToStation(to)), UnixNano: t}, nil
}

func (q queryServer) SatellitePosition(ctx context.Context, req *types.QuerySatellitePositionRequest) (*types.QuerySatellitePositionResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	p, c, _, err := q.setup(ctx, req.Constellation)
	if err != nil {
		return nil, err
	}
	if int64(req.Index) >= int64(c.NumSatellites()) {
		return nil, status.Errorf(codes.InvalidArgument, "satellite %d: %s has %d", req.Index, c.Name, c.NumSatellites())
	}
	t := at(ctx, req.UnixNano)
	m := budget(ctx, p)
	defer settle(ctx, p, m, "orbit satellite")
	n, err := q.k.network(c, nil, m)
	if err != nil {
		return nil, engineErr(err, types.ErrInvalidConstellation, c.Name)
	}
	// A failure after the build is SGP4 giving up on the elements at t (a decayed or
	// diverging orbit): the constellation does not propagate to the time asked.
	st, err := engine.SatelliteStateMMMetered(n, int(req.Index), t, m)
	if err != nil {
		return nil, engineErr(err, types.ErrInvalidConstellation, c.Name)
	}
	return &types.QuerySatellitePositionResponse{PositionMm: []int64{st.X, st.Y, st.Z}, VelocityMmS: []int64{st.VX, st.VY, st.VZ}, UnixNano: t}, nil
}

func (q queryServer) NextHandoff(ctx context.Context, req *types.QueryNextHandoffRequest) (*types.QueryNextHandoffResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	p, c, regions, err := q.setup(ctx, req.Constellation)
	if err != nil {
		return nil, err
	}
	gs, err := regionIndex(regions, req.Region)
	if err != nil {
		return nil, err
	}
	horizon, step := req.HorizonS, req.StepMs
	if horizon == 0 {
		horizon = 600
	}
	if step == 0 {
		step = 1000
	}
	// step may not exceed the horizon: a longer step scans nothing useful, is not charged
	// (zero steps) and step*1e6 overflows int64 for huge values.
	if horizon < 0 || horizon > maxHandoffHorizon || step <= 0 || step > horizon*1000 || horizon*1000/step > 100000 {
		return nil, status.Errorf(codes.InvalidArgument, "horizon %d s / step %d ms: at most %d s, step at most the horizon, at most 100000 steps", horizon, step, maxHandoffHorizon)
	}
	// The scan evaluates both ends of the window (steps+1 instants), every satellite at
	// each, charged before it is propagated.
	t := at(ctx, req.UnixNano)
	m := budget(ctx, p)
	defer settle(ctx, p, m, "orbit handoff")
	n, err := q.k.network(c, regions, m)
	if err != nil {
		return nil, engineErr(err, types.ErrInvalidConstellation, c.Name)
	}
	ev, found, err := n.NextHandoffMetered(gs, t, horizon*1e9, step*1e6, m)
	if err != nil {
		return nil, engineErr(err, types.ErrInvalidConstellation, c.Name)
	}
	if !found {
		return &types.QueryNextHandoffResponse{Found: false}, nil
	}
	return &types.QueryNextHandoffResponse{Found: true, UnixNano: ev.UnixNano, FromSatellite: int64(ev.From), ToSatellite: int64(ev.To)}, nil
}

func (q queryServer) DtnRoute(ctx context.Context, req *types.QueryDtnRouteRequest) (*types.QueryDtnRouteResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	if len(req.ContactPlan) > maxPlanBytes {
		return nil, status.Errorf(codes.InvalidArgument, "contact plan is %d bytes > %d", len(req.ContactPlan), maxPlanBytes)
	}
	// A fee per plan byte before parsing, then the parse (lines, sort, light times: quadratic
	// in the worst case) and CGR under the gas left.
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(uint64(len(req.ContactPlan))*gasPerPlanByte, "orbit dtn parse")
	m := budget(ctx, p)
	defer settle(ctx, p, m, "orbit dtn")
	plan, err := dtn.ParsePlanMetered(strings.NewReader(req.ContactPlan), m)
	if err != nil {
		return nil, engineErr(err, types.ErrInvalidPlan, "")
	}
	r, err := plan.CGRMetered(req.FromNode, req.ToNode, req.BundleBytes, req.StartUs, req.ExpiryUs, m)
	if err != nil {
		return nil, engineErr(err, types.ErrNoRoute, "")
	}
	out := &types.QueryDtnRouteResponse{ArrivalUs: r.ArrivalUs}
	for _, ci := range r.Contacts {
		out.Contacts = append(out.Contacts, uint32(ci))
	}
	return out, nil
}

func (q queryServer) MarsLightTime(ctx context.Context, req *types.QueryMarsLightTimeRequest) (*types.QueryMarsLightTimeResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	t := at(ctx, req.UnixNano)
	return &types.QueryMarsLightTimeResponse{OneWayMs: engine.EarthMarsLightTimeMs(t), UnixNano: t}, nil
}
