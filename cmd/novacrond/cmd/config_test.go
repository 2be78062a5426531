package cmd

import (
	"bytes"
	"testing"
	"text/template"

	"github.com/spf13/viper"
	"github.com/stretchr/testify/require"

	"github.com/novacron/novacron/app/artifacts"
	"github.com/novacron/novacron/app/heal"
)

// The app.toml a new node gets renders, and its custom sections read back as their defaults.
func TestAppTomlCustomSections(t *testing.T) {
	tmpl, cfg := initAppConfig()
	var buf bytes.Buffer
	require.NoError(t, template.Must(template.New("app.toml").Parse(tmpl)).Execute(&buf, cfg))
	v := viper.New()
	v.SetConfigType("toml")
	require.NoError(t, v.ReadConfig(&buf))
	a, err := artifacts.ReadConfig(v)
	require.NoError(t, err)
	require.Equal(t, artifacts.DefaultConfig(), a)
	h, err := heal.ReadConfig(v)
	require.NoError(t, err)
	require.Equal(t, heal.DefaultConfig(), h)
	require.Equal(t, "800ms", v.GetString("heal.timeout"))
}
