package simulation

import (
	"context"
	"fmt"
	"math/rand"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	"github.com/cosmos/cosmos-sdk/x/simulation"

	simkit "github.com/novacron/novacron/x/internal/simulation"
	"github.com/novacron/novacron/x/vmlifecycle/keeper"
	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// Operation weights (app params keys and defaults).
const (
	OpWeightMsgRegisterHost   = "op_weight_msg_vmlifecycle_register_host"
	OpWeightMsgDrainHost      = "op_weight_msg_vmlifecycle_drain_host"
	OpWeightMsgUndrainHost    = "op_weight_msg_vmlifecycle_undrain_host"
	OpWeightMsgDeregisterHost = "op_weight_msg_vmlifecycle_deregister_host"
	OpWeightMsgCreateVM       = "op_weight_msg_vmlifecycle_create_vm"
	OpWeightMsgStartVM        = "op_weight_msg_vmlifecycle_start_vm"
	OpWeightMsgStopVM         = "op_weight_msg_vmlifecycle_stop_vm"
	OpWeightMsgResizeVM       = "op_weight_msg_vmlifecycle_resize_vm"
	OpWeightMsgMigrateVM      = "op_weight_msg_vmlifecycle_migrate_vm"
	OpWeightMsgDeleteVM       = "op_weight_msg_vmlifecycle_delete_vm"
	OpWeightMsgReportVMStatus = "op_weight_msg_vmlifecycle_report_vm_status"

	OpWeightMsgSetApprovalPolicy   = "op_weight_msg_vmlifecycle_set_approval_policy"
	OpWeightMsgClearApprovalPolicy = "op_weight_msg_vmlifecycle_clear_approval_policy"
	OpWeightMsgApproveOperation    = "op_weight_msg_vmlifecycle_approve_operation"
	OpWeightMsgCancelOperation     = "op_weight_msg_vmlifecycle_cancel_operation"
	OpWeightMsgCreateRule          = "op_weight_msg_vmlifecycle_create_rule"
	OpWeightMsgDeleteRule          = "op_weight_msg_vmlifecycle_delete_rule"
	OpWeightMsgTimeLockedVMOp      = "op_weight_msg_vmlifecycle_time_locked_vm_op"

	DefaultWeightMsgRegisterHost   = 20
	DefaultWeightMsgDrainHost      = 3
	DefaultWeightMsgUndrainHost    = 2
	DefaultWeightMsgDeregisterHost = 5
	DefaultWeightMsgCreateVM       = 40
	DefaultWeightMsgStartVM        = 10
	DefaultWeightMsgStopVM         = 10
	DefaultWeightMsgResizeVM       = 10
	DefaultWeightMsgMigrateVM      = 10
	DefaultWeightMsgDeleteVM       = 8
	DefaultWeightMsgReportVMStatus = 50

	DefaultWeightMsgSetApprovalPolicy   = 6
	DefaultWeightMsgClearApprovalPolicy = 2
	DefaultWeightMsgApproveOperation    = 15
	DefaultWeightMsgCancelOperation     = 4
	DefaultWeightMsgCreateRule          = 6
	DefaultWeightMsgDeleteRule          = 2
	DefaultWeightMsgTimeLockedVMOp      = 12
)

// ImageCID is the image of every simulated VM.
const ImageCID = "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"

// WeightedOperations returns the module's simulation operations. Messages are built from the
// current state (existing hosts and VMs, the right signer), and delivered like a tx's messages:
// through the app's Msg service router when the simulator gives an app, else through the
// keeper's Msg server, in a cache context that is written only on success. A message the state
// machine rejects (a host full, a name taken) is a no-op, not a simulation failure.
func WeightedOperations(appParams simtypes.AppParams, k keeper.Keeper) simulation.WeightedOperations {
	w := func(key string, def int) int {
		var v int
		appParams.GetOrGenerate(key, &v, nil, func(*rand.Rand) { v = def })
		return v
	}
	return simulation.WeightedOperations{
		simulation.NewWeightedOperation(w(OpWeightMsgRegisterHost, DefaultWeightMsgRegisterHost), SimulateMsgRegisterHost(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgDrainHost, DefaultWeightMsgDrainHost), SimulateMsgDrainHost(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgUndrainHost, DefaultWeightMsgUndrainHost), SimulateMsgUndrainHost(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgDeregisterHost, DefaultWeightMsgDeregisterHost), SimulateMsgDeregisterHost(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgCreateVM, DefaultWeightMsgCreateVM), SimulateMsgCreateVM(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgStartVM, DefaultWeightMsgStartVM), SimulateMsgStartVM(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgStopVM, DefaultWeightMsgStopVM), SimulateMsgStopVM(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgResizeVM, DefaultWeightMsgResizeVM), SimulateMsgResizeVM(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgMigrateVM, DefaultWeightMsgMigrateVM), SimulateMsgMigrateVM(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgDeleteVM, DefaultWeightMsgDeleteVM), SimulateMsgDeleteVM(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgReportVMStatus, DefaultWeightMsgReportVMStatus), SimulateMsgReportVMStatus(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgSetApprovalPolicy, DefaultWeightMsgSetApprovalPolicy), SimulateMsgSetApprovalPolicy(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgClearApprovalPolicy, DefaultWeightMsgClearApprovalPolicy), SimulateMsgClearApprovalPolicy(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgApproveOperation, DefaultWeightMsgApproveOperation), SimulateMsgApproveOperation(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgCancelOperation, DefaultWeightMsgCancelOperation), SimulateMsgCancelScheduledOperation(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgCreateRule, DefaultWeightMsgCreateRule), SimulateMsgCreateRule(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgDeleteRule, DefaultWeightMsgDeleteRule), SimulateMsgDeleteRule(k)),
		simulation.NewWeightedOperation(w(OpWeightMsgTimeLockedVMOp, DefaultWeightMsgTimeLockedVMOp), SimulateTimeLockedVMOp(k)),
	}
}

// Deliver executes msg atomically (as the only message of a tx, without the ante handler).
func Deliver(app *baseapp.BaseApp, ctx sdk.Context, k keeper.Keeper, msg sdk.Msg) error {
	cctx, write := ctx.CacheContext()
	var err error
	if app != nil && app.MsgServiceRouter().Handler(msg) != nil {
		_, err = app.MsgServiceRouter().Handler(msg)(cctx, msg)
	} else {
		err = callMsgServer(cctx, keeper.NewMsgServerImpl(k), msg)
	}
	if err == nil {
		write()
	}
	return err
}

func callMsgServer(ctx context.Context, s types.MsgServer, msg sdk.Msg) (err error) {
	switch m := msg.(type) {
	case *types.MsgRegisterHost:
		_, err = s.RegisterHost(ctx, m)
	case *types.MsgDrainHost:
		_, err = s.DrainHost(ctx, m)
	case *types.MsgUndrainHost:
		_, err = s.UndrainHost(ctx, m)
	case *types.MsgDeregisterHost:
		_, err = s.DeregisterHost(ctx, m)
	case *types.MsgCreateVM:
		_, err = s.CreateVM(ctx, m)
	case *types.MsgStartVM:
		_, err = s.StartVM(ctx, m)
	case *types.MsgStopVM:
		_, err = s.StopVM(ctx, m)
	case *types.MsgResizeVM:
		_, err = s.ResizeVM(ctx, m)
	case *types.MsgMigrateVM:
		_, err = s.MigrateVM(ctx, m)
	case *types.MsgDeleteVM:
		_, err = s.DeleteVM(ctx, m)
	case *types.MsgReportVMStatus:
		_, err = s.ReportVMStatus(ctx, m)
	case *types.MsgSetApprovalPolicy:
		_, err = s.SetApprovalPolicy(ctx, m)
	case *types.MsgClearApprovalPolicy:
		_, err = s.ClearApprovalPolicy(ctx, m)
	case *types.MsgApproveOperation:
		_, err = s.ApproveOperation(ctx, m)
	case *types.MsgCancelScheduledOperation:
		_, err = s.CancelScheduledOperation(ctx, m)
	case *types.MsgCreateRule:
		_, err = s.CreateRule(ctx, m)
	case *types.MsgDeleteRule:
		_, err = s.DeleteRule(ctx, m)
	default:
		err = fmt.Errorf("simulation: unexpected msg %T", msg)
	}
	return err
}

func result(app *baseapp.BaseApp, ctx sdk.Context, k keeper.Keeper, msg sdk.Msg) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	if err := Deliver(app, ctx, k, msg); err != nil {
		return simtypes.NoOpMsg(types.ModuleName, sdk.MsgTypeURL(msg), err.Error()), nil, nil
	}
	return simtypes.NewOperationMsg(msg, true, ""), nil, nil
}

func noop(msg sdk.Msg, why string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
	return simtypes.NoOpMsg(types.ModuleName, sdk.MsgTypeURL(msg), why), nil, nil
}

func operators(ctx sdk.Context, k keeper.Keeper) []string {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil
	}
	return p.HostOperators
}

func randomResources(r *rand.Rand, host bool) types.Resources {
	if host {
		return types.Resources{CpuMillis: uint64(4000 + r.Intn(8)*4000), MemoryMib: uint64(8192 + r.Intn(8)*8192),
			DiskGib: uint64(100 + r.Intn(4)*100), Gpus: uint32(r.Intn(3))}
	}
	return types.Resources{CpuMillis: uint64(250 + r.Intn(16)*250), MemoryMib: uint64(256 + r.Intn(16)*512),
		DiskGib: uint64(r.Intn(40)), Gpus: uint32(r.Intn(6) / 5)}
}

var simLabels = []types.Label{{Key: "gpu", Value: "a100"}, {Key: "ssd", Value: "yes"}, {Key: "tier", Value: "gold"}}

// randomHost picks a registered host (uniformly among the first 256 in id order).
func randomHost(r *rand.Rand, ctx sdk.Context, k keeper.Keeper) (types.Host, bool) {
	var hosts []types.Host
	_ = k.Hosts.Walk(ctx, nil, func(_ string, h types.Host) (bool, error) {
		hosts = append(hosts, h)
		return len(hosts) >= 256, nil
	})
	if len(hosts) == 0 {
		return types.Host{}, false
	}
	return hosts[r.Intn(len(hosts))], true
}

// randomVM picks a VM accepted by keep (uniformly among the last 128 accepted VMs, newest first).
func randomVM(r *rand.Rand, ctx sdk.Context, k keeper.Keeper, keep func(types.VM) bool) (types.VM, bool) {
	var vms []types.VM
	it, err := k.VMs.Iterate(ctx, new(collections.Range[uint64]).Descending())
	if err != nil {
		return types.VM{}, false
	}
	defer it.Close()
	for ; it.Valid() && len(vms) < 128; it.Next() {
		v, err := it.Value()
		if err == nil && keep(v) {
			vms = append(vms, v)
		}
	}
	if len(vms) == 0 {
		return types.VM{}, false
	}
	return vms[r.Intn(len(vms))], true
}

func GenRegisterHost(k keeper.Keeper) simkit.Gen[*types.MsgRegisterHost] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account) (*types.MsgRegisterHost, string) {
		msg := &types.MsgRegisterHost{}
		ops := operators(ctx, k)
		if len(ops) == 0 {
			return msg, "no host operators"
		}
		region := Regions[r.Intn(len(Regions))]
		msg.Operator = ops[r.Intn(len(ops))]
		msg.HostId = fmt.Sprintf("%s-%d", region, r.Intn(64))
		msg.Region = region
		msg.LatUdeg = int64(r.Intn(180_000_001)) - 90_000_000
		msg.LonUdeg = int64(r.Intn(360_000_001)) - 180_000_000
		msg.Capacity = randomResources(r, true)
		if r.Intn(2) == 0 {
			msg.Labels = []types.Label{simLabels[r.Intn(len(simLabels))]}
		}
		if _, err := k.Hosts.Get(ctx, msg.HostId); err == nil {
			return msg, "host exists"
		}
		return msg, ""
	}
}

// SimulateMsgRegisterHost delivers GenRegisterHost's message.
func SimulateMsgRegisterHost(k keeper.Keeper) simtypes.Operation { return op(k, GenRegisterHost(k)) }

func GenDrainHost(k keeper.Keeper) simkit.Gen[*types.MsgDrainHost] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account) (*types.MsgDrainHost, string) {
		msg := &types.MsgDrainHost{}
		h, ok := randomHost(r, ctx, k)
		if !ok || h.Status != types.HOST_STATUS_ACTIVE {
			return msg, "no active host"
		}
		msg.Operator, msg.HostId = h.Operator, h.Id
		return msg, ""
	}
}

// SimulateMsgDrainHost delivers GenDrainHost's message.
func SimulateMsgDrainHost(k keeper.Keeper) simtypes.Operation { return op(k, GenDrainHost(k)) }

// GenUndrainHost returns a draining host (one of the first 256 in id order) to ACTIVE,
// signed by its operator; hosts still holding VMs and already drained ones alike.
func GenUndrainHost(k keeper.Keeper) simkit.Gen[*types.MsgUndrainHost] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account) (*types.MsgUndrainHost, string) {
		msg := &types.MsgUndrainHost{}
		var draining []types.Host
		_ = k.Hosts.Walk(ctx, nil, func(_ string, h types.Host) (bool, error) {
			if h.Status == types.HOST_STATUS_DRAINING {
				draining = append(draining, h)
			}
			return len(draining) >= 256, nil
		})
		if len(draining) == 0 {
			return msg, "no draining host"
		}
		h := draining[r.Intn(len(draining))]
		msg.Operator, msg.HostId, msg.Reason = h.Operator, h.Id, "maintenance done"
		return msg, ""
	}
}

// SimulateMsgUndrainHost delivers GenUndrainHost's message.
func SimulateMsgUndrainHost(k keeper.Keeper) simtypes.Operation { return op(k, GenUndrainHost(k)) }

func GenDeregisterHost(k keeper.Keeper) simkit.Gen[*types.MsgDeregisterHost] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account) (*types.MsgDeregisterHost, string) {
		msg := &types.MsgDeregisterHost{}
		h, ok := randomHost(r, ctx, k)
		if !ok || h.VmCount != 0 {
			return msg, "no empty host"
		}
		msg.Operator, msg.HostId = h.Operator, h.Id
		return msg, ""
	}
}

// SimulateMsgDeregisterHost delivers GenDeregisterHost's message.
func SimulateMsgDeregisterHost(k keeper.Keeper) simtypes.Operation {
	return op(k, GenDeregisterHost(k))
}

// bech32 is the account's address as the keeper writes it (its codec, not the global config).
func bech32(k keeper.Keeper, a sdk.AccAddress) string {
	s, err := k.AddressCodec().BytesToString(a)
	if err != nil {
		panic(err) // a simulation account always encodes
	}
	return s
}

func GenCreateVM(k keeper.Keeper) simkit.Gen[*types.MsgCreateVM] {
	return func(r *rand.Rand, ctx sdk.Context, accs []simtypes.Account) (*types.MsgCreateVM, string) {
		msg := &types.MsgCreateVM{}
		if len(accs) == 0 {
			return msg, "no accounts"
		}
		acc, _ := simtypes.RandomAcc(r, accs)
		msg.Owner = bech32(k, acc.Address)
		msg.Name = fmt.Sprintf("vm%d", r.Intn(1000))
		msg.ImageCid = ImageCID
		msg.Resources = randomResources(r, false)
		msg.Replicas = uint32(1 + r.Intn(3))
		if r.Intn(3) == 0 {
			a, b := Regions[r.Intn(len(Regions))], Regions[r.Intn(len(Regions))]
			if a > b {
				a, b = b, a
			}
			msg.Constraints.AllowedRegions = []string{a}
			if a != b {
				msg.Constraints.AllowedRegions = append(msg.Constraints.AllowedRegions, b)
			}
		}
		if r.Intn(2) == 0 {
			msg.Constraints.AntiAffinityGroup = fmt.Sprintf("g%d", r.Intn(4))
		}
		if r.Intn(5) == 0 {
			msg.Constraints.RequiredLabels = []types.Label{simLabels[r.Intn(len(simLabels))]}
		}
		if r.Intn(5) == 0 {
			msg.Constraints.MaxLatency = []types.LatencyBound{{Region: Regions[r.Intn(len(Regions))], MaxUs: int64(10_000 + r.Intn(100_000))}}
		}
		return msg, ""
	}
}

// SimulateMsgCreateVM delivers GenCreateVM's message.
func SimulateMsgCreateVM(k keeper.Keeper) simtypes.Operation { return op(k, GenCreateVM(k)) }

// genOwner builds a message for a VM in one of states, signed by its owner.
func genOwner[M sdk.Msg](k keeper.Keeper, states []types.VMState, build func(r *rand.Rand, vm types.VM) M) simkit.Gen[M] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account) (M, string) {
		vm, ok := randomVM(r, ctx, k, func(v types.VM) bool {
			for _, s := range states {
				if v.State == s {
					return true
				}
			}
			return false
		})
		if !ok {
			return build(r, types.VM{}), "no VM in a suitable state"
		}
		return build(r, vm), ""
	}
}

// op is the classic operation of gen: its message delivered (Deliver), or a no-op with gen's
// reason or the keeper's refusal.
func op[M sdk.Msg](k keeper.Keeper, gen simkit.Gen[M]) simtypes.Operation {
	return func(r *rand.Rand, app *baseapp.BaseApp, ctx sdk.Context, accs []simtypes.Account, _ string) (simtypes.OperationMsg, []simtypes.FutureOperation, error) {
		msg, why := gen(r, ctx, accs)
		if why != "" {
			return noop(msg, why)
		}
		return result(app, ctx, k, msg)
	}
}

func GenStartVM(k keeper.Keeper) simkit.Gen[*types.MsgStartVM] {
	return genOwner(k, []types.VMState{types.VM_STATE_STOPPED, types.VM_STATE_FAILED}, func(_ *rand.Rand, vm types.VM) *types.MsgStartVM {
		return &types.MsgStartVM{Owner: vm.Owner, VmId: vm.Id}
	})
}

func GenStopVM(k keeper.Keeper) simkit.Gen[*types.MsgStopVM] {
	return genOwner(k, []types.VMState{types.VM_STATE_SCHEDULED, types.VM_STATE_RUNNING}, func(_ *rand.Rand, vm types.VM) *types.MsgStopVM {
		return &types.MsgStopVM{Owner: vm.Owner, VmId: vm.Id}
	})
}

func GenResizeVM(k keeper.Keeper) simkit.Gen[*types.MsgResizeVM] {
	return genOwner(k, []types.VMState{types.VM_STATE_PENDING, types.VM_STATE_SCHEDULED, types.VM_STATE_RUNNING, types.VM_STATE_STOPPED, types.VM_STATE_FAILED},
		func(r *rand.Rand, vm types.VM) *types.MsgResizeVM {
			return &types.MsgResizeVM{Owner: vm.Owner, VmId: vm.Id, Resources: randomResources(r, false)}
		})
}

func GenMigrateVM(k keeper.Keeper) simkit.Gen[*types.MsgMigrateVM] {
	return genOwner(k, []types.VMState{types.VM_STATE_SCHEDULED, types.VM_STATE_RUNNING, types.VM_STATE_STOPPED, types.VM_STATE_FAILED},
		func(r *rand.Rand, vm types.VM) *types.MsgMigrateVM {
			m := &types.MsgMigrateVM{Owner: vm.Owner, VmId: vm.Id}
			if r.Intn(2) == 0 {
				m.NearestRegion = Regions[r.Intn(len(Regions))]
			}
			return m
		})
}

func GenDeleteVM(k keeper.Keeper) simkit.Gen[*types.MsgDeleteVM] {
	return genOwner(k, []types.VMState{types.VM_STATE_PENDING, types.VM_STATE_SCHEDULED, types.VM_STATE_RUNNING, types.VM_STATE_STOPPING,
		types.VM_STATE_STOPPED, types.VM_STATE_MIGRATING, types.VM_STATE_FAILED},
		func(_ *rand.Rand, vm types.VM) *types.MsgDeleteVM {
			return &types.MsgDeleteVM{Owner: vm.Owner, VmId: vm.Id}
		})
}

// GenReportVMStatus plays the host agent: the operator of the VM's host reports
// RUNNING for a SCHEDULED/MIGRATING VM (FAILED one time in ten), STOPPED for a STOPPING one,
// and now and then FAILED for a RUNNING one.
func GenReportVMStatus(k keeper.Keeper) simkit.Gen[*types.MsgReportVMStatus] {
	return func(r *rand.Rand, ctx sdk.Context, _ []simtypes.Account) (*types.MsgReportVMStatus, string) {
		msg := &types.MsgReportVMStatus{}
		vm, ok := randomVM(r, ctx, k, func(v types.VM) bool {
			return v.HostId != "" && (v.State == types.VM_STATE_SCHEDULED || v.State == types.VM_STATE_MIGRATING ||
				v.State == types.VM_STATE_STOPPING || v.State == types.VM_STATE_RUNNING)
		})
		if !ok {
			return msg, "no VM to report"
		}
		h, err := k.Hosts.Get(ctx, vm.HostId)
		if err != nil {
			return msg, "host gone"
		}
		msg.Operator, msg.VmId = h.Operator, vm.Id
		switch vm.State {
		case types.VM_STATE_STOPPING:
			msg.Status, msg.Reason = types.VM_STATE_STOPPED, "shut down"
		case types.VM_STATE_RUNNING:
			if r.Intn(5) != 0 {
				return msg, "running VM stays up"
			}
			msg.Status, msg.Reason = types.VM_STATE_FAILED, "simulated crash"
		default:
			msg.Status, msg.Reason = types.VM_STATE_RUNNING, "booted"
			if r.Intn(10) == 0 {
				msg.Status, msg.Reason = types.VM_STATE_FAILED, "simulated boot failure"
			}
		}
		return msg, ""
	}
}

// SimulateMsgReportVMStatus delivers GenReportVMStatus's message.
func SimulateMsgReportVMStatus(k keeper.Keeper) simtypes.Operation {
	return op(k, GenReportVMStatus(k))
}

// SimulateMsgStartVM delivers GenStartVM's message.
func SimulateMsgStartVM(k keeper.Keeper) simtypes.Operation { return op(k, GenStartVM(k)) }

// SimulateMsgStopVM delivers GenStopVM's message.
func SimulateMsgStopVM(k keeper.Keeper) simtypes.Operation { return op(k, GenStopVM(k)) }

// SimulateMsgResizeVM delivers GenResizeVM's message.
func SimulateMsgResizeVM(k keeper.Keeper) simtypes.Operation { return op(k, GenResizeVM(k)) }

// SimulateMsgMigrateVM delivers GenMigrateVM's message.
func SimulateMsgMigrateVM(k keeper.Keeper) simtypes.Operation { return op(k, GenMigrateVM(k)) }

// SimulateMsgDeleteVM delivers GenDeleteVM's message.
func SimulateMsgDeleteVM(k keeper.Keeper) simtypes.Operation { return op(k, GenDeleteVM(k)) }
