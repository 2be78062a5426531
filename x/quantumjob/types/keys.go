package types

import "cosmossdk.io/collections"

const (
	ModuleName = "quantumjob"
	StoreKey   = ModuleName
)

var (
	ParamsKey      = collections.NewPrefix(0)
	NextJobIDKey   = collections.NewPrefix(1)
	JobsKey        = collections.NewPrefix(2)
	ResultsKey     = collections.NewPrefix(3)
	QueueKey       = collections.NewPrefix(4)
	JobsByOwnerKey = collections.NewPrefix(5)
	QueueSizeKey   = collections.NewPrefix(6)
)
