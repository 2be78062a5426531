package artifacts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ipfs/go-cid"

	"github.com/novacron/novacron/cidcalc"
)

// Errors callers can test with errors.Is; they survive the HTTP API.
var (
	// ErrNotFound: no local copy and no peer sent it within the timeout.
	ErrNotFound = errors.New("artifact not found")
	// ErrCorrupt: a stored block does not hash to its CID; it is not served.
	ErrCorrupt = errors.New("corrupt block")
	// ErrNotPinned: unpin of something that is not pinned recursively.
	ErrNotPinned = errors.New("not pinned")
	// ErrInvalidCID is cidcalc's validation error.
	ErrInvalidCID = cidcalc.ErrInvalidCID
	// ErrUnavailable: the service (or its kubo daemon) cannot be reached.
	ErrUnavailable = errors.New("artifact service unavailable")
	// ErrDiskFull: the store's file system ran out of space (ENOSPC); an
	// import that hits it leaves no pin, and gc removes its blocks.
	ErrDiskFull = errors.New("disk full")
)

// NotFoundError says which CID was missing and how long we waited.
type NotFoundError struct {
	CID     cid.Cid
	Timeout time.Duration
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s: no local copy and no peer provided it within %s", e.CID, e.Timeout)
}

func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// CorruptBlockError names the block whose bytes do not match its CID.
type CorruptBlockError struct {
	CID cid.Cid
}

func (e *CorruptBlockError) Error() string {
	return fmt.Sprintf("block %s on disk does not match its hash (corrupted store); refusing to serve it", e.CID)
}

func (e *CorruptBlockError) Unwrap() error { return ErrCorrupt }

// AddOptions control an import.
type AddOptions struct {
	// CIDVersion 0 (default) or 1, as `ipfs add --cid-version`.
	CIDVersion int `json:"cid_version"`
	// Profile overrides CIDVersion with a named cidcalc profile.
	Profile string `json:"profile,omitempty"`
	// Pin the artifact recursively once it is fully stored.
	Pin bool `json:"pin"`
}

// profile resolves the options to a cidcalc profile.
func (o AddOptions) profile() (cidcalc.Profile, error) {
	if o.Profile != "" {
		return cidcalc.ProfileByName(o.Profile)
	}
	return cidcalc.ProfileForVersion(o.CIDVersion)
}

// AddResult is the outcome of an import.
type AddResult struct {
	CID    string `json:"cid"`
	Size   int64  `json:"size"`
	Pinned bool   `json:"pinned"`
}

// Pin kinds shown by `artifacts ls`.
const (
	// PinKindUser: pinned by `add`/`pin` (the API or the CLI).
	PinKindUser = "user"
	// PinKindChain: pinned by the chain-pin reconciler because chain state
	// references the CID; unpinned by it once nothing on chain does.
	PinKindChain = "chain"
	// PinKindBoth: both of the above; each kind is removed independently.
	PinKindBoth = "user+chain"
)

// PinInfo is one recursively pinned artifact.
type PinInfo struct {
	CID string `json:"cid"`
	// Size is the file size in bytes, -1 when the root is not local.
	Size int64 `json:"size"`
	// Kind is PinKindUser, PinKindChain or PinKindBoth ("" from an old
	// server means user).
	Kind string `json:"kind,omitempty"`
}

// Stat describes an artifact root.
type Stat struct {
	CID            string `json:"cid"`
	Type           string `json:"type"` // file, raw, directory, ...
	Size           int64  `json:"size"` // file bytes
	CumulativeSize uint64 `json:"cumulative_size"`
	Links          int    `json:"links"`
	Local          bool   `json:"local"`  // root block was already stored
	Pinned         bool   `json:"pinned"` // user pin (recursive)
	ChainPinned    bool   `json:"chain_pinned,omitempty"`
}

// GCResult reports a garbage collection.
type GCResult struct {
	Removed int   `json:"removed"`
	Freed   int64 `json:"freed"`
}

// PeerInfo is a connected or configured peer.
type PeerInfo struct {
	ID         string   `json:"id"`
	Addrs      []string `json:"addrs"`
	Connected  bool     `json:"connected"`
	Configured bool     `json:"configured"`
}

// NodeInfo identifies the serving node.
type NodeInfo struct {
	Backend string   `json:"backend"`
	ID      string   `json:"id"`
	Addrs   []string `json:"addrs"`
}

// Backend is what the embedded node, the kubo RPC adapter and the HTTP
// API client all implement; the CLI and the node program against it.
type Backend interface {
	// Add imports r (streamed) and returns its CID.
	Add(ctx context.Context, r io.Reader, opts AddOptions) (AddResult, error)
	// Cat streams the file bytes; errors found mid-stream (missing or
	// corrupt blocks) are returned by Read, never silently truncated.
	Cat(ctx context.Context, c cid.Cid) (io.ReadCloser, Stat, error)
	// Pin fetches the whole DAG if needed and pins it recursively.
	Pin(ctx context.Context, c cid.Cid) error
	Unpin(ctx context.Context, c cid.Cid) error
	Pins(ctx context.Context) ([]PinInfo, error)
	GC(ctx context.Context) (GCResult, error)
	Stat(ctx context.Context, c cid.Cid) (Stat, error)
	Peers(ctx context.Context) ([]PeerInfo, error)
	ID(ctx context.Context) (NodeInfo, error)
	Close() error
}

// ChainPinner is implemented by backends that keep a second, separate pin
// set for CIDs referenced by chain state (the embedded backend). Chain pins
// and user pins never affect each other: Unpin removes only a user pin,
// UnpinChain only a chain pin, and GC keeps the DAGs of both.
type ChainPinner interface {
	// PinChain fetches the whole DAG (each block within the fetch timeout)
	// and records c as chain-referenced.
	PinChain(ctx context.Context, c cid.Cid) error
	// UnpinChain drops the chain pin of c (a no-op if there is none).
	UnpinChain(ctx context.Context, c cid.Cid) error
	// ChainPins lists the chain-pinned roots.
	ChainPins(ctx context.Context) ([]cid.Cid, error)
}
