package keeper

import (
	"context"
	"errors"
	"fmt"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/quantumjob/engine"
	"github.com/novacron/novacron/x/quantumjob/types"
)

// Gas charged before any engine work: a fixed part per job and a per-byte part for parsing.
const (
	GasPerJob        = 20_000
	GasPerSourceByte = 10
)

// Keeper stores quantum jobs and runs them through the pure engine in EndBlock.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	authority    string

	Schema      collections.Schema
	Params      collections.Item[types.Params]
	NextJobID   collections.Sequence
	Jobs        collections.Map[uint64, types.Job]
	Results     collections.Map[uint64, types.Result]
	Queue       collections.KeySet[uint64]
	QueueSize   collections.Item[uint64]
	JobsByOwner collections.KeySet[collections.Pair[sdk.AccAddress, uint64]]
}

// NewKeeper builds the keeper; authority is the x/gov module address.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, ac address.Codec, authority string) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		addressCodec: ac,
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		NextJobID:    collections.NewSequence(sb, types.NextJobIDKey, "next_job_id"),
		Jobs:         collections.NewMap(sb, types.JobsKey, "jobs", collections.Uint64Key, codec.CollValue[types.Job](cdc)),
		Results:      collections.NewMap(sb, types.ResultsKey, "results", collections.Uint64Key, codec.CollValue[types.Result](cdc)),
		Queue:        collections.NewKeySet(sb, types.QueueKey, "queue", collections.Uint64Key),
		QueueSize:    collections.NewItem(sb, types.QueueSizeKey, "queue_size", collections.Uint64Value),
		JobsByOwner: collections.NewKeySet(sb, types.JobsByOwnerKey, "jobs_by_owner",
			collections.PairKeyCodec(sdk.AccAddressKey, collections.Uint64Key)),
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

// AddressCodec parses account addresses.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

// PlanJob checks a submission against the params without touching state and returns the
// engine's estimate; both the CheckTx ante decorator and the Msg server use it, so oversized
// jobs never enter a block.
func PlanJob(p types.Params, source string, shots uint32, backend string) (engine.Estimate, error) {
	if uint64(len(source)) > p.MaxSourceBytes {
		return engine.Estimate{}, types.ErrTooLarge.Wrapf("source is %d bytes > max %d", len(source), p.MaxSourceBytes)
	}
	if shots > p.MaxShots {
		return engine.Estimate{}, types.ErrInvalidShots.Wrapf("%d shots > max %d", shots, p.MaxShots)
	}
	want, err := engine.ParseBackend(backend)
	if err != nil {
		return engine.Estimate{}, types.ErrInvalidBackend.Wrap(err.Error())
	}
	est, err := engine.EstimateSource(source, want, int(shots), p.EngineLimits())
	switch {
	case err == nil:
		return est, nil
	case errors.Is(err, engine.ErrTooLarge):
		return est, types.ErrTooLarge.Wrap(err.Error())
	case errors.Is(err, engine.ErrNotCliff):
		return est, types.ErrInvalidBackend.Wrap(err.Error())
	default:
		return est, types.ErrInvalidCircuit.Wrap(err.Error())
	}
}

// GasForCost converts engine cost units into gas (rounded up).
func GasForCost(p types.Params, cost uint64) uint64 {
	return cost/p.CostUnitsPerGas + min(cost%p.CostUnitsPerGas, 1)
}

// RunQueued runs queued jobs in id order until the block's cost budget or job count is
// used up. It never returns an engine error: a failed job is recorded as FAILED.
func (k Keeper) RunQueued(ctx context.Context) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	var ids []uint64
	var spent uint64
	err = k.Queue.Walk(ctx, nil, func(id uint64) (bool, error) {
		if uint32(len(ids)) >= p.MaxJobsPerBlock {
			return true, nil
		}
		job, err := k.Jobs.Get(ctx, id)
		if err != nil {
			return true, err
		}
		// The first job always runs (its cost fits the budget by construction).
		if len(ids) > 0 && spent+job.Cost > p.BlockCostBudget {
			return true, nil
		}
		spent += job.Cost
		ids = append(ids, id)
		return false, nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		job, err := k.Jobs.Get(ctx, id)
		if err != nil {
			return err
		}
		res, runErr := runGuarded(job, p, engine.DeriveSeed(sdkCtx.ChainID(), sdkCtx.BlockHeight(), id))
		job.FinishedHeight = sdkCtx.BlockHeight()
		if runErr != nil {
			job.Status = types.JOB_STATUS_FAILED
			job.Error = runErr.Error()
			sdkCtx.EventManager().EmitEvent(sdk.NewEvent(types.EventTypeJobFailed,
				sdk.NewAttribute(types.AttributeKeyJobID, fmt.Sprint(id)),
				sdk.NewAttribute(types.AttributeKeyError, job.Error)))
		} else {
			job.Status = types.JOB_STATUS_SUCCEEDED
			if err := k.Results.Set(ctx, id, res); err != nil {
				return err
			}
			sdkCtx.EventManager().EmitEvent(sdk.NewEvent(types.EventTypeJobSucceeded,
				sdk.NewAttribute(types.AttributeKeyJobID, fmt.Sprint(id)),
				sdk.NewAttribute(types.AttributeKeyBackend, res.Backend),
				sdk.NewAttribute(types.AttributeKeyQubits, fmt.Sprint(res.Qubits))))
		}
		if err := k.Jobs.Set(ctx, id, job); err != nil {
			return err
		}
		if err := k.Queue.Remove(ctx, id); err != nil {
			return err
		}
	}
	if len(ids) == 0 {
		return nil
	}
	n, err := k.QueueSize.Get(ctx)
	if err != nil {
		return err
	}
	return k.QueueSize.Set(ctx, n-min(n, uint64(len(ids))))
}

// runGuarded runs one job; a panic inside the engine becomes a FAILED job, never a halt.
func runGuarded(job types.Job, p types.Params, seed [32]byte) (res types.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("engine panic: %v", r)
		}
	}()
	be, err := engine.ParseBackend(job.Backend)
	if err != nil {
		return res, err
	}
	out, err := engine.Run(job.Source, engine.Options{Shots: int(job.Shots), Seed: seed, Backend: be, Limits: p.EngineLimits()})
	if err != nil {
		return res, err
	}
	return toResult(job.Id, out, seed), nil
}

func toResult(id uint64, r *engine.Result, seed [32]byte) types.Result {
	res := types.Result{
		JobId: id, Qubits: uint32(r.Qubits), Clbits: uint32(r.Clbits), Backend: string(r.Backend),
		GatesBefore: uint64(r.GatesBefore), GatesAfter: uint64(r.GatesAfter),
		DepthBefore: uint64(r.DepthBefore), DepthAfter: uint64(r.DepthAfter),
		ProbabilitiesExact: r.ProbabilitiesExact, Seed: seed[:],
	}
	for _, e := range r.Probabilities {
		res.Probabilities = append(res.Probabilities, types.Entry{Key: e.Key, Value: e.Value})
	}
	for _, e := range r.Counts {
		res.Counts = append(res.Counts, types.Entry{Key: e.Key, Value: e.Value})
	}
	sum := r.ArtifactHash()
	res.ArtifactSha256 = sum[:]
	return res
}
