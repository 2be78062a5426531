// Package engine is the pure scheduler behind x/vmlifecycle: the region filter, the host
// filters, the score and the ranking of one VM placement, on plain host snapshots. It imports
// nothing from the Cosmos SDK (internal/layering checks it); every value is an integer or a
// string, so every validator computes the same placement, explanation and steps.
//
// Where the hosts come from is the caller's: Place asks a Hosts source for the known regions
// and walks one index scope per candidate region through it. The keeper's source walks the
// placement index in the store and converts each record to a HostSnapshot as it goes
// (streaming: at most Config.MaxCandidates hosts per placement are read); HostSet is the
// in-memory source over a slice of snapshots, for what-if answers (x/heal), tools and tests.
// Both walk a scope in the same order, so a search gives the same answer over either.
//
// The whole search runs under a deterministic work meter (x/internal/meter, nil = unmetered).
// Every unit of work is charged before it is done, at the prices in prices.go; once a charge
// does not fit, Place and EvaluateTarget stop with the meter's *meter.BudgetError
// (errors.Is(err, meter.ErrBudgetExceeded)).
//
// Algorithm (filter → score → tie-break):
//
//  1. Regions: Request.AllowedRegions if given; else, with latency bounds or a nearest region,
//     the known regions (at most Config.MaxRegionsScanned); else one global pass (region "").
//     A region whose latency bounds fail (or are unknown) is rejected. In nearest mode the
//     regions are ordered by latency to Request.Nearest (stable: name order on ties) and the
//     first region with a feasible host wins.
//  2. Candidates: per region one scope (ScopeFor): GPU hosts if the VM needs GPUs, else hosts
//     with its first required label, else every host; of that region, or of every region in
//     the global pass. The walk visits ACTIVE hosts with free cpu ≥ the requested cpu in
//     (free cpu, id) order, so the first are the tightest CPU fits. At most
//     Config.MaxCandidates hosts are visited per placement, shared across regions (unused
//     quota carries forward).
//  3. Filter (Filter): not the excluded host, ACTIVE, operator on Config.HostOperators, free
//     cpu/memory/disk/gpus, every required label, allowed region, anti-affinity.
//  4. Score (Score): fit = 1e6 − mean over dimensions with capacity > 0 of
//     free_after·1e6/capacity; spread = SpreadWeightPpm × the owner's VMs on the host;
//     score = fit − spread; the higher score wins, ties go to the smaller host id.
package engine

import (
	"sort"

	"github.com/novacron/novacron/x/internal/meter"
)

// Resources is a VM's demand or a host's capacity/allocation (the units are in the names).
type Resources struct {
	CPUMillis uint64
	MemoryMiB uint64
	DiskGiB   uint64
	GPUs      uint32
}

// Sub is r − o in every dimension (unsigned: callers subtract what fits).
func (r Resources) Sub(o Resources) Resources {
	return Resources{CPUMillis: r.CPUMillis - o.CPUMillis, MemoryMiB: r.MemoryMiB - o.MemoryMiB,
		DiskGiB: r.DiskGiB - o.DiskGiB, GPUs: r.GPUs - o.GPUs}
}

// Label is a host label (key=value).
type Label struct {
	Key, Value string
}

// LatencyBound requires the one-way latency from the host's region to Region to be ≤ MaxUs.
type LatencyBound struct {
	Region string
	MaxUs  int64
}

// HostSnapshot is what the scheduler needs to know of one host.
type HostSnapshot struct {
	ID       string
	Operator string
	Region   string
	Labels   []Label // sorted by key, keys unique
	Capacity Resources
	Used     Resources // allocated to the VMs on the host (≤ Capacity)
	// Active: the host takes new VMs (HOST_STATUS_ACTIVE); only active hosts are walked.
	Active bool
	// Status names the host's status in the rejection of an inactive host ("host is <Status>").
	Status string
	// The request owner's VMs on the host. HostSet answers Facts from these; the keeper's source
	// leaves them zero and reads the store instead, only for the hosts that get that far.
	GroupVMs uint64 // of the owner's Request.AntiAffinityGroup
	OwnerVMs uint64 // of the owner (the spread term)
}

// Free is the unallocated part of the host.
func (h HostSnapshot) Free() Resources { return h.Capacity.Sub(h.Used) }

// Latency looks up the one-way latency between two regions in µs; ok=false means unknown
// (which fails a bound).
type Latency interface {
	LatencyUs(from, to string) (us int64, ok bool)
}

// Request is one placement: the VM's demand and constraints.
type Request struct {
	Resources         Resources
	AllowedRegions    []string // sorted; empty: any region
	RequiredLabels    []Label  // sorted by key
	AntiAffinityGroup string   // "": none
	MaxLatency        []LatencyBound
	// Exclude is a host the VM may not be placed on (its current host); "" none.
	Exclude string
	// Nearest, when set, orders the regions by latency from it and places in the nearest region
	// that fits.
	Nearest string
	// Latency answers the latency bounds and the nearest-region distances; nil: all unknown.
	Latency Latency
}

// Config is the part of the module params the scheduler reads.
type Config struct {
	HostOperators     []string // sorted allowlist
	LatencyTableSize  int      // entries of the params latency table (prices a lookup)
	MaxCandidates     uint32   // hosts visited per placement, over all regions
	MaxRegionsScanned uint32   // known regions read at most
	SpreadWeightPpm   int64
	// Governance surcharges in gas, charged as StepsPerGas steps per gas.
	GasPerRegion, GasPerCandidate uint64
}

func (c Config) isHostOperator(addr string) bool {
	i := sort.SearchStrings(c.HostOperators, addr)
	return i < len(c.HostOperators) && c.HostOperators[i] == addr
}

// Scope is the part of the placement index one region's walk covers.
type Scope struct {
	Region  string // "": every region
	GPU     bool   // only hosts with GPU capacity
	ByLabel bool   // only hosts with Label
	Label   Label
}

// ScopeFor picks the scope of a region ("" = global): GPU hosts if the request needs GPUs, else
// the hosts with its first required label, else every host.
func ScopeFor(req Request, region string) Scope {
	s := Scope{Region: region}
	switch {
	case req.Resources.GPUs > 0:
		s.GPU = true
	case len(req.RequiredLabels) > 0:
		s.ByLabel, s.Label = true, req.RequiredLabels[0]
	}
	return s
}

// Contains reports whether h is in the scope (as the placement index holds it: active hosts
// only).
func (s Scope) Contains(h HostSnapshot) bool {
	if !h.Active || (s.Region != "" && h.Region != s.Region) || (s.GPU && h.Capacity.GPUs == 0) {
		return false
	}
	if s.ByLabel {
		i := sort.Search(len(h.Labels), func(i int) bool { return h.Labels[i].Key >= s.Label.Key })
		return i < len(h.Labels) && h.Labels[i] == s.Label
	}
	return true
}

// Facts are the per-owner reads of a host the filter and score need, asked only for hosts that
// get that far (and charged before).
type Facts interface {
	// GroupOnHost reports whether a VM of the request's owner and anti-affinity group is on the
	// host.
	GroupOnHost(hostID string) (bool, error)
	// OwnerVMs is the number of the request owner's VMs on the host.
	OwnerVMs(hostID string) (uint64, error)
}

// WalkSpec is one scope walk.
type WalkSpec struct {
	Scope      Scope
	MinFreeCPU uint64 // visit hosts with free cpu ≥ this
	// CandidateSteps is the charge of each host visited, made before the host is read.
	CandidateSteps uint64
}

// Visit evaluates one host of a walk; stop ends the walk.
type Visit func(h HostSnapshot) (stop bool, err error)

// Hosts is where a search gets its hosts.
type Hosts interface {
	Facts
	// KnownRegions returns regions that have hosts, in byte order: it reads them one by one,
	// charging StepsPerRegion (StageKnownRegion) before each, and stops once it has max (so at
	// least one is read when any exists).
	KnownRegions(m *meter.Meter, max uint32) ([]string, error)
	// Walk charges StepsPerScopeSeek (StageScopeSeek), then visits the active hosts of
	// w.Scope with free cpu ≥ w.MinFreeCPU in (free cpu, id) order, charging w.CandidateSteps
	// (StageCandidate) before reading each, until visit stops it or fails (its error is
	// returned).
	Walk(m *meter.Meter, w WalkSpec, visit Visit) error
}

// RegionOutcome is one region of the search, in the order the search met it.
type RegionOutcome struct {
	Region string
	// Searched: its scope was walked (Scope is set). Otherwise RejectReason says why not.
	Searched     bool
	Scope        Scope
	RejectReason string
}

// Candidate is one host the search evaluated: accepted with its score, or rejected with the
// reason.
type Candidate struct {
	HostID       string
	Region       string
	Accepted     bool
	RejectReason string
	Fit, Spread  int64
	Score        int64 // Fit − Spread
}

// Result is the outcome of a search, also when it failed (then as far as it got).
type Result struct {
	Regions    []RegionOutcome
	Candidates []Candidate // in evaluation order
	// Winner is the chosen host (nil: none fits), WinningScore its score.
	Winner       *HostSnapshot
	WinningScore int64
	// RegionsSearched is the number of candidate regions that passed the region filter.
	RegionsSearched int
	// Summary says in words what happened (the error's text when the search failed).
	Summary string
}

// Better reports whether a ranks before b: higher score, then smaller host id.
func Better(a, b Candidate) bool {
	return a.Score > b.Score || (a.Score == b.Score && a.HostID < b.HostID)
}

// Ranked returns the accepted candidates, best first (Better); the first is the winner.
func (r Result) Ranked() []Candidate {
	var out []Candidate
	for _, c := range r.Candidates {
		if c.Accepted {
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return Better(out[i], out[j]) })
	return out
}

// Rejected returns the reject reason of every rejected candidate by host id.
func (r Result) Rejected() map[string]string {
	out := map[string]string{}
	for _, c := range r.Candidates {
		if !c.Accepted {
			out[c.HostID] = c.RejectReason
		}
	}
	return out
}
