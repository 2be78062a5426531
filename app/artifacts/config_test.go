package artifacts_test

import (
	"bytes"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/spf13/viper"
	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/app/artifacts"
)

// The template must render and read back (through viper, as the SDK
// does) to the same Config.
func TestConfigTemplateRoundTrip(t *testing.T) {
	for _, cfg := range []artifacts.Config{
		artifacts.DefaultConfig(),
		{
			Enable: false, Backend: artifacts.BackendKubo, DataDir: "/var/lib/artifacts",
			ListenAddrs:  []string{"/ip4/127.0.0.1/tcp/4111"},
			Peers:        []string{"/ip4/127.0.0.1/tcp/4121/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"},
			KuboAPI:      "/ip4/127.0.0.1/tcp/5001",
			FetchTimeout: 90 * time.Second, APIAddr: "127.0.0.1:5111", Sync: false,
			ChainPinsInterval: 0, // disabled: renders "0s"
		},
	} {
		var buf bytes.Buffer
		tmpl := template.Must(template.New("app").Parse(artifacts.ConfigTemplate))
		require.NoError(t, tmpl.Execute(&buf, struct{ Artifacts artifacts.Config }{cfg}))
		v := viper.New()
		v.SetConfigType("toml")
		require.NoError(t, v.ReadConfig(&buf), buf.String())
		got, err := artifacts.ReadConfig(v)
		require.NoError(t, err)
		require.Equal(t, cfg, got)
	}
	// Missing section: defaults.
	got, err := artifacts.ReadConfig(viper.New())
	require.NoError(t, err)
	require.Equal(t, artifacts.DefaultConfig(), got)
}

func TestConfigValidate(t *testing.T) {
	require.NoError(t, artifacts.DefaultConfig().Validate())
	bad := func(mut func(*artifacts.Config), want string) {
		t.Helper()
		c := artifacts.DefaultConfig()
		mut(&c)
		err := c.Validate()
		require.Error(t, err)
		require.True(t, strings.Contains(err.Error(), want), err.Error())
	}
	bad(func(c *artifacts.Config) { c.APIAddr = "0.0.0.0:5101" }, "not a loopback")
	bad(func(c *artifacts.Config) { c.Backend = "s3" }, `backend "s3"`)
	bad(func(c *artifacts.Config) { c.Peers = []string{"/ip4/10.0.0.1/tcp/4101"} }, "no /p2p/")
	bad(func(c *artifacts.Config) { c.ListenAddrs = []string{"tcp://0.0.0.0:1"} }, "listen-addrs")
	bad(func(c *artifacts.Config) { c.FetchTimeout = 0 }, "fetch-timeout")
	bad(func(c *artifacts.Config) { c.ChainPinsInterval = -time.Second }, "chain-pins-interval")
	bad(func(c *artifacts.Config) { c.Backend = artifacts.BackendKubo; c.KuboAPI = "ftp://x" }, "kubo-api")
	// Disabled: nothing else is checked.
	c := artifacts.DefaultConfig()
	c.Enable, c.Backend = false, "s3"
	require.NoError(t, c.Validate())
}
