package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"

	dag "github.com/ipfs/boxo/ipld/merkledag"
	ft "github.com/ipfs/boxo/ipld/unixfs"
	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
	mh "github.com/multiformats/go-multihash"

	"github.com/novacron/novacron/cidcalc"
)

// hashOnly is `add --only-hash`: the CID cidcalc.Compute(in, p) returns, computed
// the way a user's machine can do it fastest. cidcalc.Compute (boxo's importer) is
// single-threaded and copies every chunk three times (splitter buffer, UnixFS
// wrapper, dag-pb encoding) into fresh allocations, so for a large file it was
// bound by one core, memcpy and the GC; its garbage also set the peak RSS.
// Here:
//
//   - Leaves are hashed in place, in parallel (one worker per GOMAXPROCS). A
//     leaf block is header ‖ chunk ‖ trailer whose header and trailer depend
//     only on the chunk length (leafCodecFor), so the chunk is hashed where
//     it was read, never copied into a block.
//   - A regular file is read with pread by the workers themselves into one
//     chunk buffer each: no read-ahead goroutine, no second copy, and the
//     page-cache copy runs on both cores. Other inputs (stdin) go through one
//     reader goroutine and a few recycled buffers.
//   - Internal nodes (one per MaxLinks leaves, a few KiB each) are built with
//     boxo's own ProtoNode and FSNode, in the order balanced.Layout builds
//     them (see tree).
//
// Memory is a few chunk buffers plus one path of the tree, whatever the file
// size. The CID is byte-identical to cidcalc.Compute's (onlyhash_test.go
// compares them over DAG shapes and kubo's vectors, and against kubo itself
// with KUBO_BIN).
func hashOnly(in io.Reader, p cidcalc.Profile, progress func(int)) (cid.Cid, error) {
	if err := p.Validate(); err != nil {
		return cid.Undef, err
	}
	if err := checkLeafCodec(p); err != nil {
		// Never print a CID boxo would not: take the slow path.
		return cidcalc.Compute(&countReader{in, progress}, p)
	}
	cs := int(p.ChunkSize)
	full := leafCodecFor(p, cs)
	workers := min(max(runtime.GOMAXPROCS(0), 1), 8)
	h := &hasher{p: p, cs: cs, full: full}
	// window bounds the leaves claimed but not yet linked into the tree, so
	// memory stays bounded however far the workers run ahead.
	const window = 64
	h.slots = make([]chan leafResult, window)
	for i := range h.slots {
		h.slots[i] = make(chan leafResult, 1)
	}
	h.tokens = make(chan struct{}, window)
	h.stop = make(chan struct{})

	var (
		wg         sync.WaitGroup
		readerDone chan struct{} // stream input only
	)
	// A regular file is read with pread from its current offset (0 unless it
	// is a stdin someone already read from).
	f, isFile := in.(*os.File)
	var base int64
	if isFile {
		fi, serr := f.Stat()
		isFile = serr == nil && fi.Mode().IsRegular()
	}
	if isFile {
		var serr error
		base, serr = f.Seek(0, io.SeekCurrent)
		isFile = serr == nil
	}
	if isFile {
		adviseSequential(f)
		var next atomic.Int64
		for range workers {
			wg.Add(1)
			go func() { // determinism-ok: CLI, outside consensus
				defer wg.Done()
				h.preadWorker(f, base, &next)
			}()
		}
	} else {
		jobs := make(chan leafJob, workers)
		free := make(chan []byte, workers+2)
		for range workers + 2 {
			free <- make([]byte, cs)
		}
		readerDone = make(chan struct{})
		go func() { // determinism-ok: CLI, outside consensus
			defer close(readerDone)
			defer close(jobs)
			h.streamReader(in, jobs, free)
		}()
		for range workers {
			wg.Add(1)
			go func() { // determinism-ok: CLI, outside consensus
				defer wg.Done()
				h.streamWorker(jobs, free)
			}()
		}
	}

	root, total, err := h.collect(progress)
	close(h.stop)
	wg.Wait()
	if err != nil {
		// A stream reader may sit in a Read of stdin: do not wait for it.
		return cid.Undef, err
	}
	if readerDone != nil {
		<-readerDone // it saw the end of the input
	}
	if isFile { // leave the offset after the input, as reading it would
		if _, err = f.Seek(base+total, io.SeekStart); err != nil {
			return cid.Undef, err
		}
	}
	if root.c == cid.Undef { // empty input: boxo's empty leaf
		return cidcalc.Compute(bytes.NewReader(nil), p)
	}
	return root.c, nil
}

// leafLink is what a parent needs of a child: its CID, cumulative block size
// (dag-pb Tsize) and file bytes (UnixFS blocksize).
type leafLink struct {
	c     cid.Cid
	tsize uint64
	fsize uint64
}

type leafResult struct {
	l   leafLink
	n   int // chunk bytes; < chunk size ends the file
	err error
}

type leafJob struct {
	k   int64
	buf []byte
	n   int
	err error
}

type hasher struct {
	p    cidcalc.Profile
	cs   int
	full *leafCodec // for full chunks

	// slots[k%len] carries leaf k to the collector. A worker takes a token
	// before it claims a leaf and the collector returns it once the leaf is
	// linked, so at most len(slots) leaves are in flight and slot k%len is
	// always empty when leaf k is claimed (leaf k-len was consumed).
	slots  []chan leafResult
	tokens chan struct{}
	stop   chan struct{}
}

func (h *hasher) acquire() bool {
	select {
	case h.tokens <- struct{}{}:
		return true
	case <-h.stop:
		return false
	}
}

func (h *hasher) preadWorker(f *os.File, base int64, next *atomic.Int64) {
	buf := make([]byte, h.cs)
	sh := sha256.New()
	for h.acquire() {
		k := next.Add(1) - 1
		n, err := f.ReadAt(buf, base+k*int64(h.cs))
		if err == io.EOF {
			err = nil
		}
		h.slots[k%int64(len(h.slots))] <- h.leaf(sh, buf[:n], err)
	}
}

func (h *hasher) streamReader(r io.Reader, jobs chan<- leafJob, free chan []byte) {
	for k := int64(0); h.acquire(); k++ {
		var buf []byte
		select {
		case buf = <-free:
		case <-h.stop:
			return
		}
		n, err := io.ReadFull(r, buf)
		last := err != nil
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			err = nil
		}
		select {
		case jobs <- leafJob{k: k, buf: buf, n: n, err: err}:
		case <-h.stop:
			return
		}
		if last {
			return
		}
	}
}

func (h *hasher) streamWorker(jobs <-chan leafJob, free chan<- []byte) {
	sh := sha256.New()
	for {
		var j leafJob
		select {
		case j = <-jobs:
		case <-h.stop: // the reader may be blocked in Read: do not wait for it
			return
		}
		if j.buf == nil { // jobs closed
			return
		}
		res := h.leaf(sh, j.buf[:j.n], j.err)
		free <- j.buf // never blocks: free holds every buffer
		h.slots[j.k%int64(len(h.slots))] <- res
	}
}

// leaf hashes one chunk as its leaf block.
func (h *hasher) leaf(sh hash.Hash, data []byte, err error) leafResult {
	if err != nil || len(data) == 0 {
		return leafResult{n: len(data), err: err}
	}
	codec := h.full
	if len(data) != h.cs { // the last chunk: its header holds another length
		codec = leafCodecFor(h.p, len(data))
	}
	l, err := codec.sum(sh, data)
	return leafResult{l: l, n: len(data), err: err}
}

// collect links the leaves into the tree in file order and returns the root
// (cid.Undef for an empty input) and the number of bytes hashed.
func (h *hasher) collect(progress func(int)) (leafLink, int64, error) {
	t, err := newTree(h.p)
	if err != nil {
		return leafLink{}, 0, err
	}
	var total int64
	for k := 0; ; k++ {
		r := <-h.slots[k%len(h.slots)]
		<-h.tokens
		if r.err != nil {
			return leafLink{}, 0, r.err
		}
		if r.n == 0 {
			break
		}
		total += int64(r.n)
		if progress != nil {
			progress(r.n)
		}
		if err := t.add(0, r.l); err != nil {
			return leafLink{}, 0, err
		}
		if r.n < h.cs {
			break
		}
	}
	root, err := t.root()
	return root, total, err
}

// leafCodec is the encoding of a leaf block holding n chunk bytes:
// prefix ‖ chunk ‖ suffix.
type leafCodec struct {
	prefix, suffix []byte
	version        uint64
	codec          uint64
}

// leafCodecFor encodes leaves as helpers.DagBuilderHelper.NewLeafNode does.
// Raw leaves are the chunk itself. A dag-pb leaf is PBNode{Data: UnixFS
// Data{Type: File, Data: chunk, filesize: n}} with no links, i.e.
//
//	0x0a len(U) | U = 0x08 0x02 | 0x12 n chunk | 0x18 n
//
// (field 1 of PBNode; fields 1, 2, 3 of UnixFS Data; lengths as varints).
// Written out rather than asked of boxo per length: encoding a template leaf
// costs three chunk-sized allocations, a few MiB of peak RSS for a command
// that otherwise allocates almost nothing. checkLeafCodec compares it with
// boxo at run time, and the tests at every varint width.
func leafCodecFor(p cidcalc.Profile, n int) *leafCodec {
	if p.RawLeaves {
		return &leafCodec{version: uint64(p.CIDVersion), codec: cid.Raw}
	}
	vn := binary.AppendUvarint(nil, uint64(n))
	lenU := 2 + 1 + len(vn) + n + 1 + len(vn)
	pre := binary.AppendUvarint([]byte{0x0a}, uint64(lenU))
	pre = append(append(pre, 0x08, byte(ft.TFile), 0x12), vn...)
	return &leafCodec{prefix: pre, suffix: append([]byte{0x18}, vn...), version: uint64(p.CIDVersion), codec: cid.DagProtobuf}
}

var errLeafLayout = errors.New("leaf encoding differs from boxo's")

// checkLeafCodec hashes a small leaf (two-byte varints unless the chunks are
// smaller) both ways: boxo's
// importer through cidcalc.Import, the one the chain uses, and leafCodecFor.
func checkLeafCodec(p cidcalc.Profile) error {
	data := make([]byte, min(300, p.ChunkSize))
	for i := range data {
		data[i] = byte(i)
	}
	nd, err := cidcalc.Import(bytes.NewReader(data), nopDAG{}, p)
	if err != nil {
		return err
	}
	got, err := leafCodecFor(p, len(data)).sum(sha256.New(), data)
	if err != nil {
		return err
	}
	if size, err := nd.Size(); err != nil || !got.c.Equals(nd.Cid()) || got.tsize != size {
		return fmt.Errorf("%w: %s, boxo %s (%s)", errLeafLayout, got.c, nd.Cid(), p.Name)
	}
	return nil
}

func (lc *leafCodec) sum(sh hash.Hash, data []byte) (leafLink, error) {
	sh.Reset()
	sh.Write(lc.prefix)
	sh.Write(data)
	sh.Write(lc.suffix)
	var d [sha256.Size]byte
	m, err := mh.Encode(sh.Sum(d[:0]), mh.SHA2_256)
	if err != nil {
		return leafLink{}, err
	}
	c := cid.NewCidV1(lc.codec, m)
	if lc.version == 0 {
		c = cid.NewCidV0(m)
	}
	return leafLink{c: c, tsize: uint64(len(lc.prefix) + len(data) + len(lc.suffix)), fsize: uint64(len(data))}, nil
}

// tree builds the internal nodes of boxo's balanced layout from the leaves in
// order. balanced.Layout keeps every leaf at the same depth, fills each node
// to MaxLinks children left to right and closes a node as soon as it is
// full; the root is the lowest node that covers every leaf (the leaf itself
// for a one-chunk file). levels[i] holds the children of the open node whose
// children are at height i.
type tree struct {
	p      cidcalc.Profile
	prefix cid.Prefix
	levels [][]leafLink
}

func newTree(p cidcalc.Profile) (*tree, error) {
	// The same CID builder cidcalc.Import gives boxo's DagBuilder.
	prefix, err := dag.PrefixForCidVersion(p.CIDVersion)
	if err != nil {
		return nil, err
	}
	prefix.MhType = mh.SHA2_256
	return &tree{p: p, prefix: prefix}, nil
}

func (t *tree) add(i int, l leafLink) error {
	if i == len(t.levels) {
		t.levels = append(t.levels, make([]leafLink, 0, t.p.MaxLinks))
	}
	t.levels[i] = append(t.levels[i], l)
	if len(t.levels[i]) < t.p.MaxLinks {
		return nil
	}
	nd, err := t.node(t.levels[i])
	if err != nil {
		return err
	}
	t.levels[i] = t.levels[i][:0]
	return t.add(i+1, nd)
}

// root closes the open nodes bottom up. The highest level is never empty
// (a level exists only once something was added to it, and a level is
// emptied only by pushing its node one level up).
func (t *tree) root() (leafLink, error) {
	for i := 0; i < len(t.levels); i++ {
		lv := t.levels[i]
		if i == len(t.levels)-1 && len(lv) == 1 {
			return lv[0], nil
		}
		if len(lv) == 0 {
			continue
		}
		nd, err := t.node(lv)
		if err != nil {
			return leafLink{}, err
		}
		t.levels[i] = lv[:0]
		if err := t.add(i+1, nd); err != nil {
			return leafLink{}, err
		}
	}
	return leafLink{}, nil // no leaves
}

// node is helpers.FSNodeOverDag: AddChild for every child, then Commit.
func (t *tree) node(children []leafLink) (leafLink, error) {
	nd := new(dag.ProtoNode)
	if err := nd.SetCidBuilder(t.prefix); err != nil {
		return leafLink{}, err
	}
	fsn := ft.NewFSNode(ft.TFile)
	for _, c := range children {
		if err := nd.AddRawLink("", &ipld.Link{Size: c.tsize, Cid: c.c}); err != nil {
			return leafLink{}, err
		}
		fsn.AddBlockSize(c.fsize)
	}
	data, err := fsn.GetBytes()
	if err != nil {
		return leafLink{}, err
	}
	nd.SetData(data)
	size, err := nd.Size()
	if err != nil {
		return leafLink{}, err
	}
	return leafLink{c: nd.Cid(), tsize: size, fsize: fsn.FileSize()}, nil
}

// countReader reports progress for the slow path.
type countReader struct {
	r        io.Reader
	progress func(int)
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.progress != nil {
		c.progress(n)
	}
	return n, err
}

// nopDAG stores nothing (the template leaves are only encoded).
type nopDAG struct{}

var errNotStored = errors.New("artifacts cli: nodes are not stored")

func (nopDAG) Add(context.Context, ipld.Node) error            { return nil }
func (nopDAG) AddMany(context.Context, []ipld.Node) error      { return nil }
func (nopDAG) Remove(context.Context, cid.Cid) error           { return nil }
func (nopDAG) RemoveMany(context.Context, []cid.Cid) error     { return nil }
func (nopDAG) Get(context.Context, cid.Cid) (ipld.Node, error) { return nil, errNotStored }
func (nopDAG) GetMany(context.Context, []cid.Cid) <-chan *ipld.NodeOption {
	ch := make(chan *ipld.NodeOption)
	close(ch)
	return ch
}
