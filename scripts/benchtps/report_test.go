package main

import (
	"math"
	"testing"
	"time"
)

func TestPercentileNearestRank(t *testing.T) {
	vals := []float64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}
	cases := []struct {
		p, want float64
	}{
		{0, 10}, {1, 10}, {10, 10}, {11, 20}, {50, 50}, {51, 60}, {90, 90}, {99, 100}, {100, 100},
	}
	for _, c := range cases {
		if got := percentile(vals, c.p); got != c.want {
			t.Errorf("percentile(p=%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile(empty) = %v, want 0", got)
	}
	if got := percentile([]float64{7}, 99); got != 7 {
		t.Errorf("percentile(single) = %v, want 7", got)
	}
}

func TestLatencyStatsUnsorted(t *testing.T) {
	var ds []time.Duration
	for _, ms := range []int{900, 100, 500, 300, 700} {
		ds = append(ds, time.Duration(ms)*time.Millisecond)
	}
	s := latencyStats(ds)
	if s.Count != 5 || s.Min != 100 || s.Max != 900 || s.Mean != 500 || s.P50 != 500 || s.P90 != 900 || s.P99 != 900 {
		t.Fatalf("latencyStats = %+v", s)
	}
}

func TestBuildReport(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	rec := func(submitMs int) *txRecord {
		return &txRecord{scheduled: at(submitMs), submit: at(submitMs), checked: at(submitMs + 5), state: stateAccepted}
	}
	var recs []*txRecord
	// Block 10 at 1000 ms commits txs sent at 0, 100, 200; block 11 at 2000 ms those at 1000, 1100.
	for _, s := range []int{0, 100, 200} {
		r := rec(s)
		r.committed, r.commitAt, r.height = true, at(1000), 10
		recs = append(recs, r)
	}
	for _, s := range []int{1000, 1100} {
		r := rec(s)
		r.committed, r.commitAt, r.height = true, at(2000), 11
		recs = append(recs, r)
	}
	// One committed but failed in execution.
	failed := rec(1200)
	failed.committed, failed.commitAt, failed.height, failed.execCode, failed.execReason = true, at(2000), 11, 5, "insufficient funds: 1unova < 2unova"
	recs = append(recs, failed)
	// One accepted and never committed: lost.
	recs = append(recs, rec(1300))
	// Two rejected by CheckTx with reasons that differ only in numbers: one bucket.
	for i, s := range []int{1400, 1500} {
		r := rec(s)
		r.state = stateRejected
		r.reason = []string{"sdk/32: account sequence mismatch, expected 7, got 8", "sdk/32: account sequence mismatch, expected 9, got 10"}[i]
		recs = append(recs, r)
	}
	// One never sent.
	recs = append(recs, &txRecord{})

	blocks := []blockRecord{
		{height: 9, seen: at(0), txs: 0},
		{height: 10, seen: at(1000), txs: 4, ours: 3},
		{height: 11, seen: at(2000), txs: 3, ours: 3, viaPoll: true},
		{height: 12, seen: at(3000), txs: 0},
	}
	r := buildReport(recs, blocks, 10)

	if r.Planned != 10 || r.Submitted != 9 || r.Accepted != 7 || r.Rejected != 2 || r.Committed != 6 ||
		r.CommittedOK != 5 || r.CommittedError != 1 || r.Lost != 1 {
		t.Fatalf("counts: %+v", r)
	}
	if len(r.RejectReasons) != 1 || r.RejectReasons["sdk/N: account sequence mismatch, expected N, got N"] != 2 {
		t.Errorf("reject reasons: %v", r.RejectReasons)
	}
	if r.ExecFailures["insufficient funds: Nunova < Nunova"] != 1 {
		t.Errorf("exec failures: %v", r.ExecFailures)
	}
	// Latencies (ms): 1000, 900, 800, 1000, 900, 800 -> sorted 800 800 900 900 1000 1000.
	l := r.Latency
	if l.Count != 6 || l.P50 != 900 || l.P90 != 1000 || l.P99 != 1000 || l.Min != 800 || l.Max != 1000 || l.Mean != 900 {
		t.Errorf("latency: %+v", l)
	}
	// Commits from 1000 to 2000 ms: 6 / 1 s; steady drops the 3 of the first block.
	if r.CommitWindowSec != 1 || r.CommittedTPS != 6 || r.SteadyTPS != 3 {
		t.Errorf("tps: window %v committed %v steady %v", r.CommitWindowSec, r.CommittedTPS, r.SteadyTPS)
	}
	if r.EndToEndTPS != 3 { // 6 committed from first submit (0) to last commit (2 s)
		t.Errorf("end-to-end tps %v", r.EndToEndTPS)
	}
	if math.Abs(r.SubmitWindowSec-1.5) > 1e-9 || math.Abs(r.SubmitRate-8/1.5) > 1e-9 {
		t.Errorf("submit window %v rate %v", r.SubmitWindowSec, r.SubmitRate)
	}
	if r.CheckTxP50Ms != 5 {
		t.Errorf("checktx p50 %v", r.CheckTxP50Ms)
	}
	b := r.Blocks
	if b.Blocks != 2 || b.FirstHeight != 10 || b.LastHeight != 11 || b.BlocksInWindow != 2 ||
		b.TxsPerBlockMin != 3 || b.TxsPerBlockMax != 3 || b.TxsPerBlockAvg != 3 || b.IntervalAvgMs != 1000 || b.GapsFilled != 1 {
		t.Errorf("blocks: %+v", b)
	}
}

func TestBuildReportNothingCommitted(t *testing.T) {
	r := buildReport([]*txRecord{{state: stateAccepted}}, nil, 1)
	if r.Lost != 1 || r.Committed != 0 || r.CommittedTPS != 0 || r.Blocks.Blocks != 0 {
		t.Fatalf("%+v", r)
	}
}

func TestNormalizeReason(t *testing.T) {
	if got := normalizeReason("  rpc: mempool is full: number of txs 5000 (max: 5000)  "); got != "rpc: mempool is full: number of txs N (max: N)" {
		t.Errorf("got %q", got)
	}
	if got := normalizeReason(""); got != "(no message)" {
		t.Errorf("got %q", got)
	}
}
