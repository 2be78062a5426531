package keeper

import (
	"context"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/novacron/novacron/x/internal/events"
	"github.com/novacron/novacron/x/internal/meter"
	"github.com/novacron/novacron/x/quantumjob/types"
)

type msgServer struct{ Keeper }

// NewMsgServerImpl returns the Msg service of x/quantumjob.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k} }

var _ types.MsgServer = msgServer{}

func (m msgServer) SubmitJob(ctx context.Context, msg *types.MsgSubmitJob) (*types.MsgSubmitJobResponse, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if _, err := m.addressCodec.StringToBytes(msg.Owner); err != nil {
		return nil, sdkerrors.ErrInvalidAddress.Wrapf("owner %q: %v", msg.Owner, err)
	}
	p, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	// The source's storage is charged before planning; planning runs under what the gas left
	// pays for, and its steps are charged whether it succeeds or not. The job's cost (planning
	// again in EndBlock plus the simulation's bound) is charged before the job is queued, and
	// EndBlock runs it under exactly that budget.
	gm := sdkCtx.GasMeter()
	gm.ConsumeGas(GasPerJob+GasPerSourceByte*uint64(len(msg.Source)), "quantumjob source")
	budget := min(meter.Mul(gm.GasRemaining(), p.CostUnitsPerGas), p.BlockCostBudget)
	plan, err := PlanJob(p, msg.Source, msg.Shots, msg.Backend, budget)
	gm.ConsumeGas(GasForCost(p, plan.PlanSteps), "quantumjob planning")
	if err != nil {
		return nil, err
	}
	gm.ConsumeGas(GasForCost(p, plan.Cost-min(plan.Cost, plan.PlanSteps)), "quantumjob simulation")
	sdkCtx.GasMeter().ConsumeGas(GasPerResultByte*ResultBytesBound(plan, msg.Shots, p), "quantumjob result")

	n, err := m.QueueSize.Get(ctx)
	if err != nil {
		return nil, err
	}
	if n >= p.MaxQueueLength {
		return nil, types.ErrQueueFull.Wrapf("%d jobs waiting", n)
	}
	id, err := m.NextJobID.Next(ctx)
	if err != nil {
		return nil, err
	}
	if id == 0 { // ids start at 1
		if id, err = m.NextJobID.Next(ctx); err != nil {
			return nil, err
		}
	}
	job := types.Job{
		Id: id, Owner: msg.Owner, Source: msg.Source, Shots: msg.Shots, Backend: string(plan.Backend),
		Status: types.JOB_STATUS_QUEUED, SubmittedHeight: sdkCtx.BlockHeight(), Cost: plan.Cost,
	}
	if err := m.Jobs.Set(ctx, id, job); err != nil {
		return nil, err
	}
	if err := m.Queue.Set(ctx, id); err != nil {
		return nil, err
	}
	if err := m.QueueSize.Set(ctx, n+1); err != nil {
		return nil, err
	}
	events.Emit(ctx, types.EventTypeJobSubmitted,
		types.AttributeKeyJobID, fmt.Sprint(id),
		types.AttributeKeyOwner, msg.Owner,
		types.AttributeKeyBackend, job.Backend,
		types.AttributeKeyCost, fmt.Sprint(plan.Cost))
	return &types.MsgSubmitJobResponse{JobId: id, Cost: plan.Cost}, nil
}

func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), m.authority, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	if err := m.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}
