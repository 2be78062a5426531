package keeper

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync/atomic"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/cidcalc"
	"github.com/novacron/novacron/x/internal/events"
	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/quantumjob/engine"
	"github.com/novacron/novacron/x/quantumjob/types"
)

// Gas charged before any engine work: a fixed part per job and a per-byte part for parsing;
// and, once the circuit is planned, a per-byte part for the largest Result EndBlock could
// store (EndBlock writes are not metered, so the submitter pays for them up front, at the
// SDK's KV write price per byte).
const (
	GasPerJob        = 20_000
	GasPerSourceByte = 10
	GasPerResultByte = 30
)

// resultEntryOverhead bounds the protobuf bytes of one Entry besides its key: two tags, two
// lengths and a varint value.
const resultEntryOverhead = 18

// ResultBytesBound is an upper bound on the encoded outcome entries of a job's Result: at most
// min(MaxOutcomes, 2^bits) probabilities and min(shots, 2^bits) counts, each with a key of at
// most max(qubits, 2 x clbits) characters (bits and spaces between registers).
func ResultBytesBound(est engine.Estimate, shots uint32, p types.Params) uint64 {
	bits := max(est.Qubits, est.Clbits)
	keyLen := uint64(max(est.Qubits, 2*est.Clbits))
	outcomes := func(limit uint64) uint64 {
		if bits < 63 {
			return min(limit, uint64(1)<<bits)
		}
		return limit
	}
	entries := outcomes(uint64(p.EngineLimits().MaxOutcomes)) + outcomes(uint64(shots))
	return entries * (keyLen + resultEntryOverhead)
}

// Keeper stores quantum jobs and runs them through the pure engine in EndBlock.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	authority    string
	// sink is shared by every copy of the keeper (the app's and the module manager's), so a
	// sink set after the module is registered is seen by EndBlock. Not consensus state.
	sink *sinkHolder

	Schema    collections.Schema
	Params    collections.Item[types.Params]
	NextJobID collections.Sequence
	Jobs      *collections.IndexedMap[uint64, types.Job, JobIndexes]
	Results   collections.Map[uint64, types.Result]
	Queue     collections.KeySet[uint64]
	QueueSize collections.Item[uint64]
}

// JobIndexes are the secondary indexes of Jobs, kept by the IndexedMap on every write.
type JobIndexes struct {
	// Owner maps (owner, job id): the jobs of an owner in id order. Its keys are the
	// jobs_by_owner KeySet's (prefix 5, (address, uint64)), so the store layout is unchanged.
	Owner *indexes.Multi[sdk.AccAddress, uint64, types.Job]
}

// IndexesList implements collections.Indexes.
func (i JobIndexes) IndexesList() []collections.Index[uint64, types.Job] {
	return []collections.Index[uint64, types.Job]{i.Owner}
}

// NewKeeper builds the keeper; authority is the x/gov module address.
func NewKeeper(cdc codec.BinaryCodec, storeService corestore.KVStoreService, ac address.Codec, authority string) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		addressCodec: ac,
		authority:    authority,
		sink:         &sinkHolder{},
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		NextJobID:    collections.NewSequence(sb, types.NextJobIDKey, "next_job_id"),
		Jobs: collections.NewIndexedMap(sb, types.JobsKey, "jobs", collections.Uint64Key, codec.CollValue[types.Job](cdc),
			JobIndexes{Owner: indexes.NewMulti(sb, types.JobsByOwnerKey, "jobs_by_owner", sdk.AccAddressKey, collections.Uint64Key,
				func(_ uint64, j types.Job) (sdk.AccAddress, error) { return ac.StringToBytes(j.Owner) })}),
		Results:   collections.NewMap(sb, types.ResultsKey, "results", collections.Uint64Key, codec.CollValue[types.Result](cdc)),
		Queue:     collections.NewKeySet(sb, types.QueueKey, "queue", collections.Uint64Key),
		QueueSize: collections.NewItem(sb, types.QueueSizeKey, "queue_size", collections.Uint64Value),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// sinkHolder holds the optional artifact sink; it is set from the node's start-up goroutine
// while blocks may already be executing, hence atomic.
type sinkHolder struct {
	p atomic.Pointer[types.ArtifactSink]
}

// SetArtifactSink installs (or, with nil, removes) the node-side receiver of finished jobs'
// artifact bytes. It affects no state: every validator stores the same Result with or without one.
func (k Keeper) SetArtifactSink(s types.ArtifactSink) {
	if s == nil {
		k.sink.p.Store(nil)
		return
	}
	k.sink.p.Store(&s)
}

// putArtifact hands the bytes to the sink, if any; a panicking sink is contained here so it can
// never reach EndBlock.
func (k Keeper) putArtifact(ctx sdk.Context, cid string, data []byte) {
	if k.sink == nil {
		return
	}
	sp := k.sink.p.Load()
	if sp == nil {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			ctx.Logger().Error("artifact sink panicked; artifact not stored locally", "cid", cid, "panic", r)
		}
	}()
	(*sp).Put(cid, data)
}

// Authority is the governance address.
func (k Keeper) Authority() string { return k.authority }

// AddressCodec parses account addresses.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

// PlanJob checks a submission against the params without touching state and returns the
// engine's estimate; both the CheckTx ante decorator and the Msg server use it, so oversized
// jobs never enter a block. Planning runs under the given step budget; the estimate's
// PlanSteps are what it used, also on failure (ErrBudgetExceeded).
func PlanJob(p types.Params, source string, shots uint32, backend string, budget uint64) (engine.Estimate, error) {
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
	est, err := engine.EstimateSource(source, want, int(shots), p.EngineLimits(), max(budget, 1))
	switch {
	case err == nil:
		return est, nil
	case errors.Is(err, engine.ErrBudget):
		return est, types.ErrBudgetExceeded.Wrap(err.Error())
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
	return meter.GasFor(cost, p.CostUnitsPerGas)
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
		res, artifact, runErr := runGuarded(job, p, engine.DeriveSeed(sdkCtx.ChainID(), sdkCtx.BlockHeight(), id))
		job.FinishedHeight = sdkCtx.BlockHeight()
		if runErr != nil {
			job.Status = types.JOB_STATUS_FAILED
			job.Error = runErr.Error()
			events.Emit(ctx, types.EventTypeJobFailed,
				types.AttributeKeyJobID, fmt.Sprint(id),
				types.AttributeKeyError, job.Error)
		} else {
			job.Status = types.JOB_STATUS_SUCCEEDED
			if err := k.Results.Set(ctx, id, res); err != nil {
				return err
			}
			events.Emit(ctx, types.EventTypeJobSucceeded,
				types.AttributeKeyJobID, fmt.Sprint(id),
				types.AttributeKeyBackend, res.Backend,
				types.AttributeKeyQubits, fmt.Sprint(res.Qubits),
				types.AttributeKeyArtifactCID, res.ArtifactCid)
			k.putArtifact(sdkCtx, res.ArtifactCid, artifact)
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

// runGuarded runs one job and returns its result and canonical artifact bytes; a panic inside
// the engine becomes a FAILED job, never a halt.
func runGuarded(job types.Job, p types.Params, seed [32]byte) (res types.Result, artifact []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("engine panic: %v", r)
		}
	}()
	be, err := engine.ParseBackend(job.Backend)
	if err != nil {
		return res, nil, err
	}
	// the job paid for job.Cost steps: the run can never do more
	out, err := engine.Run(job.Source, engine.Options{Shots: int(job.Shots), Seed: seed, Backend: be,
		Limits: p.EngineLimits(), Budget: max(job.Cost, 1)})
	if err != nil {
		return res, nil, err
	}
	return toResult(job.Id, out, seed)
}

// ArtifactCID is the CIDv1 (raw leaves, kubo `ipfs add --cid-version 1`) of an artifact,
// computed from its bytes alone: no store, no network.
func ArtifactCID(artifact []byte) (string, error) {
	c, err := cidcalc.CIDv1(artifact)
	if err != nil {
		return "", fmt.Errorf("artifact cid: %w", err)
	}
	return cidcalc.Canonical(c), nil
}

func toResult(id uint64, r *engine.Result, seed [32]byte) (types.Result, []byte, error) {
	res := types.Result{
		JobId: id, Qubits: uint32(r.Qubits), Clbits: uint32(r.Clbits), Backend: string(r.Backend),
		GatesBefore: uint64(r.GatesBefore), GatesAfter: uint64(r.GatesAfter),
		DepthBefore: uint64(r.DepthBefore), DepthAfter: uint64(r.DepthAfter),
		ProbabilitiesExact: r.ProbabilitiesExact, ProbabilitiesTruncated: r.ProbabilitiesTruncated, Seed: seed[:],
		Steps: r.Steps,
	}
	for _, e := range r.Probabilities {
		res.Probabilities = append(res.Probabilities, types.Entry{Key: e.Key, Value: e.Value})
	}
	for _, e := range r.Counts {
		res.Counts = append(res.Counts, types.Entry{Key: e.Key, Value: e.Value})
	}
	artifact := r.ArtifactBytes()
	sum := sha256.Sum256(artifact)
	res.ArtifactSha256 = sum[:]
	cid, err := ArtifactCID(artifact)
	if err != nil {
		return types.Result{}, nil, err
	}
	res.ArtifactCid = cid
	return res, artifact, nil
}
