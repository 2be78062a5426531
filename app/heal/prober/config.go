package prober

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Defaults of the [heal] section of app.toml.
const (
	DefaultProbeInterval    = time.Second
	DefaultTimeout          = 800 * time.Millisecond
	DefaultLateThreshold    = 300 * time.Millisecond
	DefaultConcurrency      = 16
	DefaultMaxResponseBytes = 64 << 10

	// MaxConcurrency bounds concurrency: more probes in flight than this only
	// measure the prober's own machine.
	MaxConcurrency = 1024
	// MinResponseBytes and MaxResponseBytesLimit bound max-response-bytes.
	MinResponseBytes      = 256
	MaxResponseBytesLimit = 16 << 20
)

// Config is the prober's configuration, the [heal] section of app.toml. The
// mapstructure tags let the app embed it in its custom app config
// (`mapstructure:"heal"`).
type Config struct {
	// Enabled runs the prober with the node.
	Enabled bool `mapstructure:"enabled"`
	// ProbeInterval is the period of the probe rounds: every interval each
	// target not already being probed is probed once.
	ProbeInterval time.Duration `mapstructure:"probe-interval"`
	// Timeout bounds one probe (connect, request, whole response): no
	// complete answer within it is StatusDown.
	Timeout time.Duration `mapstructure:"timeout"`
	// LateThreshold: a complete answer after it (and within Timeout) is
	// StatusLate; within it, StatusUp.
	LateThreshold time.Duration `mapstructure:"late-threshold"`
	// Concurrency is the most probes in flight at once.
	Concurrency int `mapstructure:"concurrency"`
	// EndpointOverrides replace the advertised health endpoint of hosts, as
	// "host-id=url" strings (tests, NAT). A list rather than a TOML table:
	// viper lower-cases table keys, and host ids are case-sensitive.
	EndpointOverrides []string `mapstructure:"endpoint-overrides"`
	// MaxResponseBytes bounds a health response body; a longer one is
	// StatusDown.
	MaxResponseBytes int64 `mapstructure:"max-response-bytes"`
}

// DefaultConfig returns the configuration written to a new app.toml.
func DefaultConfig() Config {
	return Config{
		Enabled:           true,
		ProbeInterval:     DefaultProbeInterval,
		Timeout:           DefaultTimeout,
		LateThreshold:     DefaultLateThreshold,
		Concurrency:       DefaultConcurrency,
		EndpointOverrides: []string{},
		MaxResponseBytes:  DefaultMaxResponseBytes,
	}
}

// Validate checks the configuration. A disabled prober is not checked.
func (c Config) Validate() error {
	if !c.Enabled {
		return nil
	}
	var errs []error
	if c.ProbeInterval <= 0 {
		errs = append(errs, fmt.Errorf("probe-interval %s must be positive", c.ProbeInterval))
	}
	if c.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("timeout %s must be positive", c.Timeout))
	}
	if c.LateThreshold <= 0 {
		errs = append(errs, fmt.Errorf("late-threshold %s must be positive", c.LateThreshold))
	} else if c.Timeout > 0 && c.LateThreshold >= c.Timeout {
		errs = append(errs, fmt.Errorf("late-threshold %s must be below timeout %s", c.LateThreshold, c.Timeout))
	}
	if c.Concurrency < 1 || c.Concurrency > MaxConcurrency {
		errs = append(errs, fmt.Errorf("concurrency %d must be in [1, %d]", c.Concurrency, MaxConcurrency))
	}
	if c.MaxResponseBytes < MinResponseBytes || c.MaxResponseBytes > MaxResponseBytesLimit {
		errs = append(errs, fmt.Errorf("max-response-bytes %d must be in [%d, %d]", c.MaxResponseBytes, MinResponseBytes, MaxResponseBytesLimit))
	}
	if _, err := ParseOverrides(c.EndpointOverrides); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid [heal] config: %w", err)
	}
	return nil
}

// ParseOverrides parses "host-id=url" strings into a map host id → URL. Ids
// must be distinct and URLs http or https with a host.
func ParseOverrides(list []string) (map[string]string, error) {
	m := make(map[string]string, len(list))
	for _, s := range list {
		id, u, ok := strings.Cut(s, "=")
		id, u = strings.TrimSpace(id), strings.TrimSpace(u)
		if !ok || id == "" || u == "" {
			return nil, fmt.Errorf("endpoint-overrides: %q: want host-id=url", s)
		}
		if _, dup := m[id]; dup {
			return nil, fmt.Errorf("endpoint-overrides: host %q given twice", id)
		}
		if err := checkEndpoint(u); err != nil {
			return nil, fmt.Errorf("endpoint-overrides: host %q: %w", id, err)
		}
		m[id] = u
	}
	return m, nil
}

// FormatOverrides is the inverse of ParseOverrides, sorted by host id.
func FormatOverrides(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for id, u := range m {
		out = append(out, id+"="+u)
	}
	sort.Strings(out)
	return out
}

// checkEndpoint accepts absolute http(s) URLs with a host and nothing that
// is not printable (the URL is rendered into app.toml and logs).
func checkEndpoint(s string) error {
	for _, r := range s {
		if !unicode.IsPrint(r) || r == ' ' {
			return fmt.Errorf("url %q has a space or unprintable character", s)
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("url %q: %w", s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("url %q: scheme must be http or https", s)
	}
	if u.Host == "" {
		return fmt.Errorf("url %q has no host", s)
	}
	return nil
}
