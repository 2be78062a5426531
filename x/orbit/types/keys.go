package types

import "cosmossdk.io/collections"

const (
	ModuleName = "orbit"
	StoreKey   = ModuleName
)

var (
	ParamsKey         = collections.NewPrefix(0)
	ConstellationsKey = collections.NewPrefix(1)
	RegionsKey        = collections.NewPrefix(2)
	SnapshotKey       = collections.NewPrefix(3)
	SnapshotRowsKey   = collections.NewPrefix(4)
)
