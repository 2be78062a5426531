package artifacts

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/ipfs/go-cid"
	ds "github.com/ipfs/go-datastore"
	"github.com/stretchr/testify/require"
)

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 11))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// enospcDS fails every write with ENOSPC once `left` bytes are used up,
// as a full file system does.
type enospcDS struct {
	ds.Batching
	mu   sync.Mutex
	left int64
	puts int
}

func (d *enospcDS) Put(ctx context.Context, k ds.Key, v []byte) error {
	d.mu.Lock()
	if int64(len(v)) > d.left {
		d.mu.Unlock()
		return &os.PathError{Op: "write", Path: "blocks" + k.String(), Err: syscall.ENOSPC}
	}
	d.left -= int64(len(v))
	d.puts++
	d.mu.Unlock()
	return d.Batching.Put(ctx, k, v)
}

func (d *enospcDS) Batch(context.Context) (ds.Batch, error) { return ds.NewBasicBatch(d), nil }

func (d *enospcDS) setLeft(n int64) {
	d.mu.Lock()
	d.left = n
	d.mu.Unlock()
}

// checkFullDiskImport asserts the state a failed import must leave: the
// error says disk full, only the earlier pin exists, and gc reclaims the
// blocks written before the failure.
func checkFullDiskImport(t *testing.T, e *Embedded, big []byte, keep string) GCResult {
	t.Helper()
	ctx := context.Background()
	_, err := e.Add(ctx, bytes.NewReader(big), AddOptions{Pin: true})
	err0 := err
	require.Error(t, err)
	require.ErrorIs(t, err, ErrDiskFull)
	require.ErrorIs(t, err, syscall.ENOSPC)
	require.Contains(t, err.Error(), "no space left")
	require.Contains(t, err.Error(), "nothing was pinned")
	t.Log(err)
	pins, err := e.Pins(ctx)
	require.NoError(t, err)
	require.Len(t, pins, 1)
	require.Equal(t, keep, pins[0].CID)

	// The API reports it with its own code, and the client maps it back.
	require.Equal(t, codeDiskFull, errCode(err0))
	require.ErrorIs(t, codeErr(codeDiskFull), ErrDiskFull)

	// Whatever blocks the failed import managed to write are garbage now
	// (flatfs may also have discarded the failed batch itself).
	gc, err := e.GC(ctx)
	require.NoError(t, err)
	// The kept pin is intact.
	c, err := cid.Decode(keep)
	require.NoError(t, err)
	rc, _, err := e.Cat(ctx, c)
	require.NoError(t, err)
	_, err = io.Copy(io.Discard, rc)
	require.NoError(t, err)
	rc.Close()
	return gc
}

// TestDiskFullInjected: a block datastore that returns ENOSPC after 2 MiB.
func TestDiskFullInjected(t *testing.T) {
	ctx := context.Background()
	var fault *enospcDS
	e, err := OpenEmbedded(ctx, EmbeddedOptions{
		DataDir: t.TempDir(), Offline: true,
		wrapBlocks: func(b ds.Batching) ds.Batching {
			fault = &enospcDS{Batching: b, left: 1 << 40}
			return fault
		},
	})
	require.NoError(t, err)
	defer e.Close()

	small, err := e.Add(ctx, bytes.NewReader(randomBytes(1, 100_000)), AddOptions{Pin: true})
	require.NoError(t, err)
	fault.mu.Lock()
	before := fault.puts
	fault.mu.Unlock()

	fault.setLeft(2 << 20)
	big := randomBytes(2, 5<<20)
	gc := checkFullDiskImport(t, e, big, small.CID)
	fault.mu.Lock()
	written := fault.puts - before
	fault.mu.Unlock()
	// flatfs may discard a failed batch itself, so gc removes at most what was written
	// (and, with 2 MiB written, some of it); a second gc finds nothing left over.
	require.LessOrEqual(t, gc.Removed, written, "gc removes only blocks the failed import wrote")
	require.Positive(t, gc.Removed)
	again, err := e.GC(ctx)
	require.NoError(t, err)
	require.Zero(t, again.Removed, "no garbage left after one gc")

	// Space is back: the same import now succeeds with the same content.
	fault.setLeft(1 << 40)
	res, err := e.Add(ctx, bytes.NewReader(big), AddOptions{Pin: true})
	require.NoError(t, err)
	require.True(t, res.Pinned)
}

// TestDiskFullTmpfs: the real thing, on a 4 MiB tmpfs (needs root /
// CAP_SYS_ADMIN; skipped otherwise).
func TestDiskFullTmpfs(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a 4 MiB tmpfs (mount -t tmpfs -o size=4m); TestDiskFullInjected covers the logic")
	}
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=4m"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v; e.g. no CAP_SYS_ADMIN in this container); TestDiskFullInjected covers the logic", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	ctx := context.Background()
	data := filepath.Join(dir, "artifacts")
	open := func() *Embedded {
		e, err := OpenEmbedded(ctx, EmbeddedOptions{DataDir: data, Offline: true, Sync: true})
		require.NoError(t, err)
		t.Cleanup(func() { e.Close() }) // before the unmount (cleanups run last-in first-out)
		return e
	}
	free := func() uint64 {
		var st syscall.Statfs_t
		require.NoError(t, syscall.Statfs(dir, &st))
		return st.Bavail * uint64(st.Bsize)
	}
	e := open()
	small, err := e.Add(ctx, bytes.NewReader(randomBytes(3, 100_000)), AddOptions{Pin: true})
	require.NoError(t, err)
	freeBefore := free()

	checkFullDiskImport(t, e, randomBytes(4, 8<<20), small.CID)
	require.InDelta(t, float64(freeBefore), float64(free()), 64<<10, "gc gave the space back")

	// The store still works, and after a restart nothing of the failed
	// import is pinned.
	res, err := e.Add(ctx, bytes.NewReader(randomBytes(5, 1<<20)), AddOptions{Pin: true})
	require.NoError(t, err)
	require.NoError(t, e.Close())
	e = open()
	pins, err := e.Pins(ctx)
	require.NoError(t, err)
	var got []string
	for _, p := range pins {
		got = append(got, p.CID)
	}
	require.ElementsMatch(t, []string{small.CID, res.CID}, got)
}
