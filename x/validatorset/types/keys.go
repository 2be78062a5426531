package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the name of the module and of its store.
	ModuleName = "validatorset"
	// StoreKey is the KV store key of the module.
	StoreKey = ModuleName
)

var (
	// OperatorsKey prefixes the allowlist: operator address -> AllowedOperator.
	OperatorsKey = collections.NewPrefix(0)
)
