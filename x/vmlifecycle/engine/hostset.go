package engine

import (
	"fmt"
	"sort"

	"github.com/novacron/novacron/x/internal/meter"
)

// HostSet is the in-memory Hosts source over a set of snapshots: a what-if placement (x/heal),
// a tool or a test. It answers as the keeper's placement index does — the known regions are the
// regions of every host (active or not), a walk visits the active hosts of the scope with free
// cpu ≥ the request's in (free cpu, id) order — and charges the same steps, so Place over a
// HostSet of the chain's hosts gives the chain's placement, explanation and steps. Facts come
// from each snapshot's GroupVMs and OwnerVMs (the request owner's counts).
type HostSet struct {
	hosts   []HostSnapshot // by (free cpu, id)
	byID    map[string]int
	regions []string // sorted, distinct
}

// NewHostSet indexes hosts (copied); host ids must be distinct.
func NewHostSet(hosts []HostSnapshot) (*HostSet, error) {
	s := &HostSet{hosts: append([]HostSnapshot(nil), hosts...), byID: make(map[string]int, len(hosts))}
	sort.Slice(s.hosts, func(i, j int) bool {
		a, b := s.hosts[i].Free().CPUMillis, s.hosts[j].Free().CPUMillis
		return a < b || (a == b && s.hosts[i].ID < s.hosts[j].ID)
	})
	seen := map[string]bool{}
	for i, h := range s.hosts {
		if _, dup := s.byID[h.ID]; dup {
			return nil, fmt.Errorf("engine: duplicate host id %q", h.ID)
		}
		s.byID[h.ID] = i
		if !seen[h.Region] {
			seen[h.Region] = true
			s.regions = append(s.regions, h.Region)
		}
	}
	sort.Strings(s.regions)
	return s, nil
}

// Host returns the snapshot of id.
func (s *HostSet) Host(id string) (HostSnapshot, bool) {
	i, ok := s.byID[id]
	if !ok {
		return HostSnapshot{}, false
	}
	return s.hosts[i], true
}

// KnownRegions implements Hosts.
func (s *HostSet) KnownRegions(m *meter.Meter, max uint32) ([]string, error) {
	var out []string
	for _, r := range s.regions {
		if err := m.Charge(StageKnownRegion, StepsPerRegion); err != nil {
			return out, err
		}
		out = append(out, r)
		if uint32(len(out)) >= max {
			break
		}
	}
	return out, nil
}

// Walk implements Hosts.
func (s *HostSet) Walk(m *meter.Meter, w WalkSpec, visit Visit) error {
	if err := m.Charge(StageScopeSeek, StepsPerScopeSeek); err != nil {
		return err
	}
	start := sort.Search(len(s.hosts), func(i int) bool { return s.hosts[i].Free().CPUMillis >= w.MinFreeCPU })
	for _, h := range s.hosts[start:] {
		if !w.Scope.Contains(h) {
			continue
		}
		if err := m.Charge(StageCandidate, w.CandidateSteps); err != nil {
			return err
		}
		stop, err := visit(h)
		if err != nil || stop {
			return err
		}
	}
	return nil
}

// GroupOnHost implements Facts: GroupVMs > 0.
func (s *HostSet) GroupOnHost(id string) (bool, error) {
	h, _ := s.Host(id)
	return h.GroupVMs > 0, nil
}

// OwnerVMs implements Facts.
func (s *HostSet) OwnerVMs(id string) (uint64, error) {
	h, _ := s.Host(id)
	return h.OwnerVMs, nil
}

// Facts answers Facts from h's own GroupVMs and OwnerVMs whatever the host id asked (for
// EvaluateTarget on a host outside a HostSet).
func (h HostSnapshot) Facts() Facts { return snapshotFacts{h.GroupVMs, h.OwnerVMs} }

type snapshotFacts struct{ group, owner uint64 }

func (f snapshotFacts) GroupOnHost(string) (bool, error) { return f.group > 0, nil }
func (f snapshotFacts) OwnerVMs(string) (uint64, error)  { return f.owner, nil }
