package chainpins_test

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"

	"github.com/ipfs/go-cid"
	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/app/artifacts"
	"github.com/novacron/novacron/app/artifacts/chainpins"
	"github.com/novacron/novacron/cidcalc"
)

// fakeLister is the chain: whatever CIDs (and error) the test sets.
type fakeLister struct {
	mu   sync.Mutex
	cids []string
	err  error
}

func (f *fakeLister) set(err error, cids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cids, f.err = cids, err
}

func (f *fakeLister) List(context.Context) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.cids...), f.err
}

func openStore(t *testing.T) *artifacts.Embedded {
	t.Helper()
	e, err := artifacts.OpenEmbedded(context.Background(), artifacts.EmbeddedOptions{
		DataDir: t.TempDir(), Offline: true, Sync: false,
	})
	require.NoError(t, err)
	t.Cleanup(func() { e.Close() })
	return e
}

func randBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// add stores data (1 MiB = 4 chunks + a root, so GC has a DAG to walk).
func add(t *testing.T, e *artifacts.Embedded, data []byte, pin bool) string {
	t.Helper()
	res, err := e.Add(context.Background(), bytes.NewReader(data), artifacts.AddOptions{Pin: pin})
	require.NoError(t, err)
	return res.CID
}

func kinds(t *testing.T, e *artifacts.Embedded) map[string]string {
	t.Helper()
	pins, err := e.Pins(context.Background())
	require.NoError(t, err)
	out := map[string]string{}
	for _, p := range pins {
		out[p.CID] = p.Kind
	}
	return out
}

func chainPins(t *testing.T, e *artifacts.Embedded) []string {
	t.Helper()
	cs, err := e.ChainPins(context.Background())
	require.NoError(t, err)
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	sort.Strings(out)
	return out
}

func sorted(s ...string) []string {
	s = append([]string(nil), s...)
	sort.Strings(s)
	return s
}

func mustCID(t *testing.T, s string) cid.Cid {
	c, err := cid.Decode(s)
	require.NoError(t, err)
	return c
}

func TestReconcileAddRemoveUserPinsUntouched(t *testing.T) {
	ctx := context.Background()
	e := openStore(t)
	a := add(t, e, randBytes(1, 1<<20), false)
	b := add(t, e, randBytes(2, 1<<20), false)
	u := add(t, e, randBytes(3, 1<<20), true) // a user pin
	chain := &fakeLister{}
	r := &chainpins.Reconciler{Lister: chain, Store: e}

	// Chain references a and b (plus garbage, which is skipped).
	chain.set(nil, a, b, "not-a-cid", "")
	rep, err := r.Reconcile(ctx)
	require.NoError(t, err)
	require.Equal(t, chainpins.Report{Referenced: 2, Invalid: 2, Pinned: 2, Complete: true, Took: rep.Took}, rep)
	require.Equal(t, sorted(a, b), chainPins(t, e))
	require.Equal(t, map[string]string{a: artifacts.PinKindChain, b: artifacts.PinKindChain, u: artifacts.PinKindUser}, kinds(t, e))
	st, err := e.Stat(ctx, mustCID(t, a))
	require.NoError(t, err)
	require.True(t, st.ChainPinned)
	require.False(t, st.Pinned)

	// A second round with nothing changed does nothing.
	rep, err = r.Reconcile(ctx)
	require.NoError(t, err)
	require.Zero(t, rep.Pinned+rep.Unpinned+rep.Failed)

	// A user cannot unpin a chain pin.
	err = e.Unpin(ctx, mustCID(t, a))
	require.ErrorIs(t, err, artifacts.ErrNotPinned)
	require.Contains(t, err.Error(), "chain pin")

	// a is no longer referenced; u now is: u becomes user+chain.
	chain.set(nil, b, u)
	rep, err = r.Reconcile(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Pinned)
	require.Equal(t, 1, rep.Unpinned)
	require.Equal(t, sorted(b, u), chainPins(t, e))
	require.Equal(t, map[string]string{b: artifacts.PinKindChain, u: artifacts.PinKindBoth}, kinds(t, e))

	// Nothing referenced: chain pins go, the user pin of u stays.
	chain.set(nil)
	rep, err = r.Reconcile(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, rep.Unpinned)
	require.Empty(t, chainPins(t, e))
	require.Equal(t, map[string]string{u: artifacts.PinKindUser}, kinds(t, e))

	// A user unpin of u followed by a chain pin: independent kinds.
	chain.set(nil, u)
	_, err = r.Reconcile(ctx)
	require.NoError(t, err)
	require.NoError(t, e.Unpin(ctx, mustCID(t, u)))
	require.Equal(t, map[string]string{u: artifacts.PinKindChain}, kinds(t, e))
}

func TestReconcileFetchFailureRetried(t *testing.T) {
	ctx := context.Background()
	e := openStore(t) // offline: a CID not in the store cannot be fetched
	data := randBytes(4, 700_000)
	c, err := cidcalc.Compute(bytes.NewReader(data), cidcalc.KuboV1)
	require.NoError(t, err)
	chain := &fakeLister{}
	chain.set(nil, c.String())
	r := &chainpins.Reconciler{Lister: chain, Store: e}

	rep, err := r.Reconcile(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Failed)
	require.Zero(t, rep.Pinned)
	require.Empty(t, chainPins(t, e))

	// The bytes arrive (e.g. the quantum sink stores them, or a peer
	// comes online): the next round pins.
	res, err := e.Add(ctx, bytes.NewReader(data), artifacts.AddOptions{CIDVersion: 1})
	require.NoError(t, err)
	require.Equal(t, c.String(), res.CID)
	rep, err = r.Reconcile(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Pinned)
	require.Zero(t, rep.Failed)
	require.Equal(t, []string{c.String()}, chainPins(t, e))
}

// An incomplete listing pins what it has and unpins nothing.
func TestReconcileListErrorNeverUnpins(t *testing.T) {
	ctx := context.Background()
	e := openStore(t)
	a := add(t, e, randBytes(5, 300_000), false)
	b := add(t, e, randBytes(6, 300_000), false)
	chain := &fakeLister{}
	r := &chainpins.Reconciler{Lister: chain, Store: e}
	chain.set(nil, a)
	_, err := r.Reconcile(ctx)
	require.NoError(t, err)

	chain.set(errors.New("grpc: connection refused"), b)
	rep, err := r.Reconcile(ctx)
	require.NoError(t, err)
	require.False(t, rep.Complete)
	require.Equal(t, 1, rep.Pinned)
	require.Zero(t, rep.Unpinned)
	require.Equal(t, sorted(a, b), chainPins(t, e))
}

// GC keeps every block of chain-referenced DAGs and removes the rest; once
// the chain stops referencing a DAG, the next GC removes it.
func TestGCKeepsChainPins(t *testing.T) {
	ctx := context.Background()
	e := openStore(t)
	ref := add(t, e, randBytes(7, 1<<20), false)   // 4 chunks + root
	unref := add(t, e, randBytes(8, 1<<20), false) // 4 chunks + root
	user := add(t, e, randBytes(9, 300_000), true) // 2 chunks + root
	chain := &fakeLister{}
	chain.set(nil, ref)
	r := &chainpins.Reconciler{Lister: chain, Store: e}
	_, err := r.Reconcile(ctx)
	require.NoError(t, err)

	gc, err := e.GC(ctx)
	require.NoError(t, err)
	require.Equal(t, 5, gc.Removed) // unref's DAG only
	readAll := func(s string) error {
		rc, _, err := e.Cat(ctx, mustCID(t, s))
		if err != nil {
			return err
		}
		defer rc.Close()
		_, err = bytes.NewBuffer(nil).ReadFrom(rc)
		return err
	}
	require.NoError(t, readAll(ref))
	require.NoError(t, readAll(user))
	require.ErrorIs(t, readAll(unref), artifacts.ErrNotFound)

	chain.set(nil)
	rep, err := r.Reconcile(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, rep.Unpinned)
	gc, err = e.GC(ctx)
	require.NoError(t, err)
	require.Equal(t, 5, gc.Removed)
	require.ErrorIs(t, readAll(ref), artifacts.ErrNotFound)
	require.NoError(t, readAll(user))
}

// Run keeps going after failures and stops with its context.
func TestRunStopsWithContext(t *testing.T) {
	e := openStore(t)
	a := add(t, e, randBytes(10, 1000), false)
	chain := &fakeLister{}
	chain.set(nil, a)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		(&chainpins.Reconciler{Lister: chain, Store: e}).Run(ctx, 10e6) // 10ms
	}()
	require.Eventually(t, func() bool { return len(chainPins(t, e)) == 1 }, 5e9, 10e6)
	cancel()
	<-done
}
