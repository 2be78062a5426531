// Package hostagent is the logic of `novacrond host-agent`: a long-running process of a host
// operator that watches the chain, runs the VMs placed on the operator's hosts in a simulated
// hypervisor, and reports their status transitions with MsgReportVMStatus.
//
// It runs off chain (wall clock, goroutines and a seeded RNG are fine here; nothing in this
// package is executed by a validator's state machine). The decision logic (Planner) is pure:
// given the VMs on the agent's hosts as the chain sees them, the wall clock and the height, it
// returns the reports to send. The Agent wires it to a Chain (queries + signed txs).
package hostagent

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// Config is the simulated hypervisor's behaviour.
type Config struct {
	// BootDelay is how long a VM takes to boot after it is SCHEDULED (or MIGRATING) on one of
	// the agent's hosts, before RUNNING (or FAILED) is reported.
	BootDelay time.Duration
	// StopDelay is how long a STOPPING VM takes to shut down before STOPPED is reported.
	StopDelay time.Duration
	// FailVMs: these VM ids fail their first boot on this agent (FAILED is reported); a later
	// boot (restart, migration) succeeds.
	FailVMs map[uint64]bool
	// FailRatePPM: every boot fails with this probability (parts per million), drawn from a
	// ChaCha8 generator seeded with Seed, in VM-id order.
	FailRatePPM uint32
	Seed        uint64
	// FailImages: every boot of a VM whose image_cid (on chain, compared as a string) is one of
	// these CIDs fails — each time, unlike FailVMs — with the reason "image <cid> failed to boot
	// (injected)". The set can be replaced between steps (SetFailImages; POST /control).
	FailImages map[string]bool
	// ResendAfterBlocks: a report the chain has not applied after this many new blocks is sent
	// again (the tx may have been dropped). Default 3.
	ResendAfterBlocks int64
}

// Phase is the simulated hypervisor's view of one VM.
type Phase int

const (
	PhaseBooting Phase = iota + 1
	PhaseRunning
	PhaseStopping
	PhaseStopped
	PhaseFailed
)

func (p Phase) String() string {
	switch p {
	case PhaseBooting:
		return "booting"
	case PhaseRunning:
		return "running"
	case PhaseStopping:
		return "stopping"
	case PhaseStopped:
		return "stopped"
	case PhaseFailed:
		return "failed"
	}
	return "unknown"
}

// Instance is a VM in the simulated hypervisor.
type Instance struct {
	VMID   uint64
	HostID string
	Phase  Phase
	// ReadyAt: when booting/stopping completes.
	ReadyAt time.Time
	// WillFail: the boot in progress fails (failure injection).
	WillFail   bool
	FailReason string
	// Epoch is the VM's updated_height on chain when this boot/stop began: a SCHEDULED VM
	// whose updated_height differs was re-scheduled (restart, new migration) and boots again.
	Epoch int64
	// Sent/SentHeight: the last report sent for this instance and the height it was sent at.
	Sent       types.VMState
	SentHeight int64
}

// Report is one MsgReportVMStatus to send.
type Report struct {
	VMID   uint64
	HostID string
	Status types.VMState
	Reason string
}

func (r Report) String() string {
	return fmt.Sprintf("vm %d on %s → %s (%s)", r.VMID, r.HostID, r.Status, r.Reason)
}

// Planner decides, from chain state, which reports to send. Not safe for concurrent use.
type Planner struct {
	cfg        Config
	rng        *rand.Rand
	inst       map[uint64]*Instance
	failedOnce map[uint64]bool
}

// NewPlanner returns a planner with an empty hypervisor.
func NewPlanner(cfg Config) *Planner {
	if cfg.ResendAfterBlocks <= 0 {
		cfg.ResendAfterBlocks = 3
	}
	var seed [32]byte
	for i := 0; i < 8; i++ {
		seed[i] = byte(cfg.Seed >> (8 * i))
	}
	cfg.FailImages = copySet(cfg.FailImages)
	return &Planner{cfg: cfg, rng: rand.New(rand.NewChaCha8(seed)), inst: map[uint64]*Instance{}, failedOnce: map[uint64]bool{}}
}

func copySet(in map[string]bool) map[string]bool {
	out := make(map[string]bool, len(in))
	for k, v := range in {
		if v {
			out[k] = true
		}
	}
	return out
}

// SetFailImages replaces the set of image CIDs whose boots fail (Config.FailImages). Boots
// that begin afterwards are affected; a boot in progress keeps the outcome drawn when it began.
func (p *Planner) SetFailImages(cids []string) {
	set := make(map[string]bool, len(cids))
	for _, c := range cids {
		set[c] = true
	}
	p.cfg.FailImages = set
}

// FailImages lists the image CIDs whose boots fail, sorted.
func (p *Planner) FailImages() []string { return sortedSet(p.cfg.FailImages) }

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ImageFailReason is the reason reported with FAILED for a boot failed by an injected image
// failure (--fail-image, POST /control fail_image).
func ImageFailReason(cid string) string {
	return fmt.Sprintf("image %s failed to boot (injected)", cid)
}

// Instances returns a copy of the hypervisor's instances in VM-id order.
func (p *Planner) Instances() []Instance {
	out := make([]Instance, 0, len(p.inst))
	for _, in := range p.inst {
		out = append(out, *in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].VMID < out[j].VMID })
	return out
}

// NextDue is the earliest time a boot or stop in progress completes (zero if none).
func (p *Planner) NextDue() time.Time {
	var t time.Time
	for _, in := range p.inst {
		if (in.Phase == PhaseBooting || in.Phase == PhaseStopping) && in.Sent == types.VM_STATE_UNSPECIFIED {
			if t.IsZero() || in.ReadyAt.Before(t) {
				t = in.ReadyAt
			}
		}
	}
	return t
}

// Plan takes the VMs currently on the agent's hosts (as of `height`), updates the simulated
// hypervisor and returns the reports to send, in VM-id order. VMs the agent ran that are no
// longer in `vms` (moved to another operator's host, deleted) are dropped from the hypervisor.
//
// migratedFrom gives, for MIGRATING VMs, the state they were in before the migration began
// (from the audit log): a VM that was STOPPED moves without booting and is reported STOPPED on
// its new host; any other VM boots there and is reported RUNNING.
func (p *Planner) Plan(now time.Time, height int64, vms []types.VM, migratedFrom map[uint64]types.VMState) []Report {
	sorted := append([]types.VM(nil), vms...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Id < sorted[j].Id })
	seen := make(map[uint64]bool, len(sorted))
	var out []Report
	for i := range sorted {
		vm := &sorted[i]
		seen[vm.Id] = true
		if r, ok := p.planVM(now, height, vm, migratedFrom[vm.Id]); ok {
			out = append(out, r)
		}
	}
	for id := range p.inst {
		if !seen[id] {
			delete(p.inst, id)
		}
	}
	return out
}

func (p *Planner) boot(now time.Time, vm *types.VM) *Instance {
	in := &Instance{VMID: vm.Id, HostID: vm.HostId, Phase: PhaseBooting, ReadyAt: now.Add(p.cfg.BootDelay), Epoch: vm.UpdatedHeight}
	switch {
	case vm.ImageCid != "" && p.cfg.FailImages[vm.ImageCid]:
		// Every boot on this image fails (no RNG draw). It counts as the first boot --fail-vm
		// would have failed.
		in.WillFail, in.FailReason = true, ImageFailReason(vm.ImageCid)
		if p.cfg.FailVMs[vm.Id] {
			p.failedOnce[vm.Id] = true
		}
	case p.cfg.FailVMs[vm.Id] && !p.failedOnce[vm.Id]:
		in.WillFail, in.FailReason = true, "injected failure (--fail-vm)"
		p.failedOnce[vm.Id] = true
	case p.cfg.FailRatePPM > 0 && p.rng.Uint32N(1_000_000) < p.cfg.FailRatePPM:
		in.WillFail, in.FailReason = true, "injected failure (--fail-rate)"
	}
	p.inst[vm.Id] = in
	return in
}

// due: the phase in progress has completed and its report is not in flight (or is stale).
func (p *Planner) due(now time.Time, height int64, in *Instance, want types.VMState) bool {
	if now.Before(in.ReadyAt) {
		return false
	}
	if in.Sent == want && height < in.SentHeight+p.cfg.ResendAfterBlocks {
		return false // in flight; the chain has not caught up yet
	}
	return true
}

func (p *Planner) planVM(now time.Time, height int64, vm *types.VM, migratedFrom types.VMState) (Report, bool) {
	in := p.inst[vm.Id]
	if vm.State == types.VM_STATE_MIGRATING && migratedFrom == types.VM_STATE_STOPPED {
		// A stopped VM moved: its disk arrives, nothing boots.
		if in == nil || in.HostID != vm.HostId || in.Epoch != vm.UpdatedHeight || in.Phase != PhaseStopped {
			in = &Instance{VMID: vm.Id, HostID: vm.HostId, Phase: PhaseStopped, ReadyAt: now, Epoch: vm.UpdatedHeight}
			p.inst[vm.Id] = in
		}
		if !p.due(now, height, in, types.VM_STATE_STOPPED) {
			return Report{}, false
		}
		in.Sent, in.SentHeight = types.VM_STATE_STOPPED, height
		return Report{VMID: vm.Id, HostID: vm.HostId, Status: types.VM_STATE_STOPPED, Reason: "migrated in, kept stopped"}, true
	}
	switch vm.State {
	case types.VM_STATE_SCHEDULED, types.VM_STATE_MIGRATING:
		// A new boot unless this very scheduling (same host, same chain epoch) is in progress.
		if in == nil || in.HostID != vm.HostId || in.Epoch != vm.UpdatedHeight ||
			(in.Phase != PhaseBooting && in.Phase != PhaseRunning && in.Phase != PhaseFailed) {
			in = p.boot(now, vm)
		}
		if in.Phase == PhaseBooting && !now.Before(in.ReadyAt) {
			if in.WillFail {
				in.Phase = PhaseFailed
			} else {
				in.Phase = PhaseRunning
			}
		}
		want, reason := types.VM_STATE_RUNNING, "booted"
		if vm.State == types.VM_STATE_MIGRATING {
			reason = "migrated in, booted"
		}
		if in.Phase == PhaseFailed {
			want, reason = types.VM_STATE_FAILED, in.FailReason
		}
		if in.Phase == PhaseBooting || !p.due(now, height, in, want) {
			return Report{}, false
		}
		in.Sent, in.SentHeight = want, height
		return Report{VMID: vm.Id, HostID: vm.HostId, Status: want, Reason: reason}, true

	case types.VM_STATE_RUNNING:
		// Adopt VMs already running (agent restart); the chain is the source of truth.
		if in == nil || in.HostID != vm.HostId || in.Phase != PhaseRunning {
			p.inst[vm.Id] = &Instance{VMID: vm.Id, HostID: vm.HostId, Phase: PhaseRunning, Epoch: vm.UpdatedHeight}
		} else {
			in.Sent, in.Epoch = types.VM_STATE_UNSPECIFIED, vm.UpdatedHeight
		}
		return Report{}, false

	case types.VM_STATE_STOPPING:
		if in == nil || in.HostID != vm.HostId || in.Phase != PhaseStopping || in.Epoch != vm.UpdatedHeight {
			in = &Instance{VMID: vm.Id, HostID: vm.HostId, Phase: PhaseStopping, ReadyAt: now.Add(p.cfg.StopDelay), Epoch: vm.UpdatedHeight}
			p.inst[vm.Id] = in
		}
		if !p.due(now, height, in, types.VM_STATE_STOPPED) {
			return Report{}, false
		}
		in.Sent, in.SentHeight = types.VM_STATE_STOPPED, height
		return Report{VMID: vm.Id, HostID: vm.HostId, Status: types.VM_STATE_STOPPED, Reason: "shut down"}, true

	case types.VM_STATE_STOPPED:
		p.inst[vm.Id] = &Instance{VMID: vm.Id, HostID: vm.HostId, Phase: PhaseStopped, Epoch: vm.UpdatedHeight}
	case types.VM_STATE_FAILED:
		p.inst[vm.Id] = &Instance{VMID: vm.Id, HostID: vm.HostId, Phase: PhaseFailed, Epoch: vm.UpdatedHeight}
	default: // PENDING, DELETED: nothing runs here
		delete(p.inst, vm.Id)
	}
	return Report{}, false
}

// Forget clears the in-flight marks of reports whose tx failed, so that they are sent again
// at the next Plan.
func (p *Planner) Forget(reports []Report) {
	for _, r := range reports {
		if in := p.inst[r.VMID]; in != nil && in.Sent == r.Status {
			in.Sent, in.SentHeight = types.VM_STATE_UNSPECIFIED, 0
		}
	}
}
