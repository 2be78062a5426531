package app

import (
	sdk "github.com/cosmos/cosmos-sdk/types"
)

const (
	// AppName is the name of the application in logs and the version string.
	AppName = "novacron"
	// Bech32Prefix is the account address prefix; validators use novavaloper, consensus keys novavalcons.
	Bech32Prefix = "nova"
	// BondDenom is the staking and fee denomination.
	BondDenom = "unova"
	// DefaultChainID is the chain id of the local network.
	DefaultChainID = "novacron-local-1"
	// CoinType is the BIP-44 coin type used for key derivation (Cosmos' 118).
	CoinType = 118
)

// SetConfig installs NovaCron's address prefixes and bond denom into the SDK's global config.
// It is idempotent and must run before any address is parsed.
func SetConfig() {
	cfg := sdk.GetConfig()
	if cfg.GetBech32AccountAddrPrefix() == Bech32Prefix {
		return
	}
	cfg.SetBech32PrefixForAccount(Bech32Prefix, Bech32Prefix+sdk.PrefixPublic)
	cfg.SetBech32PrefixForValidator(Bech32Prefix+sdk.PrefixValidator+sdk.PrefixOperator, Bech32Prefix+sdk.PrefixValidator+sdk.PrefixOperator+sdk.PrefixPublic)
	cfg.SetBech32PrefixForConsensusNode(Bech32Prefix+sdk.PrefixValidator+sdk.PrefixConsensus, Bech32Prefix+sdk.PrefixValidator+sdk.PrefixConsensus+sdk.PrefixPublic)
	cfg.SetCoinType(CoinType)
	sdk.DefaultBondDenom = BondDenom
}
