package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
)

// commitInfo is where and when a tx hash was seen in a block.
type commitInfo struct {
	height int64
	seen   time.Time
	code   uint32
	log    string
}

// watcher records every block (and the hashes of its txs) of one node from the moment it starts:
// NewBlock events over the websocket, with gaps (missed or stalled events) fetched by height.
type watcher struct {
	c *rpchttp.HTTP

	mu     sync.Mutex
	last   int64
	blocks []blockRecord
	hashes [][]string // tx hashes per recorded block, parallel to blocks
	seen   map[string]commitInfo
}

func newWatcher(remote string) (*watcher, error) {
	c, err := rpchttp.New(remote, "/websocket")
	if err != nil {
		return nil, err
	}
	return &watcher{c: c, seen: map[string]commitInfo{}}, nil
}

// start subscribes to NewBlock and records blocks until ctx ends.
func (w *watcher) start(ctx context.Context) error {
	st, err := w.c.Status(ctx)
	if err != nil {
		return fmt.Errorf("status of %s: %w", w.c.Remote(), err)
	}
	w.last = st.SyncInfo.LatestBlockHeight
	if err := w.c.Start(); err != nil {
		return fmt.Errorf("websocket %s: %w", w.c.Remote(), err)
	}
	events, err := w.c.Subscribe(ctx, "benchtps", cmttypes.QueryForEvent(cmttypes.EventNewBlock).String(), 1000)
	if err != nil {
		return fmt.Errorf("subscribe NewBlock on %s: %w", w.c.Remote(), err)
	}
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case ev := <-events:
				now := time.Now()
				nb, ok := ev.Data.(cmttypes.EventDataNewBlock)
				if !ok || nb.Block == nil {
					continue
				}
				w.fill(ctx, nb.Block.Height-1)
				w.record(nb.Block.Height, now, nb.Block.Txs, nb.ResultFinalizeBlock.TxResults, false)
			case <-tick.C:
				// If the websocket stalls, fetch blocks by height (all but the newest, which the
				// event may still deliver).
				cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
				st, err := w.c.Status(cctx)
				cancel()
				if err == nil {
					w.fill(ctx, st.SyncInfo.LatestBlockHeight-1)
				}
			}
		}
	}()
	return nil
}

// fill fetches and records the blocks after the last recorded one up to height upTo.
func (w *watcher) fill(ctx context.Context, upTo int64) {
	for {
		w.mu.Lock()
		h := w.last + 1
		w.mu.Unlock()
		if h > upTo {
			return
		}
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		b, err := w.c.Block(cctx, &h)
		var res []*abci.ExecTxResult
		if err == nil {
			var br *ctypes.ResultBlockResults
			br, err = w.c.BlockResults(cctx, &h)
			if err == nil {
				res = br.TxsResults
			}
		}
		cancel()
		if err != nil {
			fmt.Fprintf(os.Stderr, "benchtps: fetch block %d: %v\n", h, err)
			return
		}
		w.record(h, time.Now(), b.Block.Txs, res, true)
	}
}

func (w *watcher) record(height int64, at time.Time, txs cmttypes.Txs, results []*abci.ExecTxResult, viaPoll bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if height <= w.last {
		return
	}
	w.last = height
	hs := make([]string, len(txs))
	for i, tx := range txs {
		hs[i] = fmt.Sprintf("%X", tx.Hash())
		ci := commitInfo{height: height, seen: at}
		if i < len(results) && results[i] != nil {
			ci.code, ci.log = results[i].Code, results[i].Log
		}
		w.seen[hs[i]] = ci
	}
	w.blocks = append(w.blocks, blockRecord{height: height, seen: at, txs: len(txs), viaPoll: viaPoll})
	w.hashes = append(w.hashes, hs)
}

func (w *watcher) lookup(hash string) (commitInfo, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	ci, ok := w.seen[hash]
	return ci, ok
}

// waitCommitted waits until every hash is in a block or the timeout passes; it returns the missing ones.
func (w *watcher) waitCommitted(hashes []string, timeout time.Duration) []string {
	deadline := time.Now().Add(timeout)
	for {
		var missing []string
		for _, h := range hashes {
			if _, ok := w.lookup(h); !ok {
				missing = append(missing, h)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			return missing
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// blocksWithOurs returns the recorded blocks with the count of txs whose hash is in ours.
func (w *watcher) blocksWithOurs(ours map[string]bool) []blockRecord {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]blockRecord, len(w.blocks))
	for i, b := range w.blocks {
		for _, h := range w.hashes[i] {
			if ours[h] {
				b.ours++
			}
		}
		out[i] = b
	}
	return out
}

// loadPlan is the pre-signed load: tx k goes to node nodeOf[k] through worker workerOf[k].
type loadPlan struct {
	txs      [][]byte
	recs     []*txRecord
	workerOf []int
}

// broadcast sends the plan at rate tx/s. Each worker owns a fixed set of accounts and sends their
// txs in order over its own connection to one node, so one account's sequences reach one node's
// CheckTx in order; workers of all nodes run concurrently so a slow call does not stall the rate.
func broadcast(ctx context.Context, plan loadPlan, workers []*rpchttp.HTTP, workerNode []int, rate float64, sent *atomic.Int64, progress func()) {
	chans := make([]chan int, len(workers))
	var wg sync.WaitGroup
	for wi := range workers {
		chans[wi] = make(chan int, len(plan.txs))
		wg.Add(1)
		go func(wi int) {
			defer wg.Done()
			for k := range chans[wi] {
				rec := plan.recs[k]
				rec.node = workerNode[wi]
				rec.submit = time.Now()
				res, err := workers[wi].BroadcastTxSync(ctx, plan.txs[k])
				rec.checked = time.Now()
				switch {
				case err != nil:
					rec.state, rec.reason = stateRejected, "rpc: "+strings.TrimSpace(err.Error())
				case res.Code != 0:
					rec.state, rec.reason = stateRejected, fmt.Sprintf("%s/%d: %s", res.Codespace, res.Code, res.Log)
				default:
					rec.state = stateAccepted
				}
				sent.Add(1)
			}
		}(wi)
	}
	period := time.Duration(float64(time.Second) / rate)
	start := time.Now().Add(10 * time.Millisecond)
	nextProgress := start.Add(5 * time.Second)
	for k := range plan.txs {
		at := start.Add(time.Duration(k) * period)
		if d := time.Until(at); d > 0 {
			time.Sleep(d)
		}
		plan.recs[k].scheduled = at
		chans[plan.workerOf[k]] <- k
		if progress != nil && time.Now().After(nextProgress) {
			progress()
			nextProgress = nextProgress.Add(5 * time.Second)
		}
	}
	for _, c := range chans {
		close(c)
	}
	wg.Wait()
}
