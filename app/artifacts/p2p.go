package artifacts

import (
	"crypto/rand" // determinism-ok: node-side artifact service, outside consensus
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"
	ma "github.com/multiformats/go-multiaddr"
)

// identityFile holds the libp2p private key (protobuf-encoded), created on
// first start so the peer ID is stable across restarts.
const identityFile = "identity.key"

// LoadOrCreateIdentity returns the node's libp2p key from dataDir, creating
// an Ed25519 key on first use. Localnet scripts call it (via
// `artifacts id --offline`) to learn peer IDs before the nodes start.
func LoadOrCreateIdentity(dataDir string) (crypto.PrivKey, peer.ID, error) {
	path := filepath.Join(dataDir, identityFile)
	raw, err := os.ReadFile(path)
	switch {
	case err == nil:
		sk, err := crypto.UnmarshalPrivateKey(raw)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", path, err)
		}
		id, err := peer.IDFromPrivateKey(sk)
		return sk, id, err
	case !errors.Is(err, fs.ErrNotExist):
		return nil, "", err
	}
	sk, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		return nil, "", err
	}
	raw, err = crypto.MarshalPrivateKey(sk)
	if err != nil {
		return nil, "", err
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, "", err
	}
	// Write then rename, so a crash never leaves a half-written key.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return nil, "", err
	}
	if err := os.Rename(tmp, path); err != nil {
		return nil, "", err
	}
	id, err := peer.IDFromPrivateKey(sk)
	return sk, id, err
}

// newHost builds the libp2p host bitswap runs on. Relay, NAT port mapping
// and hole punching stay off: validators dial each other's configured
// addresses directly.
func newHost(sk crypto.PrivKey, listen []string) (host.Host, error) {
	// Keep far more connections than a validator set has; peering-service
	// peers are protected from trimming anyway.
	cm, err := connmgr.NewConnManager(100, 400)
	if err != nil {
		return nil, err
	}
	opts := []libp2p.Option{
		libp2p.Identity(sk),
		libp2p.DisableRelay(),
		libp2p.ConnectionManager(cm),
		libp2p.UserAgent("novacron-artifacts"),
	}
	if len(listen) == 0 {
		opts = append(opts, libp2p.NoListenAddrs)
	} else {
		opts = append(opts, libp2p.ListenAddrStrings(listen...))
	}
	return libp2p.New(opts...)
}

// p2pAddrs returns the host's listen addresses with /p2p/<id> appended, the
// form other nodes put in their `peers` list.
func p2pAddrs(h host.Host) []string {
	info := peer.AddrInfo{ID: h.ID(), Addrs: h.Addrs()}
	mas, err := peer.AddrInfoToP2pAddrs(&info)
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(mas))
	for _, m := range mas {
		out = append(out, m.String())
	}
	return out
}

// WithPeerID appends /p2p/<id> to listen multiaddrs (for `id --offline`).
func WithPeerID(listen []string, id peer.ID) []string {
	out := make([]string, 0, len(listen))
	p2p, _ := ma.NewComponent("p2p", id.String())
	for _, a := range listen {
		m, err := ma.NewMultiaddr(a)
		if err != nil {
			continue
		}
		out = append(out, m.Encapsulate(p2p.Multiaddr()).String())
	}
	return out
}
