package artifacts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ipfs/boxo/bitswap"
	bsnet "github.com/ipfs/boxo/bitswap/network/bsnet"
	"github.com/ipfs/boxo/blockservice"
	"github.com/ipfs/boxo/blockstore"
	"github.com/ipfs/boxo/exchange"
	dag "github.com/ipfs/boxo/ipld/merkledag"
	ft "github.com/ipfs/boxo/ipld/unixfs"
	uio "github.com/ipfs/boxo/ipld/unixfs/io"
	"github.com/ipfs/boxo/peering"
	pin "github.com/ipfs/boxo/pinning/pinner"
	"github.com/ipfs/boxo/pinning/pinner/dspinner"
	"github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	dsq "github.com/ipfs/go-datastore/query"
	flatfs "github.com/ipfs/go-ds-flatfs"
	leveldb "github.com/ipfs/go-ds-leveldb"
	ipld "github.com/ipfs/go-ipld-format"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/novacron/novacron/cidcalc"
)

// EmbeddedOptions configure an in-process boxo node.
type EmbeddedOptions struct {
	DataDir      string
	ListenAddrs  []string
	Peers        []string
	FetchTimeout time.Duration
	Sync         bool
	// Offline skips libp2p and bitswap: only the local store is used
	// (tests, `add` in maintenance scripts).
	Offline bool
	Logger  Logger

	// wrapBlocks, if set, wraps the block datastore (tests inject faults).
	wrapBlocks func(ds.Batching) ds.Batching
}

// Embedded is the default backend: a flatfs block store (one file per
// block, like kubo), a leveldb pin index, and bitswap over libp2p.
type Embedded struct {
	dataDir      string
	log          Logger
	fetchTimeout time.Duration

	blocksDS *flatfs.Datastore
	metaDS   *leveldb.Datastore
	verified *verifyingBlockstore
	bstore   blockstore.GCBlockstore

	host    host.Host
	bswap   *bitswap.Bitswap
	peering *peering.PeeringService
	peers   []peer.AddrInfo

	dag      ipld.DAGService // local store, then bitswap
	localDAG ipld.DAGService // local store only (GC, sizes)
	pinner   pin.Pinner

	corrupt   atomic.Int64
	retries   atomic.Int64 // block wants re-sent after half the fetch timeout
	closeOnce sync.Once
	closeErr  error
}

var (
	_ Backend     = (*Embedded)(nil)
	_ ChainPinner = (*Embedded)(nil)
)

// chainPinPrefix keys the chain pin set in the meta datastore (beside, and
// independent of, dspinner's own keys).
var chainPinPrefix = ds.NewKey("/novacron/chainpins")

func chainPinKey(c cid.Cid) ds.Key { return chainPinPrefix.ChildString(c.String()) }

// OpenEmbedded opens (creating on first use) the store under DataDir and,
// unless Offline, starts the libp2p host, bitswap and peering.
func OpenEmbedded(ctx context.Context, o EmbeddedOptions) (_ *Embedded, err error) {
	if o.Logger == nil {
		o.Logger = NopLogger{}
	}
	if o.FetchTimeout <= 0 {
		o.FetchTimeout = DefaultFetchTimeout
	}
	peers, err := ParsePeers(o.Peers)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("artifacts data dir: %w", err)
	}
	e := &Embedded{dataDir: o.DataDir, log: o.Logger, fetchTimeout: o.FetchTimeout, peers: peers}
	defer func() {
		if err != nil {
			e.Close()
		}
	}()

	// flatfs: next-to-last/2 sharding as kubo, so an operator can find and
	// inspect a block file by its CID.
	e.blocksDS, err = flatfs.CreateOrOpen(filepath.Join(o.DataDir, "blocks"), flatfs.NextToLast(2), o.Sync)
	if err != nil {
		return nil, fmt.Errorf("open block store: %w", err)
	}
	e.metaDS, err = leveldb.NewDatastore(filepath.Join(o.DataDir, "meta"), nil)
	if err != nil {
		return nil, fmt.Errorf("open pin index %s (is another novacrond using this home?): %w", filepath.Join(o.DataDir, "meta"), err)
	}
	var blocks ds.Batching = discardFailedBatches{e.blocksDS}
	if o.wrapBlocks != nil {
		blocks = o.wrapBlocks(blocks)
	}
	raw := blockstore.NewBlockstore(blocks, blockstore.NoPrefix())
	verified := &verifyingBlockstore{Blockstore: raw, onCorrupt: func(c cid.Cid) {
		e.corrupt.Add(1)
		e.log.Error("artifacts: corrupt block in store", "cid", c.String(), "dir", o.DataDir)
	}}
	e.verified = verified
	e.bstore = blockstore.NewGCBlockstore(verified, blockstore.NewGCLocker())

	var exch exchange.Interface
	if !o.Offline {
		sk, id, err := LoadOrCreateIdentity(o.DataDir)
		if err != nil {
			return nil, fmt.Errorf("libp2p identity: %w", err)
		}
		if e.host, err = newHost(sk, o.ListenAddrs); err != nil {
			return nil, fmt.Errorf("libp2p listen %v: %w", o.ListenAddrs, err)
		}
		// No content routing: wants are broadcast to connected peers
		// (the validators), which is all a permissioned chain needs.
		e.bswap = bitswap.New(context.WithoutCancel(ctx), bsnet.NewFromIpfsHost(e.host), nil, e.bstore)
		exch = e.bswap
		e.peering = peering.NewPeeringService(e.host)
		for _, p := range peers {
			e.peering.AddPeer(p)
		}
		if err := e.peering.Start(); err != nil {
			return nil, fmt.Errorf("peering: %w", err)
		}
		e.log.Info("artifacts: libp2p host started", "peer_id", id.String(), "addrs", p2pAddrs(e.host), "peers", len(peers))
	}
	e.dag = dag.NewDAGService(blockservice.New(e.bstore, exch))
	e.localDAG = dag.NewDAGService(blockservice.New(e.bstore, nil))
	e.pinner, err = dspinner.New(ctx, e.metaDS, e.dag)
	if err != nil {
		return nil, fmt.Errorf("open pinner: %w", err)
	}
	return e, nil
}

// Host exposes the libp2p host (nil when offline), e.g. for tests.
func (e *Embedded) Host() host.Host { return e.host }

// FetchRetries counts block wants re-sent after half the fetch timeout.
func (e *Embedded) FetchRetries() int64 { return e.retries.Load() }

// CorruptBlocks counts corrupt blocks seen since start.
func (e *Embedded) CorruptBlocks() int64 { return e.corrupt.Load() }

// Add imports r with the chosen profile. Blocks are written while the
// stream is read; the pin is recorded only after the last block is stored,
// so a failed import leaves no pin (its blocks are removed by the next GC).
func (e *Embedded) Add(ctx context.Context, r io.Reader, opts AddOptions) (AddResult, error) {
	p, err := opts.profile()
	if err != nil {
		return AddResult{}, err
	}
	// Hold off GC between writing the first block and pinning the root.
	unlock := e.bstore.PinLock(ctx)
	defer unlock.Unlock(ctx)

	cr := &countingReader{r: r}
	fd := &fencedDAG{DAGService: e.dag}
	batch := ipld.NewBufferedDAG(ctx, fd)
	nd, err := cidcalc.Import(cr, batch, p)
	if err != nil {
		// Stop and wait for the batch's in-flight writes before giving up
		// the pin lock, so the next GC sees (and removes) every orphaned
		// block.
		_ = batch.Commit()
		fd.fence()
		return AddResult{}, e.diskFull(fmt.Errorf("import failed after %d bytes: %w", cr.n, err))
	}
	if err := batch.Commit(); err != nil {
		fd.fence()
		return AddResult{}, e.diskFull(fmt.Errorf("store blocks: %w", err))
	}
	res := AddResult{CID: nd.Cid().String(), Size: cr.n}
	if opts.Pin {
		// Every block was just written under the pin lock, so the
		// recursive pin can be recorded without re-walking the DAG.
		if err := e.pinner.PinWithMode(ctx, nd.Cid(), pin.Recursive, ""); err != nil {
			return res, e.diskFull(fmt.Errorf("pin %s: %w", nd.Cid(), err))
		}
		if err := e.pinner.Flush(ctx); err != nil {
			// The pin may be in memory only; drop it so a restart and
			// this process agree that nothing was pinned.
			_ = e.pinner.Unpin(context.WithoutCancel(ctx), nd.Cid(), true)
			return res, e.diskFull(fmt.Errorf("pin %s: %w", nd.Cid(), err))
		}
		res.Pinned = true
	}
	return res, nil
}

// Cat streams an artifact. The root is fetched within FetchTimeout; after
// that, a read that waits longer than FetchTimeout for a block fails with
// a NotFoundError instead of hanging.
func (e *Embedded) Cat(ctx context.Context, c cid.Cid) (io.ReadCloser, Stat, error) {
	if err := cidcalc.Check(c); err != nil {
		return nil, Stat{}, fmt.Errorf("%w: %v", ErrInvalidCID, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	local, _ := e.bstore.Has(ctx, c)
	root, err := e.getNode(ctx, e.dag, c)
	if err != nil {
		cancel()
		return nil, Stat{}, err
	}
	st, err := e.statNode(ctx, root, local)
	if err != nil {
		cancel()
		return nil, Stat{}, err
	}
	dr, err := uio.NewDagReader(ctx, root, perNodeGetter{dag.NewSession(ctx, e.dag)})
	if err != nil {
		cancel()
		return nil, Stat{}, fmt.Errorf("%s: %w", c, err)
	}
	if !local && len(root.Links()) > 0 {
		// The reader's prefetch window is small, so over the network it is
		// latency-bound (~40 MB/s on loopback); a concurrent walk pulls the
		// rest of the DAG into the store ahead of it and the reader follows.
		// Walk errors surface through the reader.
		go func() { _ = e.fetchAll(ctx, c) }() // determinism-ok: node-side artifact service, outside consensus
	}
	return newWatchdogReader(dr, c, e.fetchTimeout, cancel), st, nil
}

// Pin fetches every block of c (each within FetchTimeout) and pins it.
func (e *Embedded) Pin(ctx context.Context, c cid.Cid) error {
	if err := cidcalc.Check(c); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidCID, err)
	}
	unlock := e.bstore.PinLock(ctx)
	defer unlock.Unlock(ctx)
	if err := e.fetchAll(ctx, c); err != nil {
		return err
	}
	if err := e.pinner.PinWithMode(ctx, c, pin.Recursive, ""); err != nil {
		return fmt.Errorf("pin %s: %w", c, err)
	}
	return e.pinner.Flush(ctx)
}

// fetchAll walks the DAG, fetching missing blocks through a bitswap session
// with a per-block timeout, so a large artifact may take as long as it
// needs while a stalled one fails promptly.
func (e *Embedded) fetchAll(ctx context.Context, root cid.Cid) error {
	sess := dag.NewSession(ctx, e.dag)
	getLinks := func(ctx context.Context, c cid.Cid) ([]*ipld.Link, error) {
		nd, err := e.getNode(ctx, sess, c)
		if err != nil {
			return nil, err
		}
		return nd.Links(), nil
	}
	seen := cid.NewSet()
	if err := dag.Walk(ctx, getLinks, root, seen.Visit, dag.Concurrent()); err != nil {
		return fmt.Errorf("fetch %s: %w", root, err)
	}
	return nil
}

// Unpin removes a recursive (or direct) pin.
func (e *Embedded) Unpin(ctx context.Context, c cid.Cid) error {
	if err := cidcalc.Check(c); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidCID, err)
	}
	if err := e.pinner.Unpin(ctx, c, true); err != nil {
		if errors.Is(err, pin.ErrNotPinned) {
			if ok, _ := e.metaDS.Has(ctx, chainPinKey(c)); ok {
				return fmt.Errorf("%s: %w by a user; it is a chain pin (referenced by chain state) and is unpinned by the node once nothing on chain references it", c, ErrNotPinned)
			}
			return fmt.Errorf("%s: %w", c, ErrNotPinned)
		}
		return err
	}
	return e.pinner.Flush(ctx)
}

// PinChain fetches the DAG of c and records it in the chain pin set. It
// does not create or change a user pin.
func (e *Embedded) PinChain(ctx context.Context, c cid.Cid) error {
	if err := cidcalc.Check(c); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidCID, err)
	}
	unlock := e.bstore.PinLock(ctx)
	defer unlock.Unlock(ctx)
	if err := e.fetchAll(ctx, c); err != nil {
		return err
	}
	if err := e.metaDS.Put(ctx, chainPinKey(c), nil); err != nil {
		return fmt.Errorf("chain pin %s: %w", c, err)
	}
	return e.metaDS.Sync(ctx, chainPinPrefix)
}

// UnpinChain removes c from the chain pin set; a user pin of c stays.
func (e *Embedded) UnpinChain(ctx context.Context, c cid.Cid) error {
	if err := e.metaDS.Delete(ctx, chainPinKey(c)); err != nil {
		return fmt.Errorf("chain unpin %s: %w", c, err)
	}
	return e.metaDS.Sync(ctx, chainPinPrefix)
}

// ChainPins lists the chain pin set.
func (e *Embedded) ChainPins(ctx context.Context) ([]cid.Cid, error) {
	res, err := e.metaDS.Query(ctx, dsq.Query{Prefix: chainPinPrefix.String(), KeysOnly: true})
	if err != nil {
		return nil, fmt.Errorf("list chain pins: %w", err)
	}
	defer res.Close()
	var out []cid.Cid
	for r := range res.Next() {
		if r.Error != nil {
			return nil, fmt.Errorf("list chain pins: %w", r.Error)
		}
		c, err := cid.Decode(ds.RawKey(r.Key).BaseNamespace())
		if err != nil {
			e.log.Error("artifacts: ignoring malformed chain pin key", "key", r.Key, "err", err)
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// Pins lists recursive user pins and chain pins with their file sizes and
// kinds.
func (e *Embedded) Pins(ctx context.Context) ([]PinInfo, error) {
	var out []PinInfo
	idx := map[string]int{}
	add := func(c cid.Cid, kind string) {
		if i, ok := idx[c.String()]; ok {
			out[i].Kind = PinKindBoth
			return
		}
		info := PinInfo{CID: c.String(), Size: -1, Kind: kind}
		if nd, err := e.localDAG.Get(ctx, c); err == nil {
			if st, err := e.statNode(ctx, nd, true); err == nil {
				info.Size = st.Size
			}
		}
		idx[info.CID] = len(out)
		out = append(out, info)
	}
	for sp := range e.pinner.RecursiveKeys(ctx, false) {
		if sp.Err != nil {
			return nil, sp.Err
		}
		add(sp.Pin.Key, PinKindUser)
	}
	chain, err := e.ChainPins(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range chain {
		add(c, PinKindChain)
	}
	return out, nil
}

// Stat describes c, fetching its root block if it is not local.
func (e *Embedded) Stat(ctx context.Context, c cid.Cid) (Stat, error) {
	if err := cidcalc.Check(c); err != nil {
		return Stat{}, fmt.Errorf("%w: %v", ErrInvalidCID, err)
	}
	local, err := e.bstore.Has(ctx, c)
	if err != nil {
		return Stat{}, err
	}
	nd, err := e.getNode(ctx, e.dag, c)
	if err != nil {
		return Stat{}, err
	}
	return e.statNode(ctx, nd, local)
}

func (e *Embedded) statNode(ctx context.Context, nd ipld.Node, local bool) (Stat, error) {
	st := Stat{CID: nd.Cid().String(), Local: local, Links: len(nd.Links())}
	var err error
	if st.CumulativeSize, err = nd.Size(); err != nil {
		return st, err
	}
	switch n := nd.(type) {
	case *dag.RawNode:
		st.Type, st.Size = "raw", int64(len(n.RawData()))
	case *dag.ProtoNode:
		fs, err := ft.FSNodeFromBytes(n.Data())
		if err != nil {
			return st, fmt.Errorf("%s is not a UnixFS node: %w", nd.Cid(), err)
		}
		st.Type, st.Size = fsType(fs), int64(fs.FileSize())
	default:
		st.Type = "unknown"
	}
	if _, st.Pinned, err = e.pinner.IsPinnedWithType(ctx, nd.Cid(), pin.Recursive); err != nil {
		return st, err
	}
	st.ChainPinned, err = e.metaDS.Has(ctx, chainPinKey(nd.Cid()))
	return st, err
}

func fsType(fs *ft.FSNode) string {
	switch fs.Type() {
	case ft.TFile, ft.TRaw:
		return "file"
	case ft.TDirectory, ft.THAMTShard:
		return "directory"
	case ft.TSymlink:
		return "symlink"
	default:
		return fs.Type().String()
	}
}

// GC deletes every block not reachable from a pin (user or chain). It holds the GC lock,
// so adds and pins wait, and aborts without deleting anything if a pinned
// DAG cannot be walked completely from the local store.
func (e *Embedded) GC(ctx context.Context) (GCResult, error) {
	unlock := e.bstore.GCLock(ctx)
	defer unlock.Unlock(ctx)

	// The store is keyed by multihash and lists keys as raw CIDs, so mark
	// multihashes, not CIDs.
	var mu sync.Mutex
	marked := map[string]struct{}{}
	visit := func(c cid.Cid) bool {
		mu.Lock()
		defer mu.Unlock()
		k := string(c.Hash())
		if _, ok := marked[k]; ok {
			return false
		}
		marked[k] = struct{}{}
		return true
	}
	listPins := func(keys <-chan pin.StreamedPin) ([]cid.Cid, error) {
		var out []cid.Cid
		for sp := range keys {
			if sp.Err != nil {
				return nil, fmt.Errorf("gc aborted, nothing deleted: list pins: %w", sp.Err)
			}
			out = append(out, sp.Pin.Key)
		}
		return out, nil
	}
	// Recursive pins keep their whole DAG; walk them first so a root that
	// is also direct-pinned is not marked before its children are.
	roots, err := listPins(e.pinner.RecursiveKeys(ctx, false))
	if err != nil {
		return GCResult{}, err
	}
	// Chain pins (CIDs referenced by chain state) are recursive too.
	chain, err := e.ChainPins(ctx)
	if err != nil {
		return GCResult{}, fmt.Errorf("gc aborted, nothing deleted: %w", err)
	}
	roots = append(roots, chain...)
	direct := dag.GetLinksDirect(e.localDAG)
	getLinks := func(ctx context.Context, c cid.Cid) ([]*ipld.Link, error) {
		if c.Type() == cid.Raw {
			return nil, nil // raw leaves have no links: skip reading them
		}
		return direct(ctx, c)
	}
	for _, r := range roots {
		if err := dag.Walk(ctx, getLinks, r, visit, dag.Concurrent()); err != nil {
			return GCResult{}, fmt.Errorf("gc aborted, nothing deleted: pinned DAG %s is incomplete locally: %w", r, err)
		}
	}
	// Direct and internal pins keep just their own block.
	for _, list := range []<-chan pin.StreamedPin{e.pinner.DirectKeys(ctx, false), e.pinner.InternalPins(ctx, false)} {
		keys, err := listPins(list)
		if err != nil {
			return GCResult{}, err
		}
		for _, k := range keys {
			visit(k)
		}
	}

	keys, done, err := e.verified.AllKeysChanWithErr(ctx)
	if err != nil {
		return GCResult{}, err
	}
	var res GCResult
	var errs []error
	for k := range keys {
		if _, ok := marked[string(k.Hash())]; ok {
			continue
		}
		size, _ := e.bstore.GetSize(ctx, k)
		if err := e.bstore.DeleteBlock(ctx, k); err != nil {
			errs = append(errs, fmt.Errorf("delete %s: %w", k, err))
			continue
		}
		res.Removed++
		res.Freed += int64(size)
	}
	if err := done(); err != nil {
		errs = append(errs, fmt.Errorf("list blocks: %w", err))
	}
	return res, errors.Join(errs...)
}

// Peers lists connected peers and configured peers (connected or not).
func (e *Embedded) Peers(ctx context.Context) ([]PeerInfo, error) {
	if e.host == nil {
		return nil, nil
	}
	byID := map[peer.ID]*PeerInfo{}
	var order []peer.ID
	get := func(id peer.ID) *PeerInfo {
		if p, ok := byID[id]; ok {
			return p
		}
		p := &PeerInfo{ID: id.String()}
		byID[id] = p
		order = append(order, id)
		return p
	}
	for _, id := range e.host.Network().Peers() {
		p := get(id)
		p.Connected = true
		for _, c := range e.host.Network().ConnsToPeer(id) {
			p.Addrs = append(p.Addrs, c.RemoteMultiaddr().String())
		}
	}
	for _, ai := range e.peers {
		p := get(ai.ID)
		p.Configured = true
		if !p.Connected {
			for _, a := range ai.Addrs {
				p.Addrs = append(p.Addrs, a.String())
			}
		}
	}
	out := make([]PeerInfo, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	return out, nil
}

// ID returns the peer ID and dialable addresses of this node.
func (e *Embedded) ID(ctx context.Context) (NodeInfo, error) {
	info := NodeInfo{Backend: BackendEmbedded}
	if e.host != nil {
		info.ID = e.host.ID().String()
		info.Addrs = p2pAddrs(e.host)
	}
	return info, nil
}

// Connect dials a peer now (tests and `peers` tooling); configured peers
// are dialled by the peering service on their own.
func (e *Embedded) Connect(ctx context.Context, ai peer.AddrInfo) error {
	if e.host == nil {
		return errors.New("offline node")
	}
	return e.host.Connect(ctx, ai)
}

// Close stops networking and closes the stores; safe to call twice.
func (e *Embedded) Close() error {
	e.closeOnce.Do(func() {
		var errs []error
		if e.peering != nil {
			e.peering.Stop()
		}
		if e.bswap != nil {
			errs = append(errs, e.bswap.Close())
		}
		if e.host != nil {
			errs = append(errs, e.host.Close())
		}
		if e.pinner != nil {
			errs = append(errs, e.pinner.Close())
		}
		if e.metaDS != nil {
			errs = append(errs, e.metaDS.Close())
		}
		if e.blocksDS != nil {
			errs = append(errs, e.blocksDS.Close())
		}
		e.closeErr = errors.Join(errs...)
	})
	return e.closeErr
}

// getNode fetches one node, bounded by FetchTimeout, mapping a timeout or
// an offline miss to NotFoundError.
//
// The wait is split in two attempts: a want that is still pending after
// half the timeout is cancelled and sent again. A re-fetch of a block this
// node had fetched before and garbage-collected sometimes stalls on the
// first want (see "Known issues" in the README); the second one has been
// answered.
func (e *Embedded) getNode(ctx context.Context, ng ipld.NodeGetter, c cid.Cid) (ipld.Node, error) {
	deadline := time.Now().Add(e.fetchTimeout) // determinism-ok: node-side fetch timeout, outside consensus
	var (
		nd  ipld.Node
		err error
	)
	for attempt := 0; attempt < 2; attempt++ {
		t := e.fetchTimeout / 2
		if attempt == 1 {
			t = time.Until(deadline)
		}
		tctx, cancel := context.WithTimeout(ctx, t)
		nd, err = ng.Get(tctx, c)
		cancel()
		if err == nil {
			return nd, nil
		}
		if ctx.Err() != nil || !errors.Is(err, context.DeadlineExceeded) {
			break // cancelled by the caller, or a definite answer (offline miss, corrupt block)
		}
		if attempt == 0 {
			e.retries.Add(1)
		}
	}
	if ctx.Err() == nil && (errors.Is(err, context.DeadlineExceeded) || ipld.IsNotFound(err)) {
		return nil, &NotFoundError{CID: c, Timeout: e.fetchTimeout}
	}
	return nil, err
}

// discardFailedBatches discards a batch whose Commit fails. boxo's
// blockstore never does, and a failed flatfs batch (e.g. ENOSPC in one of
// its writes) would otherwise leave all its files in blocks/.temp until
// the next restart: space that gc cannot see, on a disk that is full.
type discardFailedBatches struct{ ds.Batching }

func (d discardFailedBatches) Batch(ctx context.Context) (ds.Batch, error) {
	b, err := d.Batching.Batch(ctx)
	if err != nil {
		return nil, err
	}
	return discardOnFail{b}, nil
}

type discardOnFail struct{ ds.Batch }

func (b discardOnFail) Commit(ctx context.Context) error {
	err := b.Batch.Commit(ctx)
	if err != nil {
		if d, ok := b.Batch.(interface{ Discard(context.Context) error }); ok {
			_ = d.Discard(context.WithoutCancel(ctx))
		}
	}
	return err
}

// fencedDAG lets a failed import stop the writes go-ipld-format's Batch
// may still have in flight: its Commit returns at the first failed commit
// while other commits (and goroutines not yet started) go on writing, which
// would land blocks after the pin lock is released and outlive the next GC.
// After fence, Add and AddMany write nothing, and fence waits for the calls
// already writing.
type fencedDAG struct {
	ipld.DAGService
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

var errFenced = errors.New("import abandoned")

func (f *fencedDAG) enter() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.wg.Add(1)
	return true
}

func (f *fencedDAG) Add(ctx context.Context, n ipld.Node) error {
	if !f.enter() {
		return errFenced
	}
	defer f.wg.Done()
	return f.DAGService.Add(ctx, n)
}

func (f *fencedDAG) AddMany(ctx context.Context, ns []ipld.Node) error {
	if !f.enter() {
		return errFenced
	}
	defer f.wg.Done()
	return f.DAGService.AddMany(ctx, ns)
}

func (f *fencedDAG) fence() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.wg.Wait()
}

// diskFull marks an error caused by ENOSPC with ErrDiskFull and says what
// state the store is left in.
func (e *Embedded) diskFull(err error) error {
	if !errors.Is(err, syscall.ENOSPC) {
		return err
	}
	return fmt.Errorf("%w: no space left on the file system of %s; nothing was pinned, and the blocks written so far are removed by the next gc (free space first): %w",
		ErrDiskFull, e.dataDir, err)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// watchdogReader cancels the fetch when one Read waits longer than
// timeout for blocks; a slow consumer does not count against it.
type watchdogReader struct {
	r       io.ReadCloser
	root    cid.Cid
	timeout time.Duration
	timer   *time.Timer
	cancel  context.CancelFunc
	stalled atomic.Bool
}

func newWatchdogReader(r io.ReadCloser, root cid.Cid, timeout time.Duration, cancel context.CancelFunc) *watchdogReader {
	w := &watchdogReader{r: r, root: root, timeout: timeout, cancel: cancel}
	w.timer = time.AfterFunc(time.Hour, func() {
		w.stalled.Store(true)
		cancel()
	})
	w.timer.Stop()
	return w
}

func (w *watchdogReader) Read(p []byte) (int, error) {
	w.timer.Reset(w.timeout)
	n, err := w.r.Read(p)
	w.timer.Stop()
	if err != nil && err != io.EOF {
		if w.stalled.Load() {
			return n, &NotFoundError{CID: w.root, Timeout: w.timeout}
		}
		return n, fmt.Errorf("read %s: %w", w.root, err)
	}
	return n, err
}

func (w *watchdogReader) Close() error {
	w.timer.Stop()
	w.cancel()
	return w.r.Close()
}

// perNodeGetter turns GetMany into concurrent Gets. The DAG reader's
// prefetch uses GetMany, whose batch path drops the per-block error (a
// corrupt block surfaces only as "failed to fetch all nodes"); single Gets
// keep it. The reader asks for a small window at a time, so the fan-out is
// bounded.
type perNodeGetter struct{ ipld.NodeGetter }

func (g perNodeGetter) GetMany(ctx context.Context, cids []cid.Cid) <-chan *ipld.NodeOption {
	out := make(chan *ipld.NodeOption, len(cids))
	var wg sync.WaitGroup
	for _, c := range cids {
		wg.Go(func() {
			nd, err := g.Get(ctx, c)
			out <- &ipld.NodeOption{Node: nd, Err: err}
		})
	}
	go func() { // determinism-ok: node-side artifact service, outside consensus
		wg.Wait()
		close(out)
	}()
	return out
}
