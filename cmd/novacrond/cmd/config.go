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
	// goleveldb returns nil for an empty value, which IAVL v1 reads as a missing empty-tree root:
	// a never-written store (authz, feegrant, evidence) then fails queries and restarts.
	// PebbleDB returns an empty slice, so the application DB defaults to it.
	srvCfg.AppDBBackend = "pebbledb"
	return serverconfig.DefaultConfigTemplate, *srvCfg
}
