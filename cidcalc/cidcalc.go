// Package cidcalc computes UnixFS CIDs exactly as `ipfs add` (kubo) does,
// without a network or a block store, and validates CID strings.
//
// Keepers import this package to derive the CID of a deterministic output
// from its bytes, so it must stay free of libp2p and of any I/O: its only
// dependencies are boxo's importer (chunker, balanced layout, merkledag
// encoding) and go-cid. Everything here is deterministic: the same bytes and
// profile give the same CID on every machine.
package cidcalc

import (
	"context"
	"errors"
	"fmt"
	"io"

	chunker "github.com/ipfs/boxo/chunker"
	dag "github.com/ipfs/boxo/ipld/merkledag"
	"github.com/ipfs/boxo/ipld/unixfs/importer/balanced"
	"github.com/ipfs/boxo/ipld/unixfs/importer/helpers"
	uio "github.com/ipfs/boxo/ipld/unixfs/io"
	"github.com/ipfs/go-cid"
	ipld "github.com/ipfs/go-ipld-format"
	mh "github.com/multiformats/go-multihash"
)

// Profile is the set of UnixFS import parameters that determines a CID.
// It is passed explicitly to the importer: boxo's ApplyGlobals would change
// process-wide defaults, which a library inside a validator must not do.
type Profile struct {
	Name       string
	CIDVersion int
	ChunkSize  int64
	MaxLinks   int
	RawLeaves  bool
}

// Kubo's `ipfs add` defaults (Import.* config unset).
var (
	// KuboV0 is `ipfs add`: CIDv0, 256 KiB chunks, 174 links, dag-pb
	// leaves, balanced layout. Identical to boxo's UnixFS_v0_2015 profile.
	KuboV0 = fromBoxo("kubo-v0", uio.UnixFS_v0_2015)

	// KuboV1 is `ipfs add --cid-version 1`: same chunking and width as
	// KuboV0 but CIDv1 with raw leaves (kubo turns raw leaves on for v1).
	KuboV1 = Profile{Name: "kubo-v1", CIDVersion: 1, ChunkSize: KuboV0.ChunkSize, MaxLinks: KuboV0.MaxLinks, RawLeaves: true}

	// UnixFSV1_2025 is IPIP-499's unixfs-v1-2025 profile (1 MiB chunks,
	// 1024 links, raw leaves, CIDv1); kubo applies it with
	// `ipfs config profile apply unixfs-v1-2025`.
	UnixFSV1_2025 = fromBoxo("unixfs-v1-2025", uio.UnixFS_v1_2025)
)

func fromBoxo(name string, p uio.UnixFSProfile) Profile {
	return Profile{Name: name, CIDVersion: p.CIDVersion, ChunkSize: p.ChunkSize, MaxLinks: p.FileDAGWidth, RawLeaves: p.RawLeaves}
}

// ProfileForVersion maps `--cid-version` to kubo's default profile.
func ProfileForVersion(version int) (Profile, error) {
	switch version {
	case 0:
		return KuboV0, nil
	case 1:
		return KuboV1, nil
	default:
		return Profile{}, fmt.Errorf("unsupported CID version %d (want 0 or 1)", version)
	}
}

// ProfileByName resolves a profile name ("kubo-v0", "kubo-v1",
// "unixfs-v0-2015", "unixfs-v1-2025").
func ProfileByName(name string) (Profile, error) {
	switch name {
	case KuboV0.Name, "unixfs-v0-2015", "":
		return KuboV0, nil
	case KuboV1.Name:
		return KuboV1, nil
	case UnixFSV1_2025.Name:
		return UnixFSV1_2025, nil
	default:
		return Profile{}, fmt.Errorf("unknown UnixFS profile %q", name)
	}
}

// Validate rejects parameter sets that cannot produce a valid DAG.
func (p Profile) Validate() error {
	switch {
	case p.CIDVersion != 0 && p.CIDVersion != 1:
		return fmt.Errorf("profile %s: CID version %d", p.Name, p.CIDVersion)
	case p.CIDVersion == 0 && p.RawLeaves:
		return fmt.Errorf("profile %s: raw leaves need CIDv1", p.Name)
	case p.ChunkSize <= 0 || p.ChunkSize > int64(helpers.BlockSizeLimit):
		return fmt.Errorf("profile %s: chunk size %d out of range", p.Name, p.ChunkSize)
	case p.MaxLinks < 2:
		return fmt.Errorf("profile %s: max links %d < 2", p.Name, p.MaxLinks)
	}
	return nil
}

// Import chunks r and writes the balanced UnixFS DAG into dserv, returning
// the root node. Memory is bounded by one path of the tree (depth x
// MaxLinks links plus one chunk), not by the input size. The service uses
// this same function, so a stored artifact always has the computed CID.
func Import(r io.Reader, dserv ipld.DAGService, p Profile) (ipld.Node, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	// The dag-pb field order is a boxo global; any other order changes
	// every CID, so refuse rather than silently disagree with kubo.
	if dag.DefaultPBNodeFieldOrder != dag.PBNodeLinksFirst {
		return nil, errors.New("cidcalc: merkledag.DefaultPBNodeFieldOrder was changed; CIDs would not match kubo")
	}
	prefix, err := dag.PrefixForCidVersion(p.CIDVersion)
	if err != nil {
		return nil, err
	}
	prefix.MhType = mh.SHA2_256
	params := helpers.DagBuilderParams{
		Dagserv:    dserv,
		RawLeaves:  p.RawLeaves,
		Maxlinks:   p.MaxLinks,
		CidBuilder: prefix,
	}
	db, err := params.New(chunker.NewSizeSplitter(r, p.ChunkSize))
	if err != nil {
		return nil, err
	}
	return balanced.Layout(db)
}

// Compute returns the CID `ipfs add` would print for the bytes of r with
// the given profile. Nothing is stored.
func Compute(r io.Reader, p Profile) (cid.Cid, error) {
	nd, err := Import(r, discard{}, p)
	if err != nil {
		return cid.Undef, err
	}
	return nd.Cid(), nil
}

// ComputeBytes is Compute over an in-memory buffer.
func ComputeBytes(b []byte, p Profile) (cid.Cid, error) {
	return Compute(bytesReader(b), p)
}

// CIDv0 returns the `ipfs add` CID (CIDv0) of b; the form keepers use.
func CIDv0(b []byte) (cid.Cid, error) { return ComputeBytes(b, KuboV0) }

// CIDv1 returns the `ipfs add --cid-version 1` CID of b.
func CIDv1(b []byte) (cid.Cid, error) { return ComputeBytes(b, KuboV1) }

// bytesReader avoids bytes.Reader's Seek/WriteTo detection paths; the
// splitter only needs Read.
type sliceReader struct{ b []byte }

func bytesReader(b []byte) io.Reader { return &sliceReader{b} }

func (r *sliceReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

// discard is a DAGService that drops every node: hashing only.
type discard struct{}

var errDiscard = errors.New("cidcalc: nodes are not stored")

func (discard) Add(context.Context, ipld.Node) error            { return nil }
func (discard) AddMany(context.Context, []ipld.Node) error      { return nil }
func (discard) Remove(context.Context, cid.Cid) error           { return nil }
func (discard) RemoveMany(context.Context, []cid.Cid) error     { return nil }
func (discard) Get(context.Context, cid.Cid) (ipld.Node, error) { return nil, errDiscard }
func (discard) GetMany(context.Context, []cid.Cid) <-chan *ipld.NodeOption {
	ch := make(chan *ipld.NodeOption)
	close(ch)
	return ch
}
