package main

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

// txState is what happened to one pre-signed transaction.
type txState int

const (
	stateUnsent   txState = iota // never broadcast
	stateAccepted                // CheckTx returned code 0
	stateRejected                // CheckTx returned a non-zero code, or the RPC call failed
)

// txRecord follows one pre-signed transaction from its scheduled send to its commit.
type txRecord struct {
	hash      string
	node      int
	scheduled time.Time // when the rate schedule wanted it sent
	submit    time.Time // just before broadcast_tx_sync
	checked   time.Time // broadcast_tx_sync returned
	state     txState
	reason    string // CheckTx log or RPC error when rejected

	committed  bool
	commitAt   time.Time // client clock when the block holding it was seen
	height     int64
	execCode   uint32 // FinalizeBlock result code
	execReason string
}

// blockRecord is one block observed while the load ran.
type blockRecord struct {
	height  int64
	seen    time.Time // client clock when the NewBlock event arrived
	txs     int       // all txs in the block
	ours    int       // txs of this run in the block
	viaPoll bool      // fetched to fill a gap in the websocket stream
}

// LatencyStats are submit-to-commit latencies in milliseconds.
type LatencyStats struct {
	Count int     `json:"count"`
	Min   float64 `json:"min_ms"`
	Mean  float64 `json:"mean_ms"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// BlockStats describe the blocks that carried this run's transactions.
type BlockStats struct {
	Blocks         int     `json:"blocks"`           // blocks holding at least one tx of the run
	FirstHeight    int64   `json:"first_height"`     // first block holding a tx of the run
	LastHeight     int64   `json:"last_height"`      // last block holding a tx of the run
	BlocksInWindow int     `json:"blocks_in_window"` // all blocks from first to last height
	TxsPerBlockMin int     `json:"txs_per_block_min"`
	TxsPerBlockAvg float64 `json:"txs_per_block_avg"`
	TxsPerBlockMax int     `json:"txs_per_block_max"`
	IntervalAvgMs  float64 `json:"block_interval_avg_ms"` // mean time between blocks in the window
	GapsFilled     int     `json:"gaps_filled"`           // blocks fetched by polling (missed websocket events)
}

// Report is the outcome of one run; --json prints it as one object.
type Report struct {
	ChainID        string  `json:"chain_id"`
	Nodes          int     `json:"nodes"`
	Accounts       int     `json:"accounts"`
	TargetRate     float64 `json:"target_rate_tps"`
	Planned        int     `json:"planned"`
	Submitted      int     `json:"submitted"`
	Accepted       int     `json:"accepted"`
	Rejected       int     `json:"rejected"`
	Committed      int     `json:"committed"`
	CommittedOK    int     `json:"committed_ok"`     // committed with result code 0
	CommittedError int     `json:"committed_failed"` // committed with a non-zero result code
	Lost           int     `json:"lost"`             // accepted but not committed within the timeout
	Resent         int     `json:"resent"`           // sent to another node because theirs was unreachable

	LostByNode map[string]int `json:"lost_by_node,omitempty"` // the node that accepted each lost tx

	RejectReasons map[string]int `json:"reject_reasons,omitempty"`
	ExecFailures  map[string]int `json:"exec_failures,omitempty"`

	SubmitWindowSec float64      `json:"submit_window_s"`
	SubmitRate      float64      `json:"submit_rate_tps"` // achieved send rate
	SendLagP99Ms    float64      `json:"send_lag_p99_ms"` // how far behind the schedule sends went (p99)
	CheckTxP50Ms    float64      `json:"checktx_p50_ms"`  // broadcast_tx_sync round trip
	CheckTxP99Ms    float64      `json:"checktx_p99_ms"`  // broadcast_tx_sync round trip
	CommitWindowSec float64      `json:"commit_window_s"` // first to last commit of the run
	CommittedTPS    float64      `json:"committed_tps"`   // committed / commit window
	SteadyTPS       float64      `json:"steady_tps"`      // (committed - txs of the first block) / commit window
	EndToEndTPS     float64      `json:"end_to_end_tps"`  // committed / (first submit to last commit)
	Latency         LatencyStats `json:"latency"`         // submit-to-commit
	Blocks          BlockStats   `json:"blocks"`

	LoadAvg [2]float64 `json:"loadavg_1m"` // host 1-minute load average before sending and at the end

	GoalP50Ms  float64 `json:"goal_p50_ms"`
	GoalMet    bool    `json:"goal_met"` // p50 <= goal and nothing lost
	CommitWait string  `json:"commit_timeout"`
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of sorted values.
func percentile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	if rank < 1 {
		rank = 1
	}
	if rank > n {
		rank = n
	}
	return sorted[rank-1]
}

// latencyStats summarises durations (any order) in milliseconds.
func latencyStats(ds []time.Duration) LatencyStats {
	if len(ds) == 0 {
		return LatencyStats{}
	}
	ms := make([]float64, len(ds))
	sum := 0.0
	for i, d := range ds {
		ms[i] = float64(d) / float64(time.Millisecond)
		sum += ms[i]
	}
	sort.Float64s(ms)
	return LatencyStats{
		Count: len(ms),
		Min:   ms[0],
		Mean:  sum / float64(len(ms)),
		P50:   percentile(ms, 50),
		P90:   percentile(ms, 90),
		P99:   percentile(ms, 99),
		Max:   ms[len(ms)-1],
	}
}

var digits = regexp.MustCompile(`[0-9]+`)

// normalizeReason folds CheckTx/RPC messages that differ only in numbers (sequences, heights)
// into one bucket and keeps them short.
func normalizeReason(s string) string {
	s = strings.TrimSpace(digits.ReplaceAllString(s, "N"))
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	if s == "" {
		s = "(no message)"
	}
	return s
}

// buildReport computes the report from the records of a finished run. blocks holds every block
// observed from before the first send to the end of the wait, in height order.
func buildReport(recs []*txRecord, blocks []blockRecord, rate float64) Report {
	r := Report{
		Planned:       len(recs),
		TargetRate:    rate,
		RejectReasons: map[string]int{},
		ExecFailures:  map[string]int{},
	}
	var lat, check, lag []time.Duration
	var firstSubmit, lastSubmit, firstCommit, lastCommit time.Time
	for _, t := range recs {
		if t.state == stateUnsent {
			continue
		}
		r.Submitted++
		if firstSubmit.IsZero() || t.submit.Before(firstSubmit) {
			firstSubmit = t.submit
		}
		if t.submit.After(lastSubmit) {
			lastSubmit = t.submit
		}
		check = append(check, t.checked.Sub(t.submit))
		if d := t.submit.Sub(t.scheduled); d > 0 {
			lag = append(lag, d)
		} else {
			lag = append(lag, 0)
		}
		switch {
		case t.committed:
			// A tx whose broadcast call failed may still have reached a mempool and been committed.
			r.Committed++
			if t.state == stateAccepted {
				r.Accepted++
			}
			if t.execCode == 0 {
				r.CommittedOK++
			} else {
				r.CommittedError++
				r.ExecFailures[normalizeReason(t.execReason)]++
			}
			lat = append(lat, t.commitAt.Sub(t.submit))
			if firstCommit.IsZero() || t.commitAt.Before(firstCommit) {
				firstCommit = t.commitAt
			}
			if t.commitAt.After(lastCommit) {
				lastCommit = t.commitAt
			}
		case t.state == stateAccepted:
			r.Accepted++
			r.Lost++
			if r.LostByNode == nil {
				r.LostByNode = map[string]int{}
			}
			r.LostByNode[fmt.Sprintf("node%d", t.node)]++
		default:
			r.Rejected++
			r.RejectReasons[normalizeReason(t.reason)]++
		}
	}
	if len(r.RejectReasons) == 0 {
		r.RejectReasons = nil
	}
	if len(r.ExecFailures) == 0 {
		r.ExecFailures = nil
	}
	r.Latency = latencyStats(lat)
	cs := latencyStats(check)
	r.CheckTxP50Ms, r.CheckTxP99Ms = cs.P50, cs.P99
	r.SendLagP99Ms = latencyStats(lag).P99
	if r.Submitted > 0 {
		r.SubmitWindowSec = lastSubmit.Sub(firstSubmit).Seconds()
		if r.SubmitWindowSec > 0 {
			r.SubmitRate = float64(r.Submitted-1) / r.SubmitWindowSec
		}
	}
	r.Blocks = blockStats(blocks)
	if r.Committed > 0 {
		r.CommitWindowSec = lastCommit.Sub(firstCommit).Seconds()
		if r.CommitWindowSec > 0 {
			r.CommittedTPS = float64(r.Committed) / r.CommitWindowSec
			first := 0
			for _, b := range blocks {
				if b.ours > 0 {
					first = b.ours
					break
				}
			}
			r.SteadyTPS = float64(r.Committed-first) / r.CommitWindowSec
		}
		if e2e := lastCommit.Sub(firstSubmit).Seconds(); e2e > 0 {
			r.EndToEndTPS = float64(r.Committed) / e2e
		}
	}
	return r
}

// blockStats summarises the blocks from the first to the last one holding a tx of the run.
func blockStats(blocks []blockRecord) BlockStats {
	var s BlockStats
	first, last := -1, -1
	for i, b := range blocks {
		if b.viaPoll {
			s.GapsFilled++
		}
		if b.ours > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return s
	}
	win := blocks[first : last+1]
	s.FirstHeight, s.LastHeight = win[0].height, win[len(win)-1].height
	s.BlocksInWindow = len(win)
	s.TxsPerBlockMin = -1
	total := 0
	for _, b := range win {
		if b.ours == 0 {
			continue
		}
		s.Blocks++
		total += b.ours
		if s.TxsPerBlockMin < 0 || b.ours < s.TxsPerBlockMin {
			s.TxsPerBlockMin = b.ours
		}
		if b.ours > s.TxsPerBlockMax {
			s.TxsPerBlockMax = b.ours
		}
	}
	s.TxsPerBlockAvg = float64(total) / float64(s.Blocks)
	if len(win) > 1 {
		s.IntervalAvgMs = float64(win[len(win)-1].seen.Sub(win[0].seen)) / float64(time.Millisecond) / float64(len(win)-1)
	}
	return s
}

// printTable writes the human-readable report.
func printTable(w io.Writer, r Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, f string, a ...any) { fmt.Fprintf(tw, "%s\t"+f+"\n", append([]any{k}, a...)...) }
	row("chain / nodes / accounts", "%s / %d / %d", r.ChainID, r.Nodes, r.Accounts)
	row("target rate", "%.0f tx/s (%d txs planned)", r.TargetRate, r.Planned)
	row("submitted", "%d in %.2f s (%.1f tx/s achieved, send lag p99 %.0f ms)", r.Submitted, r.SubmitWindowSec, r.SubmitRate, r.SendLagP99Ms)
	row("broadcast_tx_sync", "p50 %.1f ms, p99 %.1f ms", r.CheckTxP50Ms, r.CheckTxP99Ms)
	row("accepted by CheckTx", "%d", r.Accepted)
	row("rejected", "%d", r.Rejected)
	row("resent to another node", "%d", r.Resent)
	for _, k := range sortedKeys(r.RejectReasons) {
		row("", "%6d  %s", r.RejectReasons[k], k)
	}
	row("committed", "%d (ok %d, failed in execution %d)", r.Committed, r.CommittedOK, r.CommittedError)
	for _, k := range sortedKeys(r.ExecFailures) {
		row("", "%6d  %s", r.ExecFailures[k], k)
	}
	row("lost", "%d (accepted, not committed within %s)", r.Lost, r.CommitWait)
	row("committed TPS", "%.1f over %.2f s first-to-last commit (steady %.1f, end-to-end %.1f)", r.CommittedTPS, r.CommitWindowSec, r.SteadyTPS, r.EndToEndTPS)
	l := r.Latency
	row("submit-to-commit", "p50 %.0f ms  p90 %.0f ms  p99 %.0f ms  (min %.0f, mean %.0f, max %.0f)", l.P50, l.P90, l.P99, l.Min, l.Mean, l.Max)
	b := r.Blocks
	row("blocks", "%d with txs of the run, heights %d..%d (%d blocks, interval %.0f ms)", b.Blocks, b.FirstHeight, b.LastHeight, b.BlocksInWindow, b.IntervalAvgMs)
	row("txs per block", "min %d  avg %.1f  max %d", max(b.TxsPerBlockMin, 0), b.TxsPerBlockAvg, b.TxsPerBlockMax)
	if b.GapsFilled > 0 {
		row("missed block events", "%d (fetched by height)", b.GapsFilled)
	}
	if r.LoadAvg != [2]float64{} {
		row("host load (1 min)", "%.2f before, %.2f after", r.LoadAvg[0], r.LoadAvg[1])
	}
	verdict := "MET"
	if !r.GoalMet {
		verdict = "NOT MET"
	}
	row("goal", "p50 <= %.0f ms and no lost tx: %s", r.GoalP50Ms, verdict)
	tw.Flush()
}

func sortedKeys(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if m[ks[i]] != m[ks[j]] {
			return m[ks[i]] > m[ks[j]]
		}
		return ks[i] < ks[j]
	})
	return ks
}
