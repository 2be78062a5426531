package heal_test

import (
	"bytes"
	"strings"
	"testing"
	"text/template"
	"time"

	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	"github.com/spf13/viper"
	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/app/heal"
	"github.com/novacron/novacron/app/heal/prober"
)

func TestDefaults(t *testing.T) {
	c := heal.DefaultConfig()
	require.Equal(t, prober.Config{
		Enabled:           true,
		ProbeInterval:     time.Second,
		Timeout:           800 * time.Millisecond,
		LateThreshold:     300 * time.Millisecond,
		Concurrency:       16,
		EndpointOverrides: []string{},
		MaxResponseBytes:  64 << 10,
	}, c)
	require.NoError(t, c.Validate())
}

func render(t *testing.T, tmpl string, data any) *viper.Viper {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, template.Must(template.New("app").Parse(tmpl)).Execute(&buf, data))
	v := viper.New()
	v.SetConfigType("toml")
	require.NoError(t, v.ReadConfig(&buf), buf.String())
	return v
}

// The template must render and read back (through viper, as the SDK does) to the same Config.
func TestConfigTemplateRoundTrip(t *testing.T) {
	for _, cfg := range []heal.Config{
		heal.DefaultConfig(),
		{
			Enabled: true, ProbeInterval: 2500 * time.Millisecond, Timeout: 2 * time.Second,
			LateThreshold: 150 * time.Millisecond, Concurrency: 3,
			EndpointOverrides: []string{
				"h1=http://10.0.0.5:7070/hosts/h1/health",
				`Host-B=https://b.example:8443/hosts/Host-B/health?q="x"\y`, // case kept, quotes escaped
			},
			MaxResponseBytes: 1 << 20,
		},
		{
			Enabled: false, ProbeInterval: time.Minute, Timeout: time.Second, LateThreshold: 10 * time.Millisecond,
			Concurrency: 1, EndpointOverrides: []string{}, MaxResponseBytes: prober.MinResponseBytes,
		},
	} {
		v := render(t, heal.ConfigTemplate, struct{ Heal heal.Config }{cfg})
		got, err := heal.ReadConfig(v)
		require.NoError(t, err)
		require.Equal(t, cfg, got)
	}
	// Missing section: defaults.
	got, err := heal.ReadConfig(viper.New())
	require.NoError(t, err)
	require.Equal(t, heal.DefaultConfig(), got)
}

// The section fits in the SDK's app.toml (as cmd/novacrond renders it) without clashing keys.
func TestConfigTemplateInAppToml(t *testing.T) {
	type appConfig struct {
		serverconfig.Config `mapstructure:",squash"`
		Heal                heal.Config `mapstructure:"heal"`
	}
	cfg := heal.DefaultConfig()
	cfg.EndpointOverrides = []string{"h1=http://127.0.0.1:9/hosts/h1/health"}
	v := render(t, serverconfig.DefaultConfigTemplate+heal.ConfigTemplate, appConfig{Config: *serverconfig.DefaultConfig(), Heal: cfg})
	got, err := heal.ReadConfig(v)
	require.NoError(t, err)
	require.Equal(t, cfg, got)
}

func TestReadConfigErrors(t *testing.T) {
	for key, val := range map[string]any{
		"heal.probe-interval":     "soon",
		"heal.concurrency":        "many",
		"heal.enabled":            "perhaps",
		"heal.max-response-bytes": "big",
	} {
		v := viper.New()
		v.Set(key, val)
		_, err := heal.ReadConfig(v)
		require.Error(t, err, key)
		require.Contains(t, err.Error(), strings.TrimPrefix(key, "heal."))
	}
	v := viper.New()
	v.Set("heal.timeout", "100ms") // below the default late threshold
	_, err := heal.ReadConfig(v)
	require.ErrorContains(t, err, "late-threshold 300ms must be below timeout 100ms")
}

func TestConfigValidate(t *testing.T) {
	bad := func(mut func(*heal.Config), want string) {
		t.Helper()
		c := heal.DefaultConfig()
		mut(&c)
		err := c.Validate()
		require.Error(t, err)
		require.Contains(t, err.Error(), "invalid [heal] config")
		require.Contains(t, err.Error(), want)
	}
	bad(func(c *heal.Config) { c.ProbeInterval = 0 }, "probe-interval 0s must be positive")
	bad(func(c *heal.Config) { c.Timeout = -time.Second }, "timeout -1s must be positive")
	bad(func(c *heal.Config) { c.LateThreshold = 0 }, "late-threshold 0s must be positive")
	bad(func(c *heal.Config) { c.LateThreshold = c.Timeout }, "must be below timeout")
	bad(func(c *heal.Config) { c.Concurrency = 0 }, "concurrency 0 must be in [1, 1024]")
	bad(func(c *heal.Config) { c.Concurrency = 5000 }, "concurrency 5000")
	bad(func(c *heal.Config) { c.MaxResponseBytes = 10 }, "max-response-bytes 10")
	bad(func(c *heal.Config) { c.MaxResponseBytes = 1 << 30 }, "max-response-bytes")
	bad(func(c *heal.Config) { c.EndpointOverrides = []string{"h1"} }, "want host-id=url")
	bad(func(c *heal.Config) { c.EndpointOverrides = []string{"=http://x"} }, "want host-id=url")
	bad(func(c *heal.Config) { c.EndpointOverrides = []string{"h1=http://a", "h1=http://b"} }, `host "h1" given twice`)
	bad(func(c *heal.Config) { c.EndpointOverrides = []string{"h1=ftp://a/x"} }, "scheme must be http or https")
	bad(func(c *heal.Config) { c.EndpointOverrides = []string{"h1=http:///x"} }, "has no host")
	bad(func(c *heal.Config) { c.EndpointOverrides = []string{"h1=http://a/\x01"} }, "unprintable")
	// Every error at once.
	c := heal.DefaultConfig()
	c.ProbeInterval, c.Concurrency = 0, 0
	err := c.Validate()
	require.ErrorContains(t, err, "probe-interval")
	require.ErrorContains(t, err, "concurrency")
	// Disabled: nothing else is checked.
	c.Enabled = false
	require.NoError(t, c.Validate())
}

func TestParseOverrides(t *testing.T) {
	m, err := prober.ParseOverrides([]string{" h1 = http://a:1/x ", "H1=https://b/y"})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"h1": "http://a:1/x", "H1": "https://b/y"}, m)
	require.Equal(t, []string{"H1=https://b/y", "h1=http://a:1/x"}, prober.FormatOverrides(m))
}
