package engine

import (
	"fmt"

	"github.com/novacron/novacron/x/internal/meter"
)

// Place runs one placement over hosts: the region filter, one scope walk per candidate region
// under the shared candidate quota, and filter → score → tie-break on every host visited. On
// error (a *meter.BudgetError, or one of hosts') the Result holds what the search had recorded
// and Summary the error's text.
func Place(m *meter.Meter, cfg Config, req Request, hosts Hosts) (Result, error) {
	var res Result
	regions, err := candidateRegions(m, cfg, req, hosts, &res)
	if err != nil {
		res.Summary = err.Error()
		return res, err
	}
	res.RegionsSearched = len(regions)
	best, err := searchRegions(m, cfg, req, hosts, regions, &res)
	if err != nil {
		res.Summary = err.Error()
		return res, err
	}
	if best == nil {
		res.Summary = fmt.Sprintf("no host: %d candidate(s) in %d region(s) considered, none fit", len(res.Candidates), len(regions))
		return res, nil
	}
	res.Winner, res.WinningScore = &best.host, best.score
	res.Summary = fmt.Sprintf("placed on %s (region %s) with score %d after %d candidate(s)",
		best.host.ID, best.host.Region, best.score, len(res.Candidates))
	return res, nil
}

type bestHost struct {
	host  HostSnapshot
	score int64
}

// searchRegions walks each region's scope under the shared candidate quota.
func searchRegions(m *meter.Meter, cfg Config, req Request, hosts Hosts, regions []string, res *Result) (*bestHost, error) {
	remaining := int(cfg.MaxCandidates)
	candidateSteps := CandidateSteps(cfg)
	var best *bestHost
	for i, region := range regions {
		if remaining == 0 {
			res.Regions = append(res.Regions, RegionOutcome{Region: region, RejectReason: "candidate budget exhausted"})
			continue
		}
		quota := max(remaining/(len(regions)-i), 1)
		scope := ScopeFor(req, region)
		res.Regions = append(res.Regions, RegionOutcome{Region: region, Searched: true, Scope: scope})
		used := 0
		err := hosts.Walk(m, WalkSpec{Scope: scope, MinFreeCPU: req.Resources.CPUMillis, CandidateSteps: candidateSteps},
			func(h HostSnapshot) (bool, error) {
				used++ // the walk charged it
				if err := m.Charge(StageLabels, LabelSteps(req, h)); err != nil {
					return true, err
				}
				cand := Candidate{HostID: h.ID, Region: h.Region}
				reason, err := Filter(m, cfg, req, h, hosts)
				if err != nil {
					return true, err
				}
				if reason != "" {
					cand.RejectReason = reason
					res.Candidates = append(res.Candidates, cand)
					return used >= quota, nil
				}
				if cand, err = score(m, cfg, req, h, hosts, cand); err != nil {
					return true, err
				}
				res.Candidates = append(res.Candidates, cand)
				if err := m.Charge(StageRanking, StepsPerRank); err != nil {
					return true, err
				}
				if best == nil || Better(cand, Candidate{HostID: best.host.ID, Score: best.score}) {
					best = &bestHost{host: h, score: cand.Score}
				}
				return used >= quota, nil
			})
		if err != nil {
			return nil, err
		}
		remaining -= used
		// nearest-region mode stops at the first (nearest) region with a feasible host.
		if req.Nearest != "" && best != nil {
			break
		}
	}
	return best, nil
}

// score charges StageScore, reads the owner's VMs on h and fills cand's scores.
func score(m *meter.Meter, cfg Config, req Request, h HostSnapshot, facts Facts, cand Candidate) (Candidate, error) {
	if err := m.Charge(StageScore, StepsPerScore); err != nil {
		return cand, err
	}
	same, err := facts.OwnerVMs(h.ID)
	if err != nil {
		return cand, err
	}
	fit, spread := Score(cfg.SpreadWeightPpm, h, req.Resources, same)
	cand.Accepted, cand.Fit, cand.Spread, cand.Score = true, fit, spread, fit-spread
	return cand, nil
}

// TargetSteps is the single charge (StageTarget) of EvaluateTarget: one region, one candidate
// (surcharges included) and the labels.
func TargetSteps(cfg Config, req Request, h HostSnapshot) uint64 {
	price := meter.Add(meter.Add(StepsPerRegion, StepsPerCandidate),
		meter.Mul(cfg.GasPerRegion+cfg.GasPerCandidate, StepsPerGas))
	return meter.Add(price, LabelSteps(req, h))
}

// EvaluateTarget explains a placement on one named host (a migration to a target host), metered
// like a search over one region and one candidate: TargetSteps, the latency bounds from the
// host's region, Filter, then the score. The Result has the one candidate (none if the search
// failed) and, when it is accepted, the host as Winner.
func EvaluateTarget(m *meter.Meter, cfg Config, req Request, h HostSnapshot, facts Facts) (Result, error) {
	var res Result
	cand := Candidate{HostID: h.ID, Region: h.Region}
	reason, err := func() (string, error) {
		if err := m.Charge(StageTarget, TargetSteps(cfg, req, h)); err != nil {
			return "", err
		}
		if reason, err := RegionLatencyOK(m, cfg, req, h.Region); err != nil || reason != "" {
			return reason, err
		}
		if reason, err := Filter(m, cfg, req, h, facts); err != nil || reason != "" {
			return reason, err
		}
		var err error
		cand, err = score(m, cfg, req, h, facts, cand)
		return "", err
	}()
	if err != nil {
		res.Summary = err.Error()
		return res, err
	}
	if reason != "" {
		cand.RejectReason = reason
		res.Candidates = append(res.Candidates, cand)
		res.Summary = "target host rejected: " + reason
		return res, nil
	}
	res.Candidates = append(res.Candidates, cand)
	res.Winner, res.WinningScore = &h, cand.Score
	res.Summary = fmt.Sprintf("placed on requested host %s with score %d", h.ID, cand.Score)
	return res, nil
}
