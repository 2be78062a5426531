package hostagent

import (
	"fmt"
	"net"
	"strconv"

	"github.com/spf13/pflag"
)

// Flags of the health endpoint of `novacrond host-agent`.
const (
	FlagHealthAddr = "health-addr"
	FlagFailAfter  = "fail-after"
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
