package keeper

// SetNetworkBuildHook makes every network cache miss call f(constellation) in the middle of
// its build, outside the cache lock (nil: no hook).
func SetNetworkBuildHook(k Keeper, f func(constellation string)) {
	k.networks.mu.Lock()
	defer k.networks.mu.Unlock()
	k.networks.onBuild = f
}

// CachedNetworks is the number of networks in the cache.
func CachedNetworks(k Keeper) int {
	k.networks.mu.Lock()
	defer k.networks.mu.Unlock()
	return len(k.networks.nets)
}
