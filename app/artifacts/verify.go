package artifacts

import (
	"context"

	"github.com/ipfs/boxo/blockstore"
	blocks "github.com/ipfs/go-block-format"
	"github.com/ipfs/go-cid"
)

// verifyingBlockstore re-hashes every block it returns. Boxo's
// ValidatingBlockstore does the same but returns a bare ErrHashMismatch;
// this one names the block and counts failures, so an operator learns which
// file is bad. Bitswap's server reads through it too, so a corrupted block
// is never sent to a peer.
type verifyingBlockstore struct {
	blockstore.Blockstore
	onCorrupt func(cid.Cid)
}

func (v *verifyingBlockstore) Get(ctx context.Context, c cid.Cid) (blocks.Block, error) {
	b, err := v.Blockstore.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	sum, err := c.Prefix().Sum(b.RawData())
	if err != nil {
		return nil, err
	}
	if !sum.Equals(c) {
		if v.onCorrupt != nil {
			v.onCorrupt(c)
		}
		return nil, &CorruptBlockError{CID: c}
	}
	return b, nil
}

// AllKeysChanWithErr keeps boxo's complete-enumeration capability visible
// through the wrapper (GC relies on it).
func (v *verifyingBlockstore) AllKeysChanWithErr(ctx context.Context) (<-chan cid.Cid, func() error, error) {
	if e, ok := v.Blockstore.(blockstore.AllKeysChanWithErrer); ok {
		return e.AllKeysChanWithErr(ctx)
	}
	ch, err := v.Blockstore.AllKeysChan(ctx)
	return ch, func() error { return nil }, err
}
