package app

import (
	"bytes"
	"context"
	"fmt"
	"sync/atomic"

	dbm "github.com/cosmos/cosmos-db"
	"golang.org/x/sync/errgroup"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/server"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"

	"github.com/novacron/novacron/app/artifacts"
	"github.com/novacron/novacron/app/artifacts/chainpins"
	"github.com/novacron/novacron/app/heal"
	"github.com/novacron/novacron/app/heal/prober"
	quantumjobtypes "github.com/novacron/novacron/x/quantumjob/types"
)

// Node is the runtime of `novacrond start` beside the app: it builds the app (NewApp, the
// server's AppCreator) and then starts the services that run next to consensus
// (StartServices, the server's PostSetup), handing the app the artifact sink.
type Node struct {
	app atomic.Pointer[App]
}

// NewApp builds the node's app and keeps it for StartServices.
func (n *Node) NewApp(logger log.Logger, db dbm.DB, appOpts servertypes.AppOptions) servertypes.Application {
	a := New(logger, db, true, appOpts, server.DefaultBaseappOptions(appOpts)...)
	n.app.Store(a)
	return a
}

// NewNodeApp is an AppCreator for commands that open a node's database without running
// it (pruning, snapshots).
func NewNodeApp(logger log.Logger, db dbm.DB, appOpts servertypes.AppOptions) servertypes.Application {
	return New(logger, db, true, appOpts, server.DefaultBaseappOptions(appOpts)...)
}

// StartServices is `start`'s PostSetup: it runs the artifact service (IPFS blocks, bitswap,
// local API) beside the node, under the node's context: it stops when the node stops.
// Consensus never waits on it.
func (n *Node) StartServices(svrCtx *server.Context, clientCtx client.Context, ctx context.Context, g *errgroup.Group) error {
	cfg, err := artifacts.ReadConfig(svrCtx.Viper)
	if err != nil {
		return fmt.Errorf("app.toml [artifacts]: %w", err)
	}
	svc, err := artifacts.New(cfg, svrCtx.Config.RootDir, svrCtx.Logger.With("module", "artifacts"))
	if err != nil {
		return fmt.Errorf("artifacts: %w", err)
	}
	if err := svc.Start(ctx); err != nil {
		return fmt.Errorf("artifacts: %w", err)
	}
	if b, a := svc.Backend(), n.app.Load(); b != nil && a != nil {
		sink := &quantumArtifactSink{ctx: ctx, ch: make(chan quantumArtifact, 64), log: svrCtx.Logger.With("module", "quantumjob-artifacts")}
		g.Go(func() error { sink.run(b); return nil })
		a.SetArtifactSink(sink)
	}
	// Chain pins: pin what chain state references (read through this node's own gRPC
	// queries), unpin what it no longer does. Never returns an error to g: it must not stop
	// the node.
	chainPinsDone := make(chan struct{})
	if cp, ok := svc.Backend().(artifacts.ChainPinner); ok && cfg.ChainPinsInterval > 0 {
		rec := &chainpins.Reconciler{
			Lister: chainpins.NewGRPCLister(clientCtx),
			Store:  cp,
			Log:    svrCtx.Logger.With("module", "artifacts-chainpins"),
		}
		g.Go(func() error {
			defer close(chainPinsDone)
			rec.Run(ctx, cfg.ChainPinsInterval)
			return nil
		})
	} else {
		if svc.Backend() != nil && cfg.ChainPinsInterval > 0 {
			svrCtx.Logger.Info("artifacts: chain pins need the embedded backend; not reconciling", "backend", cfg.Backend)
		}
		close(chainPinsDone)
	}
	g.Go(func() error {
		<-ctx.Done()
		<-chainPinsDone // stop using the store before closing it
		return svc.Close()
	})
	return n.startProber(svrCtx, ctx, g)
}

// startProber runs x/heal's prober beside the node: it probes the tracked hosts of the last
// committed state and this validator's vote extensions carry its latest snapshot. It never
// stops the node.
func (n *Node) startProber(svrCtx *server.Context, ctx context.Context, g *errgroup.Group) error {
	cfg, err := heal.ReadConfig(svrCtx.Viper)
	if err != nil {
		return fmt.Errorf("app.toml [heal]: %w", err)
	}
	a := n.app.Load()
	if a == nil || !cfg.Enabled {
		return nil
	}
	p, err := prober.New(cfg, a.healTargets, svrCtx.Logger.With("module", "heal-prober"))
	if err != nil {
		return fmt.Errorf("heal prober: %w", err)
	}
	a.heal.staleAfter.Store(int64(3*cfg.ProbeInterval + cfg.Timeout))
	a.heal.prober.Store(p)
	g.Go(func() error {
		if err := p.Run(ctx); err != nil {
			svrCtx.Logger.Error("heal prober stopped", "err", err)
		}
		return nil
	})
	return nil
}

type quantumArtifact struct {
	cid  string
	data []byte
}

// maxQueuedArtifactBytes bounds the memory held by artifacts waiting to be stored: a 24-qubit
// dense distribution is 128 MiB, so a count bound alone would allow gigabytes.
const maxQueuedArtifactBytes = 512 << 20

// quantumArtifactSink stores finished quantum jobs' artifacts (whose CIDv1 is on chain) in the
// artifact service. Put is called from EndBlock: it only enqueues, and drops with a log line
// when the queue is full; storing happens on the run goroutine, outside consensus.
type quantumArtifactSink struct {
	ctx    context.Context
	ch     chan quantumArtifact
	log    log.Logger
	queued atomic.Int64 // bytes enqueued and not yet stored
}

var _ quantumjobtypes.ArtifactSink = (*quantumArtifactSink)(nil)

func (s *quantumArtifactSink) Put(cid string, data []byte) {
	if s.queued.Load()+int64(len(data)) > maxQueuedArtifactBytes {
		s.log.Error("queue full (bytes); quantum artifact not stored locally", "cid", cid, "size", len(data))
		return
	}
	select {
	case s.ch <- quantumArtifact{cid: cid, data: data}:
		s.queued.Add(int64(len(data)))
	case <-s.ctx.Done():
	default:
		s.log.Error("queue full; quantum artifact not stored locally", "cid", cid)
	}
}

// run adds (CIDv1, raw leaves, pinned; idempotent for replayed blocks) until the node stops.
func (s *quantumArtifactSink) run(b artifacts.Backend) {
	for {
		select {
		case <-s.ctx.Done():
			return
		case a := <-s.ch:
			s.store(b, a)
			s.queued.Add(-int64(len(a.data)))
		}
	}
}

func (s *quantumArtifactSink) store(b artifacts.Backend, a quantumArtifact) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("storing quantum artifact panicked", "cid", a.cid, "panic", r)
		}
	}()
	res, err := b.Add(s.ctx, bytes.NewReader(a.data), artifacts.AddOptions{CIDVersion: 1, Pin: true})
	switch {
	case err != nil:
		s.log.Error("storing quantum artifact failed", "cid", a.cid, "err", err)
	case res.CID != a.cid:
		s.log.Error("stored quantum artifact has a different CID than the chain", "chain_cid", a.cid, "stored_cid", res.CID)
	default:
		s.log.Debug("stored quantum artifact", "cid", res.CID, "size", res.Size)
	}
}
