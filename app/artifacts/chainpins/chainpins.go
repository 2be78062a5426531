// Package chainpins keeps the node's artifact store in step with chain
// state: every CID that chain state references (x/vmlifecycle VM images,
// x/quantumjob result artifacts) is pinned as a *chain pin*, and chain pins
// that nothing references any more are dropped, so `gc` can remove their
// blocks. User pins are never touched.
//
// It is node-side code, not consensus code: it reads chain state through
// the node's own gRPC query services, runs on its own goroutine, logs
// failures and retries them the next round. Nothing here can block or
// change a block.
package chainpins

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/novacron/novacron/app/artifacts"
	"github.com/novacron/novacron/cidcalc"
)

// Lister returns the CIDs chain state references now. When err != nil the
// list may be partial: what it holds is still pinned, but nothing is
// unpinned that round (an incomplete listing must never drop a pin).
type Lister interface {
	List(ctx context.Context) ([]string, error)
}

// Report summarises one round.
type Report struct {
	Referenced int // distinct valid CIDs the lister returned
	Invalid    int // strings that are not acceptable CIDs (skipped)
	Pinned     int // newly chain-pinned this round
	Unpinned   int // chain pins dropped this round
	Failed     int // pins/unpins that failed (retried next round)
	Complete   bool
	Took       time.Duration
}

// Reconciler compares the lister's CIDs with the store's chain pins.
type Reconciler struct {
	Lister Lister
	Store  artifacts.ChainPinner
	Log    artifacts.Logger
	// Concurrency bounds parallel pins (each may wait up to the fetch
	// timeout for a block nobody has); default 4.
	Concurrency int
}

// Reconcile runs one round: pin what is referenced and not yet chain-pinned
// (fetching from peers), then, if the listing was complete, unpin chain
// pins that are no longer referenced. Per-CID failures are logged and
// counted, not returned: the next round retries them. The error is the
// listing's or the store's.
func (r *Reconciler) Reconcile(ctx context.Context) (Report, error) {
	start := time.Now() // determinism-ok: node-side reconciler, outside consensus
	log := r.Log
	if log == nil {
		log = artifacts.NopLogger{}
	}
	var rep Report
	refs, listErr := r.Lister.List(ctx)
	rep.Complete = listErr == nil
	switch {
	case listErr == nil:
	case strings.Contains(listErr.Error(), "not ready"): // before the node's first block
		log.Info("chain pins: chain not ready yet; retrying next round")
	default:
		log.Error("chain pins: listing chain state failed; pinning what was listed, unpinning nothing this round", "err", listErr, "listed", len(refs))
	}
	want := map[string]cid.Cid{}
	for _, s := range refs {
		c, err := cidcalc.Parse(s)
		if err != nil {
			rep.Invalid++
			log.Debug("chain pins: skipping invalid CID in chain state", "cid", s, "err", err)
			continue
		}
		want[c.String()] = c
	}
	rep.Referenced = len(want)

	have, err := r.Store.ChainPins(ctx)
	if err != nil {
		rep.Took = time.Since(start)
		return rep, fmt.Errorf("chain pins: list store: %w", err)
	}
	haveSet := map[string]cid.Cid{}
	for _, c := range have {
		haveSet[c.String()] = c
	}

	var todo []cid.Cid
	for k, c := range want {
		if _, ok := haveSet[k]; !ok {
			todo = append(todo, c)
		}
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].String() < todo[j].String() })
	n := r.Concurrency
	if n <= 0 {
		n = 4
	}
	var (
		mu  sync.Mutex
		wg  sync.WaitGroup
		sem = make(chan struct{}, n)
	)
	for _, c := range todo {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			err := r.Store.PinChain(ctx, c)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				rep.Failed++
				log.Error("chain pins: pin failed; retrying next round", "cid", c.String(), "err", err)
				return
			}
			rep.Pinned++
			log.Info("chain pins: pinned", "cid", c.String())
		})
	}
	wg.Wait()

	if rep.Complete && ctx.Err() == nil {
		for k, c := range haveSet {
			if _, ok := want[k]; ok {
				continue
			}
			if err := r.Store.UnpinChain(ctx, c); err != nil {
				rep.Failed++
				log.Error("chain pins: unpin failed; retrying next round", "cid", k, "err", err)
				continue
			}
			rep.Unpinned++
			log.Info("chain pins: unpinned (no longer referenced by chain state)", "cid", k)
		}
	}
	rep.Took = time.Since(start)
	return rep, ctx.Err()
}

// Run reconciles after min(interval, 10s) and then every interval
// (measured from the end of a round, so rounds never overlap) until ctx
// ends. It never returns an
// error and recovers from panics: the node must not stop because of it.
func (r *Reconciler) Run(ctx context.Context, interval time.Duration) {
	log := r.Log
	if log == nil {
		log = artifacts.NopLogger{}
	}
	round := func() {
		defer func() {
			if p := recover(); p != nil {
				log.Error("chain pins: round panicked", "panic", p)
			}
		}()
		rep, err := r.Reconcile(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("chain pins: round failed", "err", err)
		}
		if rep.Pinned+rep.Unpinned+rep.Failed > 0 || !rep.Complete {
			log.Info("chain pins: round done", "referenced", rep.Referenced, "pinned", rep.Pinned,
				"unpinned", rep.Unpinned, "failed", rep.Failed, "invalid", rep.Invalid, "complete", rep.Complete, "took", rep.Took)
		} else {
			log.Debug("chain pins: up to date", "referenced", rep.Referenced, "took", rep.Took)
		}
	}
	t := time.NewTimer(min(interval, 10*time.Second))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			round()
			t.Reset(interval)
		}
	}
}
