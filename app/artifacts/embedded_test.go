package artifacts_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipfs/boxo/datastore/dshelp"
	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/app/artifacts"
	"github.com/novacron/novacron/cidcalc"
	"github.com/novacron/novacron/internal/testgen"
)

func openNode(t *testing.T, dir string, online bool, timeout time.Duration) *artifacts.Embedded {
	t.Helper()
	opts := artifacts.EmbeddedOptions{DataDir: dir, FetchTimeout: timeout, Offline: !online}
	if online {
		opts.ListenAddrs = []string{"/ip4/127.0.0.1/tcp/0"}
	}
	n, err := artifacts.OpenEmbedded(context.Background(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { n.Close() })
	return n
}

func catAll(t *testing.T, b artifacts.Backend, c cid.Cid) ([]byte, error) {
	t.Helper()
	rc, _, err := b.Cat(context.Background(), c)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func TestAddCatPinGCOffline(t *testing.T) {
	ctx := context.Background()
	n := openNode(t, t.TempDir(), false, time.Second)
	data := testgen.Bytes("offline", 3*262144+17)

	for _, v := range []int{0, 1} {
		res, err := n.Add(ctx, bytes.NewReader(data), artifacts.AddOptions{CIDVersion: v, Pin: true})
		require.NoError(t, err)
		want, _ := cidcalc.ComputeBytes(data, must(cidcalc.ProfileForVersion(v)))
		require.Equal(t, want.String(), res.CID, "stored CID equals computed CID")
		require.EqualValues(t, len(data), res.Size)

		got, err := catAll(t, n, want)
		require.NoError(t, err)
		require.True(t, bytes.Equal(data, got))

		st, err := n.Stat(ctx, want)
		require.NoError(t, err)
		require.Equal(t, artifacts.Stat{CID: want.String(), Type: "file", Size: int64(len(data)), CumulativeSize: st.CumulativeSize, Links: 4, Local: true, Pinned: true}, st)
	}
	pins, err := n.Pins(ctx)
	require.NoError(t, err)
	require.Len(t, pins, 2)
	for _, p := range pins {
		require.EqualValues(t, len(data), p.Size)
	}

	// Unpinned content is collected; pinned content survives.
	extra, err := n.Add(ctx, strings.NewReader("scratch"), artifacts.AddOptions{Pin: false})
	require.NoError(t, err)
	gc, err := n.GC(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, gc.Removed)
	_, err = catAll(t, n, cid.MustParse(extra.CID))
	require.ErrorIs(t, err, artifacts.ErrNotFound)
	for _, p := range pins {
		_, err := catAll(t, n, cid.MustParse(p.CID))
		require.NoError(t, err)
	}

	// Unpin everything: GC empties the store (v0: 4 leaves + root, v1: 4 raw leaves + root).
	for _, p := range pins {
		require.NoError(t, n.Unpin(ctx, cid.MustParse(p.CID)))
	}
	require.ErrorIs(t, n.Unpin(ctx, cid.MustParse(pins[0].CID)), artifacts.ErrNotPinned)
	gc, err = n.GC(ctx)
	require.NoError(t, err)
	require.Equal(t, 10, gc.Removed)
	require.Greater(t, gc.Freed, int64(2*len(data)))
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestCorruptBlock flips a byte in a block file on disk: reads must fail
// naming the block instead of returning wrong bytes.
func TestCorruptBlock(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	n := openNode(t, dir, false, time.Second)
	data := testgen.Bytes("corrupt", 2*262144)
	res, err := n.Add(ctx, bytes.NewReader(data), artifacts.AddOptions{CIDVersion: 1, Pin: true})
	require.NoError(t, err)

	// Find a leaf block file (flatfs: blocks/<shard>/<KEY>.data) and damage it.
	var victim string
	filepath.WalkDir(filepath.Join(dir, "blocks"), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".data") {
			if fi, _ := d.Info(); fi.Size() == 262144 && victim == "" {
				victim = p
			}
		}
		return nil
	})
	require.NotEmpty(t, victim)
	raw, err := os.ReadFile(victim)
	require.NoError(t, err)
	raw[1000] ^= 0xff
	require.NoError(t, os.WriteFile(victim, raw, 0o600))

	got, err := catAll(t, n, cid.MustParse(res.CID))
	require.ErrorIs(t, err, artifacts.ErrCorrupt)
	var ce *artifacts.CorruptBlockError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, dshelp.MultihashToDsKey(ce.CID.Hash()).String()[1:]+".data", filepath.Base(victim), "error names the damaged block")
	require.Contains(t, err.Error(), ce.CID.String())
	require.Less(t, len(got), len(data), "corrupt data must not be served")
	require.EqualValues(t, 1, n.CorruptBlocks())

	// GC does not read raw leaves (they have no links), so it still runs
	// and keeps the pinned (damaged) blocks for an operator to repair.
	_, err = n.GC(ctx)
	require.NoError(t, err)
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	n := openNode(t, t.TempDir(), true, 300*time.Millisecond)

	// Unknown CID: clear not-found after the bounded timeout.
	unknown, _ := cidcalc.CIDv0([]byte("nobody has this"))
	start := time.Now()
	_, _, err := n.Cat(ctx, unknown)
	require.ErrorIs(t, err, artifacts.ErrNotFound)
	require.Contains(t, err.Error(), unknown.String())
	require.Contains(t, err.Error(), "300ms")
	require.Less(t, time.Since(start), 5*time.Second)
	require.ErrorIs(t, n.Pin(ctx, unknown), artifacts.ErrNotFound)
	_, err = n.Stat(ctx, unknown)
	require.ErrorIs(t, err, artifacts.ErrNotFound)

	// A CID our store cannot hold (identity hash) is rejected up front.
	_, _, err = n.Cat(ctx, cid.NewCidV1(cid.Raw, must(cidMH("identity"))))
	require.ErrorIs(t, err, artifacts.ErrInvalidCID)

	// Unreadable input midway: error, and no pin left behind.
	boom := errors.New("read error: input/output error")
	_, err = n.Add(ctx, io.MultiReader(testgen.Reader("partial", 20<<20), errReader{boom}), artifacts.AddOptions{Pin: true})
	require.ErrorIs(t, err, boom)
	pins, err := n.Pins(ctx)
	require.NoError(t, err)
	require.Empty(t, pins, "no partial artifact pinned")
	gc, err := n.GC(ctx)
	require.NoError(t, err)
	require.Positive(t, gc.Removed, "chunks flushed before the failure are garbage")
	gc, err = n.GC(ctx)
	require.NoError(t, err)
	require.Zero(t, gc.Removed, "store is empty again")

	// Bad profile.
	_, err = n.Add(ctx, strings.NewReader("x"), artifacts.AddOptions{CIDVersion: 7})
	require.Error(t, err)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func cidMH(s string) ([]byte, error) {
	return append([]byte{0x00, byte(len(s))}, s...), nil
}

// TestTwoNodesBitswap adds on A and gets on B over libp2p, byte-identical;
// B finds A through its configured peers list (peering service).
func TestTwoNodesBitswap(t *testing.T) {
	ctx := context.Background()
	a := openNode(t, t.TempDir(), true, 10*time.Second)
	info, err := a.ID(ctx)
	require.NoError(t, err)
	b, err := artifacts.OpenEmbedded(ctx, artifacts.EmbeddedOptions{
		DataDir: t.TempDir(), ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"},
		Peers: info.Addrs[:1], FetchTimeout: 10 * time.Second,
	})
	require.NoError(t, err)
	defer b.Close()

	data := testgen.Bytes("two-nodes", 5<<20+123)
	res, err := a.Add(ctx, bytes.NewReader(data), artifacts.AddOptions{Pin: true})
	require.NoError(t, err)
	c := cid.MustParse(res.CID)

	// Peering dials in the background; wait for the connection.
	aID := must(peer.Decode(info.ID))
	require.Eventually(t, func() bool { return len(b.Host().Network().ConnsToPeer(aID)) > 0 }, 20*time.Second, 50*time.Millisecond)

	got, err := catAll(t, b, c)
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, got), "byte-identical")

	require.NoError(t, b.Pin(ctx, c))
	st, err := b.Stat(ctx, c)
	require.NoError(t, err)
	require.True(t, st.Pinned)
	require.True(t, st.Local)
	peers, err := b.Peers(ctx)
	require.NoError(t, err)
	require.Len(t, peers, 1)
	require.True(t, peers[0].Connected && peers[0].Configured)

	// Once pinned on B, A can forget it and B still serves it.
	require.NoError(t, a.Unpin(ctx, c))
	_, err = a.GC(ctx)
	require.NoError(t, err)
	got, err = catAll(t, b, c)
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, got))
}
