package artifacts

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/spf13/cast"
)

// Backends.
const (
	BackendEmbedded = "embedded"
	BackendKubo     = "kubo"
)

// Defaults. Ports avoid kubo's (4001/5001/8080) so both can run on one host.
const (
	DefaultDataDir      = "data/artifacts"
	DefaultAPIAddr      = "127.0.0.1:5101"
	DefaultKuboAPI      = "http://127.0.0.1:5001"
	DefaultFetchTimeout = 30 * time.Second
	// DefaultChainPinsInterval is how often the node reconciles chain pins
	// with the CIDs referenced by chain state.
	DefaultChainPinsInterval = 30 * time.Second
)

// DefaultListenAddrs are the libp2p listen multiaddrs of a fresh node.
var DefaultListenAddrs = []string{"/ip4/0.0.0.0/tcp/4101", "/ip4/0.0.0.0/udp/4101/quic-v1"}

// Config is the [artifacts] section of app.toml. The mapstructure tags let
// the app embed it in its custom app config (`mapstructure:"artifacts"`).
type Config struct {
	// Enable starts the artifact service with the node.
	Enable bool `mapstructure:"enable"`
	// Backend is "embedded" (boxo node in-process) or "kubo" (HTTP RPC).
	Backend string `mapstructure:"backend"`
	// DataDir holds the block store, pins and libp2p key; relative paths
	// are under the node home.
	DataDir string `mapstructure:"data-dir"`
	// ListenAddrs are libp2p multiaddrs for bitswap.
	ListenAddrs []string `mapstructure:"listen-addrs"`
	// Peers are multiaddrs ending in /p2p/<peer-id>, kept connected.
	Peers []string `mapstructure:"peers"`
	// KuboAPI is the kubo RPC address (URL or multiaddr) for backend=kubo.
	KuboAPI string `mapstructure:"kubo-api"`
	// FetchTimeout bounds the wait for a block nobody sends us.
	FetchTimeout time.Duration `mapstructure:"fetch-timeout"`
	// APIAddr is the loopback host:port of the local HTTP API the CLI uses.
	APIAddr string `mapstructure:"api-addr"`
	// Sync fsyncs every block write (kubo's flatfs default); turning it off
	// trades crash safety for import speed.
	Sync bool `mapstructure:"sync"`
	// ChainPinsInterval is the period of the chain-pin reconciler, which
	// pins every CID referenced by chain state (VM images, quantum job
	// result artifacts) and unpins chain pins no longer referenced; 0
	// disables it. Embedded backend only.
	ChainPinsInterval time.Duration `mapstructure:"chain-pins-interval"`
}

// DefaultConfig returns the configuration written to a new app.toml.
func DefaultConfig() Config {
	return Config{
		Enable:       true,
		Backend:      BackendEmbedded,
		DataDir:      DefaultDataDir,
		ListenAddrs:  append([]string(nil), DefaultListenAddrs...),
		Peers:        []string{},
		KuboAPI:      DefaultKuboAPI,
		FetchTimeout: DefaultFetchTimeout,
		APIAddr:      DefaultAPIAddr,
		Sync:         true,

		ChainPinsInterval: DefaultChainPinsInterval,
	}
}

// ConfigTemplate renders Config inside the SDK's app.toml template; the
// app's config struct must have the field `Artifacts artifacts.Config`.
const ConfigTemplate = `
###############################################################################
###                     Artifacts (IPFS) Configuration                      ###
###############################################################################

[artifacts]

# Start the artifact store with the node. The chain stores only CIDs; this
# service holds and exchanges the bytes. Nothing in consensus waits on it.
enable = {{ .Artifacts.Enable }}

# "embedded": an in-process boxo node (block store, pins, libp2p bitswap).
# "kubo": use an existing kubo daemon through its HTTP RPC (kubo-api).
backend = "{{ .Artifacts.Backend }}"

# Block store, pins and the libp2p identity key; relative to the node home.
data-dir = "{{ .Artifacts.DataDir }}"

# libp2p listen multiaddrs for bitswap (embedded backend).
listen-addrs = [{{ range $i, $a := .Artifacts.ListenAddrs }}{{ if $i }}, {{ end }}"{{ $a }}"{{ end }}]

# Peers to stay connected to (other validators), as multiaddrs ending in
# /p2p/<peer-id>. Reconnected with backoff when the connection drops.
peers = [{{ range $i, $a := .Artifacts.Peers }}{{ if $i }}, {{ end }}"{{ $a }}"{{ end }}]

# kubo RPC address (URL or multiaddr) when backend = "kubo".
kubo-api = "{{ .Artifacts.KuboAPI }}"

# How long to wait for a block before reporting the artifact as not found.
fetch-timeout = "{{ .Artifacts.FetchTimeout }}"

# Loopback host:port of the local HTTP API used by "novacrond artifacts".
api-addr = "{{ .Artifacts.APIAddr }}"

# fsync every block write (crash safety); false imports faster.
sync = {{ .Artifacts.Sync }}

# Every interval, pin (as kind "chain") the CIDs referenced by chain state
# (x/vmlifecycle VM images, x/quantumjob result artifacts), read through the
# node's own gRPC queries, and unpin chain pins nothing references any more.
# User pins are never touched. "0" disables it. Embedded backend only.
chain-pins-interval = "{{ .Artifacts.ChainPinsInterval }}"
`

// AppOptions is the subset of the SDK's servertypes.AppOptions used here.
type AppOptions interface {
	Get(string) interface{}
}

// ReadConfig reads the [artifacts] section from app options (viper), with
// defaults for missing keys.
func ReadConfig(opts AppOptions) (Config, error) {
	c := DefaultConfig()
	get := func(k string) (interface{}, bool) {
		v := opts.Get("artifacts." + k)
		return v, v != nil
	}
	var err error
	set := func(e error) {
		if e != nil && err == nil {
			err = e
		}
	}
	if v, ok := get("enable"); ok {
		b, e := cast.ToBoolE(v)
		set(e)
		c.Enable = b
	}
	if v, ok := get("backend"); ok {
		c.Backend = cast.ToString(v)
	}
	if v, ok := get("data-dir"); ok {
		c.DataDir = cast.ToString(v)
	}
	if v, ok := get("listen-addrs"); ok {
		s, e := cast.ToStringSliceE(v)
		set(e)
		c.ListenAddrs = s
	}
	if v, ok := get("peers"); ok {
		s, e := cast.ToStringSliceE(v)
		set(e)
		c.Peers = s
	}
	if v, ok := get("kubo-api"); ok {
		c.KuboAPI = cast.ToString(v)
	}
	if v, ok := get("fetch-timeout"); ok {
		d, e := cast.ToDurationE(v)
		set(e)
		c.FetchTimeout = d
	}
	if v, ok := get("api-addr"); ok {
		c.APIAddr = cast.ToString(v)
	}
	if v, ok := get("sync"); ok {
		b, e := cast.ToBoolE(v)
		set(e)
		c.Sync = b
	}
	if v, ok := get("chain-pins-interval"); ok {
		d, e := cast.ToDurationE(v)
		set(e)
		c.ChainPinsInterval = d
	}
	if err != nil {
		return c, fmt.Errorf("artifacts config: %w", err)
	}
	return c, nil
}

// Validate checks the configuration without touching disk or network.
func (c Config) Validate() error {
	if !c.Enable {
		return nil
	}
	var errs []error
	switch c.Backend {
	case BackendEmbedded:
		for _, a := range c.ListenAddrs {
			if _, err := ma.NewMultiaddr(a); err != nil {
				errs = append(errs, fmt.Errorf("listen-addrs: %q: %w", a, err))
			}
		}
		if _, err := ParsePeers(c.Peers); err != nil {
			errs = append(errs, err)
		}
		if c.DataDir == "" {
			errs = append(errs, errors.New("data-dir is empty"))
		}
	case BackendKubo:
		if _, err := kuboURL(c.KuboAPI); err != nil {
			errs = append(errs, fmt.Errorf("kubo-api: %w", err))
		}
	default:
		errs = append(errs, fmt.Errorf("backend %q: want %q or %q", c.Backend, BackendEmbedded, BackendKubo))
	}
	if c.FetchTimeout <= 0 {
		errs = append(errs, fmt.Errorf("fetch-timeout %s must be positive", c.FetchTimeout))
	}
	if c.ChainPinsInterval < 0 {
		errs = append(errs, fmt.Errorf("chain-pins-interval %s must be 0 (off) or positive", c.ChainPinsInterval))
	}
	if c.APIAddr != "" {
		if err := checkLoopback(c.APIAddr); err != nil {
			errs = append(errs, fmt.Errorf("api-addr: %w", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid [artifacts] config: %w", err)
	}
	return nil
}

// DataPath resolves DataDir against the node home.
func (c Config) DataPath(home string) string {
	if filepath.IsAbs(c.DataDir) {
		return c.DataDir
	}
	return filepath.Join(home, c.DataDir)
}

// ParsePeers parses peer multiaddrs (each must carry /p2p/<id>); addresses
// of the same peer are merged.
func ParsePeers(addrs []string) ([]peer.AddrInfo, error) {
	var mas []ma.Multiaddr
	for _, a := range addrs {
		m, err := ma.NewMultiaddr(strings.TrimSpace(a))
		if err != nil {
			return nil, fmt.Errorf("peers: %q: %w", a, err)
		}
		if _, err := m.ValueForProtocol(ma.P_P2P); err != nil {
			return nil, fmt.Errorf("peers: %q has no /p2p/<peer-id> component", a)
		}
		mas = append(mas, m)
	}
	infos, err := peer.AddrInfosFromP2pAddrs(mas...)
	if err != nil {
		return nil, fmt.Errorf("peers: %w", err)
	}
	return infos, nil
}

// checkLoopback refuses API addresses reachable from other hosts: the API
// can add, pin and delete data and has no authentication.
func checkLoopback(hostport string) error {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || !ip.IsLoopback() {
		return fmt.Errorf("%q is not a loopback address", hostport)
	}
	return nil
}
