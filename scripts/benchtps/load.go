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

// unreachable reports an RPC error that means the node did not take the tx (down, paused past
// the timeout, restarting), as opposed to a CheckTx verdict.
func unreachable(err error) bool {
	s := err.Error()
	for _, m := range []string{"connection refused", "connection reset", "EOF", "deadline exceeded", "Client.Timeout", "no such host", "broken pipe"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// alreadyKnown reports the mempool's answer to a tx it already holds: a resend after a lost
// reply, which counts as accepted.
func alreadyKnown(err error) bool { return strings.Contains(err.Error(), "tx already exists in cache") }

// sendFailover broadcasts tx to node first and, while a node is unreachable, to the next ones in
// turn (one try each). A worker that failed over keeps using the node that answered (sticky),
// so one account's sequences still reach one node in order.
func sendFailover(ctx context.Context, nodes []*rpchttp.HTTP, first int, tx []byte) (*ctypes.ResultBroadcastTx, int, int, error) {
	var err error
	for k := 0; k < len(nodes); k++ {
		ni := (first + k) % len(nodes)
		var res *ctypes.ResultBroadcastTx
		res, err = nodes[ni].BroadcastTxSync(ctx, tx)
		switch {
		case err == nil:
			return res, ni, k, nil
		case alreadyKnown(err):
			return &ctypes.ResultBroadcastTx{}, ni, k, nil
		case !unreachable(err):
			return nil, ni, k, err
		}
	}
	return nil, first, len(nodes) - 1, err
}

// broadcast sends the plan at rate tx/s. Each worker owns a fixed set of accounts and sends their
// txs in order over its own connection to one node, so one account's sequences reach one node's
// CheckTx in order; workers of all nodes run concurrently so a slow call does not stall the rate.
// A tx whose node is unreachable is resent to the other nodes (nodeClients, one per node) and the
// worker stays on the node that took it; resent counts those txs.
func broadcast(ctx context.Context, plan loadPlan, workers []*rpchttp.HTTP, workerNode []int, nodeClients []*rpchttp.HTTP, rate float64, sent, resent *atomic.Int64, progress func()) {
	chans := make([]chan int, len(workers))
	var wg sync.WaitGroup
	for wi := range workers {
		chans[wi] = make(chan int, len(plan.txs))
		wg.Add(1)
		go func(wi int) {
			defer wg.Done()
			node := workerNode[wi]
			for k := range chans[wi] {
				rec := plan.recs[k]
				rec.submit = time.Now()
				var res *ctypes.ResultBroadcastTx
				var err error
				if node == workerNode[wi] {
					res, err = workers[wi].BroadcastTxSync(ctx, plan.txs[k])
				}
				if node != workerNode[wi] || (err != nil && unreachable(err)) {
					var hops int
					res, node, hops, err = sendFailover(ctx, nodeClients, node, plan.txs[k])
					if hops > 0 || node != workerNode[wi] {
						resent.Add(1)
					}
				}
				rec.node = node
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
