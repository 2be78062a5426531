package artifacts_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/app/artifacts"
	"github.com/novacron/novacron/internal/testgen"
)

// TestRefetchAfterGC: B fetches an artifact from A, garbage-collects it,
// then pins it again. Known issue (boxo v0.43.0 bitswap): the re-fetch
// sometimes stalls on one block until the fetch timeout (seen in about 1
// of 3 runs on a loaded 2-CPU machine); a second attempt (a new bitswap
// session) has always succeeded. The chain-pin reconciler retries every
// round, so it recovers; a user sees one not-found from `pin`/`get`.
// This test pins that a retry succeeds, and logs when the first stalled.
func TestRefetchAfterGC(t *testing.T) {
	if testing.Short() {
		t.Skip("slow (10-20 s): two libp2p nodes, re-fetch after gc")
	}
	ctx := context.Background()
	a := openNode(t, t.TempDir(), true, 10*time.Second)
	info, err := a.ID(ctx)
	require.NoError(t, err)
	b, err := artifacts.OpenEmbedded(ctx, artifacts.EmbeddedOptions{
		DataDir: t.TempDir(), ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"},
		Peers: info.Addrs[:1], FetchTimeout: 5 * time.Second,
	})
	require.NoError(t, err)
	defer b.Close()
	aID := must(peer.Decode(info.ID))
	require.Eventually(t, func() bool { return len(b.Host().Network().ConnsToPeer(aID)) > 0 }, 20*time.Second, 50*time.Millisecond)
	for _, v := range []int{0, 1} {
		data := testgen.Bytes("refetch", int64(8<<20+v))
		res, err := a.Add(ctx, bytes.NewReader(data), artifacts.AddOptions{Pin: true, CIDVersion: v})
		require.NoError(t, err)
		c := cid.MustParse(res.CID)
		got, err := catAll(t, b, c)
		require.NoError(t, err)
		require.True(t, bytes.Equal(data, got))
		g, err := b.GC(ctx)
		require.NoError(t, err)
		t.Logf("v%d gc removed %d", v, g.Removed)
		before := b.FetchRetries()
		require.NoError(t, b.Pin(ctx, c), "v%d pin after gc", v)
		if n := b.FetchRetries() - before; n > 0 {
			t.Logf("v%d re-fetch after gc: %d block wants stalled and were re-sent", v, n)
		}
		require.NoError(t, b.Unpin(ctx, c))
		_, err = b.GC(ctx)
		require.NoError(t, err)
	}
}
