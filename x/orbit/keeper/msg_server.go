package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/novacron/novacron/x/internal/events"
	"github.com/novacron/novacron/x/orbit/types"
)

type msgServer struct{ Keeper }

// NewMsgServerImpl returns the Msg service of x/orbit.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k} }

var _ types.MsgServer = msgServer{}

func (m msgServer) auth(ctx context.Context, authority string) error {
	return sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), m.authority, authority)
}

func (m msgServer) RegisterConstellation(ctx context.Context, msg *types.MsgRegisterConstellation) (*types.MsgRegisterConstellationResponse, error) {
	if err := m.auth(ctx, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Constellation.Validate(); err != nil {
		return nil, err
	}
	if has, err := m.Constellations.Has(ctx, msg.Constellation.Name); err != nil {
		return nil, err
	} else if has {
		return nil, types.ErrDuplicate.Wrapf("constellation %s", msg.Constellation.Name)
	}
	if err := m.Constellations.Set(ctx, msg.Constellation.Name, msg.Constellation); err != nil {
		return nil, err
	}
	events.Emit(ctx, types.EventTypeConstellationRegistered, types.AttributeKeyName, msg.Constellation.Name)
	return &types.MsgRegisterConstellationResponse{}, nil
}

func (m msgServer) RemoveConstellation(ctx context.Context, msg *types.MsgRemoveConstellation) (*types.MsgRemoveConstellationResponse, error) {
	if err := m.auth(ctx, msg.Authority); err != nil {
		return nil, err
	}
	if has, err := m.Constellations.Has(ctx, msg.Name); err != nil {
		return nil, err
	} else if !has {
		return nil, types.ErrUnknownConstellation.Wrap(msg.Name)
	}
	p, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if p.ActiveConstellation == msg.Name {
		return nil, types.ErrInUse.Wrapf("%s is the active constellation; change params first", msg.Name)
	}
	if err := m.Constellations.Remove(ctx, msg.Name); err != nil {
		return nil, err
	}
	events.Emit(ctx, types.EventTypeConstellationRemoved, types.AttributeKeyName, msg.Name)
	return &types.MsgRemoveConstellationResponse{}, nil
}

func (m msgServer) RegisterRegion(ctx context.Context, msg *types.MsgRegisterRegion) (*types.MsgRegisterRegionResponse, error) {
	if err := m.auth(ctx, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Region.Validate(); err != nil {
		return nil, err
	}
	if has, err := m.Regions.Has(ctx, msg.Region.Code); err != nil {
		return nil, err
	} else if has {
		return nil, types.ErrDuplicate.Wrapf("region %s", msg.Region.Code)
	}
	p, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	regions, err := m.regionsInOrder(ctx)
	if err != nil {
		return nil, err
	}
	if len(regions) >= int(p.MaxRegions) {
		return nil, types.ErrInvalidRegion.Wrapf("already %d regions (max_regions)", len(regions))
	}
	if err := m.Regions.Set(ctx, msg.Region.Code, msg.Region); err != nil {
		return nil, err
	}
	events.Emit(ctx, types.EventTypeRegionRegistered, types.AttributeKeyCode, msg.Region.Code)
	return &types.MsgRegisterRegionResponse{}, nil
}

func (m msgServer) RemoveRegion(ctx context.Context, msg *types.MsgRemoveRegion) (*types.MsgRemoveRegionResponse, error) {
	if err := m.auth(ctx, msg.Authority); err != nil {
		return nil, err
	}
	if has, err := m.Regions.Has(ctx, msg.Code); err != nil {
		return nil, err
	} else if !has {
		return nil, types.ErrUnknownRegion.Wrap(msg.Code)
	}
	if err := m.Regions.Remove(ctx, msg.Code); err != nil {
		return nil, err
	}
	events.Emit(ctx, types.EventTypeRegionRemoved, types.AttributeKeyCode, msg.Code)
	return &types.MsgRemoveRegionResponse{}, nil
}

func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := m.auth(ctx, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	if msg.Params.ActiveConstellation != "" {
		if has, err := m.Constellations.Has(ctx, msg.Params.ActiveConstellation); err != nil {
			return nil, err
		} else if !has {
			return nil, types.ErrUnknownConstellation.Wrap(msg.Params.ActiveConstellation)
		}
	}
	// max_regions may not drop below the regions already registered: state would no
	// longer pass genesis validation, so an export could not be imported.
	regions, err := m.regionsInOrder(ctx)
	if err != nil {
		return nil, err
	}
	if len(regions) > int(msg.Params.MaxRegions) {
		return nil, types.ErrInvalidParams.Wrapf("max_regions %d < %d registered regions; remove regions first", msg.Params.MaxRegions, len(regions))
	}
	if err := m.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}
