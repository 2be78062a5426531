package types

import (
	"fmt"

	"github.com/novacron/novacron/cidcalc"
)

// Syntax limits that do not depend on params.
const (
	MaxIDLen       = 64
	MaxRegionLen   = 32
	MaxLabelLen    = 63
	MaxNameLen     = 63
	MaxReasonLen   = 256
	MaxLatencyBnds = 8
	MaxRegionsVM   = 16
	MaxLatUdeg     = 90_000_000
	MaxLonUdeg     = 180_000_000
	// MaxHealthEndpointLen bounds Host.health_endpoint (bytes).
	MaxHealthEndpointLen = 256
)

// isToken reports whether s is 1..maxLen of [a-z0-9] with inner '-', '_' or '.'.
func isToken(s string, maxLen int) bool {
	if len(s) == 0 || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '-' || c == '_' || c == '.') && i > 0 && i < len(s)-1:
		default:
			return false
		}
	}
	return true
}

// ValidateHostID checks a host id: lowercase [a-z0-9._-], at most 64 bytes.
func ValidateHostID(id string) error {
	if !isToken(id, MaxIDLen) {
		return ErrInvalidHost.Wrapf("host id %q: want 1..%d of [a-z0-9] with inner . _ -", id, MaxIDLen)
	}
	return nil
}

// ValidateRegion checks a region code such as "eu-west-1".
func ValidateRegion(r string) error {
	if !isToken(r, MaxRegionLen) {
		return ErrInvalidHost.Wrapf("region %q: want 1..%d of [a-z0-9] with inner . _ -", r, MaxRegionLen)
	}
	return nil
}

// ValidateName checks a VM name.
func ValidateName(n string) error {
	if !isToken(n, MaxNameLen) {
		return ErrInvalidName.Wrapf("name %q: want 1..%d of [a-z0-9] with inner . _ -", n, MaxNameLen)
	}
	return nil
}

// ValidateLabels checks syntax, count and that keys are strictly sorted (so a label set has one encoding).
func ValidateLabels(ls []Label, maxLabels uint32) error {
	if uint32(len(ls)) > maxLabels {
		return ErrInvalidHost.Wrapf("%d labels > max %d", len(ls), maxLabels)
	}
	for i, l := range ls {
		if !isToken(l.Key, MaxLabelLen) || (l.Value != "" && !isToken(l.Value, MaxLabelLen)) {
			return ErrInvalidHost.Wrapf("label %q=%q: want [a-z0-9._-] up to %d bytes", l.Key, l.Value, MaxLabelLen)
		}
		if i > 0 && ls[i-1].Key >= l.Key {
			return ErrInvalidHost.Wrapf("labels must be sorted by key without duplicates (%q after %q)", l.Key, ls[i-1].Key)
		}
	}
	return nil
}

// ValidateLocation checks latitude/longitude in microdegrees.
func ValidateLocation(lat, lon int64) error {
	if lat < -MaxLatUdeg || lat > MaxLatUdeg || lon < -MaxLonUdeg || lon > MaxLonUdeg {
		return ErrInvalidHost.Wrapf("location (%d, %d) µdeg out of range", lat, lon)
	}
	return nil
}

// ValidateHealthEndpoint checks a host's health endpoint: empty (the host is not probed) or an
// absolute http:// or https:// URL with an explicit host and port, at most MaxHealthEndpointLen
// bytes of printable ASCII without spaces, no user info, query or fragment, e.g.
// "http://127.0.0.1:26680" or "https://agent.example.com:8443/novacron". The host is a DNS
// name or IPv4 address ([A-Za-z0-9.-]) or a bracketed IPv6 literal; the port is 1..65535. An
// optional path is a prefix: probers GET <endpoint without trailing '/'>/hosts/<id>/health.
//
// The check is hand-written (not net/url) so that what a validator accepts cannot change with
// the Go version a node was built with.
func ValidateHealthEndpoint(s string) error {
	if s == "" {
		return nil
	}
	bad := func(why string) error {
		return ErrInvalidHost.Wrapf("health endpoint %q: %s", s, why)
	}
	if len(s) > MaxHealthEndpointLen {
		return ErrInvalidHost.Wrapf("health endpoint longer than %d bytes", MaxHealthEndpointLen)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return bad("want printable ASCII without spaces")
		}
		if s[i] == '?' || s[i] == '#' {
			return bad("no query or fragment")
		}
	}
	var rest string
	switch {
	case len(s) > len("http://") && s[:len("http://")] == "http://":
		rest = s[len("http://"):]
	case len(s) > len("https://") && s[:len("https://")] == "https://":
		rest = s[len("https://"):]
	default:
		return bad("want an http:// or https:// URL")
	}
	authority := rest
	for i := 0; i < len(rest); i++ {
		if rest[i] == '/' {
			authority = rest[:i]
			break
		}
	}
	var host, port string
	if len(authority) > 0 && authority[0] == '[' {
		end := -1
		for i := 1; i < len(authority); i++ {
			if authority[i] == ']' {
				end = i
				break
			}
		}
		if end < 0 || end+1 >= len(authority) || authority[end+1] != ':' {
			return bad("want [ipv6]:port")
		}
		host, port = authority[1:end], authority[end+2:]
		for i := 0; i < len(host); i++ {
			c := host[i]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.') {
				return bad("bad IPv6 literal")
			}
		}
		if len(host) < 2 {
			return bad("bad IPv6 literal")
		}
	} else {
		colon := -1
		for i := 0; i < len(authority); i++ {
			if authority[i] == ':' {
				if colon >= 0 {
					return bad("want host:port (IPv6 in brackets)")
				}
				colon = i
			}
		}
		if colon < 0 {
			return bad("want an explicit port (host:port)")
		}
		host, port = authority[:colon], authority[colon+1:]
		if host == "" {
			return bad("empty host")
		}
		for i := 0; i < len(host); i++ {
			c := host[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
				return bad("host: want a DNS name or IPv4 address (no user info)")
			}
		}
	}
	if len(port) == 0 || len(port) > 5 {
		return bad("port: want 1..65535")
	}
	n := 0
	for i := 0; i < len(port); i++ {
		if port[i] < '0' || port[i] > '9' {
			return bad("port: want 1..65535")
		}
		n = n*10 + int(port[i]-'0')
	}
	if n < 1 || n > 65535 {
		return bad("port: want 1..65535")
	}
	return nil
}

// ValidateCID accepts exactly the image CIDs the artifact store can store and pin:
// cidcalc.Validate, the one rule every module and the store share (CIDv0 or CIDv1, dag-pb or
// raw, sha2-256, at most cidcalc.MaxCIDLength characters, no padding).
func ValidateCID(s string) error {
	if err := cidcalc.Validate(s); err != nil {
		return ErrInvalidCID.Wrap(err.Error())
	}
	return nil
}

// ValidateResources checks 0 < cpu, memory; everything within max.
func ValidateResources(r, max Resources, what string) error {
	if r.CpuMillis == 0 || r.MemoryMib == 0 {
		return ErrInvalidResources.Wrapf("%s: cpu_millis and memory_mib must be positive", what)
	}
	if r.CpuMillis > max.CpuMillis || r.MemoryMib > max.MemoryMib || r.DiskGib > max.DiskGib || r.Gpus > max.Gpus {
		return ErrInvalidResources.Wrapf("%s: %s exceeds max %s", what, r.Describe(), max.Describe())
	}
	return nil
}

// ValidateConstraints checks a VM's constraints syntactically.
func ValidateConstraints(c Constraints, maxLabels uint32) error {
	if len(c.AllowedRegions) > MaxRegionsVM {
		return ErrInvalidConstraints.Wrapf("%d allowed regions > %d", len(c.AllowedRegions), MaxRegionsVM)
	}
	for i, r := range c.AllowedRegions {
		if !isToken(r, MaxRegionLen) {
			return ErrInvalidConstraints.Wrapf("allowed region %q", r)
		}
		if i > 0 && c.AllowedRegions[i-1] >= r {
			return ErrInvalidConstraints.Wrap("allowed_regions must be sorted without duplicates")
		}
	}
	if err := ValidateLabels(c.RequiredLabels, maxLabels); err != nil {
		return ErrInvalidConstraints.Wrapf("required labels: %s", err.Error())
	}
	if c.AntiAffinityGroup != "" && !isToken(c.AntiAffinityGroup, MaxNameLen) {
		return ErrInvalidConstraints.Wrapf("anti-affinity group %q", c.AntiAffinityGroup)
	}
	if len(c.MaxLatency) > MaxLatencyBnds {
		return ErrInvalidConstraints.Wrapf("%d latency bounds > %d", len(c.MaxLatency), MaxLatencyBnds)
	}
	for i, b := range c.MaxLatency {
		if !isToken(b.Region, MaxRegionLen) || b.MaxUs <= 0 {
			return ErrInvalidConstraints.Wrapf("latency bound %q <= %d µs", b.Region, b.MaxUs)
		}
		if i > 0 && c.MaxLatency[i-1].Region >= b.Region {
			return ErrInvalidConstraints.Wrap("max_latency must be sorted by region without duplicates")
		}
	}
	return nil
}

// Add returns r + o.
func (r Resources) Add(o Resources) Resources {
	return Resources{CpuMillis: r.CpuMillis + o.CpuMillis, MemoryMib: r.MemoryMib + o.MemoryMib,
		DiskGib: r.DiskGib + o.DiskGib, Gpus: r.Gpus + o.Gpus}
}

// Sub returns r - o; the caller guarantees o ≤ r.
func (r Resources) Sub(o Resources) Resources {
	return Resources{CpuMillis: r.CpuMillis - o.CpuMillis, MemoryMib: r.MemoryMib - o.MemoryMib,
		DiskGib: r.DiskGib - o.DiskGib, Gpus: r.Gpus - o.Gpus}
}

// Fits reports whether r ≤ o in every dimension.
func (r Resources) Fits(o Resources) bool {
	return r.CpuMillis <= o.CpuMillis && r.MemoryMib <= o.MemoryMib && r.DiskGib <= o.DiskGib && r.Gpus <= o.Gpus
}

// Free is the unallocated part of a host.
func (h Host) Free() Resources { return h.Capacity.Sub(h.Allocated) }

// Describe renders resources for messages and audit reasons.
func (r Resources) Describe() string {
	return fmt.Sprintf("cpu=%dm mem=%dMiB disk=%dGiB gpus=%d", r.CpuMillis, r.MemoryMib, r.DiskGib, r.Gpus)
}
