package cli

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/cidcalc"
	"github.com/novacron/novacron/internal/testgen"
)

// checkHashOnly compares hashOnly with cidcalc.Compute (the chain's CID, pinned
// to kubo's vectors in cidcalc) for data, read both ways: pread from a file
// and streamed from a plain reader.
func checkHashOnly(t *testing.T, dir string, p cidcalc.Profile, data []byte) {
	t.Helper()
	want, err := cidcalc.Compute(bytes.NewReader(data), p)
	require.NoError(t, err)
	require.NoError(t, checkLeafCodec(p), "the fast path is the one tested")

	var seen int64
	got, err := hashOnly(bytes.NewReader(data), p, func(n int) { seen += int64(n) })
	require.NoError(t, err)
	require.Equal(t, want.String(), got.String(), "%s, %d bytes, streamed", p.Name, len(data))
	require.Equal(t, int64(len(data)), seen, "progress counts every byte")

	file := filepath.Join(dir, "in")
	require.NoError(t, os.WriteFile(file, data, 0o644))
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	got, err = hashOnly(f, p, nil)
	require.NoError(t, err)
	require.Equal(t, want.String(), got.String(), "%s, %d bytes, pread", p.Name, len(data))
	off, err := f.Seek(0, io.SeekCurrent)
	require.NoError(t, err)
	require.Equal(t, int64(len(data)), off, "offset left after the input")
}

// TestHashOnlyShapes covers every corner of balanced.Layout with tiny chunks
// and fan-outs: one leaf, exactly full nodes, one leaf past a full node, 3-5
// levels, a last chunk of every length, in each leaf and CID kind.
func TestHashOnlyShapes(t *testing.T) {
	dir := t.TempDir()
	const cs = 16
	for _, links := range []int{2, 3, 5, 174} {
		for _, kind := range []struct {
			v   int
			raw bool
		}{{0, false}, {1, false}, {1, true}} {
			p := cidcalc.Profile{Name: fmt.Sprintf("tiny-v%d-raw%t-%d", kind.v, kind.raw, links), CIDVersion: kind.v, ChunkSize: cs, MaxLinks: links, RawLeaves: kind.raw}
			sizes := map[int]bool{0: true, 1: true, cs - 1: true, cs: true, cs + 1: true, 2*cs + 7: true}
			for leaves := 1; leaves <= 130; leaves *= links {
				for _, d := range []int{-cs - 1, -cs, -1, 0, 1, cs - 1, cs, cs + 1} {
					if n := leaves*cs + d; n >= 0 {
						sizes[n] = true
					}
				}
			}
			for n := range sizes {
				checkHashOnly(t, dir, p, testgen.Bytes(fmt.Sprint("shape", n), int64(n)))
			}
		}
	}
}

// TestHashOnlyVectors runs the kubo vectors (cidcalc's TestVectors checks
// cidcalc.Compute against kubo's CIDs for exactly these inputs) and a file of
// several thousand leaves, so the in-flight window wraps many times.
func TestHashOnlyVectors(t *testing.T) {
	dir := t.TempDir()
	cases := append([]testgen.Case{}, testgen.Cases...)
	cases = append(cases, testgen.Case{Name: "tiny-chunks", Seed: "window", Size: 5000*16 + 3})
	for _, tc := range cases {
		if testing.Short() && tc.Size > 8<<20 {
			continue
		}
		data := testgen.Bytes(tc.Seed, tc.Size)
		for _, p := range []cidcalc.Profile{cidcalc.KuboV0, cidcalc.KuboV1, cidcalc.UnixFSV1_2025} {
			if tc.Name == "tiny-chunks" {
				p.ChunkSize, p.MaxLinks = 16, 7
			}
			checkHashOnly(t, dir, p, data)
		}
	}
}

// TestLeafCodecVarints: the written-out leaf encoding is boxo's block at every
// varint width of the chunk length and of the UnixFS message length, up to
// boxo's block size limit.
func TestLeafCodecVarints(t *testing.T) {
	for _, n := range []int{1, 2, 118, 119, 120, 127, 128, 129, 16370, 16371, 16383, 16384, 16385, 262143, 262144, 1<<20 - 1, 1 << 20} {
		data := testgen.Bytes(fmt.Sprint("leaf", n), int64(n))
		for _, p := range []cidcalc.Profile{cidcalc.KuboV0, cidcalc.KuboV1, {Name: "v1-pb", CIDVersion: 1, MaxLinks: 174}} {
			p.ChunkSize = int64(n)
			nd, err := cidcalc.Import(bytes.NewReader(data), nopDAG{}, p)
			require.NoError(t, err)
			require.Empty(t, nd.Links(), "one leaf")
			got, err := leafCodecFor(p, n).sum(sha256.New(), data)
			require.NoError(t, err)
			size, err := nd.Size()
			require.NoError(t, err)
			require.Equal(t, nd.Cid(), got.c, "%s, %d bytes", p.Name, n)
			require.Equal(t, size, got.tsize)
			require.Equal(t, uint64(n), got.fsize)
		}
	}
}

// TestHashOnlyOneWorker: GOMAXPROCS=1 (one worker) gives the same CID.
func TestHashOnlyOneWorker(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	checkHashOnly(t, t.TempDir(), cidcalc.KuboV0, testgen.Bytes("one", 3<<20+1))
}

// TestHashOnlyStdinOffset: stdin redirected from a file that was partly read
// already is hashed from its current offset, as a stream would be.
func TestHashOnlyStdinOffset(t *testing.T) {
	data := testgen.Bytes("offset", 1<<20+333)
	file := filepath.Join(t.TempDir(), "in")
	require.NoError(t, os.WriteFile(file, data, 0o644))
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	_, err = f.Seek(1000, io.SeekStart)
	require.NoError(t, err)
	want, err := cidcalc.Compute(bytes.NewReader(data[1000:]), cidcalc.KuboV1)
	require.NoError(t, err)
	got, err := hashOnly(f, cidcalc.KuboV1, nil)
	require.NoError(t, err)
	require.Equal(t, want, got)
}

type failAfter struct {
	r io.Reader
	n int
}

var errBroken = errors.New("broken pipe")

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errBroken
	}
	n, err := f.r.Read(p[:min(len(p), f.n)])
	f.n -= n
	return n, err
}

// TestHashOnlyReadError: a failing input is an error, never a CID.
func TestHashOnlyReadError(t *testing.T) {
	for _, after := range []int{0, 100, 5 << 20} {
		_, err := hashOnly(&failAfter{testgen.Reader("err", 10<<20), after}, cidcalc.KuboV0, nil)
		require.ErrorIs(t, err, errBroken)
	}
	_, err := hashOnly(bytes.NewReader(nil), cidcalc.Profile{Name: "bad", ChunkSize: 0, MaxLinks: 2}, nil)
	require.Error(t, err)
}

// TestHashOnlyKubo compares `add --only-hash` with real kubo (`ipfs add
// --only-hash -Q [--cid-version 1]`) on the vectors and a fresh random file
// of more than 174 chunks (two tree levels). Needs KUBO_BIN.
func TestHashOnlyKubo(t *testing.T) {
	k := testgen.NewKubo(t)
	dir := t.TempDir()
	cases := append(append([]testgen.Case{}, testgen.Cases...),
		testgen.Case{Name: "fresh-random", Seed: rand.Text(), Size: 175<<18 + mrand.Int64N(1<<18)})
	for _, tc := range cases {
		file := filepath.Join(dir, tc.Name)
		out, err := os.Create(file)
		require.NoError(t, err)
		_, err = io.Copy(out, testgen.Reader(tc.Seed, tc.Size))
		require.NoError(t, err)
		require.NoError(t, out.Close())
		for _, v := range []string{"0", "1"} {
			want := k.Run(nil, "add", "--only-hash", "-Q", "--cid-version", v, file)
			cmd := NewArtifactsCmd()
			var stdout bytes.Buffer
			cmd.SetOut(&stdout)
			cmd.SetArgs([]string{"add", "--only-hash", "--cid-version", v, file})
			require.NoError(t, cmd.Execute())
			require.Equal(t, want+"\n", stdout.String(), "%s v%s", tc.Name, v)
		}
	}
}
