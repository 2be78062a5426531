package artifacts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/app/artifacts"
	"github.com/novacron/novacron/cidcalc"
	"github.com/novacron/novacron/internal/testgen"
)

// TestKuboInteropBitswap runs a real kubo daemon (`ipfs init
// --profile=test`: loopback only, no bootstrap) next to an embedded node
// that has kubo in its peers list, and moves files both ways over bitswap.
// Needs KUBO_BIN (scripts/build-kubo.sh).
func TestKuboInteropBitswap(t *testing.T) {
	k := testgen.NewKubo(t)
	apiAddr := k.StartDaemon()
	var id struct {
		ID        string
		Addresses []string
	}
	require.NoError(t, json.Unmarshal([]byte(k.Run(nil, "id")), &id))
	var kuboAddr string
	for _, a := range id.Addresses {
		if strings.HasPrefix(a, "/ip4/127.0.0.1/tcp/") {
			kuboAddr = a
		}
	}
	require.NotEmpty(t, kuboAddr, "kubo swarm address in %v", id.Addresses)

	ctx := context.Background()
	n, err := artifacts.OpenEmbedded(ctx, artifacts.EmbeddedOptions{
		DataDir: t.TempDir(), ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"},
		Peers: []string{kuboAddr}, FetchTimeout: 20 * time.Second,
	})
	require.NoError(t, err)
	defer n.Close()
	kuboID := must(peer.Decode(id.ID))
	require.Eventually(t, func() bool { return len(n.Host().Network().ConnsToPeer(kuboID)) > 0 },
		30*time.Second, 100*time.Millisecond, "peering service connects to kubo")

	// kubo -> us: a multi-layer file (more than 174 chunks) in each CID version.
	for _, v := range []string{"0", "1"} {
		data := testgen.Bytes("kubo-to-us-"+v, 174*262144+1000)
		kc := k.Run(bytes.NewReader(data), "add", "-Q", "--cid-version", v)
		c := must(cidcalc.Parse(kc))
		got, err := catAll(t, n, c)
		require.NoError(t, err)
		require.True(t, bytes.Equal(data, got), "v%s byte-identical", v)
		require.NoError(t, n.Pin(ctx, c))
	}

	// us -> kubo.
	data := testgen.Bytes("us-to-kubo", 3<<20+7)
	res, err := n.Add(ctx, bytes.NewReader(data), artifacts.AddOptions{CIDVersion: 1, Pin: true})
	require.NoError(t, err)
	cmd := k.Cmd("cat", "--timeout=60s", res.CID)
	got, err := cmd.Output()
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, got), "ipfs cat of our artifact is byte-identical")

	// The kubo RPC backend against the same daemon.
	kb, err := artifacts.NewKubo(apiAddr, 5*time.Second)
	require.NoError(t, err)
	testKuboBackend(t, kb)
}

func testKuboBackend(t *testing.T, kb *artifacts.Kubo) {
	ctx := context.Background()
	info, err := kb.ID(ctx)
	require.NoError(t, err)
	require.Equal(t, artifacts.BackendKubo, info.Backend)

	data := testgen.Bytes("kubo-backend", 2*262144+3)
	for _, v := range []int{0, 1} {
		res, err := kb.Add(ctx, bytes.NewReader(data), artifacts.AddOptions{CIDVersion: v, Pin: true})
		require.NoError(t, err)
		want, _ := cidcalc.ComputeBytes(data, must(cidcalc.ProfileForVersion(v)))
		require.Equal(t, want.String(), res.CID)
		require.EqualValues(t, len(data), res.Size)

		rc, st, err := kb.Cat(ctx, want)
		require.NoError(t, err)
		got, err := io.ReadAll(rc)
		rc.Close()
		require.NoError(t, err)
		require.True(t, bytes.Equal(data, got))
		require.EqualValues(t, len(data), st.Size)
		require.True(t, st.Pinned)
	}
	pins, err := kb.Pins(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, pins)

	scratch, err := kb.Add(ctx, strings.NewReader("scratch"), artifacts.AddOptions{Pin: false})
	require.NoError(t, err)
	gc, err := kb.GC(ctx)
	require.NoError(t, err)
	require.Positive(t, gc.Removed)
	require.ErrorIs(t, kb.Unpin(ctx, cid.MustParse(scratch.CID)), artifacts.ErrNotPinned)

	unknown, _ := cidcalc.CIDv0([]byte("no kubo has this"))
	_, _, err = kb.Cat(ctx, unknown)
	require.ErrorIs(t, err, artifacts.ErrNotFound)
	peers, err := kb.Peers(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, peers)
}
