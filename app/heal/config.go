// Package heal holds the node-side (off-chain) parts of x/heal: the [heal] section of app.toml
// and, in package prober, the health prober whose results go into the vote extension.
package heal

import (
	"fmt"

	"github.com/spf13/cast"

	"github.com/novacron/novacron/app/heal/prober"
)

// Config is the [heal] section of app.toml; the app's config struct embeds it as the field
// Heal heal.Config, tagged mapstructure:"heal".
type Config = prober.Config

// DefaultConfig returns the [heal] section written to a new app.toml.
func DefaultConfig() Config { return prober.DefaultConfig() }

// ConfigTemplate renders Config inside the SDK's app.toml template; the app's config struct
// must have the field `Heal heal.Config`.
const ConfigTemplate = `
###############################################################################
###                     Heal (Health Prober) Configuration                  ###
###############################################################################

[heal]

# Probe every registered host's advertised health endpoint from this node; the
# latest results go into this validator's vote extensions. Probing runs beside
# consensus and never blocks it.
enabled = {{ .Heal.Enabled }}

# Every interval, each host not already being probed is probed once.
probe-interval = "{{ .Heal.ProbeInterval }}"

# No complete answer within the timeout: the host is seen down.
timeout = "{{ .Heal.Timeout }}"

# A complete answer after the late threshold (and within the timeout): late.
late-threshold = "{{ .Heal.LateThreshold }}"

# The most probes in flight at once.
concurrency = {{ .Heal.Concurrency }}

# Replace hosts' advertised endpoints (tests, NAT), as "host-id=url" strings,
# e.g. ["h1=http://10.0.0.5:7070/hosts/h1/health"].
endpoint-overrides = [{{ range $i, $a := .Heal.EndpointOverrides }}{{ if $i }}, {{ end }}{{ printf "%q" $a }}{{ end }}]

# A longer health response is seen as down.
max-response-bytes = {{ .Heal.MaxResponseBytes }}
`

// AppOptions is the subset of the SDK's servertypes.AppOptions used here.
type AppOptions interface {
	Get(string) interface{}
}

// ReadConfig reads the [heal] section from app options (viper), with defaults for missing
// keys, and validates it.
func ReadConfig(opts AppOptions) (Config, error) {
	c := DefaultConfig()
	get := func(k string) (interface{}, bool) {
		v := opts.Get("heal." + k)
		return v, v != nil
	}
	var err error
	set := func(k string, e error) {
		if e != nil && err == nil {
			err = fmt.Errorf("%s: %w", k, e)
		}
	}
	if v, ok := get("enabled"); ok {
		b, e := cast.ToBoolE(v)
		set("enabled", e)
		c.Enabled = b
	}
	if v, ok := get("probe-interval"); ok {
		d, e := cast.ToDurationE(v)
		set("probe-interval", e)
		c.ProbeInterval = d
	}
	if v, ok := get("timeout"); ok {
		d, e := cast.ToDurationE(v)
		set("timeout", e)
		c.Timeout = d
	}
	if v, ok := get("late-threshold"); ok {
		d, e := cast.ToDurationE(v)
		set("late-threshold", e)
		c.LateThreshold = d
	}
	if v, ok := get("concurrency"); ok {
		n, e := cast.ToIntE(v)
		set("concurrency", e)
		c.Concurrency = n
	}
	if v, ok := get("endpoint-overrides"); ok {
		s, e := cast.ToStringSliceE(v)
		set("endpoint-overrides", e)
		c.EndpointOverrides = s
	}
	if v, ok := get("max-response-bytes"); ok {
		n, e := cast.ToInt64E(v)
		set("max-response-bytes", e)
		c.MaxResponseBytes = n
	}
	if err != nil {
		return c, fmt.Errorf("app.toml [heal]: %w", err)
	}
	if err := c.Validate(); err != nil {
		return c, err
	}
	return c, nil
}
