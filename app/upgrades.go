package app

import (
	"context"
	"fmt"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"

	healtypes "github.com/novacron/novacron/x/heal/types"
)

// Upgrade describes one named software upgrade: the in-place migration and the stores it adds or removes.
// The name must equal the name of the governance upgrade plan (and cosmovisor's upgrades/<name>/ folder).
type Upgrade struct {
	Name          string
	StoreUpgrades storetypes.StoreUpgrades
	// Handler defaults to running every module's registered migrations.
	Handler func(ctx context.Context, app *App, plan upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error)
}

// Upgrades is the registry of upgrades this binary knows; append the next one here.
var Upgrades = []Upgrade{
	// v2-heal adds x/heal's store; the default handler's migrations run its InitGenesis (default params).
	{Name: "v2-heal", StoreUpgrades: storetypes.StoreUpgrades{Added: []string{healtypes.StoreKey}}},
}

func (app *App) registerUpgradeHandlers() {
	for _, u := range Upgrades {
		u := u
		app.UpgradeKeeper.SetUpgradeHandler(u.Name, func(ctx context.Context, plan upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
			if u.Handler != nil {
				return u.Handler(ctx, app, plan, fromVM)
			}
			return app.ModuleManager.RunMigrations(ctx, app.configurator, fromVM)
		})
	}
	info, err := app.UpgradeKeeper.ReadUpgradeInfoFromDisk()
	if err != nil {
		panic(fmt.Errorf("read upgrade info: %w", err))
	}
	if info.Name == "" || app.UpgradeKeeper.IsSkipHeight(info.Height) {
		return
	}
	for _, u := range Upgrades {
		if u.Name == info.Name {
			su := u.StoreUpgrades
			app.SetStoreLoader(upgradetypes.UpgradeStoreLoader(info.Height, &su))
		}
	}
}
