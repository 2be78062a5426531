package artifacts_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/app/artifacts"
	"github.com/novacron/novacron/internal/testgen"
)

// BenchmarkAdd imports 64 MiB into a fresh on-disk store and pins it.
func BenchmarkAdd(b *testing.B) {
	for _, sync := range []bool{false, true} {
		name := "nosync"
		if sync {
			name = "sync"
		}
		b.Run(name, func(b *testing.B) {
			data := testgen.Bytes("bench-add", 64<<20)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				b.StopTimer()
				n, err := artifacts.OpenEmbedded(context.Background(), artifacts.EmbeddedOptions{DataDir: b.TempDir(), Offline: true, Sync: sync})
				require.NoError(b, err)
				b.StartTimer()
				if _, err := n.Add(context.Background(), bytes.NewReader(data), artifacts.AddOptions{Pin: true}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				n.Close()
				b.StartTimer()
			}
		})
	}
}

// BenchmarkCatLocal reads 64 MiB back with per-block verification.
func BenchmarkCatLocal(b *testing.B) {
	n, err := artifacts.OpenEmbedded(context.Background(), artifacts.EmbeddedOptions{DataDir: b.TempDir(), Offline: true})
	require.NoError(b, err)
	defer n.Close()
	data := testgen.Bytes("bench-cat", 64<<20)
	res, err := n.Add(context.Background(), bytes.NewReader(data), artifacts.AddOptions{Pin: true})
	require.NoError(b, err)
	c := cid.MustParse(res.CID)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		rc, _, err := n.Cat(context.Background(), c)
		require.NoError(b, err)
		if _, err := io.Copy(io.Discard, rc); err != nil {
			b.Fatal(err)
		}
		rc.Close()
	}
}

// BenchmarkBitswap100MiB moves 100 MiB from node A to a fresh node B over
// libp2p on loopback (TCP): "pin" fetches the whole DAG (concurrent walk)
// and stores it, "cat" streams it through the DAG reader (`get`'s path).
func BenchmarkBitswap100MiB(b *testing.B) {
	ctx := context.Background()
	a, err := artifacts.OpenEmbedded(ctx, artifacts.EmbeddedOptions{DataDir: b.TempDir(), ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}})
	require.NoError(b, err)
	defer a.Close()
	res, err := a.Add(ctx, testgen.Reader("bench-bitswap", 100<<20), artifacts.AddOptions{Pin: true})
	require.NoError(b, err)
	c := cid.MustParse(res.CID)
	for _, mode := range []string{"pin", "cat"} {
		b.Run(mode, func(b *testing.B) {
			b.SetBytes(100 << 20)
			for b.Loop() {
				b.StopTimer()
				nb, err := artifacts.OpenEmbedded(ctx, artifacts.EmbeddedOptions{DataDir: b.TempDir(), ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}, FetchTimeout: 30 * time.Second})
				require.NoError(b, err)
				require.NoError(b, nb.Connect(ctx, peer.AddrInfo{ID: a.Host().ID(), Addrs: a.Host().Addrs()}))
				b.StartTimer()
				if mode == "pin" {
					err = nb.Pin(ctx, c)
				} else {
					var rc io.ReadCloser
					if rc, _, err = nb.Cat(ctx, c); err == nil {
						_, err = io.Copy(io.Discard, rc)
						rc.Close()
					}
				}
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				nb.Close()
				b.StartTimer()
			}
		})
	}
}
