package cmd

import (
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	serverconfig "github.com/cosmos/cosmos-sdk/server/config"

	"github.com/novacron/novacron/app"
	"github.com/novacron/novacron/app/artifacts"
	"github.com/novacron/novacron/app/heal"
)

// initCometBFTConfig sets NovaCron's CometBFT defaults: one-second blocks.
func initCometBFTConfig() *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	cfg.Consensus.TimeoutCommit = time.Second
	return cfg
}

// AppConfig is app.toml: the SDK's sections plus [artifacts] and [heal].
type AppConfig struct {
	serverconfig.Config `mapstructure:",squash"`

	Artifacts artifacts.Config `mapstructure:"artifacts"`
	Heal      heal.Config      `mapstructure:"heal"`
}

// initAppConfig sets app.toml defaults; validators may override min gas prices.
func initAppConfig() (string, any) {
	srvCfg := serverconfig.DefaultConfig()
	srvCfg.MinGasPrices = "0.001" + app.BondDenom
	// goleveldb returns nil for an empty value, which IAVL v1 reads as a missing empty-tree root:
	// a never-written store (authz, feegrant, evidence) then fails queries and restarts.
	// PebbleDB returns an empty slice, so the application DB defaults to it.
	srvCfg.AppDBBackend = "pebbledb"
	// Queries run engines too (orbit networks, routes): bound each one's gas, hence its work.
	srvCfg.QueryGasLimit = app.DefaultQueryGasLimit
	return serverconfig.DefaultConfigTemplate + artifacts.ConfigTemplate + heal.ConfigTemplate,
		AppConfig{Config: *srvCfg, Artifacts: artifacts.DefaultConfig(), Heal: heal.DefaultConfig()}
}
