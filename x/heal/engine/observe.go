// Package engine is x/heal's pure core: the codec of a validator's host observations (the heal
// section of a vote extension), their aggregation into what more than 2/3 or 1/3 of the voting
// power agrees on, and the failure detector. It imports nothing from the SDK.
package engine

import (
	"encoding/binary"
	"fmt"

	"github.com/novacron/novacron/voteext"
)

// Status is what a validator's prober saw of a host in its last probe.
type Status uint8

const (
	StatusUp   Status = 0 // answered within the late threshold
	StatusLate Status = 1 // answered, but after the late threshold
	StatusDown Status = 2 // no answer within the timeout
)

func (s Status) String() string {
	switch s {
	case StatusUp:
		return "up"
	case StatusLate:
		return "late"
	case StatusDown:
		return "down"
	}
	return fmt.Sprintf("status(%d)", uint8(s))
}

// VMState is what a host agent reports of a VM.
type VMState uint8

const (
	VMAbsent   VMState = 0 // not on the agent's host (a delta removing the VM)
	VMRunning  VMState = 1
	VMStopped  VMState = 2
	VMCrashed  VMState = 3
	maxVMState         = VMCrashed
)

func (s VMState) String() string {
	switch s {
	case VMAbsent:
		return "absent"
	case VMRunning:
		return "running"
	case VMStopped:
		return "stopped"
	case VMCrashed:
		return "crashed"
	}
	return fmt.Sprintf("vm-state(%d)", uint8(s))
}

// VM is one VM as a host agent reports it: state and its own utilisation in integers.
type VM struct {
	ID       uint64
	State    VMState
	CPUMilli uint64 // millicores in use
	MemMiB   uint64 // MiB resident
}

// Host is one host as seen: by one validator (a report) or as agreed (the chain's view).
type Host struct {
	Status    Status
	RTTBucket uint8  // round trip 0: < 1 ms, b in 1..15: [2^(b-1), 2^b) ms, 15 also longer
	Seq       uint64 // the agent's sequence number (monotonic); agreed: the last attested one
	VMs       []VM   // ascending ID, no VMAbsent
}

// MaxRTTBucket is the last RTT bucket.
const MaxRTTBucket = 15

// RTTBucket returns the bucket of a round trip in microseconds.
func RTTBucket(rttUs uint64) uint8 {
	ms := rttUs / 1000
	b := uint8(0)
	for ms > 0 && b < MaxRTTBucket {
		ms >>= 1
		b++
	}
	return b
}

// View is a table of hosts by index: the position of the host id in the sorted list of hosts
// x/heal tracks at the view's height (every validator derives the same list from state).
type View []Host

// Observations is the heal section: a validator's view as changes against the agreed view of
// BaseHeight. A host without a change is seen as agreed except that its agent sequence did not
// advance; a change carries the new status and RTT bucket, the sequence advance and the VMs
// whose report differs (VMAbsent removes one).
type Observations struct {
	BaseHeight uint64
	Changes    []HostChange // ascending Index
}

// HostChange is one host's difference from the agreed view.
type HostChange struct {
	Index      uint32
	Status     Status
	RTTBucket  uint8
	SeqAdvance uint64
	VMs        []VM // ascending ID: new, changed (state or utilisation) or VMAbsent
}

func (c HostChange) empty(agreed Host) bool {
	return c.Status == agreed.Status && c.RTTBucket == agreed.RTTBucket && c.SeqAdvance == 0 && len(c.VMs) == 0
}

// Diff returns the observations of seen against agreed (both of the same host list). A host
// seen down carries no RTT, advance or VMs: a prober that got no answer knows nothing else.
func Diff(base uint64, agreed, seen View) (Observations, error) {
	if len(agreed) != len(seen) {
		return Observations{}, fmt.Errorf("heal: %d hosts seen, %d agreed", len(seen), len(agreed))
	}
	obs := Observations{BaseHeight: base}
	for i := range seen {
		s, a := seen[i], agreed[i]
		c := HostChange{Index: uint32(i), Status: s.Status}
		if s.Status != StatusDown {
			if s.Seq < a.Seq {
				return Observations{}, fmt.Errorf("heal: host %d sequence %d below the agreed %d", i, s.Seq, a.Seq)
			}
			c.RTTBucket, c.SeqAdvance = min(s.RTTBucket, MaxRTTBucket), s.Seq-a.Seq
			c.VMs = diffVMs(a.VMs, s.VMs)
		}
		if !c.empty(a) {
			obs.Changes = append(obs.Changes, c)
		}
	}
	return obs, nil
}

func diffVMs(agreed, seen []VM) []VM {
	var out []VM
	i, j := 0, 0
	for i < len(agreed) || j < len(seen) {
		switch {
		case j == len(seen) || (i < len(agreed) && agreed[i].ID < seen[j].ID):
			out = append(out, VM{ID: agreed[i].ID, State: VMAbsent})
			i++
		case i == len(agreed) || seen[j].ID < agreed[i].ID:
			out = append(out, seen[j])
			j++
		default:
			if agreed[i] != seen[j] {
				out = append(out, seen[j])
			}
			i++
			j++
		}
	}
	return out
}

// Apply returns the full view a validator reported: agreed with obs applied. Changes must name
// hosts of agreed (CheckAgainst).
func Apply(agreed View, obs Observations) View {
	seen := make(View, len(agreed))
	for i, a := range agreed {
		seen[i] = Host{Status: a.Status, RTTBucket: a.RTTBucket, Seq: a.Seq, VMs: a.VMs}
	}
	for _, c := range obs.Changes {
		h := &seen[c.Index]
		h.Status, h.RTTBucket, h.Seq = c.Status, c.RTTBucket, h.Seq+c.SeqAdvance
		if len(c.VMs) > 0 {
			h.VMs = mergeVMs(h.VMs, c.VMs)
		}
	}
	return seen
}

func mergeVMs(agreed, changes []VM) []VM {
	out := make([]VM, 0, len(agreed)+len(changes))
	i, j := 0, 0
	for i < len(agreed) || j < len(changes) {
		switch {
		case j == len(changes) || (i < len(agreed) && agreed[i].ID < changes[j].ID):
			out = append(out, agreed[i])
			i++
		default:
			if i < len(agreed) && agreed[i].ID == changes[j].ID {
				i++
			}
			if changes[j].State != VMAbsent {
				out = append(out, changes[j])
			}
			j++
		}
	}
	return out
}

// CheckAgainst reports whether obs fits the agreed view: its base height and host indexes. The
// format itself is checked by DecodeObservations; this needs the chain's state.
func (obs Observations) CheckAgainst(base uint64, agreed View) error {
	if obs.BaseHeight != base {
		return fmt.Errorf("heal: observations against height %d, the agreed view is of %d", obs.BaseHeight, base)
	}
	for _, c := range obs.Changes {
		if int(c.Index) >= len(agreed) {
			return fmt.Errorf("heal: host index %d, %d hosts tracked", c.Index, len(agreed))
		}
		if c.empty(agreed[c.Index]) {
			return fmt.Errorf("heal: host %d: a change that changes nothing", c.Index)
		}
	}
	return nil
}

// Wire format of the heal section (canonical; docs in x/heal/README.md):
//
//	uvarint base_height
//	repeated change, ascending index:
//	  uvarint index gap   (index − previous index − 1; the first: index)
//	  byte    head        bits 0–1 status, 2–5 RTT bucket, 6: VM changes follow, 7: 0
//	  uvarint seq advance
//	  [bit 6] uvarint n ≥ 1, then n times: uvarint id gap (id − previous id − 1; the
//	          first: id), byte state, and unless absent: uvarint cpu_milli, uvarint mem_mib
//
// A down host has RTT bucket 0, advance 0 and no VM changes.

// EncodeObservations returns the canonical bytes of obs.
func EncodeObservations(obs Observations) ([]byte, error) {
	bz := binary.AppendUvarint(nil, obs.BaseHeight)
	next := uint64(0) // lowest index the next change may have
	for _, c := range obs.Changes {
		if err := checkChange(c, next); err != nil {
			return nil, err
		}
		bz = binary.AppendUvarint(bz, uint64(c.Index)-next)
		next = uint64(c.Index) + 1
		head := byte(c.Status) | c.RTTBucket<<2
		if len(c.VMs) > 0 {
			head |= 1 << 6
		}
		bz = append(bz, head)
		bz = binary.AppendUvarint(bz, c.SeqAdvance)
		if len(c.VMs) > 0 {
			bz = binary.AppendUvarint(bz, uint64(len(c.VMs)))
			nextID := uint64(0)
			for _, vm := range c.VMs {
				bz = binary.AppendUvarint(bz, vm.ID-nextID)
				nextID = vm.ID + 1
				bz = append(bz, byte(vm.State))
				if vm.State != VMAbsent {
					bz = binary.AppendUvarint(bz, vm.CPUMilli)
					bz = binary.AppendUvarint(bz, vm.MemMiB)
				}
			}
		}
	}
	if len(bz) > voteext.MaxHealBytes {
		return nil, fmt.Errorf("heal: observations of %d bytes, max %d", len(bz), voteext.MaxHealBytes)
	}
	return bz, nil
}

func checkChange(c HostChange, next uint64) error {
	switch {
	case uint64(c.Index) < next:
		return fmt.Errorf("heal: host index %d out of order or repeated", c.Index)
	case c.Status > StatusDown:
		return fmt.Errorf("heal: host %d: status %d", c.Index, c.Status)
	case c.RTTBucket > MaxRTTBucket:
		return fmt.Errorf("heal: host %d: RTT bucket %d", c.Index, c.RTTBucket)
	case c.Status == StatusDown && (c.RTTBucket != 0 || c.SeqAdvance != 0 || len(c.VMs) > 0):
		return fmt.Errorf("heal: host %d is down but carries RTT, advance or VMs", c.Index)
	}
	nextID := uint64(0)
	for _, vm := range c.VMs {
		switch {
		case vm.ID < nextID:
			return fmt.Errorf("heal: host %d: vm %d out of order or repeated", c.Index, vm.ID)
		case vm.State > maxVMState:
			return fmt.Errorf("heal: host %d: vm %d state %d", c.Index, vm.ID, vm.State)
		case vm.State == VMAbsent && (vm.CPUMilli != 0 || vm.MemMiB != 0):
			return fmt.Errorf("heal: host %d: absent vm %d with utilisation", c.Index, vm.ID)
		}
		if vm.ID == ^uint64(0) {
			return fmt.Errorf("heal: host %d: vm id %d", c.Index, vm.ID)
		}
		nextID = vm.ID + 1
	}
	return nil
}

// DecodeObservations parses a heal section; it accepts exactly what EncodeObservations writes.
// Its work is linear in len(bz) (every loop consumes at least one byte).
func DecodeObservations(bz []byte) (Observations, error) {
	var obs Observations
	if len(bz) > voteext.MaxHealBytes {
		return obs, fmt.Errorf("heal: observations of %d bytes, max %d", len(bz), voteext.MaxHealBytes)
	}
	r := reader{bz: bz}
	obs.BaseHeight = r.uvarint("base height")
	next := uint64(0)
	for r.err == nil && r.off < len(bz) {
		gap := r.uvarint("index gap")
		idx := next + gap
		if r.err == nil && (gap > 1<<32 || idx > 1<<32-1) {
			r.fail("host index beyond 2^32")
		}
		c := HostChange{Index: uint32(idx)}
		head := r.byte("head")
		c.Status, c.RTTBucket = Status(head&3), head>>2&0xf
		if head&0x80 != 0 {
			r.fail("head bit 7 set")
		}
		c.SeqAdvance = r.uvarint("sequence advance")
		if head&0x40 != 0 {
			n := r.uvarint("vm count")
			if r.err == nil && (n == 0 || n > uint64(len(bz)-r.off)) {
				r.fail(fmt.Sprintf("vm count %d", n))
			}
			nextID := uint64(0)
			for k := uint64(0); r.err == nil && k < n; k++ {
				g := r.uvarint("vm id gap")
				vm := VM{ID: nextID + g}
				if r.err == nil && vm.ID < nextID {
					r.fail("vm id overflows 64 bits")
				}
				vm.State = VMState(r.byte("vm state"))
				if vm.State != VMAbsent {
					vm.CPUMilli = r.uvarint("cpu")
					vm.MemMiB = r.uvarint("memory")
				}
				c.VMs = append(c.VMs, vm)
				nextID = vm.ID + 1
			}
		}
		if r.err == nil {
			if err := checkChange(c, next); err != nil {
				r.fail(err.Error())
			}
		}
		obs.Changes = append(obs.Changes, c)
		next = idx + 1
	}
	if r.err != nil {
		return Observations{}, r.err
	}
	return obs, nil
}

// ObservationError is a malformed heal section: where and why.
type ObservationError struct {
	Offset int
	Reason string
}

func (e *ObservationError) Error() string {
	return fmt.Sprintf("heal observations: byte %d: %s", e.Offset, e.Reason)
}

type reader struct {
	bz  []byte
	off int
	err error
}

func (r *reader) fail(reason string) {
	if r.err == nil {
		r.err = &ObservationError{Offset: r.off, Reason: reason}
	}
}

func (r *reader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n, err := voteext.Uvarint(r.bz[r.off:])
	if err != nil {
		r.fail(what + ": " + err.Error())
		return 0
	}
	r.off += n
	return v
}

func (r *reader) byte(what string) byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.bz) {
		r.fail(what + ": truncated")
		return 0
	}
	b := r.bz[r.off]
	r.off++
	return b
}
