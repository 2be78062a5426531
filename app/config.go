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
	// DefaultBlockMaxGas is the block gas limit `novacrond init` writes (consensus.params.block.
	// max_gas). Engine gas is 10 steps of metered work, so a block's DeliverTx engine work is
	// at most 5*10^8 steps (~0.6-1.2 s); the largest quantum job (~27M gas for a measured
	// QFT-20 with 1024 shots) fits, as do ~700 bank sends.
	DefaultBlockMaxGas = 50_000_000
	// DefaultQueryGasLimit is app.toml's query-gas-limit default: one query can do at most
	// this much metered work (an orbit route over the largest network fits).
	DefaultQueryGasLimit = 10_000_000
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
