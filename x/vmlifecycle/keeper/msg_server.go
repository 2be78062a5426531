package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/novacron/novacron/x/internal/events"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

type msgServer struct{ Keeper }

// NewMsgServerImpl returns the Msg service of x/vmlifecycle.
func NewMsgServerImpl(k Keeper) types.MsgServer { return msgServer{k} }

var _ types.MsgServer = msgServer{}

// Fixed gas charged before any work of a VM or host message (the scheduler charges per candidate on top).
const (
	GasPerHostMsg = 5_000
	GasPerVMMsg   = 5_000
)

func (m msgServer) signer(s string) (sdk.AccAddress, string, error) {
	a, str, err := m.canonical(s)
	if err != nil {
		return nil, "", sdkerrors.ErrInvalidAddress.Wrap(err.Error())
	}
	return a, str, nil
}

// emit emits an event of type typ with attrs as key, value pairs (events.Emit).
func emit(ctx context.Context, typ string, attrs ...string) {
	events.Emit(ctx, typ, attrs...)
}

func validateHostFields(p types.Params, id, region string, lat, lon int64, capacity types.Resources, labels []types.Label, healthEndpoint string) error {
	if err := types.ValidateHostID(id); err != nil {
		return err
	}
	if err := types.ValidateRegion(region); err != nil {
		return err
	}
	if err := types.ValidateLocation(lat, lon); err != nil {
		return err
	}
	if err := types.ValidateResources(capacity, p.MaxHostCapacity, "host capacity"); err != nil {
		return err
	}
	if err := types.ValidateLabels(labels, p.MaxLabels); err != nil {
		return err
	}
	return types.ValidateHealthEndpoint(healthEndpoint)
}

// ownedHost loads a host and checks that signer operates it.
func (m msgServer) ownedHost(ctx context.Context, signer, id string) (types.Host, error) {
	h, err := m.getHost(ctx, id)
	if err != nil {
		return h, err
	}
	if h.Operator != signer {
		return h, types.ErrNotHostOperator.Wrapf("host %s is operated by %s, not %s", id, h.Operator, signer)
	}
	return h, nil
}

func (m msgServer) RegisterHost(ctx context.Context, msg *types.MsgRegisterHost) (*types.MsgRegisterHostResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerHostMsg, "vmlifecycle host")
	_, opStr, err := m.signer(msg.Operator)
	if err != nil {
		return nil, err
	}
	p, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if !p.IsHostOperator(opStr) {
		return nil, types.ErrOperatorNotAllowed.Wrap(opStr)
	}
	if err := validateHostFields(p, msg.HostId, msg.Region, msg.LatUdeg, msg.LonUdeg, msg.Capacity, msg.Labels, msg.HealthEndpoint); err != nil {
		return nil, err
	}
	if has, err := m.Hosts.Has(ctx, msg.HostId); err != nil {
		return nil, err
	} else if has {
		return nil, types.ErrHostExists.Wrap(msg.HostId)
	}
	h := types.Host{
		Id: msg.HostId, Operator: opStr, Region: msg.Region, LatUdeg: msg.LatUdeg, LonUdeg: msg.LonUdeg,
		Capacity: msg.Capacity, Labels: msg.Labels, HealthEndpoint: msg.HealthEndpoint, Status: types.HOST_STATUS_ACTIVE,
		RegisteredHeight: sdk.UnwrapSDKContext(ctx).BlockHeight(),
	}
	if err := m.Hosts.Set(ctx, h.Id, h); err != nil {
		return nil, err
	}
	if err := addCount(ctx, m.RegionHosts, h.Region, +1); err != nil {
		return nil, err
	}
	if err := m.hostAudit(ctx, h.Id, opStr, "host registered in "+h.Region); err != nil {
		return nil, err
	}
	emit(ctx, types.EventTypeHostRegistered, types.AttributeKeyHostID, h.Id, types.AttributeKeyOperator, opStr, types.AttributeKeyRegion, h.Region)
	return &types.MsgRegisterHostResponse{}, nil
}

func (m msgServer) UpdateHost(ctx context.Context, msg *types.MsgUpdateHost) (*types.MsgUpdateHostResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerHostMsg, "vmlifecycle host")
	_, opStr, err := m.signer(msg.Operator)
	if err != nil {
		return nil, err
	}
	p, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := requireHostOperator(p, opStr, "update host "+msg.HostId); err != nil {
		return nil, err
	}
	if err := validateHostFields(p, msg.HostId, msg.Region, msg.LatUdeg, msg.LonUdeg, msg.Capacity, msg.Labels, msg.HealthEndpoint); err != nil {
		return nil, err
	}
	h, err := m.ownedHost(ctx, opStr, msg.HostId)
	if err != nil {
		return nil, err
	}
	if !h.Allocated.Fits(msg.Capacity) {
		return nil, types.ErrInsufficientCapacity.Wrapf("new capacity %s below allocated %s", msg.Capacity.Describe(), h.Allocated.Describe())
	}
	if msg.Region != h.Region && h.VmCount > 0 {
		return nil, types.ErrHostNotEmpty.Wrapf("region change with %d VMs on host", h.VmCount)
	}
	old := h
	// Every described field is replaced, the health endpoint too (empty clears it).
	h.Region, h.LatUdeg, h.LonUdeg, h.Capacity, h.Labels = msg.Region, msg.LatUdeg, msg.LonUdeg, msg.Capacity, msg.Labels
	h.HealthEndpoint = msg.HealthEndpoint
	if err := m.Hosts.Set(ctx, h.Id, h); err != nil {
		return nil, err
	}
	if old.Region != h.Region {
		if err := addCount(ctx, m.RegionHosts, old.Region, -1); err != nil {
			return nil, err
		}
		if err := addCount(ctx, m.RegionHosts, h.Region, +1); err != nil {
			return nil, err
		}
	}
	if err := m.hostAudit(ctx, h.Id, opStr, "host updated"); err != nil {
		return nil, err
	}
	emit(ctx, types.EventTypeHostUpdated, types.AttributeKeyHostID, h.Id, types.AttributeKeyOperator, opStr)
	return &types.MsgUpdateHostResponse{}, nil
}

// drainMsgHost is the common start of MsgDrainHost and MsgUndrainHost: gas,
// the signer, that it is still on host_operators, the reason's length, and the signer's host.
func (m msgServer) drainMsgHost(ctx context.Context, action, operator, hostID, reason string) (types.Host, string, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerHostMsg, "vmlifecycle host")
	_, opStr, err := m.signer(operator)
	if err != nil {
		return types.Host{}, "", err
	}
	p, err := m.Params.Get(ctx)
	if err != nil {
		return types.Host{}, "", err
	}
	if err := requireHostOperator(p, opStr, action+" host "+hostID); err != nil {
		return types.Host{}, "", err
	}
	if len(reason) > types.MaxReasonLen {
		return types.Host{}, "", types.ErrInvalidHost.Wrapf("reason longer than %d bytes", types.MaxReasonLen)
	}
	h, err := m.ownedHost(ctx, opStr, hostID)
	return h, opStr, err
}

func (m msgServer) DrainHost(ctx context.Context, msg *types.MsgDrainHost) (*types.MsgDrainHostResponse, error) {
	h, opStr, err := m.drainMsgHost(ctx, "drain", msg.Operator, msg.HostId, msg.Reason)
	if err != nil {
		return nil, err
	}
	if h.Status == types.HOST_STATUS_DRAINING {
		return nil, types.ErrHostDraining.Wrap(h.Id)
	}
	if err := m.startDrain(ctx, h, opStr, msg.Reason); err != nil {
		return nil, err
	}
	return &types.MsgDrainHostResponse{}, nil
}

// UndrainHost returns a DRAINING host to ACTIVE: writeHost puts it back into every placement-index
// scope at its current free cpu (as registration does), and it leaves the drain queue and its
// cursor. VMs still on it stay; VMs already migrated away stay where they are.
func (m msgServer) UndrainHost(ctx context.Context, msg *types.MsgUndrainHost) (*types.MsgUndrainHostResponse, error) {
	h, opStr, err := m.drainMsgHost(ctx, "undrain", msg.Operator, msg.HostId, msg.Reason)
	if err != nil {
		return nil, err
	}
	if h.Status != types.HOST_STATUS_DRAINING {
		return nil, types.ErrHostNotDraining.Wrapf("host %s is %s; only a DRAINING host can be undrained", h.Id, h.Status)
	}
	h.Status = types.HOST_STATUS_ACTIVE
	if err := m.Hosts.Set(ctx, h.Id, h); err != nil {
		return nil, err
	}
	if err := m.DrainQueue.Remove(ctx, h.Id); err != nil {
		return nil, err
	}
	if err := m.DrainCursor.Remove(ctx, h.Id); err != nil {
		return nil, err
	}
	reason := "undrained"
	if msg.Reason != "" {
		reason += ": " + msg.Reason
	}
	if err := m.hostAudit(ctx, h.Id, opStr, reason); err != nil {
		return nil, err
	}
	emit(ctx, types.EventTypeHostUndrained, types.AttributeKeyHostID, h.Id, types.AttributeKeyOperator, opStr,
		types.AttributeKeyReason, msg.Reason)
	return &types.MsgUndrainHostResponse{}, nil
}

// DeregisterHost removes an empty host. It stays open to an operator removed from host_operators:
// it only takes capacity away (see revoked.go).
func (m msgServer) DeregisterHost(ctx context.Context, msg *types.MsgDeregisterHost) (*types.MsgDeregisterHostResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerHostMsg, "vmlifecycle host")
	op, opStr, err := m.signer(msg.Operator)
	if err != nil {
		return nil, err
	}
	h, err := m.ownedHost(ctx, opStr, msg.HostId)
	if err != nil {
		return nil, err
	}
	if h.VmCount > 0 {
		return nil, types.ErrHostNotEmpty.Wrapf("%d VMs on host %s", h.VmCount, h.Id)
	}
	if err := m.Hosts.Remove(ctx, h.Id); err != nil {
		return nil, err
	}
	p, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := m.syncRevoked(ctx, p, op, opStr); err != nil {
		return nil, err
	}
	if err := addCount(ctx, m.RegionHosts, h.Region, -1); err != nil {
		return nil, err
	}
	if err := m.DrainQueue.Remove(ctx, h.Id); err != nil {
		return nil, err
	}
	if err := m.DrainCursor.Remove(ctx, h.Id); err != nil {
		return nil, err
	}
	if err := m.hostAudit(ctx, h.Id, opStr, "host deregistered"); err != nil {
		return nil, err
	}
	emit(ctx, types.EventTypeHostDeregistered, types.AttributeKeyHostID, h.Id, types.AttributeKeyOperator, opStr)
	return &types.MsgDeregisterHostResponse{}, nil
}

// replicaNames returns the names MsgCreateVM will use.
func replicaNames(name string, n uint32) []string {
	if n <= 1 {
		return []string{name}
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", name, i)
	}
	return out
}

func (m msgServer) CreateVM(ctx context.Context, msg *types.MsgCreateVM) (*types.MsgCreateVMResponse, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	owner, ownerStr, err := m.signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	p, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if msg.Replicas > p.MaxReplicas {
		return nil, types.ErrInvalidReplicas.Wrapf("%d > max %d", msg.Replicas, p.MaxReplicas)
	}
	n := max(msg.Replicas, 1)
	sdkCtx.GasMeter().ConsumeGas(GasPerVMMsg*uint64(n), "vmlifecycle create")
	if err := types.ValidateName(msg.Name); err != nil {
		return nil, err
	}
	if err := types.ValidateCID(msg.ImageCid); err != nil {
		return nil, err
	}
	if err := types.ValidateResources(msg.Resources, p.MaxVmResources, "vm resources"); err != nil {
		return nil, err
	}
	if err := types.ValidateConstraints(msg.Constraints, p.MaxLabels); err != nil {
		return nil, err
	}
	names := replicaNames(msg.Name, n)
	for _, name := range names {
		if err := types.ValidateName(name); err != nil {
			return nil, err
		}
		if has, err := m.VMByName.Has(ctx, collections.Join(owner, name)); err != nil {
			return nil, err
		} else if has {
			return nil, types.ErrDuplicateName.Wrapf("%s already has a VM named %q", ownerStr, name)
		}
	}
	// The replicas are written, then placed, one by one; a placement can still fail (the
	// scheduler's work budget: ErrSchedulerBudget), so they go through a cache context that is
	// written only when every replica is done, and a failed MsgCreateVM changes nothing.
	ctx, write := sdkCtx.CacheContext()
	resp := &types.MsgCreateVMResponse{}
	var first uint64
	for i, name := range names {
		id, err := m.NextVMID.Next(ctx)
		if err != nil {
			return nil, err
		}
		if id == 0 { // ids start at 1
			if id, err = m.NextVMID.Next(ctx); err != nil {
				return nil, err
			}
		}
		if i == 0 {
			first = id
		}
		vm := types.VM{
			Id: id, Owner: ownerStr, Name: name, ImageCid: msg.ImageCid, Resources: msg.Resources,
			Constraints: msg.Constraints, ReplicaIndex: uint32(i), ReplicaOf: first,
			CreatedHeight: sdkCtx.BlockHeight(),
		}
		if err := m.VMByName.Set(ctx, collections.Join(owner, name), id); err != nil {
			return nil, err
		}
		if err := m.record(ctx, &vm, types.VM_STATE_PENDING, ownerStr, "created", ""); err != nil {
			return nil, err
		}
		emit(ctx, types.EventTypeVMCreated, types.AttributeKeyVMID, fmt.Sprint(id), types.AttributeKeyOwner, ownerStr, types.AttributeKeyName, name)
		if err := m.tryPlace(ctx, p, &vm, owner, ownerStr, "create"); err != nil {
			return nil, err
		}
		resp.VmIds = append(resp.VmIds, id)
		resp.HostIds = append(resp.HostIds, vm.HostId)
	}
	write()
	return resp, nil
}

// govern hands an owner's operation to the governance layer (governance.go): it returns a non-zero
// operation id when the operation became a proposal or was time-locked, 0 when it must run now.
func (m msgServer) govern(ctx context.Context, owner string, op types.VMOperation, notBefore, atHeight int64) (uint64, error) {
	p, err := m.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	return m.submit(ctx, p, owner, op, notBefore, atHeight, 0)
}

func (m msgServer) StartVM(ctx context.Context, msg *types.MsgStartVM) (*types.MsgStartVMResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerVMMsg, "vmlifecycle vm")
	_, ownerStr, err := m.signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	op := types.VMOperation{Kind: types.OP_KIND_START, VmId: msg.VmId}
	if id, err := m.govern(ctx, ownerStr, op, msg.NotBefore, msg.AtHeight); err != nil || id != 0 {
		return &types.MsgStartVMResponse{OperationId: id}, err
	}
	if err := m.startVM(ctx, ownerStr, msg.VmId); err != nil {
		return nil, err
	}
	return &types.MsgStartVMResponse{}, nil
}

func (m msgServer) StopVM(ctx context.Context, msg *types.MsgStopVM) (*types.MsgStopVMResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerVMMsg, "vmlifecycle vm")
	_, ownerStr, err := m.signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	op := types.VMOperation{Kind: types.OP_KIND_STOP, VmId: msg.VmId}
	if id, err := m.govern(ctx, ownerStr, op, msg.NotBefore, msg.AtHeight); err != nil || id != 0 {
		return &types.MsgStopVMResponse{OperationId: id}, err
	}
	if err := m.stopVM(ctx, ownerStr, msg.VmId); err != nil {
		return nil, err
	}
	return &types.MsgStopVMResponse{}, nil
}

func (m msgServer) ResizeVM(ctx context.Context, msg *types.MsgResizeVM) (*types.MsgResizeVMResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerVMMsg, "vmlifecycle vm")
	_, ownerStr, err := m.signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	op := types.VMOperation{Kind: types.OP_KIND_RESIZE, VmId: msg.VmId, Resources: msg.Resources}
	if id, err := m.govern(ctx, ownerStr, op, msg.NotBefore, msg.AtHeight); err != nil || id != 0 {
		return &types.MsgResizeVMResponse{OperationId: id}, err
	}
	if err := m.resizeVM(ctx, ownerStr, msg.VmId, msg.Resources); err != nil {
		return nil, err
	}
	return &types.MsgResizeVMResponse{}, nil
}

func (m msgServer) MigrateVM(ctx context.Context, msg *types.MsgMigrateVM) (*types.MsgMigrateVMResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerVMMsg, "vmlifecycle vm")
	_, ownerStr, err := m.signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	op := types.VMOperation{Kind: types.OP_KIND_MIGRATE, VmId: msg.VmId, TargetHostId: msg.TargetHostId, NearestRegion: msg.NearestRegion}
	if id, err := m.govern(ctx, ownerStr, op, msg.NotBefore, msg.AtHeight); err != nil || id != 0 {
		return &types.MsgMigrateVMResponse{OperationId: id}, err
	}
	host, err := m.migrateVM(ctx, ownerStr, msg.VmId, msg.TargetHostId, msg.NearestRegion)
	if err != nil {
		return nil, err
	}
	return &types.MsgMigrateVMResponse{HostId: host}, nil
}

func (m msgServer) DeleteVM(ctx context.Context, msg *types.MsgDeleteVM) (*types.MsgDeleteVMResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerVMMsg, "vmlifecycle vm")
	_, ownerStr, err := m.signer(msg.Owner)
	if err != nil {
		return nil, err
	}
	op := types.VMOperation{Kind: types.OP_KIND_DELETE, VmId: msg.VmId}
	if id, err := m.govern(ctx, ownerStr, op, msg.NotBefore, msg.AtHeight); err != nil || id != 0 {
		return &types.MsgDeleteVMResponse{OperationId: id}, err
	}
	if err := m.deleteVM(ctx, ownerStr, msg.VmId); err != nil {
		return nil, err
	}
	return &types.MsgDeleteVMResponse{}, nil
}

// ReportVMStatus stays open to an operator removed from host_operators for the VMs still on its
// hosts: the drain needs a STOPPING VM's STOPPED report before it can move it (see revoked.go).
func (m msgServer) ReportVMStatus(ctx context.Context, msg *types.MsgReportVMStatus) (*types.MsgReportVMStatusResponse, error) {
	sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(GasPerVMMsg, "vmlifecycle vm")
	_, opStr, err := m.signer(msg.Operator)
	if err != nil {
		return nil, err
	}
	if !types.IsReportable(msg.Status) {
		return nil, types.ErrInvalidStatusReport.Wrapf("status %s: want RUNNING, STOPPED or FAILED", msg.Status)
	}
	if len(msg.Reason) > types.MaxReasonLen {
		return nil, types.ErrInvalidStatusReport.Wrapf("reason longer than %d bytes", types.MaxReasonLen)
	}
	vm, err := m.getVM(ctx, msg.VmId)
	if err != nil {
		return nil, err
	}
	if vm.HostId == "" {
		return nil, types.ErrInvalidStatusReport.Wrapf("vm %d is %s and on no host", vm.Id, vm.State)
	}
	if _, err := m.ownedHost(ctx, opStr, vm.HostId); err != nil {
		return nil, err
	}
	reason := "host report"
	if msg.Reason != "" {
		reason += ": " + msg.Reason
	}
	if err := m.transition(ctx, &vm, msg.Status, opStr, reason, ""); err != nil {
		return nil, err
	}
	return &types.MsgReportVMStatusResponse{}, nil
}

func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := sdk.ValidateAuthority(sdk.UnwrapSDKContext(ctx), m.authority, msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	before, err := m.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if err := m.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	// Operators removed from host_operators: their ACTIVE hosts are drained by EndBlock in
	// bounded batches (revoked.go); operators added back leave that queue.
	if err := m.syncRevokedChanges(ctx, msg.Params, before.HostOperators, msg.Params.HostOperators); err != nil {
		return nil, err
	}
	emit(ctx, types.EventTypeParamsUpdated, types.AttributeKeyActor, msg.Authority)
	return &types.MsgUpdateParamsResponse{}, nil
}
