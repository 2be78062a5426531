package app

import (
	"github.com/cosmos/cosmos-sdk/types/module"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
)

// baseGenesisAccounts makes every simulation account a base account. The SDK's
// authsims.RandomGenesisAccounts makes some of them vesting accounts, a type this app cannot
// decode: it has no x/auth/vesting, and InitChain would fail on the type URL.
func baseGenesisAccounts(simState *module.SimulationState) authtypes.GenesisAccounts {
	accs := make(authtypes.GenesisAccounts, len(simState.Accounts))
	for i, acc := range simState.Accounts {
		accs[i] = authtypes.NewBaseAccountWithAddress(acc.Address)
	}
	return accs
}
