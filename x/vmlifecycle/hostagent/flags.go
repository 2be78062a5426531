package hostagent

import (
	"fmt"
	"net"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/novacron/novacron/x/vmlifecycle/types"
)

// Flags of the health endpoint of `novacrond host-agent`.
const (
	FlagHealthAddr = "health-addr"
	FlagFailAfter  = "fail-after"
	// FlagFailImage is repeatable: --fail-image CID --fail-image CID2.
	FlagFailImage = "fail-image"
	// DefaultHealthAddr is loopback with port 0: the health server is off unless a port is set.
	DefaultHealthAddr = "127.0.0.1:0"
)

// AddHealthFlags registers --health-addr and --fail-after.
func AddHealthFlags(fs *pflag.FlagSet) {
	fs.String(FlagHealthAddr, DefaultHealthAddr,
		"serve the health endpoint (GET /hosts/{host_id}/health; POST /control from loopback) on this host:port; port 0 disables it")
	fs.Duration(FlagFailAfter, 0,
		"failure injection: the health endpoint stops answering this long after start (0: never; needs --health-addr)")
}

// HealthConfigFromFlags reads and checks the flags AddHealthFlags registered.
func HealthConfigFromFlags(fs *pflag.FlagSet) (HealthConfig, error) {
	var cfg HealthConfig
	var err error
	if cfg.Addr, err = fs.GetString(FlagHealthAddr); err != nil {
		return cfg, err
	}
	if cfg.FailAfter, err = fs.GetDuration(FlagFailAfter); err != nil {
		return cfg, err
	}
	if cfg.Addr != "" {
		_, port, err := net.SplitHostPort(cfg.Addr)
		if err != nil {
			return cfg, fmt.Errorf("--%s %q: want host:port: %v", FlagHealthAddr, cfg.Addr, err)
		}
		if n, err := strconv.ParseUint(port, 10, 16); err != nil {
			return cfg, fmt.Errorf("--%s %q: port %q: want 0..65535", FlagHealthAddr, cfg.Addr, port)
		} else if n == 0 {
			cfg.Addr = "" // port 0: disabled
		}
	}
	if cfg.FailAfter < 0 {
		return cfg, fmt.Errorf("--%s %v: must not be negative", FlagFailAfter, cfg.FailAfter)
	}
	if cfg.FailAfter > 0 && !cfg.Enabled() {
		return cfg, fmt.Errorf("--%s needs the health endpoint (--%s host:port with a port)", FlagFailAfter, FlagHealthAddr)
	}
	return cfg, nil
}

// AddFailImageFlag registers the repeatable --fail-image CID.
func AddFailImageFlag(fs *pflag.FlagSet) {
	fs.StringArray(FlagFailImage, nil,
		"failure injection: every boot of a VM whose image_cid is this CID fails (FAILED is reported, reason \"image <cid> failed to boot (injected)\"); repeatable")
}

// FailImagesFromFlags reads --fail-image: the set of image CIDs whose boots fail.
func FailImagesFromFlags(fs *pflag.FlagSet) (map[string]bool, error) {
	f := fs.Lookup(FlagFailImage)
	if f == nil {
		return nil, fmt.Errorf("flag --%s not registered", FlagFailImage)
	}
	sv, ok := f.Value.(pflag.SliceValue)
	if !ok {
		return nil, fmt.Errorf("flag --%s is not a list", FlagFailImage)
	}
	// GetSlice, not GetStringArray: the latter loses a single empty value (--fail-image "").
	cids := sv.GetSlice()
	set, err := FailImageSet(cids)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", FlagFailImage, err)
	}
	return set, nil
}

// FailImageSet checks that every entry is a CID the chain would accept as an image_cid
// (types.ValidateCID) and returns them as a set. The chain compares image CIDs as strings, so
// an image is matched by the exact spelling it was created with (a CIDv0 does not match the
// CIDv1 of the same content).
func FailImageSet(cids []string) (map[string]bool, error) {
	set := make(map[string]bool, len(cids))
	for _, c := range cids {
		if err := types.ValidateCID(c); err != nil {
			return nil, fmt.Errorf("image %q: %w", c, err)
		}
		set[c] = true
	}
	return set, nil
}
