package cmd

import (
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	serverconfig "github.com/cosmos/cosmos-sdk/server/config"

	"github.com/novacron/novacron/app"
)

// initCometBFTConfig sets NovaCron's CometBFT defaults: one-second blocks.
func initCometBFTConfig() *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	cfg.Consensus.TimeoutCommit = time.Second
	return cfg
}

// initAppConfig sets app.toml defaults; validators may override min gas prices.
func initAppConfig() (string, any) {
	srvCfg := serverconfig.DefaultConfig()
	srvCfg.MinGasPrices = "0.001" + app.BondDenom
	return serverconfig.DefaultConfigTemplate, *srvCfg
}
